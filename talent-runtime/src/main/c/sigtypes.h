/* sigtypes.h: sigset_t and struct sigaction described portably (sigtypes.c; talent.h declares the descriptors the
 * generated code names: talent_sigset_type, talent_sigaction_type). */
#ifndef TALENT_SIGTYPES_H
#define TALENT_SIGTYPES_H

#include "base.h"
#include "values.h"

#include <signal.h>

/* A signal set as talent's portable word (FORMAT.md "Signal sets"): bit n-1 = standard signal n (1..31), bit 31
 * (TL_SIGSET_ALL_REALTIME_BIT) = every real-time signal SIGRTMIN..SIGRTMAX, bit 32+k = SIGRTMIN+k when not all are.
 * *reserved: 0, or a signal the C library reserves for itself (32..SIGRTMIN-1) found in the set (not carried). */
uint64_t tl_sigset_portable(const sigset_t *s, int *reserved);
/* Rebuilds s with sigemptyset/sigaddset; -1, or k when SIGRTMIN+k does not exist here (s is then incomplete). */
int tl_sigset_from_portable(sigset_t *s, uint64_t v);

#endif /* TALENT_SIGTYPES_H */
