/*
 * bulk.h: arrays whose elements are plain numbers (integers and floats, and structs and arrays made only of
 * them, without bit-fields, bools, pointers, unions or long doubles) encoded and decoded in tight loops
 * instead of one call per value. The encoding is exactly the per-value one of docs/FORMAT.md: each scalar
 * big-endian at its width, members in declaration order without padding. On a big-endian host a run of
 * same-width scalars is one memcpy; on a little-endian one a byte-swapping loop; integers whose width or
 * signedness differs between the file and this target are converted and range-checked element by element.
 */
#ifndef TALENT_BULK_H
#define TALENT_BULK_H

#include "encode.h"
#include "checkpoint.h"

/* Encodes count elements of type et stored at p (this target's layout) when et is plain, appending to b;
 * returns 1 then, 0 (nothing written) when et is not plain and the caller must encode value by value. */
int tl_bulk_encode(tl_buf *b, const talent_type *et, const void *p, uint64_t count);

/* Arrays of at least this many encoded bytes are referred to, not copied, in a buffer that allows it. */
#define TL_BULK_REFER_MIN ((size_t)1 << 18)

/* Encodes n scalars of size bytes (1, 2, 4 or 8) from s into d, big-endian: what a tl_buf_ref stands for. */
void tl_bulk_swap_copy(unsigned char *d, const unsigned char *s, unsigned size, size_t n);

/* Appends to b a reference to n scalars of size bytes at src (tl_buf_ref). */
void tl_buf_refer(tl_buf *b, const void *src, unsigned size, size_t n);
/* Encodes the arrays b refers to into it: its data then holds all of its content, and it refers to none. */
void tl_buf_materialize(tl_buf *b);

/* Decodes count elements of file type elem_id into this target's type t at p, reading from r, when both are
 * plain and have the same shape; returns 1 when all were decoded. Returns 0 otherwise with *done set to
 * the number of elements decoded and r positioned at the next one: 0 when the types do not allow bulk
 * decoding, or the index of the first element holding a value that does not fit this target (the caller
 * decodes the rest value by value, which reports the value with its path). */
int tl_bulk_decode(tl_reader *r, const tl_checkpoint *ck, uint32_t elem_id, const talent_type *t, void *p,
                   uint64_t count, uint64_t *done);

#endif /* TALENT_BULK_H */
