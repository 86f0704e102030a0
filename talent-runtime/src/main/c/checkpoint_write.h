/* checkpoint_write.h: writing a checkpoint (checkpoint_write.c). */
#ifndef TALENT_CHECKPOINT_WRITE_H
#define TALENT_CHECKPOINT_WRITE_H

#include "base.h"
#include "checkpoint.h"

/* Encodes and writes the checkpoint. Returns 0 when the file is in place (the `checkpoint` event is
 * written), -1 when an I/O error (or TALENT_FAULT=checkpoint-write) prevented it: the temporary file is
 * removed and res->err/image are set; -1 with res->refused when a state that cannot be carried refused it
 * (refusal.h): nothing is written, no image made, res->err says why. What still ends the process (exit 70): an
 * internal error, a failed allocation, a stream's descriptor that cannot be carried. */
int tl_checkpoint_write(const tl_write_request *req, tl_write_result *res);

#endif /* TALENT_CHECKPOINT_WRITE_H */
