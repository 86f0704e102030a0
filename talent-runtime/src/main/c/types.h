/* types.h: the TYPE section's type set (types.c). */
#ifndef TALENT_TYPES_H
#define TALENT_TYPES_H

#include "base.h"
#include "encode.h"

/* Distinct descriptors (by pointer identity) in dependency order; the index is the type id. */
typedef struct tl_typeset {
    const talent_type **v;
    uint32_t n, cap;
} tl_typeset;

uint32_t tl_types_add(tl_typeset *s, const talent_type *t);
uint32_t tl_types_id(const tl_typeset *s, const talent_type *t);
void tl_types_write(tl_buf *b, const tl_typeset *s);
void tl_types_free(tl_typeset *s);
int tl_is_aggregate(const talent_type *t);
/* The element type of t's innermost array (t itself when it is no array; NULL for NULL). */
const talent_type *tl_innermost_elem(const talent_type *t);
/* 1 for a one-byte integer (char, signed and unsigned char, int8_t, _Bool): its bytes are what the program stores in
 * it on every ISA; 0 for anything else and for NULL. */
int tl_is_byte_type(const talent_type *t);
/* 1 if the pointer type ptr addresses chars by its pointee's spelling ("char", "const char", "unsigned char"...);
 * 0 for NULL. */
int tl_pointee_is_char(const talent_type *ptr);
/* 1 if the pointer type ptr's pointee is described as a one-byte integer other than _Bool whatever its spelling (a
 * typedef of char: bzip2's `typedef char Char`, whose spelling "const Char" names no char; int8_t, uint8_t); 0 for
 * NULL or an undescribed pointee. */
int tl_pointee_is_byte_integer(const talent_type *ptr);

#endif /* TALENT_TYPES_H */
