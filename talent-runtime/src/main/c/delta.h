/*
 * delta.h: checkpoint deltas (docs/FORMAT.md "Delta"). A delta file ckpt-<seq>.tdl is a checkpoint written as
 * the bytes that changed since a base checkpoint file of the same directory (a pre-copy image, precopy.c):
 * a list of operations, each either COPY (a byte range of the base) or DATA (bytes carried in the delta),
 * whose concatenation is the complete checkpoint image. A reader rebuilds that image and then validates it
 * like any checkpoint file; the delta itself is hostile input and is validated first (base identity, every
 * range, every length, the CRCs), so that nothing outside the base or the delta is ever read.
 */
#ifndef TALENT_DELTA_H
#define TALENT_DELTA_H

#include "encode.h"

/* One piece of a checkpoint image being written: a section payload (tag set: compared with the base's
 * section of the same tag at equal offsets) or framing bytes (tag NULL: carried as they are). */
typedef struct tl_piece {
    const char *tag;
    const unsigned char *p;
    size_t n;
    /* Optional, for a section payload whose large arrays are referred to (encode.h, tl_buf_ref) rather than
     * copied in: the content is buf's (p is unused, n = tl_buf_size(buf)), encoded through a small buffer as the
     * delta is built, never as a whole; crc_out then receives the section's CRC (CRC32C seeded with crc_seed, the
     * CRC of the frame head, over the content), big-endian, before the next piece (the section's CRC bytes,
     * whose p is crc_out) is read. */
    const tl_buf *buf;
    unsigned char *crc_out;
    uint32_t crc_seed;
} tl_piece;

/* Writes the piece's content to fd (a referred array encoded through a small buffer, its section's CRC stored in
 * crc_out), updating *image_crc with it: 0, or -1 with errno set (a write that makes no progress: EIO). */
int tl_piece_write(int fd, const tl_piece *pc, uint32_t *image_crc);

#define TL_DELTA_CHUNK 4096u        /* comparison granularity of the writer */
#define TL_DELTA_MAX_NAME 64u       /* longest base file name */

/* Builds in out the delta file that turns base (base_len bytes, the checkpoint file base_name in the same
 * directory) into the image made of the pieces. base_crc: the base's CRC32C when known (else NULL: computed).
 * *changed gets the number of DATA bytes. */
void tl_delta_build(tl_buf *out, const char *base_name, const unsigned char *base, size_t base_len,
                    const uint32_t *base_crc, const tl_piece *pieces, unsigned npieces, uint64_t *changed);

/* Of the last tl_delta_build with dirty tracking armed (dirty.h): the chunks of payloads with referred arrays taken
 * as unchanged without being read, and those encoded and compared. */
void tl_delta_dirty_counts(uint64_t *skipped, uint64_t *encoded);

/* Writes the image the delta d (dlen bytes) makes of base (blen bytes, the file open as base_fd) into fd at offset
 * 0: every operation checked first, as a reader does; the COPYs copied from base_fd inside the kernel
 * (copy_file_range, which shares extents where the file system can) or, where the kernel refuses, written from base;
 * the DATA written. A pre-copy round's image made from the previous round's image (precopy.c). 0 with the image's
 * CRC32C (the delta's, not recomputed) in *image_crc, or -1 with a message. */
int tl_delta_write_image(int fd, int base_fd, const unsigned char *base, size_t blen, const unsigned char *d,
                         size_t dlen, uint32_t *image_crc, char *err, size_t errlen);

/* Validates a delta and returns its base file name (copied into name). 0, or -1 with a message. */
int tl_delta_base_name(const unsigned char *delta, size_t dlen, char *name, size_t namelen, char *err, size_t errlen);

/* Validates a delta against its base and returns the rebuilt image (malloc'ed, *out_len bytes), or NULL with
 * a message naming the offset in the delta. */
unsigned char *tl_delta_apply(const unsigned char *delta, size_t dlen, const unsigned char *base, size_t blen,
                              size_t *out_len, char *err, size_t errlen);

/* A checkpoint file mapped read-only (no copy of hundreds of MiB into the heap), or read where mapping fails:
 * a regular file only, never through a link, at most TL_MAX_CHECKPOINT_BYTES. */
typedef struct tl_mapped {
    unsigned char *p;
    size_t n;
    int mapped;
} tl_mapped;
int tl_map_checkpoint_file(const char *path, tl_mapped *m, char *err, size_t errlen);
void tl_unmap_checkpoint_file(tl_mapped *m);

/* Checks a delta's framing and operations against a base of blen bytes (not yet the base's CRC): 0 with the image
 * length and the shift (image offset minus base offset) of its longest COPY, or -1 with a message. */
int tl_delta_shift(const unsigned char *delta, size_t dlen, size_t blen, uint64_t *image_len, int64_t *shift,
                   char *err, size_t errlen);

/* Validates a delta against its base as tl_delta_apply does and builds its image in img (image length bytes), where
 * the caller has put the base's bytes at the shift tl_delta_shift gave for every COPY at that shift (a mapping of
 * the base placed there): every other operation is written, those COPYs are left as they are, and the image's CRC
 * is checked over img. 0, or -1 with a message (img then holds no valid image). */
int tl_delta_apply_over(const unsigned char *delta, size_t dlen, const unsigned char *base, size_t blen,
                        unsigned char *img, int64_t shift, char *err, size_t errlen);

/* Reads the delta file path and its base from the same directory (regular files, never through a link) and
 * returns the rebuilt image, or NULL with a message. *mapped = TL_MAPPED_DELTA_IMAGE (checkpoint_file.h): the image
 * is built over a private mapping of the base (only the pages the delta writes are copied; release it with
 * tl_checkpoint_unmap_file(p, *out_len, *mapped)); 0: malloc'ed. */
unsigned char *tl_delta_load(const char *path, size_t *out_len, int *mapped, char *err, size_t errlen);

/* Whether name (n bytes) is what a delta may name as its base: a plain .tck file name of the same directory
 * (docs/FORMAT.md "Delta"). */
int tl_delta_plain_base_name(const char *name, size_t n);

/* What the image the last successful tl_delta_load returned was made of (ahead.c: which of its bytes are, provably,
 * the base's bytes at a given base offset): the image, its base's name, length and CRC, and the delta's COPY
 * operations in image order (at: image offset, from: base offset, len). Forgotten (NULL) by tl_delta_forget and at
 * the start of every tl_delta_load, so that it never describes an image other than the one last loaded. */
typedef struct tl_delta_copy {
    uint64_t at, from, len;
} tl_delta_copy;
typedef struct tl_delta_made {
    const unsigned char *image;
    char base_name[TL_DELTA_MAX_NAME + 1];
    uint64_t base_len;
    uint32_t base_crc;
    const tl_delta_copy *copies;
    size_t ncopies;
} tl_delta_made;
const tl_delta_made *tl_delta_last(void);
void tl_delta_forget(void);

/* A base read whole and checked before the go (ahead.c, the base restored ahead): the file path (its identity:
 * device, inode, size, modification and change times, taken before and after the bytes p[0, n) are read) and, as
 * its bytes are read once, the CRC32C of every prefix at a fixed step. A delta later loaded against that very file
 * (same name, identity and CRC) is then built without reading the base's bytes for its CRC, nor the image's bytes
 * that are COPYs of it for the image's CRC: those CRCs are combined from the prefixes (tl_crc32c_combine), so the
 * restore at the go reads what the delta changed and not the whole state. *crc gets the CRC of the whole file.
 * Returns 1 when the base is known so, 0 when its identity could not be established (nothing is known then; *crc
 * is still the CRC). A later call replaces it. */
int tl_delta_know_base(const char *path, const unsigned char *p, size_t n, uint32_t *crc);
void tl_delta_forget_base(void);

/* CRC32C (seed 0) of the bytes [off, off + n) of img: combined from the known base's prefixes where img is the image
 * the last tl_delta_load built against a known base (tl_delta_know_base) and the range covers its COPYs, else
 * computed over the bytes. The caller has checked that [off, off + n) lies inside img. */
uint32_t tl_delta_image_crc(const unsigned char *img, size_t off, size_t n);

#endif /* TALENT_DELTA_H */
