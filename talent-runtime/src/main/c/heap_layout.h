/*
 * heap_layout.h: whether a typed pointer into a heap block agrees with the block's element type (heap_layout.c).
 * A pointer of type T * into a block of S elements is consistent with S when S, at that offset, has a T: S itself,
 * or (recursively, through nested structs, the first member of a union and the elements of arrays) a member of
 * type T or an element of an array of T, or a struct whose first members are T's (T is a common initial sequence of
 * it: a pointer to the whole struct, viewed through its header type). Such a pointer is written as (block, path in S's layout) and re-based on
 * any ISA; anything else is the same bytes used under two types, which no layout conversion can carry.
 */
#ifndef TALENT_HEAP_LAYOUT_H
#define TALENT_HEAP_LAYOUT_H

#include "base.h"

/* Two descriptors describe the same layout for a checkpoint: the same descriptor, integers of one size (signedness
 * does not change the bytes), floats of one size, pointers, or aggregates whose fields (offsets, bit-fields, types)
 * agree recursively: a typedef and its tag (deflate_state, struct internal_state) are two descriptors of one type. */
int tl_layout_compatible(const talent_type *a, const talent_type *b);

/* Whether a value of type t sits at byte offset off of a value of type s (see above). */
int tl_layout_holds(const talent_type *s, size_t off, const talent_type *t);

/* Whether a pointer of type t * at byte offset off of a block of size bytes whose elements are of type elem agrees
 * with elem: one of the elements (or one past the last, for t compatible with elem) or a member inside one. */
int tl_layout_block_holds(const talent_type *elem, size_t size, size_t off, const talent_type *t);

#endif
