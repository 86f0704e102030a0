/* ptsname.c: ptsname wrapped (ptsname.h), an archive member of its own (only a program that calls it links it).
 *
 * ptsname returns a path in a static buffer of the C library's (glibc's and musl's): a pointer the program kept across
 * a stop was saved indeterminate and the restarted program crashed reading it (exit 139, the same ISA too). The wrapper
 * copies the path into a buffer of the runtime's (foreign.c) and returns the copy: a pointer kept into it refuses a
 * checkpoint by name, and the program goes on. Not carried as a text of the runtime's, as tmpnam's is: not done. */
#include "ptsname.h"
#include "foreign.h"
#include <string.h>

char *__real_ptsname(int fd);

/* NULL (errno as the C library set it) is returned as it is, and so is a path that cannot be copied */
char *__wrap_ptsname(int fd)
{
    char *path = __real_ptsname(fd), *c, *at;
    if (!path)
        return path;
    c = tl_uncarried_buffer(TL_UNCARRIED_PTSNAME, TL_SLOT_PTSNAME, strlen(path) + 1);
    if (!c)
        return path;
    at = c;
    return tl_uncarried_string(&at, path);
}
