/* objects.h: the registry of pointer targets, element paths, argv and string constants (objects.c). */
#ifndef TALENT_OBJECTS_H
#define TALENT_OBJECTS_H

#include "base.h"

/* object kinds: TL_OBJ_* of contract.h */

typedef struct tl_object {
    uintptr_t base;
    size_t size;
    const talent_type *type;
    int kind;
    uint32_t a, b;
    /* a heap block allocated where the compiler did not see its type and not typed yet: its bytes (heap_write.c);
     * TL_OBJ_BYTE_ORDER: bytes of this byte order whose typed views are fixed-width integers (FORMAT.md "HEAP") */
    int untyped;
    /* a frame variable another may directly follow (talent_save_mem's addr_taken 1): one past its end is ambiguous */
    int open_end;
    /* a global that is a string literal (talent_global.is_const 2): one past its end is never what a pointer means
     * when another object starts there (literals are packed one after another, differently on each ISA) */
    int literal;
} tl_object;

#define TL_OBJ_BYTE_ORDER 2

#define TL_MAX_PATH 64
typedef struct tl_path {
    uint16_t len;
    uint64_t idx[TL_MAX_PATH];
} tl_path;

/* The registry of pointer targets while a checkpoint is written. */
void tl_objects_clear(void);
/* Returns the entry (valid until the next add) for the caller to complete. */
tl_object *tl_objects_add(uintptr_t base, const talent_type *type, int kind, uint32_t a, uint32_t b);
/* Sorts the registry; call after the last add and before any find. */
void tl_objects_seal(void);
const tl_object *tl_objects_find(uintptr_t addr);
/* The first object that starts after addr and at most n bytes after it, NULL if none. */
const tl_object *tl_objects_starting_within(uintptr_t addr, size_t n);
/* The object that ends exactly at addr (addr is one past its end), NULL if none. */
const tl_object *tl_objects_ending_at(uintptr_t addr);
/* An address that is one past the end of an object of type before and the start of one of type after: which of the
 * two a pointer to pointee (NULL: void * or not described) means. -1 one past the end of before, 1 the start of after,
 * 0 it cannot be told. members: the two are members of one struct (or elements of one array), in this order; 0 is
 * then returned when the pointee fits both or is a byte and fits neither, unless after (or its elements) has the type
 * of before's elements: it then follows before on every ISA, and both readings are one address. Two argument strings
 * (members 0): -1 when the pointee fits only the end, else 1 (docs/COVERAGE.md: one past the end of such an object is
 * not handled). Two separate objects side by side where the compiler could not write a gap between them (members
 * TL_BOUNDARY_UNSEPARATED: objects with static storage, or a frame variable talent_save_mem was told another may
 * follow): -1 or 1 when the pointee fits only one reading, else 0 (void * too): the checkpoint then carries both
 * (TL_PTR_BOUNDARY). */
#define TL_BOUNDARY_UNSEPARATED 2
int tl_boundary_reading(const talent_type *before, const talent_type *after, const talent_type *pointee, int members);
/* A pointer to pointee dist bytes below the start of an object of type t (in no object): 1 when t is an array and dist
 * is a whole number of elements of the array, or of an array inside its first element, whose elements are pointee
 * (both bytes for a byte pointee): *path then names that first element (every step 0; a heap block's type is its array
 * of elements) and *count the number of elements below it (TL_PTR_BELOW). 0 otherwise. */
/* 1 when a pointer to pointee (not void) one past the end of an object of type t may mean that end (t, its last element
 * or its last member that ends it, recursively, is pointee) */
int tl_ends_with(const talent_type *t, const talent_type *pointee);
int tl_below_path(const talent_type *t, const talent_type *pointee, size_t dist, tl_path *path, uint64_t *count);
/* Address -> path inside an object of type t, for a pointer to pointee (NULL if unknown: where off is one past the
 * end of a member and the start of the next, the pointee chooses, tl_boundary_reading); returns NULL or a reason why
 * the offset is not addressable. */
const char *tl_offset_to_path(const talent_type *t, size_t off, const talent_type *pointee, tl_path *path,
                              uint64_t *byte_offset);
/* The same, where one boundary between two members that the pointee does not tell apart (a char * at the start of a
 * member that follows an array or struct member) is not a reason: *path is then the start reading, *alt the end
 * reading and *has_alt 1 (the writer puts both, TL_PTR_BOUNDARY). */
const char *tl_offset_to_paths(const talent_type *t, size_t off, const talent_type *pointee, tl_path *path,
                               uint64_t *byte_offset, tl_path *alt, uint64_t *alt_byte_offset, int *has_alt);
/* Path -> offset inside an object of this target's type t; NULL or a reason. */
const char *tl_path_to_offset(const talent_type *t, const tl_path *path, uint64_t byte_offset, size_t *off);
/* The same for a reading known to be one past the end of what the path reaches (a boundary pointer's second reading):
 * a nonzero byte offset at a scalar is one past it in this target's size, whatever the writer's size was. */
const char *tl_path_to_end_offset(const talent_type *t, const tl_path *path, uint64_t byte_offset, size_t *off);
int tl_is_readonly_data(const void *p);
/* Whether p lies in the executable's code (before __etext): no data the program stores. */
int tl_is_code(const void *p);
/* The program's string literal (talent_unit.literals) holding p (from its first byte to its NUL), its length in *len
 * and in *ambiguous whether another literal has the same text at another address; NULL if none holds p. */
const char *tl_literal_at(const void *p, size_t *len, int *ambiguous);
/* The program's string literal whose text is s (len bytes), NULL if there is none or several at distinct addresses. */
const char *tl_literal_by_text(const char *s, size_t len);
/* String constants restored from a checkpoint (heap copies of STRS entries). */
void tl_strings_add(const char *base, size_t len);
const char *tl_strings_find(const void *p, size_t *len);

/* argv of this process (the original one, or the one rebuilt from a checkpoint). */
extern int tl_argc;
extern char **tl_argv;
void tl_argv_set(int argc, char **argv);
const char *tl_argv_string(int i);  /* argv[i] as main received it */
void tl_argv_register(void);        /* adds argv array + strings to the registry */
const talent_type *tl_argv_array_type(void);
const talent_type *tl_argv_string_type(int i);
/* 1 when the program changed argv's array (getopt permutes it, a program may store its own pointers): its contents
 * are then carried (libc_state.c), otherwise the restore rebuilds it as main received it. */
int tl_argv_changed(void);


/* String constants of the previous restore are dropped before another one. */
void tl_strings_clear(void);

#endif /* TALENT_OBJECTS_H */
