/* strerror.c: glibc's texts of errno values and signals on every platform (strerror.h). The texts are data generated
 * from glibc (strerror_texts.h, by src/test/c/strerror_gen.c), keyed by name: the numbers are each platform's. */

#include "strerror.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "strerror_texts.h"

#define TL_COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* "Unknown error ", "Unknown signal " or "Real-time signal " and an int: the program's (strerror.h), and
 * tl_strerror's own */
struct tl_unknown_texts tl_unknown_texts;
static char unknown_own[TL_UNKNOWN_TEXT_MAX], unknown_own_signal[TL_UNKNOWN_TEXT_MAX];

/* The constant text of e, or NULL */
static const char *error_text(int e)
{
    if (e == 0)
        return TL_TEXT_SUCCESS;
    if (e < 0 || (size_t)e >= TL_COUNT(tl_errno_texts))
        return NULL;
    return tl_errno_texts[e];
}

/* The constant text of sig in glibc's table (not the real-time signals: psignal names them unknown), or NULL */
static const char *signal_text(int sig)
{
    if (sig <= 0 || (size_t)sig >= TL_COUNT(tl_signal_texts))
        return NULL;
    return tl_signal_texts[sig];
}

/* e's text, "Unknown error N" written into buf when it has none */
static char *text_or_unknown(int e, char *buf, size_t n)
{
    int saved = errno;
    const char *t = error_text(e);
    if (t == NULL) {
        /* NULs after the text, as a carried buffer must hold (FORMAT.md) */
        memset(buf, 0, n);
        snprintf(buf, n, "%s%d", TL_TEXT_UNKNOWN_ERROR, e);
        t = buf;
    }
    errno = saved;
    return (char *)t;
}

char *tl_strerror(int e)
{
    return text_or_unknown(e, unknown_own, sizeof unknown_own);
}

__attribute__((weak)) char *__wrap_strerror(int e)
{
    return text_or_unknown(e, tl_unknown_texts.error, sizeof tl_unknown_texts.error);
}

__attribute__((weak)) char *__wrap_strerror_l(int e, void *locale)
{
    (void)locale;
    return __wrap_strerror(e);
}

__attribute__((weak)) int __wrap___xpg_strerror_r(int e, char *buf, size_t n)
{
    int saved = errno;
    const char *t = error_text(e);
    if (t == NULL) {
        snprintf(buf, n, "%s%d", TL_TEXT_UNKNOWN_ERROR, e);
        errno = saved;
        return EINVAL;
    }
    size_t len = strlen(t);
    if (n > 0) {
        size_t copied = len < n - 1 ? len : n - 1;
        memcpy(buf, t, copied);
        buf[copied] = '\0';
    }
    errno = saved;
    return n <= len ? ERANGE : 0;
}

#ifdef __GLIBC__
__attribute__((weak)) char *__wrap_strerror_r(int e, char *buf, size_t n)
{
    int saved = errno;
    const char *t = error_text(e);
    if (t == NULL) {
        snprintf(buf, n, "%s%d", TL_TEXT_UNKNOWN_ERROR, e);
        t = buf;
    }
    errno = saved;
    return (char *)t;
}
#else
__attribute__((weak)) int __wrap_strerror_r(int e, char *buf, size_t n)
{
    return __wrap___xpg_strerror_r(e, buf, n);
}
#endif

/* sig's text, "Real-time signal N" or "Unknown signal N" written into buf (of TL_UNKNOWN_TEXT_MAX) when it has none */
static char *signal_or_unknown(int sig, char *buf)
{
    int saved = errno;
    const char *t = signal_text(sig);
    if (t == NULL) {
        /* NULs after the text, as a carried buffer must hold (FORMAT.md) */
        memset(buf, 0, TL_UNKNOWN_TEXT_MAX);
        if (sig >= TL_GLIBC_SIGRTMIN && sig <= TL_GLIBC_SIGRTMAX)
            snprintf(buf, TL_UNKNOWN_TEXT_MAX, "%s%d", TL_TEXT_REALTIME_SIGNAL, sig - TL_GLIBC_SIGRTMIN);
        else
            snprintf(buf, TL_UNKNOWN_TEXT_MAX, "%s%d", TL_TEXT_UNKNOWN_SIGNAL, sig);
        t = buf;
    }
    errno = saved;
    return (char *)t;
}

const char *tl_strsignal(int sig)
{
    return signal_or_unknown(sig, unknown_own_signal);
}

__attribute__((weak)) char *__wrap_strsignal(int sig)
{
    return signal_or_unknown(sig, tl_unknown_texts.signal);
}

__attribute__((weak)) void __wrap_psignal(int sig, const char *s)
{
    int saved = errno;
    const char *colon = ": ";
    if (s == NULL || *s == '\0')
        s = colon = "";
    const char *t = signal_text(sig);
    if (t != NULL)
        fprintf(stderr, "%s%s%s\n", s, colon, t);
    else
        fprintf(stderr, "%s%s%s%d\n", s, colon, TL_TEXT_UNKNOWN_SIGNAL, sig);
    errno = saved;
}
