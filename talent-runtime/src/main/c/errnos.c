/* errnos.c: maps the program's errno between this C library's values and the format's codes through the E-constants'
 * names (errno_codes.h), never by number: a code means the same error on every platform that restores it. Both
 * directions are switches over the list: two names of the list with one value here would be a duplicate case, a
 * compile error, so the mapping is one-to-one on every C library the runtime builds with; a name a C library lacked
 * would not compile either. */
#include "errnos.h"

#include <errno.h>
#include <stddef.h>

long tl_errno_code(int value)
{
    switch (value) {
    case 0:
        return 0;
#define TL_ERRNO_CODE(code, name)                                                                                      \
    case name:                                                                                                         \
        return code;
#include "errno_codes.h"
#undef TL_ERRNO_CODE
    default:
        return -1;
    }
}

int tl_errno_value(unsigned long code, int *value)
{
    switch (code) {
#define TL_ERRNO_CODE(code, name)                                                                                      \
    case code:                                                                                                         \
        *value = name;                                                                                                 \
        return 0;
#include "errno_codes.h"
#undef TL_ERRNO_CODE
    default:
        return -1;
    }
}

const char *tl_errno_name(unsigned long code)
{
    switch (code) {
#define TL_ERRNO_CODE(code, name)                                                                                      \
    case code:                                                                                                         \
        return #name;
#include "errno_codes.h"
#undef TL_ERRNO_CODE
    default:
        return NULL;
    }
}
