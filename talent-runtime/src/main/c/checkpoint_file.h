/* checkpoint_file.h: listing a checkpoint directory and reading one checkpoint (or delta) file. */
#ifndef TALENT_CHECKPOINT_FILE_H
#define TALENT_CHECKPOINT_FILE_H

#include "base.h"

/* Reads a whole checkpoint (or delta) file: a regular file only, never through a link, at most
 * TL_MAX_CHECKPOINT_BYTES; malloc'ed, or NULL with a message. */
unsigned char *tl_checkpoint_read_file(const char *path, size_t *size, char *err, size_t errlen);

/* A checkpoint (or delta) file mapped read-only and private instead of read into a fresh buffer (no copy, no
 * page the kernel must clear): the same rules as tl_checkpoint_read_file (a regular file, never through a link,
 * at most TL_MAX_CHECKPOINT_BYTES, checked with fstat on the descriptor that is mapped). *mapped is 0 where the
 * file was read instead (an empty file, or one whose file system cannot map it): release it with
 * tl_checkpoint_unmap_file either way. The mapping is registered for the guard below. */
unsigned char *tl_checkpoint_map_file(const char *path, size_t *size, int *mapped, char *err, size_t errlen);
/* The same for a reader that reads only a few of its pages (the stop after pre-copy with dirty tracking reads only
 * the base's chunks that were written since): neither its page tables populated nor its reads asked for ahead. */
unsigned char *tl_checkpoint_map_file_sparse(const char *path, size_t *size, int *mapped, char *err, size_t errlen);
void tl_checkpoint_unmap_file(unsigned char *p, size_t size, int mapped);

/* A mapped file that another process truncates raises SIGBUS where its pages beyond the new end are read.
 * Between tl_checkpoint_guard_begin and tl_checkpoint_guard_end (a load and the restore that follows it) a
 * SIGBUS in a registered mapping puts zero pages over the rest of that mapping, says so on stderr and marks the
 * mapping: whoever read it asks tl_checkpoint_file_shrank afterwards and refuses what it read (the load fails,
 * the restore dies). A SIGBUS anywhere else gets the disposition the guard replaced. Outside the guard the
 * disposition is the program's (the guard's handler must never be seen by the program or by the SIGS writer). */
void tl_checkpoint_guard_begin(void);
/* A delta's image img built in the anonymous region (region_len bytes) over a private mapping of its base at
 * base_at (delta.c): the base's mapping is registered with the guard (tl_checkpoint_file_shrank(img) asks about
 * it), and tl_checkpoint_unmap_file(img, any, TL_MAPPED_DELTA_IMAGE) unmaps the region. 0, or -1 when no slot is
 * free (nothing registered). */
#define TL_MAPPED_DELTA_IMAGE 2
int tl_checkpoint_image_add(unsigned char *img, unsigned char *region, size_t region_len, unsigned char *base_at,
                            size_t base_len);
void tl_checkpoint_guard_end(void);
int tl_checkpoint_file_shrank(const unsigned char *p);

/* Lists ckpt-<seq>.tck files (and ckpt-<seq>.tdl deltas) of dir, newest first; returns the count (paths and seqs malloc'ed). */
size_t tl_checkpoint_list(const char *dir, char ***paths, uint64_t **seqs);

#endif /* TALENT_CHECKPOINT_FILE_H */
