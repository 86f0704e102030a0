/* strerror_check.c: prints the texts of errno values and signals through every function that gives them (strerror,
 * strerror_l, strerror_r in the form the headers declare, strsignal, psignal, perror, warn/vwarn/err and printf's %m)
 * and what each does with errno and a short buffer. StrerrorIT runs it linked with strerror.c under the link's
 * -Wl,--wrap flags on each platform, and compares with glibc's own run (plain gcc, no wrap). */
#include <err.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const int some[] = {-4095, -1, 0, 1, 2, 11, 22, 34, 41, 58, 75, 95, 122, 133, 134, 200, 4096};
#define SOME (int)(sizeof some / sizeof some[0])

/* buf's bytes up to the first unwritten one ('#') */
static void show(const char *buf, size_t size)
{
    putchar('[');
    for (size_t i = 0; i < size && buf[i] != '#'; i++)
        putchar(buf[i] == '\0' ? '0' : buf[i]);
    puts("]");
}

static void call_vwarn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0); /* stdout and stderr in the order they were written, on every C library */
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    for (int e = -3; e <= 140; e++) {
        errno = 7;
        const char *s = strerror(e);
        int after = errno;
        printf("strerror %d %s errno %d | strerror_l %s\n", e, s, after, strerror_l(e, c));
    }
    freelocale(c);
    for (int i = 0; i < SOME; i++) {
        for (size_t n = 0; n <= 40; n += (n < 12 ? 1 : 7)) {
            char buf[64];
            memset(buf, '#', sizeof buf);
            errno = 7;
#if defined(_GNU_SOURCE) && defined(__GLIBC__)
            const char *r = strerror_r(some[i], buf, n);
            printf("strerror_r %d %zu: returns %s buf %d errno %d ", some[i], n, r == buf ? "buf" : r, r == buf, errno);
#else
            int r = strerror_r(some[i], buf, n);
            printf("strerror_r %d %zu: returns %d errno %d ", some[i], n, r, errno);
#endif
            show(buf, sizeof buf);
        }
    }
    for (int s = -2; s <= 70; s++) {
        errno = 7;
        const char *t = strsignal(s);
        printf("strsignal %d %s errno %d\n", s, t, errno);
        psignal(s, "psignal");
        psignal(s, s % 2 ? NULL : "");
    }
    for (int i = 0; i < SOME; i++) {
        errno = some[i];
        perror("perror");
        errno = some[i];
        perror(i % 2 ? NULL : "");
        errno = some[i];
        printf("%%m %d: %m\n", some[i]);
        errno = some[i];
        warn("warn %d", some[i]);
        errno = some[i];
        warn(NULL);
        errno = some[i];
        call_vwarn("vwarn %d", some[i]);
        warnx("warnx %d", some[i]);
    }
    errno = EOVERFLOW;
    err(3, "err");
}
