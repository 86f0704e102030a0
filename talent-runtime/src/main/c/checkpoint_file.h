/* checkpoint_file.h: listing a checkpoint directory and reading one checkpoint (or delta) file. */
#ifndef TALENT_CHECKPOINT_FILE_H
#define TALENT_CHECKPOINT_FILE_H

#include "base.h"

/* Reads a whole checkpoint (or delta) file: a regular file only, never through a link, at most
 * TL_MAX_CHECKPOINT_BYTES; malloc'ed, or NULL with a message. */
unsigned char *tl_checkpoint_read_file(const char *path, size_t *size, char *err, size_t errlen);
/* Lists ckpt-<seq>.tck files (and ckpt-<seq>.tdl deltas) of dir, newest first; returns the count (paths and seqs malloc'ed). */
size_t tl_checkpoint_list(const char *dir, char ***paths, uint64_t **seqs);

#endif /* TALENT_CHECKPOINT_FILE_H */
