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

/* Decodes count elements of file type elem_id into this target's type t at p, reading from r, when both are
 * plain and have the same shape; returns 1 when all were decoded. Returns 0 otherwise with *done set to
 * the number of elements decoded and r positioned at the next one: 0 when the types do not allow bulk
 * decoding, or the index of the first element holding a value that does not fit this target (the caller
 * decodes the rest value by value, which reports the value with its path). */
int tl_bulk_decode(tl_reader *r, const tl_checkpoint *ck, uint32_t elem_id, const talent_type *t, void *p,
                   uint64_t count, uint64_t *done);

#endif /* TALENT_BULK_H */
