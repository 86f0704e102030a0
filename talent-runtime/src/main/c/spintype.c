/* spintype.c: pthread_spinlock_t described portably (docs/CODEGEN.md "Types of the C library"). It is an int in glibc
 * and musl alike, but its values are each library's and ISA's own: glibc on x86_64 and i686 keeps 1 for unlocked and 0
 * (or below) for locked, glibc on s390x 0 and 1, musl 0 and EBUSY. Carried as the int, a lock unlocked on x86_64 was
 * locked on s390x or musl (pthread_spin_trylock answered EBUSY, pthread_spin_lock spun for ever). It is described as
 *
 *   pthread_spinlock_t { locked: UINT 32:1 }   0 unlocked, 1 locked (by the program: it runs one thread)
 *
 * read with pthread_spin_trylock on a copy of the int (the C library's own test, which leaves the program's lock as it
 * is) and restored with pthread_spin_init, then pthread_spin_lock when it was locked (a spin lock is linked into no
 * list, so locking it again over a live object is sound). Process-shared or not leaves no trace in the int on either
 * library and changes nothing a process observes alone; it is restored private. Every value of the one-bit member is
 * valid, so the readers need no check beyond its width. */
#include "spintype.h"
#include "typemsg.h"

#include <errno.h>
#include <pthread.h>

#define TYPE "pthread_spinlock_t"

static unsigned long long locked_get(const void *o)
{
    pthread_spinlock_t copy = *(const pthread_spinlock_t *)o;
    int r = pthread_spin_trylock(&copy);
    if (r == 0)
        return TL_SPIN_UNLOCKED;
    if (r == EBUSY)
        return TL_SPIN_LOCKED;
    return tl_type_refuse(TYPE, "is not a spin lock pthread_spin_trylock knows (error %d)", r);
}

static void locked_set(void *o, unsigned long long v)
{
    pthread_spinlock_t *s = (pthread_spinlock_t *)o;
    if (pthread_spin_init(s, PTHREAD_PROCESS_PRIVATE) != 0 || (v == TL_SPIN_LOCKED && pthread_spin_lock(s) != 0))
        tl_type_die(TYPE, "this C library does not %s a spin lock", v == TL_SPIN_LOCKED ? "lock" : "initialise");
}

static const talent_type t_locked = {TALENT_K_UINT, "uint32_t", 4, 0, 0, 0, 0, 0};
static const talent_field spin_fields[] = {{"locked", &t_locked, 0, 1, locked_get, locked_set, 0}};
const talent_type talent_spinlock_type = {TALENT_K_STRUCT, TYPE, sizeof(pthread_spinlock_t), 0, 0, spin_fields, 1, 0};
