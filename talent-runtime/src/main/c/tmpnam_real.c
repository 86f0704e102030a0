/* tmpnam_real.c: the C library's tmpnam that tmpnam.c calls through __real_tmpnam, for a program linked without
 * -Wl,--wrap=tmpnam that links every runtime object (a test harness linked by hand), as foreign_real.c is for
 * foreign.c. Under --wrap the linker turns that reference into the C library's tmpnam and this file is never pulled out
 * of libtalent.a (nor, with it, glibc's tmpnam and its link warning). */
char *tmpnam(char *s);
char *__real_tmpnam(char *s);

char *__real_tmpnam(char *s)
{
    return tmpnam(s);
}
