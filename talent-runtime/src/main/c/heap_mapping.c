/*
 * The program's anonymous private read-write mappings, carried as heap blocks (heap_mapping.h).
 *
 * mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) maps one page more than asked, in front:
 * the block's 16-byte header ends that page, and the program gets the page-aligned address after it, n bytes that
 * are a heap block (TL_HDR_MAPPING) of position "mmap@<P>:?" (P this platform's page size) and of no element type, so
 * that a checkpoint types it from the pointers that reference it, as any block allocated where talent saw no type
 * (heap_write.c), and writes it as any block. A restore maps a fresh one (tl_heap_mapping_restore). munmap and mremap
 * of the whole mapping unmap or move it with its header page; every other mapping, and a carried one that is cut
 * (munmap or mremap of a part, MAP_FIXED over a part) or whose protection changes (mprotect other than read-write on
 * any part), is listed in foreign.c and a pointer into it refuses a checkpoint by name.
 */
/* mmap's own off_t: 32 bits in glibc's i686 "mmap", 64 in its "mmap64" and everywhere in musl */
#define _FILE_OFFSET_BITS 32
/* MAP_ANONYMOUS (glibc and musl declare it under _DEFAULT_SOURCE) */
#define _DEFAULT_SOURCE 1
#include "heap_mapping.h"
#include "foreign.h"
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/mman.h>
#include <unistd.h>

#define TL_WEAK __attribute__((weak))
#define RW (PROT_READ | PROT_WRITE)
#define MAX_CARRIED 1024
#define MIN_PAGE 4096u
#define MAX_PAGE 65536u

static tl_hdr *carried[MAX_CARRIED];
static unsigned ncarried;
static size_t page_size;
static char pos_text[32];

/* This platform's page size; 0 when it is none a position can name (nothing is carried then) */
static size_t page(void)
{
    if (!page_size) {
        long p = sysconf(_SC_PAGESIZE);
        if (p >= (long)MIN_PAGE && p <= (long)MAX_PAGE && (p & (p - 1)) == 0)
            page_size = (size_t)p;
    }
    return page_size;
}

/* n rounded up to whole pages of P; (size_t)-1 when that does not fit beside a header page */
static size_t rounded(size_t n, size_t P)
{
    if (n > (size_t)-1 - 2 * P)
        return (size_t)-1;
    return (n + P - 1) & ~(P - 1);
}

const char *tl_heap_mapping_pos(void)
{
    if (!pos_text[0])
        snprintf(pos_text, sizeof pos_text, "mmap@%lu:?", (unsigned long)page());
    return pos_text;
}

size_t tl_heap_mapping_site_page(const char *pos, size_t len)
{
    size_t i = 0, p = tl_position_pow2(pos, len, "mmap@", MIN_PAGE, MAX_PAGE, &i);
    if (p == 0 || p == (size_t)-1)
        return p;
    return len == i + 2 && pos[i] == ':' && pos[i + 1] == '?' ? p : (size_t)-1;
}

int tl_heap_mapping_start(const void *p)
{
    unsigned i;
    for (i = 0; i < ncarried; i++)
        if (tl_hdr_addr(carried[i]) == (uintptr_t)p)
            return 1;
    return 0;
}

static size_t mapped_len(const tl_hdr *h)
{
    return rounded(tl_hdr_size(h), page());
}

static void set_size(tl_hdr *h, size_t size)
{
    h->size_lo = (uint32_t)size;
#if SIZE_MAX > 0xFFFFFFFFu
    h->size_hi = (uint32_t)((uint64_t)size >> 32) | (h->size_hi & TL_HDR_FLAGS);
#else
    h->size_hi &= TL_HDR_FLAGS;
#endif
}

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
void *__real_mremap(void *old, size_t old_len, size_t new_len, int flags, ...);
int __real_mprotect(void *addr, size_t len, int prot);
TL_WEAK void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
TL_WEAK int __wrap_munmap(void *addr, size_t len);
TL_WEAK void *__wrap_mremap(void *old, size_t old_len, size_t new_len, int flags, ...);
TL_WEAK int __wrap_mprotect(void *addr, size_t len, int prot);

/* A new carried mapping of len bytes (user memory zero, fresh from the kernel): its start, MAP_FAILED (errno set), or
 * NULL when it cannot be carried here (no page size a position names, the list is full) */
static void *map_carried(size_t len, int flags)
{
    size_t P = page(), L;
    char *raw;
    tl_hdr *h;
    if (!P || ncarried == MAX_CARRIED || (L = rounded(len, P)) == (size_t)-1)
        return NULL;
    raw = __real_mmap(NULL, P + L, RW, flags, -1, 0);
    if (raw == MAP_FAILED)
        return raw;
    h = (tl_hdr *)(void *)(raw + P) - 1;
    tl_heap_track_mapping(h, len, tl_heap_site(tl_heap_mapping_pos(), NULL), tl_heap_mapping_release);
    carried[ncarried++] = h;
    return raw + P;
}

/* The carried mapping i becomes one of foreign.c's list, of kind TL_MAP_ANON | why: no longer a block, its header
 * page unmapped */
static void demote(unsigned i, int why)
{
    tl_hdr *h = carried[i];
    uintptr_t user = tl_hdr_addr(h);
    size_t L = mapped_len(h);
    tl_heap_untrack(h);
    carried[i] = carried[--ncarried];
    __real_munmap((char *)user - page(), page());
    tl_foreign_map_add(user, L, TL_MAP_ANON | why);
}

static int overlaps(const tl_hdr *h, uintptr_t a, size_t n)
{
    uintptr_t user = tl_hdr_addr(h);
    return a < user + mapped_len(h) && user < a + n;
}

/* Every carried mapping with a part in [a, a+n) becomes one of the list, of kind TL_MAP_ANON | why */
static void demote_overlapping(uintptr_t a, size_t n, int why)
{
    unsigned i = 0;
    while (i < ncarried)
        if (overlaps(carried[i], a, n))
            demote(i, why);
        else
            i++;
}

static size_t list_len(size_t n)
{
    size_t P = page() ? page() : MIN_PAGE;
    return n > (size_t)-1 - P ? n : (n + P - 1) & ~(P - 1);
}

static int carriable(const void *addr, size_t len, int prot, int flags, int64_t off)
{
    return addr == NULL && len > 0 && prot == RW && off == 0 &&
           (flags & ~(MAP_NORESERVE | MAP_POPULATE)) == (MAP_PRIVATE | MAP_ANONYMOUS);
}

static int kind_of(const void *addr, int prot, int flags)
{
    int kind = (flags & MAP_ANONYMOUS) ? TL_MAP_ANON : TL_MAP_FILE;
    if (flags & MAP_SHARED)
        kind |= TL_MAP_SHARED;
    if ((flags & MAP_FIXED) || addr)
        kind |= TL_MAP_FIXED;
    if (prot != RW)
        kind |= TL_MAP_PROT;
    return kind;
}

/* After the C library's mmap gave r for a mapping not carried: listed (over whatever was there) */
static void listed(void *addr, void *r, size_t len, int prot, int flags)
{
    demote_overlapping((uintptr_t)r, list_len(len), TL_MAP_CUT);   /* MAP_FIXED over a carried one */
    tl_foreign_map_remove((uintptr_t)r, list_len(len));
    tl_foreign_map_add((uintptr_t)r, list_len(len), kind_of(addr, prot, flags));
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    void *r;
    if (carriable(addr, len, prot, flags, (int64_t)off) && (r = map_carried(len, flags)) != NULL)
        return r;
    r = __real_mmap(addr, len, prot, flags, fd, off);
    if (r != MAP_FAILED)
        listed(addr, r, len, prot, flags);
    return r;
}

#ifdef __GLIBC__
void *__real_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off);
TL_WEAK void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off);

void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
    void *r;
    if (carriable(addr, len, prot, flags, off) && (r = map_carried(len, flags)) != NULL)
        return r;
    r = __real_mmap64(addr, len, prot, flags, fd, off);
    if (r != MAP_FAILED)
        listed(addr, r, len, prot, flags);
    return r;
}
#endif

int __wrap_munmap(void *addr, size_t len)
{
    uintptr_t a = (uintptr_t)addr;
    size_t n = list_len(len);
    unsigned i = 0;
    int r = __real_munmap(addr, len);
    if (r != 0)
        return r;
    while (i < ncarried) {
        tl_hdr *h = carried[i];
        uintptr_t user = tl_hdr_addr(h);
        if (!overlaps(h, a, n)) {
            i++;
        } else if (a <= user && a + n >= user + mapped_len(h)) {
            /* the whole mapping: its header page goes too */
            tl_heap_untrack(h);
            carried[i] = carried[--ncarried];
            __real_munmap((char *)user - page(), page());
        } else {
            demote(i, TL_MAP_CUT);
        }
    }
    tl_foreign_map_remove(a, n);
    return r;
}

#define TL_MREMAP_MAYMOVE 1 /* Linux's MREMAP_MAYMOVE (glibc declares it under _GNU_SOURCE) */
#define TL_MREMAP_FIXED 2   /* Linux's MREMAP_FIXED: a fifth argument, the new address */

/* A carried mapping that starts at old and that old_len covers whole: moved or resized with its header page, the
 * block's size new_len; MAP_FAILED (errno set) */
static void *remap_carried(unsigned i, size_t new_len, int flags)
{
    size_t P = page(), L = rounded(new_len, P);
    tl_hdr *h = carried[i];
    char *raw = (char *)tl_hdr_addr(h) - P, *r;
    r = __real_mremap(raw, P + mapped_len(h), P + L, flags);
    if (r == MAP_FAILED)
        return r;
    h = (tl_hdr *)(void *)(r + P) - 1;
    set_size(h, new_len);
    tl_heap_moved(h);
    carried[i] = h;
    return r + P;
}

void *__wrap_mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
    void *r, *to = NULL;
    int kind;
    unsigned i;
    if (flags & TL_MREMAP_FIXED) {
        va_list ap;
        va_start(ap, flags);
        to = va_arg(ap, void *);
        va_end(ap);
    }
    for (i = 0; i < ncarried; i++)
        if (tl_hdr_addr(carried[i]) == (uintptr_t)old)
            break;
    if (i < ncarried && (flags & ~TL_MREMAP_MAYMOVE) == 0 && new_len > 0 && old_len > 0 &&
            rounded(new_len, page()) != (size_t)-1 && list_len(old_len) == mapped_len(carried[i]))
        return remap_carried(i, new_len, flags);
    r = (flags & TL_MREMAP_FIXED) ? __real_mremap(old, old_len, new_len, flags, to)
                                  : __real_mremap(old, old_len, new_len, flags);
    if (r == MAP_FAILED)
        return r;
    /* a part of a carried mapping, or one moved to an address the program chose: listed from now on */
    demote_overlapping((uintptr_t)old, old_len ? list_len(old_len) : 1, TL_MAP_CUT);
    kind = tl_foreign_map_kind((uintptr_t)old);
    if (kind || old_len == 0) {
        if (old_len)
            tl_foreign_map_remove((uintptr_t)old, list_len(old_len));
        demote_overlapping((uintptr_t)r, list_len(new_len), TL_MAP_CUT);
        tl_foreign_map_remove((uintptr_t)r, list_len(new_len));
        tl_foreign_map_add((uintptr_t)r, list_len(new_len),
                           (kind ? kind : TL_MAP_ANON) | ((flags & TL_MREMAP_FIXED) ? TL_MAP_FIXED : 0));
    }
    return r;
}

int __wrap_mprotect(void *addr, size_t len, int prot)
{
    int r = __real_mprotect(addr, len, prot);
    if (r == 0 && prot != RW)
        demote_overlapping((uintptr_t)addr, list_len(len), TL_MAP_PROT);
    return r;
}

/* ---------------------------------------------------------------- checkpoint and restore */

const char *tl_heap_mapping_uncarried(const tl_hdr *h)
{
    static char why[256];
    const unsigned char *p = (const unsigned char *)tl_hdr_addr(h);
    size_t size = tl_hdr_size(h), L = mapped_len(h), k;
    for (k = size; k < L; k++)
        if (p[k]) {
            snprintf(why, sizeof why, "the anonymous memory mapping of %lu bytes (mmap) holds bytes the program wrote "
                     "after that length, in its last page (at byte %lu), which a restore with other sizes or another "
                     "page size would not keep", (unsigned long)size, (unsigned long)k);
            return why;
        }
    return NULL;
}

void *tl_heap_mapping_restore(size_t size, size_t writer_page, const talent_type *elem, uint32_t flags)
{
    size_t P = page(), L = P ? rounded(size, P) : (size_t)-1;
    char *raw;
    tl_hdr *h;
    if (!P || P < writer_page)
        tl_die_hook = NULL, /* this platform's pages, not a damaged file: no fallback */
        tl_die(TL_EXIT_DATAERR, "cannot restore an anonymous memory mapping of %lu bytes (mmap): it was aligned to "
               "the writer's pages of %lu bytes, and this platform's are %ld bytes", (unsigned long)size,
               (unsigned long)writer_page, sysconf(_SC_PAGESIZE));
    if (L == (size_t)-1)
        tl_die_hook = NULL, tl_die(TL_EXIT_DATAERR, "cannot restore an anonymous memory mapping of %lu bytes (mmap): "
               "it does not fit in this platform's address space", (unsigned long)size);
    if (ncarried == MAX_CARRIED)
        tl_die_hook = NULL, tl_die(TL_EXIT_DATAERR, "cannot restore more than %d anonymous memory mappings (mmap)",
               MAX_CARRIED);
    raw = __real_mmap(NULL, P + L, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        tl_die(TL_EXIT_SOFTWARE, "out of memory restoring an anonymous memory mapping of %lu bytes (mmap)",
               (unsigned long)size);
    h = (tl_hdr *)(void *)(raw + P) - 1;
    tl_heap_track_mapping(h, size, tl_heap_site(tl_heap_mapping_pos(), elem), tl_heap_mapping_release);
    h->size_hi |= flags & (TL_HDR_WEAK | TL_HDR_TRAILING);
    carried[ncarried++] = h;
    return raw + P;
}

void tl_heap_mapping_release(tl_hdr *h)
{
    unsigned i;
    size_t L = mapped_len(h);
    uintptr_t user = tl_hdr_addr(h);
    for (i = 0; i < ncarried && carried[i] != h; i++)
        ;
    if (i < ncarried)
        carried[i] = carried[--ncarried];
    tl_heap_untrack(h);
    __real_munmap((char *)user - page(), page() + L);
}
