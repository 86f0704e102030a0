/* typemsg.c: messages of the accessors of the runtime's own descriptors of C library types (typemsg.h): a refusal at
 * the checkpoint or a failed restore, naming the variable (and element path) whose value the accessor reads or
 * writes. */
#include "typemsg.h"
#include "contract.h"
#include "diag.h"
#include "refusal.h"
#include "values.h"

#include <stdarg.h>
#include <stdio.h>

static void describe(const char *type, char *buf, size_t len)
{
    if (tl_accessor_ctx)
        tl_ctx_describe(tl_accessor_ctx, buf, len);
    else
        snprintf(buf, len, "a %s", type);
}

unsigned long long tl_type_refuse(const char *type, const char *fmt, ...)
{
    char what[256], why[512];
    va_list ap;
    describe(type, what, sizeof what);
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    tl_refuse("cannot checkpoint: %s '%s' %s", type, what, why);
    return 0;
}

void tl_type_die(const char *type, const char *fmt, ...)
{
    char what[256], why[512];
    va_list ap;
    describe(type, what, sizeof what);
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    tl_die(TL_EXIT_DATAERR, "cannot restore '%s': %s", what, why);
}
