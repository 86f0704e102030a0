/* mutextype.c: pthread_mutex_t described portably (docs/CODEGEN.md "Types of the C library"), so that a program's
 * `static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;` (a library's lock around a table it sets up once) migrates.
 * Its members are private: glibc's is a union of `__data` (lock word, owner thread, count, kind, list links) and
 * bytes, musl's an array of ints and pointers, of other sizes on 32-bit ISAs. What a single-threaded program observes
 * of an unlocked mutex is its type alone, so it is described as
 *
 *   pthread_mutex_t { kind: UINT 32:2 }   0 default (PTHREAD_MUTEX_INITIALIZER, NORMAL), 1 RECURSIVE, 2 ERRORCHECK
 *
 * read from the C library's fields at the checkpoint and restored as a freshly initialised mutex of that kind (the
 * static initialiser for kind 0, pthread_mutex_init with the type set otherwise). Refused by name at the checkpoint:
 * a mutex that is locked, and one initialised with attributes besides its type (process-shared, robust, a priority
 * protocol), which talent does not carry. A locked mutex is refused rather than carried as locked and locked again
 * on the destination: musl links a locked recursive or error-checking mutex into its thread's robust list by
 * address, and a restore in this process decodes over objects that are live, so locking again there corrupts that
 * list; the region a lock guards is short in the programs that use one (a table set up once), and a checkpoint
 * outside it is taken. A kind above TL_MUTEX_KIND_MAX is refused by both readers (values.c, CheckpointReader). */
#include "mutextype.h"
#include "contract.h"
#include "typemsg.h"

#include <pthread.h>
#include <string.h>

/* The C library's kind and whether the mutex is held, from its private fields (the runtime is built for each C
 * library; no function of either tells them). glibc: __kind holds the type in bits 0-1 and its attribute flags
 * above, of which 256 and 512 (lock elision, a hint of this process) are not the program's; __lock, __owner and
 * __count are 0 exactly while nobody holds it. musl: __u.__i[0] is the type with its flags (4 robust, 8 priority
 * inheritance, 128 process-shared), __u.__vi[1] the lock word (0 when not held), __u.__i[5] a recursive mutex's
 * extra locks. */
static int native_kind(const pthread_mutex_t *m, int *locked)
{
#ifdef __GLIBC__
    *locked = m->__data.__lock != 0 || m->__data.__owner != 0 || m->__data.__count != 0;
    return m->__data.__kind & ~(256 | 512);
#else
    *locked = m->__u.__vi[1] != 0 || m->__u.__i[5] != 0;
    return m->__u.__i[0];
#endif
}

static unsigned long long kind_get(const void *o)
{
    int locked;
    int kind = native_kind((const pthread_mutex_t *)o, &locked);
    if (kind < 0 || kind > TL_MUTEX_ERRORCHECK)
        return tl_type_refuse(TL_MUTEX_TYPE_NAME, "was initialised with attributes besides its type (process-shared, "
                              "robust or a priority protocol); talent carries a mutex of the default, recursive or "
                              "error-checking type");
    if (locked)
        return tl_type_refuse(TL_MUTEX_TYPE_NAME, "is locked; talent carries a mutex only while it is unlocked (a "
                              "checkpoint outside the region it guards is taken)");
    return (unsigned long long)kind;
}

static void kind_set(void *o, unsigned long long v)
{
    static const pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutexattr_t a;
    if (v > TL_MUTEX_KIND_MAX)
        tl_type_die(TL_MUTEX_TYPE_NAME, "its pthread_mutex_t is of kind %llu, which is none (0 default, 1 recursive, "
                    "2 error-checking)", v);
    if (v == TL_MUTEX_DEFAULT) {
        memcpy(o, &fresh, sizeof fresh);
        return;
    }
    if (pthread_mutexattr_init(&a) != 0
        || pthread_mutexattr_settype(&a, v == TL_MUTEX_RECURSIVE ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_ERRORCHECK)
        || pthread_mutex_init((pthread_mutex_t *)o, &a) != 0)
        tl_type_die(TL_MUTEX_TYPE_NAME, "this C library does not initialise a mutex of kind %llu", v);
    pthread_mutexattr_destroy(&a);
}

static const talent_type t_kind = {TALENT_K_UINT, "uint32_t", 4, 0, 0, 0, 0, 0};
static const talent_field mutex_fields[] = {{"kind", &t_kind, 0, 2, kind_get, kind_set, 0}};
const talent_type talent_mutex_type = {TALENT_K_STRUCT, TL_MUTEX_TYPE_NAME, sizeof(pthread_mutex_t), 0, 0,
                                       mutex_fields, 1, 0};
