/* blocking.h: the blocking-call wrappers' saved sleep (blocking.c). */
#ifndef TALENT_BLOCKING_H
#define TALENT_BLOCKING_H

#include "base.h"

/* The remaining time of the sleep a checkpoint interrupted (written to WAIT), and the one a restore gives to
 * the first timed call. */
int tl_wait_saved(uint64_t *ns);
void tl_wait_clear(void);
void tl_wait_resume(int has, uint64_t ns);

/* For the wrappers of other files (epoll.c) that wait like talent_poll: 1 when the call must return now so that
 * its blocking site takes the requested checkpoint (errno EINTR, talent_blocking_retry() then returns 1); 1 when
 * an EINTR came from a checkpoint or pre-copy request (the call is issued again); the remaining time a restore
 * gives to the first timed call (once); the remaining time of a timed call interrupted for a checkpoint. */
int tl_blocking_checkpoint_now(void);
int tl_blocking_ours(void);
int tl_blocking_take_resume(uint64_t *ns);
void tl_blocking_save_wait(uint64_t ns);
uint64_t tl_blocking_mono_ns(void);

#endif /* TALENT_BLOCKING_H */
