/* go.h: a restart started ahead waits for its go (go.c; talent run's pre-started destination). */
#ifndef TALENT_GO_H
#define TALENT_GO_H

#include "base.h"

/* The longest line the go FIFO carries, newline excluded ("base " and a base file name of at most 64 bytes). */
#define TL_GO_MAX_LINE 80

/* Blocks until the orchestrator writes the go line (TL_GO_MESSAGE and a newline, exactly) to the FIFO fifo,
 * then returns. Before it, the FIFO may carry lines TL_GO_BASE_WORD, a space and a base file name (a plain .tck name
 * of the checkpoint directory, delta.h's rule): each is handed to on_base as it is read (the pre-copy image the
 * orchestrator put in place; ahead.c restores it ahead). Anything else (not a FIFO, end of file inside a line, another
 * line, a read error) ends the process with exit 64 before a checkpoint is read. */
void tl_go_await(const char *fifo, void (*on_base)(const char *name));

#endif /* TALENT_GO_H */
