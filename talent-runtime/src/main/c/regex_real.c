/* regex_real.c: regcomp and regfree for a program linked without -Wl,--wrap=regcomp,--wrap=regfree (a test harness
 * linked by hand), as exit_real.c is for atexit. Under --wrap the linker turns regexes.c's references to
 * __real_regcomp and __real_regfree into ones to the C library's functions, and this file is never pulled out of
 * libtalent.a. */

#include <regex.h>

int __real_regcomp(regex_t *preg, const char *pattern, int cflags);
void __real_regfree(regex_t *preg);

int __real_regcomp(regex_t *preg, const char *pattern, int cflags)
{
    return regcomp(preg, pattern, cflags);
}

void __real_regfree(regex_t *preg)
{
    regfree(preg);
}
