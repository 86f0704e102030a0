/* go.h: a restart started ahead waits for its go (go.c; talent run's pre-started destination). */
#ifndef TALENT_GO_H
#define TALENT_GO_H

#include "base.h"

/* Blocks until the orchestrator writes the go line (TL_GO_MESSAGE and a newline, exactly) to the FIFO fifo,
 * then returns; anything else (not a FIFO, end of file before the line, other bytes, a read error) ends the
 * process with exit 64 before a checkpoint is read. */
void tl_go_await(const char *fifo);

#endif /* TALENT_GO_H */
