/*
 * heap_restore.h: restoring the heap blocks of a checkpoint (heap_restore.c), and the reader's index of
 * blocks by id.
 */
#ifndef TALENT_HEAP_RESTORE_H
#define TALENT_HEAP_RESTORE_H

#include "values.h"

/* Allocates every block of the checkpoint and decodes their values (before globals and frames). */
void tl_heap_restore(tl_checkpoint *ck);
/* Address and (synthesised array) type of block id; dies with a message naming ctx when there is none. */
void tl_heap_resolve(const tl_checkpoint *ck, uint32_t id, char **base, const talent_type **type, tl_value_ctx *ctx);
/* The file's element type id of heap block id, UINT32_MAX when it has none (untyped, or no such block). */
uint32_t tl_heap_file_elem(const tl_checkpoint *ck, uint32_t id);
void tl_heap_restore_done(void);
/* Reader: indexes the blocks by id when ids are not 0, 1, 2 ...; returns 0, or -1 with *duplicate set. */
int tl_heap_index_ids(tl_checkpoint *ck, uint32_t *duplicate);
/* Reader, after HEAP: the HORD section (FORMAT.md), every block's id once, into ck->heap_order; 0, or -1 with the
 * reader failed (a count other than HEAP's, an id HEAP does not have, an id twice). */
int tl_heap_parse_order(tl_reader *r, tl_checkpoint *ck);
/* Index in ck->heap of the block with this id, or 0xFFFFFFFF (after tl_heap_index_ids). */
uint32_t tl_heap_block_index(const tl_checkpoint *ck, uint32_t id);

#endif
