/* errtexts_check.c: prints the text of every code through gai_strerror, hstrerror, herror and regerror (with
 * buffers of every size around the text's, and regerror's result), then asks regerror for a code it does not know
 * (glibc's aborts). ErrtextsIT runs it linked with errtexts.c under the link's -Wl,--wrap flags on each platform, and
 * compares with glibc's own run (plain gcc, no wrap). */
#define _DEFAULT_SOURCE
#include <netdb.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0); /* stdout and stderr in the order they were written */
    for (int c = -130; c <= 5; c++)
        printf("gai_strerror %d %s\n", c, gai_strerror(c));
    printf("gai_strerror %d %s\n", 1000, gai_strerror(1000));
    for (int c = -3; c <= 8; c++) {
        printf("hstrerror %d %s\n", c, hstrerror(c));
        h_errno = c;
        herror(c % 3 == 0 ? "herror" : c % 3 == 1 ? "" : NULL);
    }
    regex_t re;
    int bad = regcomp(&re, "a[b", 0);
    printf("regcomp %d\n", bad);
    for (int c = 0; c <= 16; c++) {
        printf("regerror %d: %zu", c, regerror(c, &re, NULL, 0));
        for (size_t n = 1; n <= 48; n += n < 12 ? 1 : 9) {
            char buf[64];
            memset(buf, '#', sizeof buf);
            size_t r = regerror(c, NULL, buf, n);
            printf(" %zu [", r);
            for (size_t i = 0; i < sizeof buf && buf[i] != '#'; i++)
                putchar(buf[i] == '\0' ? '0' : buf[i]);
            putchar(']');
        }
        putchar('\n');
    }
    char buf[8];
    printf("regerror 17\n");
    regerror(17, NULL, buf, sizeof buf);
    printf("regerror 17 returned\n");
    return 0;
}
