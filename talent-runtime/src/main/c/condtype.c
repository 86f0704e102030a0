/* condtype.c: pthread_cond_t described portably (docs/CODEGEN.md "Types of the C library"), so that a program's
 * `static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;` next to its mutex migrates. Its members are private:
 * glibc's is a union of `__data` (wait sequence, group counters and signals, waiter references) and bytes, musl's an
 * array of ints and pointers, of other sizes on 32-bit ISAs. A checkpoint is taken with one thread running (threads
 * are refused at build time), so nobody waits on it then; what a program observes of a condition variable nobody
 * waits on is the clock its timed waits measure, so it is described as
 *
 *   pthread_cond_t { clock: UINT 32:1 }   0 CLOCK_REALTIME (PTHREAD_COND_INITIALIZER, the default), 1 CLOCK_MONOTONIC
 *
 * read from the C library's fields at the checkpoint and restored as a freshly initialised condition variable with
 * that clock (the static initialiser for CLOCK_REALTIME, pthread_cond_init with pthread_condattr_setclock otherwise).
 * Refused by name at the checkpoint: a process-shared one (talent does not carry what another process shares), one
 * with another clock, and one with waiters (which a single-threaded program cannot have; refused rather than
 * dropped). Every value of the one-bit member is valid, so the readers need no check beyond its width. */
#include "condtype.h"
#include "typemsg.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

/* The C library's clock, whether it is process-shared and whether anybody waits on it, from its private fields (the
 * runtime is built for each C library; neither has a function that tells them). glibc (2.25 on): __wrefs holds the
 * process-shared flag in bit 0, CLOCK_MONOTONIC in bit 1, a wake request in bit 2 and the waiters' references in
 * units of 8 above. musl: __u.__i[4] is the clock id (_c_clock), __u.__p[0] is set for a process-shared one
 * (_c_shared), __u.__p[1] heads the list of a private one's waiters (_c_head), and __u.__vi[3] counts a shared one's
 * (_c_waiters). Returns the clock id. */
static int native_clock(const pthread_cond_t *c, int *shared, int *waiters)
{
#ifdef __GLIBC__
    unsigned w = c->__data.__wrefs;
    *shared = (w & 1u) != 0;
    *waiters = (w >> 3) != 0;
    return (w & 2u) ? CLOCK_MONOTONIC : CLOCK_REALTIME;
#else
    *shared = c->__u.__p[0] != 0;
    *waiters = *shared ? c->__u.__vi[3] != 0 : c->__u.__p[1] != 0;
    return c->__u.__i[4];
#endif
}

static unsigned long long clock_get(const void *o)
{
    int shared, waiters;
    int clock = native_clock((const pthread_cond_t *)o, &shared, &waiters);
    if (shared)
        return tl_type_refuse("pthread_cond_t", "is process-shared; talent carries a condition variable private to "
                              "the process");
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return tl_type_refuse("pthread_cond_t", "measures its timed waits on clock %d; talent carries a condition "
                              "variable on CLOCK_REALTIME or CLOCK_MONOTONIC", clock);
    if (waiters)
        return tl_type_refuse("pthread_cond_t", "has waiters; talent carries a condition variable nobody waits on");
    return clock == CLOCK_MONOTONIC ? TL_COND_MONOTONIC : TL_COND_REALTIME;
}

static void clock_set(void *o, unsigned long long v)
{
    static const pthread_cond_t fresh = PTHREAD_COND_INITIALIZER;
    pthread_condattr_t a;
    if (v == TL_COND_REALTIME) {
        memcpy(o, &fresh, sizeof fresh);
        return;
    }
    if (pthread_condattr_init(&a) != 0 || pthread_condattr_setclock(&a, CLOCK_MONOTONIC) != 0
        || pthread_cond_init((pthread_cond_t *)o, &a) != 0)
        tl_type_die("pthread_cond_t", "this C library does not initialise a condition variable on CLOCK_MONOTONIC");
    pthread_condattr_destroy(&a);
}

static const talent_type t_clock = {TALENT_K_UINT, "uint32_t", 4, 0, 0, 0, 0, 0};
static const talent_field cond_fields[] = {{"clock", &t_clock, 0, 1, clock_get, clock_set, 0}};
const talent_type talent_cond_type = {TALENT_K_STRUCT, "pthread_cond_t", sizeof(pthread_cond_t), 0, 0,
                                      cond_fields, 1, 0};
