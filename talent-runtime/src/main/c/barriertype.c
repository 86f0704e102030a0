/* barriertype.c: pthread_barrier_t described portably (docs/CODEGEN.md "Types of the C library"). Its members are
 * private: glibc's is a union of bytes (holding its struct pthread_barrier: arrivals, round, count, process-shared
 * flag, departures), musl's an array of ints and pointers, of other sizes on 32-bit ISAs. A checkpoint runs one
 * thread, so nobody waits at the barrier then (a lone thread at a barrier of more than one waits for ever); what a
 * program observes of it is its count, so it is described as
 *
 *   pthread_barrier_t { limit: UINT 32:31 }   the count given to pthread_barrier_init, less one
 *
 * read from the C library's fields at the checkpoint and restored with pthread_barrier_init of that count (the
 * arrivals and rounds a barrier nobody is inside has counted mean nothing to the next wait). Refused by name at the
 * checkpoint: a process-shared one, and one a thread is inside (which a single-threaded program cannot have; refused
 * rather than dropped). Every value of the member's width is valid to the readers; a count this C library does not
 * take (glibc's stop below 2^31 - 1) refuses the restore by name. */
#include "barriertype.h"
#include "typemsg.h"

#include <pthread.h>
#include <string.h>

#define TYPE "pthread_barrier_t"

#ifdef __GLIBC__
/* glibc's own layout of the bytes (nptl/pthreadP.h, 2.25 on), the same on every ISA. */
struct glibc_barrier {
    unsigned int in, current_round, count;
    int shared;
    unsigned int out;
};
#endif

/* The barrier's count, from the C library's private fields: glibc's count, shared (non-zero when process-shared) and
 * in/out (equal when nobody is inside); musl's __u.__i[2] (_b_limit: the count less one, with bit 31 for a
 * process-shared one) and __u.__p[3] (_b_inst: the waiting instance of a private one, NULL when nobody waits). Sets
 * *refused to why it cannot be carried, if so. */
static unsigned long long native_limit(const pthread_barrier_t *b, const char **refused)
{
    *refused = NULL;
#ifdef __GLIBC__
    struct glibc_barrier g;
    memcpy(&g, b, sizeof g);
    if (g.shared != 0)
        *refused = "is process-shared; talent carries a barrier private to the process";
    else if (g.in != g.out || g.count == 0)
        *refused = "has a thread inside; talent carries a barrier nobody waits at";
    return g.count ? g.count - 1u : 0;
#else
    int limit = b->__u.__i[2];
    if (limit < 0)
        *refused = "is process-shared; talent carries a barrier private to the process";
    else if (b->__u.__p[3] != 0)
        *refused = "has a thread inside; talent carries a barrier nobody waits at";
    return limit < 0 ? 0 : (unsigned long long)limit;
#endif
}

static unsigned long long limit_get(const void *o)
{
    const char *refused;
    unsigned long long limit = native_limit((const pthread_barrier_t *)o, &refused);
    if (refused)
        return tl_type_refuse(TYPE, "%s", refused);
    if (limit >= 1ull << TL_BARRIER_WIDTH)
        return tl_type_refuse(TYPE, "counts %llu threads; talent carries a barrier of fewer than 2^31", limit + 1);
    return limit;
}

static void limit_set(void *o, unsigned long long v)
{
    if (pthread_barrier_init((pthread_barrier_t *)o, NULL, (unsigned)v + 1u) != 0)
        tl_type_die(TYPE, "this C library does not initialise a barrier of %llu threads", v + 1);
}

static const talent_type t_limit = {TALENT_K_UINT, "uint32_t", 4, 0, 0, 0, 0, 0};
static const talent_field barrier_fields[] = {{"limit", &t_limit, 0, TL_BARRIER_WIDTH, limit_get, limit_set, 0}};
const talent_type talent_barrier_type = {TALENT_K_STRUCT, TYPE, sizeof(pthread_barrier_t), 0, 0, barrier_fields, 1, 0};
