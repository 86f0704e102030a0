/* itimers.h: the program's interval timers (alarm, setitimer), carried by a checkpoint while one is armed (itimers.c). */
#ifndef TALENT_ITIMERS_H
#define TALENT_ITIMERS_H

#include "base.h"

/* At a checkpoint, before any of the program's state is encoded: blocks SIGALRM, SIGVTALRM and SIGPROF (a timer
 * that expires now stays pending instead of running a handler between the state's encoding and the timers' reading)
 * and reads ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF. A signal of theirs already pending is delivered first (the
 * program's handler runs, as it would have at the site). In a pre-copy child (which has no timers of its own:
 * fork does not inherit them) the values read by tl_itimers_before_fork are kept instead. */
/* POSIX timers (timer_create) are not carried: when /proc/self/timers lists more of them than own (talent's,
 * signals.c), the checkpoint is refused (refusal.h). */
void tl_itimers_check(int own);

/* The checkpoint is over and the program goes on in this process (refused, kept running, or not written): the
 * signal mask tl_itimers_check changed is set back, and a timer signal that came meanwhile is delivered. */
void tl_itimers_release(void);

/* Pre-copy (precopy.c): the parent's timers read just before fork, their signals blocked until the parent calls
 * tl_itimers_release after it; tl_itimers_in_child in the child keeps those values for its round. */
void tl_itimers_before_fork(void);
void tl_itimers_in_child(void);

/* Whether the last tl_itimers_check found a timer armed: the global "<libc>:itimers" is then written
 * (libc_state.c). */
int tl_itimers_armed(void);

/* The global's storage and type ("struct talent_itimers", FORMAT.md "GLOB"). */
void tl_itimers_global(void **addr, const talent_type **type);

/* After the globals of a restore are restored: validates the carried timers (NULL when they are valid or none were
 * carried; otherwise what is wrong, for the restore's refusal). */
const char *tl_itimers_restored(void);

/* The last restore step of a restart, after the program's signal dispositions are back (sigdisp.c): each carried
 * timer armed again with its remaining value and interval as of the checkpoint. NULL, or why one could not be. */
const char *tl_itimers_rearm(void);

#endif /* TALENT_ITIMERS_H */
