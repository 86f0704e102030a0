/* ptsname_real.c: the C library's ptsname that ptsname.c calls through a __real_ name, for a program linked without
 * the -Wl,--wrap flags (a test harness linked by hand), as pwgr_real.c is for pwgr.c. Under --wrap the linker turns
 * that reference into the C library's function and this file is never pulled out of libtalent.a. */
#include "ptsname.h"

/* XSI, which _POSIX_C_SOURCE does not declare */
char *ptsname(int fd);

char *__real_ptsname(int fd);

char *__real_ptsname(int fd)
{
    return ptsname(fd);
}
