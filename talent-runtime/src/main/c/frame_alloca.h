/* frame_alloca.h: alloca in instrumented functions (frame_alloca.c; talent.h "alloca"). */
#ifndef TALENT_FRAME_ALLOCA_H
#define TALENT_FRAME_ALLOCA_H

#include "base.h"

/* Frees the block lists of frames that ended without returning (a longjmp past them): those registered at a
 * stack address below this call's own frame, where no live frame of its callers is. Called when a checkpoint is
 * taken, so that the checkpoint does not carry them. */
void tl_alloca_sweep_dead(void);
/* Forgets every registered list (the blocks are freed, or about to be restored, by the heap's own code): after a
 * checkpoint the process keeps running from, the rebuilt frames register their restored lists again. */
void tl_alloca_forget(void);

/* After the heap blocks of a checkpoint are restored (hostile input): every list of alloca blocks names only
 * starts of blocks alloca allocated, each once; exits 65 otherwise. The frames that own the lists check theirs
 * when they next use them (a list block of their own, no other frame's). */
void tl_alloca_check_restored(void);

/* The alignment in bytes that the position of an aligned alloca's block names ("alloca@<align>:file.c:line:col"),
 * 0 for any other position, (size_t)-1 for an "alloca@" position whose alignment is not a power of two from 1 to
 * TL_HEAP_MAX_ALIGN (hostile input: pos is read from a checkpoint; len bytes, not necessarily terminated). */
size_t tl_alloca_site_align(const char *pos, size_t len);

#endif /* TALENT_FRAME_ALLOCA_H */
