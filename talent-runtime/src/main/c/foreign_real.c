/* foreign_real.c: mmap, mmap64, munmap, mremap, mprotect (heap_mapping.c's), l64a, ether_ntoa, ecvt and fcvt's C library functions that foreign.c calls through
 * __real_ names, for a program linked without the -Wl,--wrap flags of RuntimeLibrary.WRAPPED_OTHER (a test harness
 * linked by hand), as libc_real.c is for libc_state.c. Under --wrap the linker turns those references into the C
 * library's functions and this file is never pulled out of libtalent.a. */

/* mmap's own off_t: 32 bits in glibc's i686 "mmap" (foreign.c declares it so too) */
#define _FILE_OFFSET_BITS 32
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/mman.h>

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...);

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
void *__real_mremap(void *old, size_t old_len, size_t new_len, int flags, ...);

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    return mmap(addr, len, prot, flags, fd, off);
}

int __real_munmap(void *addr, size_t len)
{
    return munmap(addr, len);
}

int __real_mprotect(void *addr, size_t len, int prot);

int __real_mprotect(void *addr, size_t len, int prot)
{
    return mprotect(addr, len, prot);
}

void *__real_mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
    void *to = NULL;
    if (flags & 2) {    /* MREMAP_FIXED: the new address follows */
        va_list ap;
        va_start(ap, flags);
        to = va_arg(ap, void *);
        va_end(ap);
        return mremap(old, old_len, new_len, flags, to);
    }
    return mremap(old, old_len, new_len, flags);
}

#ifdef __GLIBC__
void *mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off);
void *__real_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off);

void *__real_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
    return mmap64(addr, len, prot, flags, fd, off);
}
#endif

struct ether_addr;
char *l64a(long v);
char *ether_ntoa(const struct ether_addr *a);
struct ether_addr *ether_aton(const char *text);
struct ether_addr *__real_ether_aton(const char *text);

struct ether_addr *__real_ether_aton(const char *text)
{
    return ether_aton(text);
}

struct lconv;
struct lconv *localeconv(void);
struct lconv *__real_localeconv(void);

struct lconv *__real_localeconv(void)
{
    return localeconv();
}

char *__real_l64a(long v);
char *__real_ether_ntoa(const struct ether_addr *a);

char *__real_l64a(long v)
{
    return l64a(v);
}

char *__real_ether_ntoa(const struct ether_addr *a)
{
    return ether_ntoa(a);
}

char *ecvt(double x, int n, int *decpt, int *sign);
char *fcvt(double x, int n, int *decpt, int *sign);
char *__real_ecvt(double x, int n, int *decpt, int *sign);
char *__real_fcvt(double x, int n, int *decpt, int *sign);

char *__real_ecvt(double x, int n, int *decpt, int *sign)
{
    return ecvt(x, n, decpt, sign);
}

char *__real_fcvt(double x, int n, int *decpt, int *sign)
{
    return fcvt(x, n, decpt, sign);
}
