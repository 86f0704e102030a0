/* tmpnam.c: tmpnam's wrapper (tmpnam.h), an archive member of its own.
 *
 * tmpnam(NULL) returns the C library's static buffer: a pointer kept across a stop pointed nowhere a checkpoint knows
 * and the restarted program crashed reading it (exit 139). The wrapper copies the text into the runtime's buffer,
 * carried as "<libc>:tmpnam" (foreign.c). It lives here and not in foreign.c because glibc's tmpnam carries a link
 * warning ("the use of `tmpnam' is dangerous, better use `mkstemp'"): the linker pulls this member out of libtalent.a
 * only for a program that calls tmpnam (whose reference -Wl,--wrap=tmpnam turns into one to __wrap_tmpnam), so only
 * such a program links the C library's tmpnam and gets its warning, as under plain gcc. */
#include "tmpnam.h"
#include "foreign.h"

char *__real_tmpnam(char *s);

char *__wrap_tmpnam(char *s)
{
    char *r = __real_tmpnam(s);
    /* into the program's own buffer: the program's memory, carried as it is */
    if (s)
        return r;
    return tl_libc_text_keep(TL_TEXT_TMPNAM, r);
}
