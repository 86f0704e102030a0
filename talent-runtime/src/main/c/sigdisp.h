/* sigdisp.h: the program's signal dispositions (SIG_IGN, its handlers), the SIGS section (sigdisp.c). */
#ifndef TALENT_SIGDISP_H
#define TALENT_SIGDISP_H

#include "base.h"
#include "encode.h"
#include "checkpoint.h"
#include "values.h"

/* The SIGS payload of the dispositions the program has now (read with sigaction, nothing wrapped); the number
 * of entries (0: no SIGS section is written). A disposition that cannot be carried (a handler talent does not
 * know, a flag other than SA_RESTART/SA_SIGINFO/SA_NODEFER/SA_RESETHAND, a real-time signal's handler) refuses
 * the checkpoint with tl_refuse. */
/* At the runtime's start, before anything is restored: what the C library or a sanitizer set up is not carried. */
void tl_sigdisp_snapshot(void);
uint32_t tl_sigdisp_write(tl_buf *b);
/* Before a checkpoint, while the signal mask is still the program's (before itimers.c blocks the timers' signals):
 * a pending signal refuses the checkpoint with tl_refuse (not carried: a restored program would never receive it);
 * the signals the program blocked, when they are not those the process started with, are noted for the global
 * TL_SIGMASK_KEY (talent's own signals too: only SIGKILL and SIGSTOP, which no process can block, are left out). */
void tl_sigdisp_check_mask(void);
/* Whether the last check found a set of blocked signals to carry; the global's object and descriptor
 * (libc_state.c). */
int tl_sigdisp_mask_changed(void);
void tl_sigdisp_mask_global(void **addr, const talent_type **type);
/* Whether a carried set is one both readers accept (libc_check.c checks it at load): neither SIGKILL nor SIGSTOP
 * (TL_SIGMASK_NEVER), not "every real-time signal" and some of them again. */
int tl_sigdisp_mask_valid(uint64_t v);
/* After the globals are restored: NULL, or why the carried set cannot be used here (the load checked it too:
 * tl_libc_check_sigmask). */
const char *tl_sigdisp_mask_restored(void);
/* As a restart's last steps: the carried set blocked again (nothing when the checkpoint carried none). */
const char *tl_sigdisp_mask_apply(void);
/* SIGS section parser (checkpoint_read.c): bounded count, known signals in ascending order, known kinds and
 * flags, a handler naming a function of this program. */
int tl_sigdisp_parse(tl_reader *r, tl_checkpoint *ck);
/* Restore, just before the program resumes: each carried disposition installed with this platform's sigaction. */
void tl_sigdisp_restore(const tl_checkpoint *ck);

#endif /* TALENT_SIGDISP_H */
