/*
 * jumps.c: what code generated around setjmp call sites needs (docs/CODEGEN.md "setjmp and longjmp").
 *
 * A jump buffer is never saved: on restore, the function that called setjmp executes it again on the rebuilt
 * stack before it descends into the resumed call. These helpers tell whether the buffer's restored address is
 * one to write to, and carry the signal mask a sigsetjmp saved across ISAs, as a set of signal numbers.
 */
#include "talent_internal.h"

#include <signal.h>

int talent_sj_valid(const void *buffer)
{
    /* null: never armed; TL_INDETERMINATE_ADDRESS: the buffer was in no object talent knew at the checkpoint
     * (a local of a block that had ended), so no longjmp may use it */
    return buffer != NULL && (uintptr_t)buffer != TL_INDETERMINATE_ADDRESS;
}

/* Signal numbers 1..64 as bits 0..63: the numbers are the same on the five ISAs talent builds for. */
static unsigned long long portable(const sigset_t *set)
{
    unsigned long long m = 0;
    int sig;
    for (sig = 1; sig <= 64; sig++)
        if (sigismember(set, sig) == 1)
            m |= 1ULL << (sig - 1);
    return m;
}

static void native(unsigned long long m, sigset_t *set)
{
    int sig;
    sigemptyset(set);
    for (sig = 1; sig <= 64; sig++)
        if (m & (1ULL << (sig - 1)))
            (void)sigaddset(set, sig);    /* a number the C library reserves is left out */
}

unsigned long long talent_sj_mask_get(void)
{
    sigset_t cur;
    if (sigprocmask(SIG_BLOCK, NULL, &cur) != 0)
        return 0;
    return portable(&cur);
}

unsigned long long talent_sj_mask_swap(unsigned long long mask, int active)
{
    sigset_t want, old;
    if (!active)
        return 0;
    native(mask, &want);
    if (sigprocmask(SIG_SETMASK, &want, &old) != 0)
        return mask;
    return portable(&old);
}
