/*
 * heap_trailing.h: heap blocks of a struct whose last member is an array that runs on to the end of the block (a C99
 * flexible array member `T data[]`, or the older struct hack `data[1]`/`data[0]`), heap_trailing.c. Such a block
 * (size >= offsetof(T, last), flagged TL_HDR_TRAILING, or not a whole number of T) is ONE T whose last array holds
 * m = (size - offsetof(T, last)) / sizeof(element) elements, the rest raw tail bytes; the checkpoint describes it with
 * a descriptor of T whose last array has m elements (FORMAT.md "HEAP", flag TL_HEAP_TRAILING), so a pointer into
 * the trailing elements is an ordinary path (element 0, the last field, index i).
 */
#ifndef TALENT_HEAP_TRAILING_H
#define TALENT_HEAP_TRAILING_H

#include "base.h"

/* Whether t is a struct whose last member is an array (not a bit-field) of elements that have a size. */
int tl_trailing_shape(const talent_type *t);

/* Whether t has the shape and its last array is a C99 flexible array member (`T data[]`: no elements, a descriptor
 * named "...[]"; a GNU `data[0]` is "...[0]"). C99 6.7.2.1 forbids an array of such structs, so a block of t is
 * always one t, whatever its size (a whole number of t too). */
int tl_trailing_flexible(const talent_type *t);

/* Whether a block of size bytes whose element type is t is one t with a trailing array: t has the shape, the block
 * holds its members before the array, and it is flagged (flagged != 0: typed so where it was allocated or at a
 * checkpoint), t's last member is a flexible array member, the block is not a whole number of t, or it is exactly
 * one t with padding after the array (which the struct hack's bytes may use). */
int tl_trailing_applies(const talent_type *t, size_t size, int flagged);

/* The number of whole elements of t's last array in a block of size bytes (size >= that member's offset). */
uint64_t tl_trailing_count(const talent_type *t, size_t size);

/* t with its last array of m elements (this platform's offsets; its size is the array's end, without t's trailing
 * padding), interned for the life of the process; NULL when that does not fit this platform's address space. */
const talent_type *tl_trailing_type(const talent_type *t, uint64_t m);

#endif
