/* diag.c: messages on stderr (prefixed "talent: "), fatal exits with the runtime's exit codes, checked
 * allocation, and the platform name. */
#include "talent_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int tl_verbose;
const char *tl_platform;
int tl_fault;

static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
    fputs("talent: ", stderr);
    if (prefix)
        fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void tl_die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(NULL, fmt, ap);
    va_end(ap);
    /* not the program's own exit: no `exiting` event */
    tl_events_exit_owned();
    /* Output the program wrote before the failure is kept; exit() flushes stdio. */
    exit(code);
}

void tl_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("warning: ", fmt, ap);
    va_end(ap);
}

void tl_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(NULL, fmt, ap);
    va_end(ap);
}

void tl_info(const char *fmt, ...)
{
    va_list ap;
    if (!tl_verbose)
        return;
    va_start(ap, fmt);
    vmessage(NULL, fmt, ap);
    va_end(ap);
}

void *tl_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        tl_die(TL_EXIT_SOFTWARE, "out of memory (%lu bytes)", (unsigned long)n);
    return p;
}

void *tl_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        tl_die(TL_EXIT_SOFTWARE, "out of memory (%lu x %lu bytes)", (unsigned long)n, (unsigned long)size);
    return p;
}

void *tl_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        tl_die(TL_EXIT_SOFTWARE, "out of memory (%lu bytes)", (unsigned long)n);
    return q;
}

char *tl_xstrdup(const char *s)
{
    return tl_xstrndup(s, strlen(s));
}

char *tl_xstrndup(const char *s, size_t n)
{
    char *p = tl_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

const char *tl_default_platform(void)
{
#if defined(__x86_64__)
#define TL_ISA "x86_64"
#elif defined(__aarch64__)
#define TL_ISA "aarch64"
#elif defined(__s390x__)
#define TL_ISA "s390x"
#elif defined(__riscv) && defined(__riscv_xlen) && __riscv_xlen == 64
#define TL_ISA "riscv64"
#elif defined(__i386__)
#define TL_ISA "i686"
#else
#define TL_ISA "unknown"
#endif
#ifdef __GLIBC__
    return TL_ISA;
#else
    return TL_ISA "-musl";
#endif
}

double tl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
