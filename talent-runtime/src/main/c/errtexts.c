/* errtexts.c: glibc's texts of gai_strerror, hstrerror, herror and regerror on every platform (errtexts.h). The
 * texts are data generated from glibc (errtexts_data.h, by src/test/c/errtexts_gen.c), keyed by the codes' names:
 * the numbers are each platform's, glibc's where the C library lacks the name. */

#define _DEFAULT_SOURCE /* h_errno */
#include "errtexts.h"

#include <errno.h>
#include <netdb.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

struct tl_code_text {
    int code;
    const char *text;
};

#include "errtexts_data.h"

#define TL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *code_text(const struct tl_code_text *texts, size_t n, int code)
{
    for (size_t i = 0; i < n; i++)
        if (texts[i].code == code)
            return texts[i].text;
    return NULL;
}

__attribute__((weak)) const char *__wrap_gai_strerror(int code)
{
    const char *t = code_text(tl_gai_texts, TL_COUNT(tl_gai_texts), code);
    return t != NULL ? t : TL_GAI_UNKNOWN;
}

__attribute__((weak)) const char *__wrap_hstrerror(int code)
{
    if (code < 0)
        return TL_H_NEGATIVE;
    if (code == 0)
        return TL_H_ZERO;
    const char *t = code_text(tl_h_texts, TL_COUNT(tl_h_texts), code);
    return t != NULL ? t : TL_H_UNKNOWN;
}

__attribute__((weak)) void __wrap_herror(const char *s)
{
    int saved = errno;
    const char *t = __wrap_hstrerror(h_errno);
    struct iovec v[4];
    int n = 0;
    if (s != NULL && *s != '\0') {
        v[n].iov_base = (void *)s;
        v[n++].iov_len = strlen(s);
        v[n].iov_base = (void *)": ";
        v[n++].iov_len = 2;
    }
    v[n].iov_base = (void *)t;
    v[n++].iov_len = strlen(t);
    v[n].iov_base = (void *)"\n";
    v[n++].iov_len = 1;
    ssize_t written = writev(STDERR_FILENO, v, n); /* glibc writes once and ignores the result */
    (void)written;
    errno = saved;
}

__attribute__((weak)) size_t __wrap_regerror(int code, const regex_t *preg, char *buf, size_t size)
{
    (void)preg;
    const char *t = code_text(tl_reg_texts, TL_COUNT(tl_reg_texts), code);
    if (t == NULL)
        abort();
    size_t needed = strlen(t) + 1;
    if (size != 0) {
        size_t copied = needed;
        if (needed > size) {
            copied = size - 1;
            buf[copied] = '\0';
        }
        memcpy(buf, t, copied);
    }
    return needed;
}
