/* values.h: values in canonical form and the operations on what pointers name (values.c). */
#ifndef TALENT_VALUES_H
#define TALENT_VALUES_H

#include "base.h"
#include "encode.h"
#include "objects.h"
#include "checkpoint.h"

/* Strings kept in STRS while a checkpoint is written. */
typedef struct tl_strtab {
    char **s;
    size_t *len;
    uint32_t n, cap;
} tl_strtab;
uint32_t tl_strtab_add(tl_strtab *t, const char *s, size_t n);
void tl_strtab_free(tl_strtab *t);

/* Pointer tag TL_PTR_INDETERMINATE (FORMAT.md): a pointer that pointed nowhere talent knew; restored as this
 * address, in the first page, which no platform maps (a use faults instead of reading something else). */
#define TL_INDETERMINATE_ADDRESS ((uintptr_t)0xDEAD)

/* A FUNCPTR value TL_PTR_INDETERMINATE (a member not written yet at the checkpoint) is restored as this function,
 * which ends the program saying so if it is ever called (through a pointer of any type: it never returns). */
void tl_indeterminate_function(void);

/* Describes the variable being encoded/decoded, for messages. */
typedef struct tl_value_ctx {
    const char *var_name;
    const char *decl_pos;
    const char *where;              /* "global" or "frame f() at a.c:3:4" */
    int allow_fixups;               /* decoding into the variable's own memory: unbound targets are patched later */
    /* A heap block's values (FORMAT.md HEAP): heap_mode TL_CTX_HEAP_WRITE or TL_CTX_HEAP_READ, and the block
     * id. var_name, decl_pos and where are then filled in by tl_ctx_describe (only messages need them). */
    int heap_mode;
    uint32_t heap_block;
    /* set with heap_mode: describes the heap block's value for messages (tl_heap_describe of heap_write.c) */
    void (*describe)(struct tl_value_ctx *ctx, char *out, size_t outlen);
    /* element path below the variable, formatted only for messages */
    int depth;
    struct { const char *field; uint64_t index; } steps[TL_MAX_PATH];
    /* > 0 while encoding the first member of a union whose other members have numbers over its pointers: a pointer
     * there that points nowhere talent knows is more likely such a number than a dangling pointer, and is refused
     * instead of saved as indeterminate (values.c, union_numbers_over_pointers) */
    int in_union;
    /* resolving a boundary pointer's second reading (one past the end of an object; values.c): a scalar's end is
     * this target's size (tl_path_to_end_offset) */
    int end_reading;
    /* resolving a TL_PTR_BELOW pointer: this many elements (of what the path names, this target's size) below it */
    uint64_t below;
    /* a frame variable's value: 1. Encoding an address-taken one, which is read from the copy made while unwinding
     * (frames.c): the copy, its size and where the variable lay (tl_ctx_original), else NULL */
    int frame;
    const unsigned char *copy, *orig;
    size_t copy_size;
} tl_value_ctx;

/* The value being encoded or decoded while a member's accessor (get_bits/set_bits) runs, so that an accessor of the
 * runtime's own descriptors (sigtypes.c) can name the variable in a refusal; NULL outside them. */
extern tl_value_ctx *tl_accessor_ctx;

void tl_encode_value(tl_buf *b, const talent_type *t, const void *addr, tl_value_ctx *ctx, tl_strtab *strs);
/* 1 once this process has encoded a TL_PTR_BOUNDARY pointer: its checkpoints are then format major 4 */
extern int tl_wrote_boundary;
/* 1 once this process has encoded a TL_PTR_BELOW pointer: its checkpoints are then format major 5 */
extern int tl_wrote_below;
/* 1 once this process has encoded a TL_PTR_NUMBER pointer: its checkpoints are then format major 6 */
extern int tl_wrote_number;
/* After every object of a restore is bound: each TL_PTR_BOUNDARY pointer decoded was restored as its first reading
 * (the start of an object); when this platform puts its second reading (one past the end of another) elsewhere, the
 * restore is refused naming the pointer (exit 65). */
void tl_boundary_checks_run(const tl_checkpoint *ck);
/* The offsets of the data pointer members of struct type t when t is one the encoder handles member by member from
 * a flat list (numbers, bools and data pointers); at most max of them, and none for any other type. For the heap
 * writer, which fetches what the blocks it is about to encode point to (and keeps the offsets per type). */
unsigned tl_flat_pointer_offsets(const talent_type *t, size_t *out, unsigned max);
/* Skips one value of file type id (validation). Returns 0 or -1 with r->failed set. */
int tl_skip_value(tl_reader *r, const tl_checkpoint *ck, uint32_t type_id, int depth);
/* 1 when s (n bytes) is long double text as FORMAT.md allows: C99 hex notation, inf, -inf, nan, -nan. */
int tl_ldouble_text_valid(const unsigned char *s, size_t n);
/* Whether this program has a function of that name a pointer can name (FUNCPTR). */
int tl_function_known(const unsigned char *name, uint32_t len);
/* A function of the program by its identity (sigdisp.c): its name, or NULL when talent does not know it; the
 * address of the function of that name, or NULL. */
const char *tl_function_name_at(void (*f)(void));
void (*tl_function_addr_named(const unsigned char *name, uint32_t len))(void);
/* Decodes one value of file type id into memory of this target's type t at addr. */
void tl_decode_value(tl_reader *r, const tl_checkpoint *ck, uint32_t type_id, const talent_type *t, void *addr,
                     tl_value_ctx *ctx);
/* Native integers of 1, 2, 4 or 8 bytes (the low bytes of v). */
void tl_store_uint(void *addr, size_t size, uint64_t v);
uint64_t tl_load_uint(const void *addr, size_t size);
/* Formats the variable and element path for a message; call it before using ctx->decl_pos and ctx->where
 * (for heap blocks it fills them in). */
void tl_ctx_describe(tl_value_ctx *ctx, char *out, size_t outlen);
/* Where the object at p, inside the value being encoded, lies in the program: p itself, or for an address-taken frame
 * variable encoded from its copy, the same place in the variable (an accessor that looks the object up by its
 * address: regexes.c). */
const void *tl_ctx_original(const tl_value_ctx *ctx, const void *p);
/* One pointer on its own (no variable around it: epoll's data.ptr), as a `void *`: encoded, validated (with the
 * targets when ck->check_targets) and decoded like a pointer value (slot: where the decoded address goes, for a
 * pointer to a frame variable bound later). */
void tl_encode_pointer(tl_buf *b, const void *p, tl_value_ctx *ctx, tl_strtab *strs);
int tl_skip_pointer(tl_reader *r, const tl_checkpoint *ck);
void *tl_decode_pointer(tl_reader *r, const tl_checkpoint *ck, void **slot, tl_value_ctx *ctx);
/* Highest OPEN_STREAM index met while validating values (checked against FILE after parsing). */
extern long tl_max_stream_ref;
#define TL_CTX_HEAP_WRITE 1
#define TL_CTX_HEAP_READ 2

/* What a pointer value names belongs to the subsystems above values.c: the heap blocks (heap_write.c), the
 * frames and string constants of a restore (frames.c), the open streams (files.c), the checkpoint being
 * validated (checkpoint_read.c). values.c reaches them through this table of operations (CRIU's fdtype_ops
 * pattern) instead of calling up into them (issue 14: no call cycle between runtime files); each owner
 * installs its entries before values of that kind are encoded, validated or decoded, and a missing entry is
 * an internal error (exit 70), never a guess. */
typedef struct tl_value_ops {
    /* writing (checkpoint_write.c installs them) */
    long (*stream_index)(const void *p);
    int (*heap_object)(uintptr_t p, const talent_type *pointee, tl_value_ctx *ctx, tl_object *out);
    /* the distance from p to the start of a live heap block starting less than n bytes after it, 0 if none */
    size_t (*heap_start_after)(uintptr_t p, size_t n);
    /* validating (checkpoint_read.c) */
    const char *(*check_target)(const tl_checkpoint *ck, uint8_t kind, uint32_t a, uint32_t b, const tl_path *path,
                                uint64_t byte_offset, char *buf, size_t buflen);
    const char *(*check_below)(const tl_checkpoint *ck, uint8_t kind, uint32_t a, uint32_t b, const tl_path *path,
                               uint64_t byte_offset, uint64_t count);
    /* decoding (main.c, before a restore decodes anything) */
    void *(*resolve_object)(const tl_checkpoint *ck, int kind, uint32_t a, uint32_t b, const tl_path *path,
                            uint64_t byte_offset, void **slot, tl_value_ctx *ctx);
    void *(*string_constant)(const tl_checkpoint *ck, uint32_t index, uint64_t offset);
    void *(*stream)(uint32_t i);
} tl_value_ops;
extern tl_value_ops tl_value_hooks;

#endif /* TALENT_VALUES_H */
