/* checkpoint_file.h: listing a checkpoint directory and reading one checkpoint (or delta) file. */
#ifndef TALENT_CHECKPOINT_FILE_H
#define TALENT_CHECKPOINT_FILE_H

#include "base.h"

/* Reads a whole checkpoint (or delta) file: a regular file only, never through a link, at most
 * TL_MAX_CHECKPOINT_BYTES; malloc'ed, or NULL with a message. */
unsigned char *tl_checkpoint_read_file(const char *path, size_t *size, char *err, size_t errlen);

/* The CRC32C of each section frame (12-byte head and payload) of a file, computed as the file was read, a chunk
 * at a time while it was in the cache: frame k covers the bytes [off[k], off[k] + 12 + len[k]) of the buffer
 * read, following the frame heads from offset 24 as the reader does (the first TL_FRAME_CRCS of them, those
 * complete in what was read). The reader still checks every frame itself; it only takes the CRC from here
 * when its frame's offset and length are the same. */
#define TL_FRAME_CRCS 32
typedef struct tl_frame_crcs {
    unsigned n;
    size_t off[TL_FRAME_CRCS];
    uint64_t len[TL_FRAME_CRCS];
    uint32_t crc[TL_FRAME_CRCS];
} tl_frame_crcs;

/* tl_checkpoint_read_file, filling crcs too. */
unsigned char *tl_checkpoint_read_file_crcs(const char *path, size_t *size, tl_frame_crcs *crcs, char *err,
                                            size_t errlen);
/* Lists ckpt-<seq>.tck files (and ckpt-<seq>.tdl deltas) of dir, newest first; returns the count (paths and seqs malloc'ed). */
size_t tl_checkpoint_list(const char *dir, char ***paths, uint64_t **seqs);

#endif /* TALENT_CHECKPOINT_FILE_H */
