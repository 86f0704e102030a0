/* blocking.h: the blocking-call wrappers' saved sleep (blocking.c). */
#ifndef TALENT_BLOCKING_H
#define TALENT_BLOCKING_H

#include "base.h"

/* The remaining time of the sleep a checkpoint interrupted (written to WAIT), and the one a restore gives to
 * the first timed call. */
int tl_wait_saved(uint64_t *ns);
void tl_wait_clear(void);
void tl_wait_resume(int has, uint64_t ns);

#endif /* TALENT_BLOCKING_H */
