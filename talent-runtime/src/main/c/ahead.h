/* ahead.h: a restart started ahead of the stop prepares the memory its restore will write (ahead.c). */
#ifndef TALENT_AHEAD_H
#define TALENT_AHEAD_H

#include "base.h"

#include "checkpoint.h"

/* TALENT_AHEAD (environment only, like TALENT_AWAIT_GO): populate (default), base (populate, then restore each base
 * named before the go ahead) or off: contract.h TL_AHEAD_*. */

/* Called by a restart that waits for its go (go.c) before it waits: makes the pages of the program's large
 * writable globals present and writable (their contents unchanged), so that the restore inside the migration's
 * window writes into memory the kernel has already given the process instead of faulting in fresh zeroed pages.
 * Reads TALENT_AHEAD from the environment (and removes it); an unknown value ends the process with exit 64.
 * Says what it did at -v. Never changes a byte of the program's memory. */
void tl_ahead_populate(void);

/* A base named on the go FIFO (go.c): the checkpoint file name (a plain .tck name) in dir. With TALENT_AHEAD=base it
 * is loaded and validated like any checkpoint file (nothing is written into the program's memory before it passed
 * every check), and the large globals it holds as arrays of plain numbers (bulk.h) are decoded into the program's
 * memory now, each noted with the base's bytes it came from; a base that is not usable is noted as such and changes
 * nothing. Writes the event `ahead <name> <bytes decoded>`. A later base replaces the notes of an earlier one. */
void tl_ahead_base(const char *dir, const char *name);

/* Restores global i of the checkpoint ck being restored (the restore's globals step, frames.c) from what was decoded
 * ahead where that is provably what its decode would write: ck was rebuilt from a delta against the very base
 * decoded ahead (same name, length, CRC and file), the global's type is the same in both, and the elements left
 * undecoded are those whose encoded bytes in ck are a COPY of the same base bytes they were decoded from ahead;
 * every other element is decoded from ck. Returns 1 when the global is restored so, 0 when the caller must decode
 * it whole (nothing decoded ahead for it, or anything not provably the same). */
int tl_ahead_restore_global(const tl_checkpoint *ck, uint32_t i);

/* After the restore's globals step: says at -v what was taken from the ahead decode, and forgets it. */
void tl_ahead_finish(void);

#endif /* TALENT_AHEAD_H */
