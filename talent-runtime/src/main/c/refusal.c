/* refusal.c: the first reason the checkpoint being encoded cannot be carried (refusal.h). A leaf: the encoders
 * (values.c, heap_write.c, files.c) record it instead of ending the process, and checkpoint_write.c then writes
 * nothing and main.c lets the program go on from its untouched state. */
#include "refusal.h"

#include <stdarg.h>
#include <stdio.h>

static char reason[TL_REFUSAL_MAX];

void tl_refuse(const char *fmt, ...)
{
    va_list ap;
    if (reason[0])
        return;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (!reason[0])
        snprintf(reason, sizeof reason, "cannot checkpoint");
}

const char *tl_refusal(void)
{
    return reason[0] ? reason : NULL;
}

void tl_refusal_clear(void)
{
    reason[0] = '\0';
}
