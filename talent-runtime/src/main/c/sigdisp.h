/* sigdisp.h: the program's signal dispositions (SIG_IGN, its handlers), the SIGS section (sigdisp.c). */
#ifndef TALENT_SIGDISP_H
#define TALENT_SIGDISP_H

#include "base.h"
#include "encode.h"
#include "checkpoint.h"

/* The SIGS payload of the dispositions the program has now (read with sigaction, nothing wrapped); the number
 * of entries (0: no SIGS section is written). A disposition that cannot be carried (a handler talent does not
 * know, a flag other than SA_RESTART/SA_SIGINFO/SA_NODEFER/SA_RESETHAND, a real-time signal's handler) refuses
 * the checkpoint with tl_refuse. */
/* At the runtime's start, before anything is restored: what the C library or a sanitizer set up is not carried. */
void tl_sigdisp_snapshot(void);
uint32_t tl_sigdisp_write(tl_buf *b);
/* SIGS section parser (checkpoint_read.c): bounded count, known signals in ascending order, known kinds and
 * flags, a handler naming a function of this program. */
int tl_sigdisp_parse(tl_reader *r, tl_checkpoint *ck);
/* Restore, just before the program resumes: each carried disposition installed with this platform's sigaction. */
void tl_sigdisp_restore(const tl_checkpoint *ck);

#endif /* TALENT_SIGDISP_H */
