/* rwlocktype.c: pthread_rwlock_t described portably (docs/CODEGEN.md "Types of the C library"), so that a program's
 * `static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;` (a table read under a read lock, rebuilt under
 * the write lock) migrates. Its members are private: glibc's is a union of `__data` (reader count and phase bits,
 * writer count, futexes, the writer's thread id, flags) and bytes, musl's an array of ints and pointers, of other sizes
 * on 32-bit ISAs. A checkpoint runs one thread (threads are refused at build time), so whoever holds the lock is the
 * program itself, and what it observes is how it holds it:
 *
 *   pthread_rwlock_t { held: UINT 32:16 }   0 unlocked, 1..65534 read-locked that many times, 65535 write-locked
 *
 * read from the C library's fields at the checkpoint and restored as a fresh lock (PTHREAD_RWLOCK_INITIALIZER) locked
 * again as it was held: pthread_rwlock_rdlock that many times, or pthread_rwlock_wrlock (neither C library links a
 * held read-write lock into a per-thread list, unlike a robust or recursive mutex in musl, so locking it again over a
 * live object is sound). Refused by name at the checkpoint: a process-shared one, one of glibc's non-default kinds
 * (pthread_rwlockattr_setkind_np: writer preference is about other threads, which talent does not carry), one with
 * waiters (which a single-threaded program cannot have; refused rather than dropped), and one read-locked more than
 * 65534 times. Every value of the member's width is valid, so the readers need no check beyond it. */
#include "rwlocktype.h"
#include "typemsg.h"

#include <pthread.h>
#include <string.h>

#define TYPE "pthread_rwlock_t"

/* How the lock is held, from the C library's private fields (the runtime is built for each C library; no function of
 * either tells it without changing it). glibc (2.25 on): __readers holds the write-phase bit 0 (left set after a
 * write lock is released, until readers come), the write-locked bit 1, the readers-waiting bit 2 and the readers in
 * units of 8 above; __writers counts writers waiting; __shared and
 * __flags (the kind) are the attributes. musl: __u.__vi[0] is the lock word (0x7fffffff write-locked, else the
 * readers; bit 31 waiters), __u.__vi[1] the waiters, __u.__i[2] the process-shared flag (128). Returns the readers,
 * or -1 write-locked; *refused is set to the reason the lock cannot be carried, if any. */
static long native_held(const pthread_rwlock_t *l, const char **refused)
{
    *refused = NULL;
#ifdef __GLIBC__
    unsigned r = l->__data.__readers;
    if (l->__data.__shared != 0)
        *refused = "is process-shared; talent carries a read-write lock private to the process";
    else if (l->__data.__flags != 0)
        *refused = "was initialised with a kind besides the default (pthread_rwlockattr_setkind_np); talent carries a "
                   "read-write lock of the default kind";
    else if ((r & 4u) != 0 || l->__data.__writers != 0)
        *refused = "has waiters; talent carries a read-write lock nobody waits on";
    return (r & 2u) ? -1 : (long)(r >> 3);
#else
    unsigned w = (unsigned)l->__u.__vi[0];
    if (l->__u.__i[2] != 0)
        *refused = "is process-shared; talent carries a read-write lock private to the process";
    else if ((w & 0x80000000u) != 0 || l->__u.__vi[1] != 0)
        *refused = "has waiters; talent carries a read-write lock nobody waits on";
    w &= 0x7fffffffu;
    return w == 0x7fffffffu ? -1 : (long)w;
#endif
}

static unsigned long long held_get(const void *o)
{
    const char *refused;
    long n = native_held((const pthread_rwlock_t *)o, &refused);
    if (refused)
        return tl_type_refuse(TYPE, "%s", refused);
    if (n < 0)
        return TL_RWLOCK_WRITER;
    if ((unsigned long)n > TL_RWLOCK_READERS_MAX)
        return tl_type_refuse(TYPE, "is read-locked %ld times; talent carries at most %u read locks", n,
                              TL_RWLOCK_READERS_MAX);
    return (unsigned long long)n;
}

static void held_set(void *o, unsigned long long v)
{
    static const pthread_rwlock_t fresh = PTHREAD_RWLOCK_INITIALIZER;
    pthread_rwlock_t *l = (pthread_rwlock_t *)o;
    memcpy(o, &fresh, sizeof fresh);
    if (v == TL_RWLOCK_WRITER) {
        if (pthread_rwlock_wrlock(l) != 0)
            tl_type_die(TYPE, "this C library does not write-lock a fresh read-write lock");
        return;
    }
    for (unsigned long long i = 0; i < v; i++) {
        if (pthread_rwlock_rdlock(l) != 0)
            tl_type_die(TYPE, "this C library does not read-lock a read-write lock %llu times", v);
    }
}

static const talent_type t_held = {TALENT_K_UINT, "uint32_t", 4, 0, 0, 0, 0, 0};
static const talent_field rwlock_fields[] = {{"held", &t_held, 0, TL_RWLOCK_WIDTH, held_get, held_set, 0}};
const talent_type talent_rwlock_type = {TALENT_K_STRUCT, TYPE, sizeof(pthread_rwlock_t), 0, 0, rwlock_fields, 1, 0};
