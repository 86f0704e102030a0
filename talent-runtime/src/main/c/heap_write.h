/*
 * heap_write.h: the heap blocks a checkpoint writes (heap_write.c). Writing a checkpoint: begin, then for
 * every global and saved frame variable tl_heap_root() before its value is encoded; encoding a pointer asks
 * tl_heap_object() for the heap block containing an address, which marks the block (assigning it the next
 * block id); tl_heap_write_reached() (after the globals) and tl_heap_write() (after the frames) write the HEAP
 * section, encoding marked blocks until no unwritten one is left;
 * end releases the marks (the list of written blocks stays for tl_heap_release_written).
 */
#ifndef TALENT_HEAP_WRITE_H
#define TALENT_HEAP_WRITE_H

#include "types.h"
#include "values.h"

void tl_heap_checkpoint_begin(void);
void tl_heap_root(const char *name, const char *decl_pos, const char *where, const void *addr, const talent_type *t);
/* pointee: the descriptor of the pointer's pointee (its type's elem), or NULL; a block allocated where the
 * compiler did not see its type is typed from it (see tl_heap_stats.retyped). */
int tl_heap_object(uintptr_t p, const talent_type *pointee, tl_value_ctx *ctx, tl_object *out);
/* The distance from p to the start of a live block that starts at most n bytes after p, 0 if none. */
size_t tl_heap_start_after(uintptr_t p, size_t n);
/* The first part of the HEAP section into b: the marked blocks not encoded yet, and those they reach. Called after
 * the globals and before the frames, so that the blocks the globals reach take their ids in an order that does not
 * depend on where the frames' pointers point (a loop's cursor); tl_heap_write then writes the rest (blocks reached
 * only from frames and epoll registrations) and the count. */
void tl_heap_write_reached(tl_buf *b, tl_typeset *types, tl_strtab *strs);
void tl_heap_write(tl_buf *b, tl_typeset *types, tl_strtab *strs);
typedef struct tl_heap_stats {
    uint32_t blocks_written;
    double index_ms;                /* building the address index of the live blocks */
    int retyped;                    /* a block was typed after it had been encoded as bytes: encode again */
} tl_heap_stats;
tl_heap_stats tl_heap_checkpoint_end(void);
/* After the last pass of a checkpoint. refused: nothing is written, the program goes on: the headers the passes
 * changed (types inferred or guessed, guesses confirmed) get back what they held, so that the heap is as it was and
 * the next checkpoint starts from the same state, as strict as this one; and no block counts as written. */
void tl_heap_checkpoint_finish(int refused);
void tl_heap_describe(tl_value_ctx *ctx, char *out, size_t outlen);
/* After tl_heap_checkpoint_end: the HORD section's payload (FORMAT.md "HORD": the written blocks' ids by increasing
 * address) into b, and 1; 0 and nothing written when the ids already increase with the addresses (HEAP's order is
 * the address order: no section needed). */
int tl_heap_write_order(tl_buf *b);

#endif
