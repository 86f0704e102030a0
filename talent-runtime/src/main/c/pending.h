/* pending.h: the bytes stdout and stderr hold unwritten at a checkpoint, carried as the global TL_PENDING_KEY instead
 * of flushed, and put back into the streams when the program resumes (pending.c). */
#ifndef TALENT_PENDING_H
#define TALENT_PENDING_H

#include "base.h"
#include "checkpoint.h"

/* Just before a checkpoint's (or a pre-copy fork's) fflush(NULL): takes stdout's and stderr's pending bytes out of
 * their buffers (not called in a pre-copy child, which carries what its parent took). */
void tl_pending_take(void);
/* Whether anything was taken (the global is written then); sizes its descriptor to what was. */
int tl_pending_collect(void);
/* The global's object and descriptor (libc_state.c). */
void tl_pending_global(void **addr, const talent_type **type);
/* After the globals are matched, before they are decoded: sizes the descriptor to the checkpoint's (checked at load). */
void tl_pending_bind(const tl_checkpoint *ck);
/* When the program resumes (a restore, a refused checkpoint, a pre-copy fork's parent): the bytes back into the
 * streams' buffers, once. */
void tl_pending_put_back(void);
/* Whether stdout, stderr (0, 1) has bytes to put back. */
int tl_pending_holds(int stream);

#endif /* TALENT_PENDING_H */
