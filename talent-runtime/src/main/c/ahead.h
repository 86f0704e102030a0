/* ahead.h: a restart started ahead of the stop prepares the memory its restore will write (ahead.c). */
#ifndef TALENT_AHEAD_H
#define TALENT_AHEAD_H

#include "base.h"

/* TALENT_AHEAD (environment only, like TALENT_AWAIT_GO): populate (default) or off. */
#define TL_AHEAD_POPULATE_WORD "populate"
#define TL_AHEAD_OFF_WORD "off"

/* Called by a restart that waits for its go (go.c) before it waits: makes the pages of the program's large
 * writable globals present and writable (their contents unchanged), so that the restore inside the migration's
 * window writes into memory the kernel has already given the process instead of faulting in fresh zeroed pages.
 * Reads TALENT_AHEAD from the environment (and removes it); an unknown value ends the process with exit 64.
 * Says what it did at -v. Never changes a byte of the program's memory. */
void tl_ahead_populate(void);

#endif /* TALENT_AHEAD_H */
