/* state.c: the state generated code reads (talent_pending, talent_unwinding, talent_restoring,
 * talent_suspended, talent.h) and what follows the checkpoint being taken (exit, or keep running). A leaf:
 * the signal handlers (signals.c, precopy.c), the site slow path (site.c), pre-copy and the TCP hand-over
 * set or read it without depending on one another (issue 14: no call cycle between runtime files). */
#include "state.h"

volatile int talent_pending;
int talent_unwinding;
int talent_restoring;
int talent_suspended;

int talent_va_enter(int *self, int add)
{
    int was = talent_suspended;
    (void)self;                 /* named so that the compiler saves the variable at every point (address-taken) */
    talent_suspended = was + add;
    return was;
}

void talent_va_leave(int *saved)
{
    talent_suspended = *saved;
}

static int after = TL_AFTER_EXIT;

int tl_site_after(void)
{
    return after;
}

void tl_site_set_after(int then)
{
    after = then;
}
