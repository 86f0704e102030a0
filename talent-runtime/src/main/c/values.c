/* values.c: values in canonical form. Encodes a value of a talent_type from memory (this target's layout)
 * into the checkpoint's big-endian, type-directed encoding, and decodes the canonical form into memory of
 * the restoring target's type, range-checking every integer. Also the STRS string table. */
#include "diag.h"
#include "xalloc.h"
#include "types.h"
#include "values.h"
#include "codesyms.h"
#include "env.h"
#include "refusal.h"
#include "bulk.h"
#include "foreign.h"
#include "sort.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <float.h>
#include <string.h>

/* ---------------------------------------------------------------- the objects pointers name */

tl_value_ops tl_value_hooks;
long tl_max_stream_ref = -1;

/* A hook the subsystem owning those objects did not install is a runtime bug: refused, never guessed. */
#define HOOK(name) (tl_value_hooks.name ? tl_value_hooks.name \
                    : (tl_die(TL_EXIT_SOFTWARE, "internal error: value hook " #name " is not installed"), tl_value_hooks.name))

/* ---------------------------------------------------------------- STRS */

uint32_t tl_strtab_add(tl_strtab *t, const char *s, size_t n)
{
    uint32_t i;
    for (i = 0; i < t->n; i++)
        if (t->len[i] == n && memcmp(t->s[i], s, n) == 0)
            return i;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->s = tl_xrealloc(t->s, t->cap * sizeof *t->s);
        t->len = tl_xrealloc(t->len, t->cap * sizeof *t->len);
    }
    t->s[t->n] = tl_xstrndup(s, n);
    t->len[t->n] = n;
    return t->n++;
}

void tl_strtab_free(tl_strtab *t)
{
    uint32_t i;
    for (i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    free(t->len);
    memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------- messages */

const void *tl_ctx_original(const tl_value_ctx *ctx, const void *p)
{
    const unsigned char *b = p;
    if (ctx && ctx->copy && ctx->orig && b >= ctx->copy && b < ctx->copy + ctx->copy_size)
        return ctx->orig + (b - ctx->copy);
    return p;
}

void tl_ctx_describe(tl_value_ctx *ctx, char *out, size_t outlen)
{
    size_t n;
    int i;
    if (ctx->describe) {
        ctx->describe(ctx, out, outlen);
        return;
    }
    snprintf(out, outlen, "%s", ctx->var_name ? ctx->var_name : "?");
    for (i = 0; i < ctx->depth && i < TL_MAX_PATH; i++) {
        n = strlen(out);
        if (n + 1 >= outlen)
            return;
        if (ctx->steps[i].field)
            snprintf(out + n, outlen - n, ".%s", ctx->steps[i].field);
        else
            snprintf(out + n, outlen - n, "[%llu]", (unsigned long long)ctx->steps[i].index);
    }
}

static void push_field(tl_value_ctx *ctx, const char *field)
{
    if (ctx->depth < TL_MAX_PATH) {
        ctx->steps[ctx->depth].field = field;
        ctx->steps[ctx->depth].index = 0;
    }
    ctx->depth++;
}

static void push_index(tl_value_ctx *ctx, uint64_t i)
{
    if (ctx->depth < TL_MAX_PATH) {
        ctx->steps[ctx->depth].field = NULL;
        ctx->steps[ctx->depth].index = i;
    }
    ctx->depth++;
}

/* ---------------------------------------------------------------- native integers */

uint64_t tl_load_uint(const void *addr, size_t size)
{
    switch (size) {
    case 1: { uint8_t v; memcpy(&v, addr, 1); return v; }
    case 2: { uint16_t v; memcpy(&v, addr, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, addr, 4); return v; }
    case 8: { uint64_t v; memcpy(&v, addr, 8); return v; }
    default:
        tl_die(TL_EXIT_SOFTWARE, "internal error: integer of %lu bytes is not supported", (unsigned long)size);
    }
}

void tl_store_uint(void *addr, size_t size, uint64_t v)
{
    switch (size) {
    case 1: { uint8_t x = (uint8_t)v; memcpy(addr, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(addr, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(addr, &x, 4); break; }
    case 8: memcpy(addr, &v, 8); break;
    default:
        tl_die(TL_EXIT_SOFTWARE, "internal error: integer of %lu bytes is not supported", (unsigned long)size);
    }
}

/* ---------------------------------------------------------------- encoding */

/* The scan below reads the binary's read-only data around a string literal, beyond the C object that holds it
 * (the compiler packs literals NUL-separated): AddressSanitizer's redzones between globals would report it. */
#if defined(__GNUC__)
#define TL_NO_SANITIZE_ADDRESS __attribute__((no_sanitize_address))
#else
#define TL_NO_SANITIZE_ADDRESS
#endif

/* A pointer into a string literal: the literal is kept from its start (as far back as the preceding NUL, at
 * most 4096 bytes) so that pointers into the same literal keep their distance after a restore. */
TL_NO_SANITIZE_ADDRESS static void literal_extent(const char *s, const char **start_out, const char **end_out)
{
    const char *start = s, *end = s;
    while (s - start < 4096 && tl_is_readonly_data(start - 1) && start[-1] != '\0')
        start--;
    while (tl_is_readonly_data(end) && *end != '\0')
        end++;
    *start_out = start;
    *end_out = end;
}

/* Whether p is in one of the program's string literals (objects.c's tables). */
static int in_literal(const void *p)
{
    size_t len;
    int ambiguous;
    return tl_literal_at(p, &len, &ambiguous) != NULL;
}

/* A type whose bytes are what the program stores in it on every ISA: a one-byte integer (char, signed and unsigned
 * char, int8_t, _Bool), or an array of such. */
static int byte_like(const talent_type *t)
{
    return tl_is_byte_type(tl_innermost_elem(t));
}

/* The type of the element a path names in an object of type t (tl_offset_to_path's path). */
static const talent_type *type_at_path(const talent_type *t, const tl_path *path)
{
    uint16_t i;
    for (i = 0; i < path->len && t; i++)
        t = t->kind == TALENT_K_ARRAY ? t->elem
            : (t->kind == TALENT_K_STRUCT || t->kind == TALENT_K_UNION) && path->idx[i] < t->nfields
            ? t->fields[path->idx[i]].type : NULL;
    return t;
}

/* An OBJECT pointer's payload after its tag (FORMAT.md "Pointers"): object kind, a, b, path, byte offset. */
static void put_object_ref(tl_buf *b, const tl_object *o, const tl_path *path, uint64_t byte_offset)
{
    unsigned char *d = tl_buf_grow(b, 19 + 8 * (size_t)path->len);
    uint16_t i;
    d[0] = (unsigned char)o->kind;
    tl_put_be_n(d + 1, o->a, 4);
    tl_put_be_n(d + 5, o->b, 4);
    tl_put_be_n(d + 9, path->len, 2);
    d += 11;
    for (i = 0; i < path->len; i++, d += 8)
        tl_put_be_n(d, path->idx[i], 8);
    tl_put_be_n(d, byte_offset, 8);
}

int tl_wrote_boundary;
int tl_wrote_below;
int tl_wrote_number;

/* A pointer of type t in no object (or only one past the end of one) just below the start of an array object: writes
 * it as TL_PTR_BELOW and returns 1 where its type is the array's elements (tl_below_path); else 0 and *dist_out the
 * distance to that start (0: no object starts within TL_BELOW_START_BYTES above p), *heap 1 for a heap block. */
static int enc_below(tl_buf *b, const void *p, const talent_type *t, tl_value_ctx *ctx, size_t *dist_out, int *heap)
{
    tl_object heap_obj;
    const tl_object *next = tl_objects_starting_within((uintptr_t)p, TL_BELOW_START_BYTES);
    size_t dist = next ? next->base - (uintptr_t)p : HOOK(heap_start_after)((uintptr_t)p, TL_BELOW_START_BYTES);
    tl_path path;
    uint64_t count;
    *dist_out = dist;
    *heap = !next;
    if (!dist)
        return 0;
    if (!next && HOOK(heap_object)((uintptr_t)p + dist, t->elem, ctx, &heap_obj))
        next = &heap_obj;
    if (next && (next->kind == TL_OBJ_GLOBAL || next->kind == TL_OBJ_FRAME || next->kind == TL_OBJ_HEAP) &&
        !next->untyped && tl_below_path(next->type, t->elem, dist, &path, &count)) {
        tl_buf_u8(b, TL_PTR_BELOW);
        tl_buf_u64(b, count);
        put_object_ref(b, next, &path, 0);
        tl_wrote_below = 1;
        return 1;
    }
    return 0;
}

static void enc_ptr(tl_buf *b, const void *p, const talent_type *t, tl_value_ctx *ctx, tl_strtab *strs)
{
    const tl_object *o, *ended = NULL;
    tl_object heap_obj;
    char what[256];
    if (!p) {
        tl_buf_u8(b, TL_PTR_NULL);
        return;
    }
    if (p == (const void *)stdin || p == (const void *)stdout || p == (const void *)stderr) {
        tl_buf_u8(b, TL_PTR_STREAM);
        tl_buf_u8(b, p == (const void *)stdin ? TL_STREAM_STDIN : p == (const void *)stdout ? TL_STREAM_STDOUT : TL_STREAM_STDERR);
        return;
    }
    {
        long stream = HOOK(stream_index)(p);
        if (stream >= 0) {
            tl_buf_u8(b, TL_PTR_OPEN_STREAM);
            tl_buf_u32(b, (uint32_t)stream);
            return;
        }
    }
    o = tl_objects_find((uintptr_t)p);
    if (!o) {
        /* into an environment string the C library owns (kept from getenv): carried as the constant it is for the
         * program, whole from its "NAME=" (env.c) */
        size_t len;
        const char *base = tl_env_string_find(p, &len);
        if (base) {
            tl_buf_u8(b, TL_PTR_STRING);
            tl_buf_u32(b, tl_strtab_add(strs, base, len));
            tl_buf_u64(b, (uint64_t)((const char *)p - base));
            return;
        }
    }
    if (o && o->base == (uintptr_t)p) {
        /* at the start of an object that another one ends at: `end = arr + N` with the next object right after arr
         * here, which another ISA (or linker) need not put there; the pointer's type tells which it means, else both
         * readings are written (TL_PTR_BOUNDARY) */
        const tl_object *before = tl_objects_ending_at((uintptr_t)p);
        if (before && before != o) {
            /* a frame variable with a gap after it never ends where another starts; one without (open_end 0 then: no
             * pointer the program forms reaches it) cannot be what the pointer means; nor is one past a string
             * literal's terminating zero (literals are packed side by side, and wide ones are globals) */
            int r = (before->kind == TL_OBJ_FRAME && !before->open_end) || before->literal ? 1
                    : tl_boundary_reading(before->type, o->type, t->elem,
                                          (before->kind == TL_OBJ_GLOBAL && o->kind == TL_OBJ_GLOBAL) ||
                                                  before->kind == TL_OBJ_FRAME ? TL_BOUNDARY_UNSEPARATED : 0);
            if (r < 0)
                o = before;
            else if (r == 0)
                ended = before;
        }
    }
    if (!o && HOOK(heap_object)((uintptr_t)p, t->elem, ctx, &heap_obj))
        o = &heap_obj;
    if (o && !ended && o->size > 0 && (uintptr_t)p == o->base + o->size && !tl_ends_with(o->type, t->elem)) {
        /* one past the end of o, which the pointer's type does not fit, and just below the start of an array of its
         * type (`sv = svector(1, n)` right after another heap block, `gd1 = gd - 1` right after a global): the array
         * (FORMAT.md "Below an object's start"); where the type fits o's end, that end, as before */
        size_t dist;
        int heap;
        if (t->elem && t->elem->kind != 0 && enc_below(b, p, t, ctx, &dist, &heap))
            return;
    }
    if (o) {
        tl_path path, apath;
        uint64_t byte_offset, aoff;
        uint16_t i;
        int has_alt;
        const char *why = tl_offset_to_paths(o->type, (size_t)((uintptr_t)p - o->base), t->elem, &path, &byte_offset,
                                             &apath, &aoff, &has_alt);
        if (!why && has_alt && ended)
            why = "it points both to the start of an object that another ends at and to one past the end of a member "
                  "that another member follows, and its type does not tell which it means";
        if (why) {
            /* the program's state is fine here, only not portable: the checkpoint is refused, the program goes on
             * (refusal.h); what is encoded in its place is never written */
            tl_ctx_describe(ctx, what, sizeof what);
            tl_refuse("cannot checkpoint: pointer '%s' (%s, declared at %s, %s): %s", what, t->name, ctx->decl_pos,
                      ctx->where, why);
            tl_buf_u8(b, TL_PTR_INDETERMINATE);
            return;
        }
        if (t->elem && t->elem->kind != 0 && !byte_like(t->elem) && t->elem->size > 0 && o->untyped != TL_OBJ_BYTE_ORDER &&
            byte_like(type_at_path(o->type, &path))) {
            /* a pool of char holding ints or structs (a program's own allocator, a punned buffer): talent carries
             * the pool as its bytes, in this ISA's layout and byte order, which another ISA would read as other
             * values (a wrong result with exit 0) */
            tl_ctx_describe(ctx, what, sizeof what);
            tl_refuse("cannot checkpoint: pointer '%s' (%s, declared at %s, %s) points into character storage "
                      "(%s) that the program uses as %s: talent carries characters as bytes, and the layout and byte "
                      "order of %s differ between ISAs", what, t->name, ctx->decl_pos, ctx->where, o->type->name,
                      t->elem->name, t->elem->name);
            tl_buf_u8(b, TL_PTR_INDETERMINATE);
            return;
        }
        if (has_alt) {
            /* the start of a member and one past the end of the member before it, which the pointer's type does not
             * tell apart (a char * at `vals` right after a struct member `h`): both readings, the start first; a
             * reader whose layout puts padding between the two refuses the restore (FORMAT.md "Pointers") */
            tl_buf_u8(b, TL_PTR_BOUNDARY);
            put_object_ref(b, o, &path, byte_offset);
            put_object_ref(b, o, &apath, aoff);
            tl_wrote_boundary = 1;
            return;
        }
        if (ended) {
            /* the start of o and one past the end of ended, which the pointer's type does not tell apart (`int *end = c
             * + 6` or `int *p = b` with b right after c here): both readings, the start first; a reader whose layout
             * puts the two apart refuses the restore (FORMAT.md "Pointers"). When the end cannot be named (one past a
             * struct object), only the start, as before. */
            tl_path epath;
            uint64_t eoff;
            if (!tl_offset_to_path(ended->type, (size_t)((uintptr_t)p - ended->base), t->elem, &epath, &eoff)) {
                tl_buf_u8(b, TL_PTR_BOUNDARY);
                put_object_ref(b, o, &path, byte_offset);
                put_object_ref(b, ended, &epath, eoff);
                tl_wrote_boundary = 1;
                return;
            }
        }
        {
            /* one reservation for the whole pointer: tag, kind, a, b, path length, path, byte offset */
            unsigned char *d = tl_buf_grow(b, 20 + 8 * (size_t)path.len);
            d[0] = TL_PTR_OBJECT;
            d[1] = (unsigned char)o->kind;
            tl_put_be_n(d + 2, o->a, 4);
            tl_put_be_n(d + 6, o->b, 4);
            tl_put_be_n(d + 10, path.len, 2);
            d += 12;
            for (i = 0; i < path.len; i++, d += 8)
                tl_put_be_n(d, path.idx[i], 8);
            tl_put_be_n(d, byte_offset, 8);
        }
        return;
    }
    {
        size_t len;
        const char *base = tl_strings_find(p, &len);
        if (base) {
            tl_buf_u8(b, TL_PTR_STRING);
            tl_buf_u32(b, tl_strtab_add(strs, base, len));
            tl_buf_u64(b, (uint64_t)((const char *)p - base));
            return;
        }
    }
    /* A pointee that is a byte only by its descriptor (a typedef of char, uint8_t) is taken for a string only in one
     * of the program's literals: other read-only bytes (a table of the C library's) may hold NULs, which a copy of
     * the text would cut, and stay indeterminate as before */
    if ((tl_pointee_is_char(t) || tl_pointee_is_byte_integer(t)) && tl_is_readonly_data(p) &&
        (tl_pointee_is_char(t) || in_literal(p))) {
        const char *s = p, *start, *end;
        size_t len;
        int ambiguous;
        /* one of the program's string literals: written as its whole text, which the restore looks up among its
         * own literals (objects.c), so the pointer compares equal to the literal after the restore */
        start = tl_literal_at(s, &len, &ambiguous);
        if (start && ambiguous) {
            tl_ctx_describe(ctx, what, sizeof what);
            tl_refuse("cannot checkpoint: pointer '%s' (%s, declared at %s, %s) points to a string literal whose text "
                      "the program holds at several addresses (identical literals of different files, not merged: "
                      "built without -fmerge-constants?); a restore could not tell which one it pointed to",
                      what, t->name, ctx->decl_pos, ctx->where);
            tl_buf_u8(b, TL_PTR_INDETERMINATE);
            return;
        }
        if (start)
            end = start + len;
        else
            literal_extent(s, &start, &end);
        tl_buf_u8(b, TL_PTR_STRING);
        tl_buf_u32(b, tl_strtab_add(strs, start, (size_t)(end - start)));
        tl_buf_u64(b, (uint64_t)(s - start));
        return;
    }
    /* In a union whose other members have numbers over this pointer's bytes, a pointer that points nowhere is most
     * likely such a number (a tagged union { void *p; long i; double d; }): indeterminate would silently lose it. */
    if (ctx->in_union) {
        tl_ctx_describe(ctx, what, sizeof what);
        tl_refuse("cannot checkpoint: pointer '%s' (%s, declared at %s, %s) is in a union, which migrates through its "
                  "first member, and points to memory talent does not know: another member (a number) was probably "
                  "written last, and saving it as a pointer would lose its value", what, t->name, ctx->decl_pos,
                  ctx->where);
    }
    {
        /* just below an object's start, in no object: `VT = F->vartab - 1` for indexing from 1 (mujs's jsR_run,
         * Numerical Recipes' vectors). Carried as that many elements below the array's first element (TL_PTR_BELOW)
         * where the pointer's type is the array's element; otherwise refused, the program goes on: restored as an
         * invalid address it crashed the restart (docs/FORMAT.md "Pointers") */
        size_t dist;
        int heap;
        if (enc_below(b, p, t, ctx, &dist, &heap))
            return;
        if (dist) {
            tl_ctx_describe(ctx, what, sizeof what);
            tl_refuse("cannot checkpoint: pointer '%s' (%s, declared at %s, %s) points %lu byte(s) before the start of "
                      "%s and into no object, and its type is not the element type of an array there (whose elements "
                      "talent would count below it): talent names a pointer by the object it points into, and "
                      "restored as an invalid address it would crash the program where it reads through it", what,
                      t->name, ctx->decl_pos, ctx->where, (unsigned long)dist,
                      heap ? "a heap block" : "a global or frame variable");
            tl_buf_u8(b, TL_PTR_INDETERMINATE);
            return;
        }
    }
    {
        /* into a mapping the program made: the restarted process does not have that memory as it was, and crashed
         * reading through the pointer. Refused, the program goes on (foreign.c). Memory talent knows nothing of at
         * all (the C library's static storage included: foreign.c says why) stays indeterminate below. */
        const char *into = tl_foreign_memory(p);
        if (into) {
            tl_ctx_describe(ctx, what, sizeof what);
            tl_refuse("cannot checkpoint: pointer '%s' (%s, declared at %s, %s) points into %s", what, t->name,
                      ctx->decl_pos, ctx->where, into);
            tl_buf_u8(b, TL_PTR_INDETERMINATE);
            return;
        }
    }
    {
        /* a number kept in a pointer (`slot = (void *)3`, a `(void *)-1` sentinel): below the lowest address Linux
         * maps (vm.mmap_min_addr is at least 4096, 65536 by default) or in the last page, which no platform maps
         * either, so never an address. Carried as the number; indeterminate, the program compared 0xDEAD with its
         * sentinel after a restart and went on with another result, exit 0 */
        uintptr_t a = (uintptr_t)p;
        if (a <= TL_NUMBER_PTR_LOW || a >= UINTPTR_MAX - (TL_NUMBER_PTR_HIGH - 1)) {
            int64_t v = a <= TL_NUMBER_PTR_LOW ? (int64_t)a : -(int64_t)(UINTPTR_MAX - a) - 1;
            tl_buf_u8(b, TL_PTR_NUMBER);
            tl_buf_u64(b, (uint64_t)v);
            tl_wrote_number = 1;
            return;
        }
    }
    if (t->count == TALENT_PTR_ADDRESS_INTEGER) {
        /* an integer object that holds addresses (talent.h TALENT_ADDRINT_TYPE): the program reads and compares its
         * value as a number, so an address no object of talent's holds cannot come back as an invalid one */
        tl_ctx_describe(ctx, what, sizeof what);
        tl_refuse("cannot checkpoint: integer '%s' (%s, declared at %s, %s) holds an address that is in no object talent "
                  "knows (not a global, frame variable, live heap block, argv or string): talent carries such an integer "
                  "as the object and offset it points to", what, t->name, ctx->decl_pos, ctx->where);
        tl_buf_u8(b, TL_PTR_INDETERMINATE);
        return;
    }
    /* stack garbage, a pointer left dangling by free, a FILE * after fclose: a correct program never reads it */
    if (tl_verbose) {
        tl_ctx_describe(ctx, what, sizeof what);
        tl_warn("pointer '%s' (%s, declared at %s, %s) points to memory talent does not know (not a global, frame "
                "variable, live heap block, argv or string literal: freed memory, stack garbage, a closed FILE); "
                "saved as indeterminate: it is restored as an invalid address", what, t->name, ctx->decl_pos,
                ctx->where);
    }
    tl_buf_u8(b, TL_PTR_INDETERMINATE);
}

/* The program's function table sorted by address (encoding) and by name (decoding), built on first use. */
static const talent_function **fn_by_addr, **fn_by_name;

static int cmp_fn_addr(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)(*(const talent_function *const *)x)->addr;
    uintptr_t b = (uintptr_t)(*(const talent_function *const *)y)->addr;
    return a < b ? -1 : a > b;
}

static int cmp_fn_name(const void *x, const void *y)
{
    return strcmp((*(const talent_function *const *)x)->name, (*(const talent_function *const *)y)->name);
}

static const talent_function **sorted_functions(int (*cmp)(const void *, const void *))
{
    unsigned i, n = talent_the_program.nfunctions;
    const talent_function **v = tl_xmalloc((n ? n : 1) * sizeof *v);
    for (i = 0; i < n; i++)
        v[i] = &talent_the_program.functions[i];
    tl_sort(v, n, sizeof *v, cmp);
    return v;
}

static const talent_function *function_at(void (*f)(void))
{
    size_t lo = 0, hi = talent_the_program.nfunctions;
    if (!fn_by_addr)
        fn_by_addr = sorted_functions(cmp_fn_addr);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uintptr_t a = (uintptr_t)fn_by_addr[mid]->addr;
        if (a == (uintptr_t)f)
            return fn_by_addr[mid];
        if (a < (uintptr_t)f)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const talent_function *function_named(const unsigned char *name, uint32_t len)
{
    size_t lo = 0, hi = talent_the_program.nfunctions;
    if (!fn_by_name)
        fn_by_name = sorted_functions(cmp_fn_name);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = fn_by_name[mid]->name;
        int c = strncmp(s, (const char *)name, len);
        if (c == 0)
            c = s[len] != '\0';
        if (c == 0) {
            /* static functions of different files may share a name; only those whose address the program takes
             * have an identity (addr), and those are the only ones a pointer can name: take the one that has it */
            size_t first = mid, i;
            while (first > 0 && strcmp(fn_by_name[first - 1]->name, fn_by_name[mid]->name) == 0)
                first--;
            for (i = first; i < talent_the_program.nfunctions && strcmp(fn_by_name[i]->name, fn_by_name[mid]->name) == 0;
                 i++)
                if (fn_by_name[i]->addr)
                    return fn_by_name[i];
            return NULL;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void enc_fptr(tl_buf *b, void (*f)(void), tl_value_ctx *ctx)
{
    const talent_function *fn;
    char what[256];
    if (!f) {
        tl_buf_u8(b, TL_PTR_NULL);
        return;
    }
    /* a handler constant of <signal.h> held in a function pointer (struct sigaction's sa_handler, signal()'s
     * result): no function, the same meaning on every platform (SIG_DFL is NULL on glibc and musl) */
    if (f == (void (*)(void))SIG_IGN || f == (void (*)(void))SIG_ERR) {
        tl_buf_u8(b, f == (void (*)(void))SIG_IGN ? TL_PTR_SIG_IGN : TL_PTR_SIG_ERR);
        return;
    }
    fn = function_at(f);
    if (fn) {
        tl_buf_u8(b, TL_PTR_FUNCTION);
        tl_buf_str(b, fn->name);
        return;
    }
    /* restored indeterminate at an earlier restart and not written since: indeterminate still */
    if (f == tl_indeterminate_function) {
        tl_buf_u8(b, TL_PTR_INDETERMINATE);
        return;
    }
    {
        /* No function of the program's table. A member not written yet (`struct ops o; o.name = "x"; work(); o.fn =
         * f;`, an array of structs filled after the stop) holds whatever bytes were there: anything outside the code,
         * or in the code but at no function's start (a return address left on the stack). A correct program never
         * calls such a value, so it is carried as indeterminate (restored as tl_indeterminate_function, which says so
         * if called). A function's start is a real function talent does not know (a non-instrumented object's, the C
         * library's internals): refused by its name. In a union, as for a data pointer, the bytes are likely a number
         * another member wrote. */
        char sym[128];
        int at = tl_is_code((const void *)f) && !ctx->in_union
                     ? tl_code_function_at((const void *)f, sym, sizeof sym) : 0;
        tl_ctx_describe(ctx, what, sizeof what);
        if (ctx->in_union) {
            tl_refuse("cannot checkpoint: function pointer '%s' (declared at %s, %s) is in a union, which migrates "
                      "through its first member, and holds no function talent knows: another member (a number) was "
                      "probably written last, and saving it as a function pointer would lose its value", what,
                      ctx->decl_pos, ctx->where);
        } else if (at > 0) {
            tl_refuse("cannot checkpoint: function pointer '%s' (declared at %s, %s) points to function '%s', which "
                      "talent does not know (neither an instrumented function nor a library function in the "
                      "program's function table: a function of an object talent did not build, or of the C "
                      "library's internals)", what, ctx->decl_pos, ctx->where, sym);
        } else if (at < 0) {
            tl_refuse("cannot checkpoint: function pointer '%s' (declared at %s, %s) points into the program's code "
                      "but to no function talent knows, and the executable's symbol table (stripped?) cannot say "
                      "whether it is a function's start or garbage in a member not written yet", what, ctx->decl_pos,
                      ctx->where);
        } else {
            if (tl_verbose)
                tl_warn("function pointer '%s' (declared at %s, %s) holds no function (not written yet: stack "
                        "garbage); saved as indeterminate: a call through it after a restart is reported", what,
                        ctx->decl_pos, ctx->where);
            tl_buf_u8(b, TL_PTR_INDETERMINATE);
            return;
        }
        tl_buf_u8(b, TL_PTR_NULL);
    }
}

void tl_indeterminate_function(void)
{
    tl_die(TL_EXIT_SOFTWARE, "the program called through a function pointer that held no function when the "
           "checkpoint was taken (a member or variable not written yet: indeterminate); an uninterrupted run would "
           "have jumped to whatever bytes it held");
}

static void enc_ldouble(tl_buf *b, long double v)
{
    char s[128];
    if (isnan(v))
        snprintf(s, sizeof s, "nan");
    else if (isinf(v))
        snprintf(s, sizeof s, v < 0 ? "-inf" : "inf");
    else
        snprintf(s, sizeof s, "%La", v);
    tl_buf_str(b, s);
}

/* A 128-bit integer (__int128 on a 64-bit ISA) as its two 64-bit halves, the high one first in memory on a
 * big-endian ISA and last on a little-endian one: C99 has no wider type, and i686's gcc has no __int128. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define TL_HI_HALF 0
#else
#define TL_HI_HALF 8
#endif

static void load_u128(const unsigned char *p, uint64_t *hi, uint64_t *lo)
{
    memcpy(hi, p + TL_HI_HALF, 8);
    memcpy(lo, p + (8 - TL_HI_HALF), 8);
}

static void store_u128(unsigned char *p, uint64_t hi, uint64_t lo)
{
    memcpy(p + TL_HI_HALF, &hi, 8);
    memcpy(p + (8 - TL_HI_HALF), &lo, 8);
}

/* SINT/UINT 128: 16 bytes big-endian, the high half's 8 then the low half's. */
static void enc_int128(tl_buf *b, const unsigned char *p)
{
    uint64_t hi, lo;
    load_u128(p, &hi, &lo);
    tl_buf_u64(b, hi);
    tl_buf_u64(b, lo);
}

static void enc_int_bits(tl_buf *b, const talent_type *ft, uint64_t v)
{
    unsigned n = (unsigned)ft->size, i;
    if (ft->kind == TALENT_K_BOOL) {
        tl_buf_u8(b, v != 0);
        return;
    }
    for (i = 0; i < n; i++)
        tl_buf_u8(b, (uint8_t)(v >> (8 * (n - 1 - i))));
}

/*
 * Copies into c (zeroed) the bits of a value of type t at p that its encoding carries: every scalar, a struct's members
 * (a bit-field through its accessors), not its padding nor the bits of a storage unit outside its bit-fields, a union's
 * first member, the 10 bytes of an x87 long double. What is left zero is what a restore would not give back.
 */
static void carried_bits(const talent_type *t, unsigned char *c, const unsigned char *p, int depth)
{
    unsigned i;
    size_t k;
    if (depth > 16) {
        memcpy(c, p, t->size);
        return;
    }
    switch (t->kind) {
    case TALENT_K_ARRAY:
        if (t->elem && t->elem->size)
            for (k = 0; k < t->count; k++)
                carried_bits(t->elem, c + k * t->elem->size, p + k * t->elem->size, depth + 1);
        else
            memcpy(c, p, t->size);
        break;
    case TALENT_K_STRUCT:
    case TALENT_K_UNION:
        if (!t->nfields) {
            memcpy(c, p, t->size);
            break;
        }
        for (i = 0; i < t->nfields && (t->kind == TALENT_K_STRUCT || i < 1); i++) {
            const talent_field *f = &t->fields[i];
            if (f->bit_width)
                f->set_bits(c, f->get_bits(p));
            else
                carried_bits(f->type, c + f->offset, p + f->offset, depth + 1);
        }
        break;
    case TALENT_K_LDOUBLE:
        memcpy(c, p, LDBL_MANT_DIG == 64 && t->size > 10 ? 10 : t->size);
        break;
    default:
        memcpy(c, p, t->size);
        break;
    }
}

/*
 * A union migrates through its first member (docs/FORMAT.md): the restore writes that member into a zeroed
 * union. When the union's bytes are more than that (another, larger member was written last, or bits of a
 * bit-field's storage unit outside the field are set), the restored union would silently differ: refuse the
 * checkpoint instead, naming the variable.
 */
static void union_check_first(const talent_type *t, const unsigned char *p, tl_value_ctx *ctx)
{
    const talent_field *fd = &t->fields[0];
    unsigned char copy[256];
    unsigned char *c = t->size <= sizeof copy ? copy : malloc(t->size);
    int lossy;
    if (!c)
        tl_die(TL_EXIT_SOFTWARE, "out of memory checking union '%s'", t->name);
    memset(c, 0, t->size);
    if (fd->bit_width)
        fd->set_bits(c, fd->get_bits(p));
    else
        carried_bits(fd->type, c + fd->offset, p + fd->offset, 0);
    lossy = memcmp(c, p, t->size) != 0;
    if (c != copy)
        free(c);
    if (lossy) {
        char what[256];
        tl_ctx_describe(ctx, what, sizeof what);
        tl_refuse("cannot checkpoint: union '%s' (%s, declared at %s, %s) holds a value that its first member '%s' "
                  "does not cover (unions migrate through their first member)", what, t->name, ctx->decl_pos,
                  ctx->where, fd->name);
    }
}

/* The offsets of the data pointers (numbers = 0) or of the numbers (numbers = 1: integers, bools, floats) in a
 * value of type t placed at off, with their sizes (at most max of them; *n counts them). */
static void scalar_slots(const talent_type *t, size_t off, int numbers, size_t *out, size_t *size, unsigned *n,
                         unsigned max, int depth)
{
    unsigned i;
    size_t k;
    if (depth > 8 || *n >= max)
        return;
    switch (t->kind) {
    case TALENT_K_PTR:
        if (!numbers) {
            out[*n] = off;
            size[(*n)++] = t->size;
        }
        break;
    case TALENT_K_SINT:
    case TALENT_K_UINT:
    case TALENT_K_BOOL:
    case TALENT_K_FLOAT:
    case TALENT_K_LDOUBLE:
        if (numbers) {
            out[*n] = off;
            size[(*n)++] = t->size;
        }
        break;
    case TALENT_K_ARRAY:
        if (t->elem && t->elem->size)
            for (k = 0; k < t->count && *n < max; k++)
                scalar_slots(t->elem, off + k * t->elem->size, numbers, out, size, n, max, depth + 1);
        break;
    case TALENT_K_STRUCT:
    case TALENT_K_UNION:
        for (i = 0; i < t->nfields && *n < max; i++)
            if (!t->fields[i].bit_width)
                scalar_slots(t->fields[i].type, off + t->fields[i].offset, numbers, out, size, n, max, depth + 1);
        break;
    default:
        break;
    }
}

#define TL_UNION_SLOTS 64

/*
 * True when another member of the union has a number where its first member has a pointer (a tagged union
 * { void *p; long i; double d; }): a pointer there that points nowhere talent knows is then most likely that
 * number, which saving the pointer as indeterminate would lose. (In other unions it is garbage, a slot never
 * written, and is saved as indeterminate like any other pointer.)
 */
static int union_numbers_over_pointers(const talent_type *t)
{
    size_t ptr[TL_UNION_SLOTS], psz[TL_UNION_SLOTS], num[TL_UNION_SLOTS], nsz[TL_UNION_SLOTS];
    unsigned np = 0, nn, i, j, k;
    /* epoll_data has its own rules (epoll.c): registrations are carried with the member the compiler saw written,
     * results epoll_wait returned are held until overwritten; a buffer's stale data.fd is not read again */
    if (t->name && strstr(t->name, "epoll_data"))
        return 0;
    scalar_slots(t->fields[0].type, t->fields[0].offset, 0, ptr, psz, &np, TL_UNION_SLOTS, 0);
    for (k = 1; k < t->nfields && np; k++) {
        nn = 0;
        if (t->fields[k].bit_width)
            return 1;
        scalar_slots(t->fields[k].type, t->fields[k].offset, 1, num, nsz, &nn, TL_UNION_SLOTS, 0);
        for (i = 0; i < np; i++)
            for (j = 0; j < nn; j++)
                if (num[j] < ptr[i] + psz[i] && ptr[i] < num[j] + nsz[j])
                    return 1;
    }
    return 0;
}

/*
 * A union migrates through its first member: a pointer the program stored through another member, where the first
 * member has no pointer, would be carried as that member's bytes or number and restored aimed at the old address
 * (lz4's LZ4_streamDecode_u reserves its size with a char array over a struct of pointers; mujs's value union
 * begins with an int). Refuse the checkpoint when such bytes hold the address of memory talent knows.
 */
static void union_check_pointers(const talent_type *t, const unsigned char *p, tl_value_ctx *ctx)
{
    size_t first[TL_UNION_SLOTS], other[TL_UNION_SLOTS], sizes[TL_UNION_SLOTS];
    unsigned nfirst = 0, nother, i, j, k;
    scalar_slots(t->fields[0].type, t->fields[0].offset, 0, first, sizes, &nfirst, TL_UNION_SLOTS, 0);
    for (k = 1; k < t->nfields; k++) {
        if (t->fields[k].bit_width)
            continue;
        nother = 0;
        scalar_slots(t->fields[k].type, t->fields[k].offset, 0, other, sizes, &nother, TL_UNION_SLOTS, 0);
        for (i = 0; i < nother; i++) {
            const void *v;
            tl_object heap_obj;
            size_t len;
            int carried = 0;
            if (other[i] + sizeof v > t->size)
                continue;
            for (j = 0; j < nfirst && !carried; j++)
                carried = first[j] == other[i];
            if (carried)
                continue;
            memcpy(&v, p + other[i], sizeof v);
            /* (numbers that read as an address in the code, see member_ok, are no pointer) */
            if (v && !tl_is_code(v) && (tl_objects_find((uintptr_t)v) || HOOK(heap_object)((uintptr_t)v, NULL, ctx, &heap_obj)
                      || tl_strings_find(v, &len) || tl_is_readonly_data(v))) {
                char what[256];
                tl_ctx_describe(ctx, what, sizeof what);
                tl_refuse("cannot checkpoint: union '%s' (%s, declared at %s, %s) holds a pointer in its member '%s' "
                          "(at byte %lu) where its first member '%s' has none: unions migrate through their first "
                          "member, which would restore the pointer aimed at the old address; declare a pointer member "
                          "first", what, t->name, ctx->decl_pos, ctx->where, t->fields[k].name,
                          (unsigned long)other[i], t->fields[0].name);
                return;
            }
        }
    }
}

/* The pointers of a union member into heap blocks not typed yet, which encoding the member would type (enc_ptr: the
 * block takes its pointee's type): by offset in the union, with the pointee. union_carrier compares them between the
 * members that carry a value. */
#define TL_UNION_TYPINGS 8
typedef struct union_typings {
    unsigned n;
    int overflow;
    size_t off[TL_UNION_TYPINGS];
    const talent_type *pointee[TL_UNION_TYPINGS];
} union_typings;

/* A pointee that would type a heap block (heap_write.c typing_pointee: not void, not a byte, not empty). */
static int types_a_block(const talent_type *pointee)
{
    return pointee && pointee->size > 1 && pointee->kind >= TALENT_K_SINT && pointee->kind <= TALENT_K_UNION &&
           pointee->kind != TALENT_K_FUNCPTR;
}

/* Whether a data pointer's value names something talent carries (the objects enc_ptr looks up, without inferring a
 * heap block's type from it): NULL counts. With its type t, also that enc_ptr would encode it (not into character
 * storage the pointer's type would read as something else, not into the middle of a scalar it cannot name; into a
 * heap block not typed yet only where the block could be an array of the pointee, which encoding the pointer would
 * make it: then *typing is set to the pointee); without (another member's bytes read as a pointer), only that it
 * points at something talent knows. */
static int pointer_known(const void *v, const talent_type *t, tl_value_ctx *ctx, const talent_type **typing)
{
    const tl_object *o;
    tl_object heap_obj;
    size_t len;
    if (!v || v == (const void *)stdin || v == (const void *)stdout || v == (const void *)stderr)
        return 1;
    if (HOOK(stream_index)(v) >= 0)
        return 1;
    o = tl_objects_find((uintptr_t)v);
    if (!o && tl_env_string_find(v, &len))
        return 1;
    if (!o && HOOK(heap_object)((uintptr_t)v, NULL, ctx, &heap_obj))
        o = &heap_obj;
    if (o) {
        tl_path path, apath;
        uint64_t byte_offset, aoff;
        int has_alt;
        if (!t)
            return 1;
        if (o->untyped && types_a_block(t->elem)) {
            size_t off = (size_t)((uintptr_t)v - o->base);
            if (o->size < t->elem->size || off % t->elem->size != 0 || o->size % t->elem->size != 0)
                return 0;
            if (typing)
                *typing = t->elem;
            return 1;
        }
        if (tl_offset_to_paths(o->type, (size_t)((uintptr_t)v - o->base), t ? t->elem : NULL, &path, &byte_offset,
                               &apath, &aoff, &has_alt))
            return 0;
        return !(t->elem && t->elem->kind != 0 && !byte_like(t->elem) && t->elem->size > 0 &&
                 byte_like(type_at_path(o->type, &path)));
    }
    if (tl_strings_find(v, &len))
        return 1;
    return tl_is_readonly_data(v) && (!t || tl_pointee_is_char(t) || (tl_pointee_is_byte_integer(t) && in_literal(v)));
}

/* The largest union whose member is chosen by its value (union_carrier); a larger one is carried by its first member. */
#define TL_UNION_CHOOSE_MAX 1024

static int union_carrier(const talent_type *t, const unsigned char *p, tl_value_ctx *ctx);

/*
 * Marks in cov the bytes of the value of type t at p + off that its encoding carries (numbers, pointers, function
 * pointers; a nested union or a struct with a bit-field as a whole: their own encoding checks them), and in ptr the
 * first byte of each data or function pointer. 0 when a pointer or function pointer there names nothing talent knows (the member
 * would not carry it).
 */
static int member_carries(const talent_type *t, const unsigned char *p, size_t off, unsigned char *cov,
                          unsigned char *ptr, int *wide, unsigned *floats, union_typings *ty, tl_value_ctx *ctx,
                          int depth)
{
    size_t k;
    unsigned i;
    if (depth > 16 || off + t->size > TL_UNION_CHOOSE_MAX)
        return 0;
    switch (t->kind) {
    case TALENT_K_PTR: {
        const void *v;
        const talent_type *typing = NULL;
        memcpy(&v, p + off, sizeof v);
        memset(cov + off, 1, t->size);
        ptr[off] = 1;
        if (!pointer_known(v, t, ctx, &typing))
            return 0;
        if (typing) {
            if (ty->n == TL_UNION_TYPINGS) {
                ty->overflow = 1;
            } else {
                ty->off[ty->n] = off;
                ty->pointee[ty->n++] = typing;
            }
        }
        return 1;
    }
    case TALENT_K_FUNCPTR: {
        void (*f)(void);
        memcpy(&f, p + off, sizeof f);
        memset(cov + off, 1, t->size);
        /* a pointer's bytes as well: another member's data pointer over them reads this function's address (in the
           text, which tl_is_readonly_data counts), and is carried by this member as the function */
        ptr[off] = 1;
        return !f || f == (void (*)(void))SIG_IGN || f == (void (*)(void))SIG_ERR || function_at(f) != NULL;
    }
    case TALENT_K_ARRAY:
        if (byte_like(t)) {
            memset(cov + off, 1, t->size);
            return 1;
        }
        for (k = 0; k < t->count && t->elem->size; k++)
            if (!member_carries(t->elem, p, off + k * t->elem->size, cov, ptr, wide, floats, ty, ctx, depth + 1))
                return 0;
        return 1;
    case TALENT_K_STRUCT:
        for (i = 0; i < t->nfields; i++)
            if (t->fields[i].bit_width) {
                memset(cov + off, 1, t->size);
                break;
            }
        for (i = 0; i < t->nfields; i++)
            if (!t->fields[i].bit_width &&
                !member_carries(t->fields[i].type, p, off + t->fields[i].offset, cov, ptr, wide, floats, ty, ctx,
                                depth + 1))
                return 0;
        return 1;
    case TALENT_K_UNION: {
        /* a nested union counts as the member its own encoding will choose (the same choice, made again there), or as
           its first member when it chooses none (its numbers count for the preferences below) */
        int c = t->size <= TL_UNION_CHOOSE_MAX ? union_carrier(t, p + off, ctx) : -1;
        union_typings inner;
        if (c < 0 && t->nfields > 0)
            c = 0;
        memset(cov + off, 1, t->size);
        memset(&inner, 0, sizeof inner);
        /* (the nested union's typings are its own encoding's business) */
        if (c >= 0 && !t->fields[c].bit_width)
            (void)member_carries(t->fields[c].type, p, off + t->fields[c].offset, cov, ptr, wide, floats, &inner, ctx,
                                 depth + 1);
        return 1;
    }
    case TALENT_K_SINT:
    case TALENT_K_UINT:
        if (t->size == 8) {
            /* a 64-bit integer beyond 32 bits: on ILP32 a long cannot hold it (see union_carrier) */
            uint64_t u = tl_load_uint(p + off, 8);
            *wide |= t->kind == TALENT_K_SINT ? (u + 0x80000000u) >> 32 != 0 : u >> 32 != 0;
        }
        memset(cov + off, 1, t->size);
        return 1;
    case TALENT_K_FLOAT:
        if (t->size == 4 || t->size == 8) {
            /* a normal number (not 0, a subnormal, inf or nan): its non-zero bytes count for this member */
            uint64_t u = tl_load_uint(p + off, t->size);
            unsigned e = t->size == 8 ? (unsigned)(u >> 52) & 0x7FFu : (unsigned)(u >> 23) & 0xFFu;
            if (e != 0 && e != (t->size == 8 ? 0x7FFu : 0xFFu))
                for (k = 0; k < t->size; k++)
                    *floats += p[off + k] != 0;
        }
        memset(cov + off, 1, t->size);
        return 1;
    default:
        memset(cov + off, 1, t->size);
        return 1;
    }
}

/*
 * The member that carries the union at p (docs/FORMAT.md "Values", major 3), for a union that holds a pointer in some
 * member: one whose encoding carries every byte of the union that is not zero, whose pointers all name something
 * talent knows and would encode (or are NULL), and over whose non-pointer bytes no other member holds a pointer to
 * something talent knows (a cons cell's cdr where a string member has its length). Decoded into a zeroed union on an
 * ISA of the same byte order and word size, it gives the same bytes. When several do, they may differ on another ISA:
 * the one taken is, in this order of preference, one with a 64-bit integer beyond 32 bits against one of the same
 * size without (a long that holds it, or a double's bits read as one: carried as the integer, a restore on an ISA
 * whose long cannot take it back is refused by the narrowing check, where the double would have lost the long's high
 * half without a word; not against a member of another size, whose bytes may make a wide integer only because of
 * the byte order: 1 in a uint8_t at offset 0 is 2^56 in an int64_t on a big-endian ISA), the one with the most
 * non-zero bytes in normal floating-point numbers (the bits of a small int read as a double are a subnormal; a double
 * whose low half is zero on a big-endian ISA against an int over its high half), the first in declaration order.
 * -1 for a union without pointers, or when no member does: the union is then carried by its first member, with the
 * checks that refuse what it would lose.
 */
/* Whether a value of type t holds a data or function pointer anywhere (a union's members, a struct's, an array's). */
static int holds_pointer(const talent_type *t, int depth)
{
    unsigned i;
    if (!t || depth > 16)
        return 0;
    switch (t->kind) {
    case TALENT_K_PTR:
    case TALENT_K_FUNCPTR:
        return 1;
    case TALENT_K_ARRAY:
        return t->count > 0 && holds_pointer(t->elem, depth + 1);
    case TALENT_K_STRUCT:
    case TALENT_K_UNION:
        for (i = 0; i < t->nfields; i++)
            if (!t->fields[i].bit_width && holds_pointer(t->fields[i].type, depth + 1))
                return 1;
        return 0;
    default:
        return 0;
    }
}

/*
 * Whether member m of the union t (at most TL_UNION_CHOOSE_MAX bytes) carries its value at p, as union_carrier asks:
 * its encoding carries every byte that is not zero, its pointers name something talent knows (or are NULL), and no
 * other member holds a pointer to something talent knows over its non-pointer bytes. *wide and *floats: what the
 * preferences of union_carrier count.
 */
static int member_ok(const talent_type *t, unsigned m, const unsigned char *p, int *wide, unsigned *floats,
                     union_typings *ty, tl_value_ctx *ctx)
{
    unsigned char cov[TL_UNION_CHOOSE_MAX], ptr[TL_UNION_CHOOSE_MAX];
    size_t other[TL_UNION_SLOTS], sizes[TL_UNION_SLOTS], i;
    const talent_field *fd = &t->fields[m];
    unsigned k, j, nother;
    int ok = 1;
    *wide = 0;
    *floats = 0;
    memset(ty, 0, sizeof *ty);
    memset(cov, 0, t->size);
    memset(ptr, 0, t->size);
    if (fd->bit_width) {
        /* a bit-field carries exactly the bits its accessor reads back */
        unsigned char c[TL_UNION_CHOOSE_MAX];
        memset(c, 0, t->size);
        fd->set_bits(c, fd->get_bits(p));
        return memcmp(c, p, t->size) == 0;
    }
    if (fd->offset + fd->type->size > t->size || !member_carries(fd->type, p, fd->offset, cov, ptr, wide, floats, ty, ctx,
                                                                            0))
        return 0;
    for (i = 0; i < t->size && ok; i++)
        ok = cov[i] || p[i] == 0;
    for (k = 0; k < t->nfields && ok; k++) {
        if (k == m || t->fields[k].bit_width)
            continue;
        nother = 0;
        scalar_slots(t->fields[k].type, t->fields[k].offset, 0, other, sizes, &nother, TL_UNION_SLOTS, 0);
        for (j = 0; j < nother && ok; j++) {
            const void *v;
            if (other[j] + sizeof v > t->size || ptr[other[j]])
                continue;
            memcpy(&v, p + other[j], sizeof v);
            /* Another member's data pointer over these bytes that reads an address in the code is no pointer the
               program stored: numbers of this member make it (cmark's list { int marker_offset, padding, start; char
               list_type, delimiter, bullet_char, tight; } read as a link's title on s390x, whose static executables
               start at 0x1000000: start 0 then 1, 0, '-', 1 are 0x01002d01, an address in the code); a data pointer
               the program stores never points there (functions are function pointers, carried by their own member) */
            ok = !v || tl_is_code(v) || !pointer_known(v, NULL, ctx, NULL);
        }
    }
    return ok;
}

/*
 * Whether a member (of size a_size, with a_wide and a_floats as member_ok counts them) is preferred over another
 * (b_...) that carries the union's bytes as well: the wide-integer preference decides between members of one size only
 * (a long against a double): between sizes, a 64-bit integer can be wide because of the byte order alone (a byte at
 * offset 0 is the top byte of an int64_t on a big-endian ISA), so a uint8_t member holding 1 would be carried as 2^56;
 * then the one with more bytes in normal floating-point numbers.
 */
static int member_preferred(size_t a_size, int a_wide, unsigned a_floats, size_t b_size, int b_wide, unsigned b_floats)
{
    return a_size == b_size && a_wide != b_wide ? a_wide > b_wide : a_floats > b_floats;
}

/* Whether two members type the heap blocks not typed yet that the union's pointers reach alike: the same pointees at
 * the same offsets (a descriptor per unit: the same name and size count as the same type). */
static int typings_agree(const union_typings *a, const union_typings *b)
{
    unsigned i;
    if (a->overflow || b->overflow || a->n != b->n)
        return 0;
    for (i = 0; i < a->n; i++)
        if (a->off[i] != b->off[i] ||
            (a->pointee[i] != b->pointee[i] &&
             (a->pointee[i]->size != b->pointee[i]->size || !a->pointee[i]->name || !b->pointee[i]->name ||
              strcmp(a->pointee[i]->name, b->pointee[i]->name) != 0)))
            return 0;
    return 1;
}

/* union_carrier's answer when members that carry the value would type a heap block reached through it differently */
#define TL_UNION_UNDECIDED (-2)

/* The members union_carrier compares without computing member_ok again (beyond, it is computed again) */
#define TL_UNION_REMEMBERED 32

/* The two members of the last TL_UNION_UNDECIDED answer, for the refusal */
static unsigned undecided_a, undecided_b;

static int union_carrier(const talent_type *t, const unsigned char *p, tl_value_ctx *ctx)
{
    unsigned m, pass, best_floats = 0, used = 0;
    int best = -1, best_wide = 0;
    union_typings tys[TL_UNION_REMEMBERED], ty, best_ty;
    unsigned char oks[TL_UNION_REMEMBERED];
    memset(&best_ty, 0, sizeof best_ty);
    /* a union of numbers only is carried by its first member, as before format 3: its bytes cannot tell which member
       the program wrote (a Csmith-style pun read through another member), and the first member's checks refuse what it
       would lose; the choice is for unions whose pointers the first member cannot carry */
    if (t->size > TL_UNION_CHOOSE_MAX || !holds_pointer(t, 0))
        return -1;
    /* among the members the program names; a member it never names only when none of those carries the value */
    for (pass = 0; pass < 2 && best < 0; pass++) {
        for (m = 0; m < t->nfields; m++) {
            const talent_field *fd = &t->fields[m];
            int wide;
            unsigned floats;
            int ok = (fd->unnamed != 0) == (pass != 0) && member_ok(t, m, p, &wide, &floats, &ty, ctx);
            if (m < TL_UNION_REMEMBERED) {
                oks[m] = (unsigned char)ok;
                tys[m] = ty;
                used = m + 1;
            }
            if (ok && (best < 0 || member_preferred(fd->type->size, wide, floats, t->fields[best].type->size, best_wide,
                                                    best_floats))) {
                best = (int)m;
                best_wide = wide;
                best_floats = floats;
                best_ty = ty;
            }
        }
    }
    /* A heap block allocated where the compiler did not see its type takes the type of the pointer encoded into it
       (heap_write.c): when another member that carries the value as well reads a pointer to such a block as another
       type (a struct against a void *, two structs), which one the program wrote, and so what the block holds, cannot
       be told from the bytes. Then the first member that types no block (its pointers there are void * or char *)
       carries the value, as before such pointers counted: the blocks stay bytes unless another pointer types them
       (a later pass then decides), and bytes are restored only on the writer's byte order and pointer width; without
       one, the checkpoint is refused (TL_UNION_UNDECIDED). */
    if (best >= 0) {
        int untyping = -1, undecided = 0;
        pass = t->fields[best].unnamed != 0;
        for (m = 0; m < t->nfields; m++) {
            int wide;
            unsigned floats;
            if ((t->fields[m].unnamed != 0) != (pass != 0))
                continue;
            if ((int)m == best) {
                ty = best_ty;
            } else if (m < used) {
                if (!oks[m])
                    continue;
                ty = tys[m];
            } else if (!member_ok(t, m, p, &wide, &floats, &ty, ctx)) {
                continue;
            }
            if (untyping < 0 && ty.n == 0 && !ty.overflow)
                untyping = (int)m;
            if (!undecided && !typings_agree(&best_ty, &ty)) {
                undecided = 1;
                undecided_a = (unsigned)best < m ? (unsigned)best : m;
                undecided_b = (unsigned)best < m ? m : (unsigned)best;
            }
        }
        if (undecided)
            return untyping >= 0 ? untyping : TL_UNION_UNDECIDED;
    }
    return best;
}

/* A byte of a member's shape that no byte order keeps in place for certain (a bit-field, a nested union): it matches
 * nothing, not even itself */
#define SHAPE_OPAQUE 0xFFFFFFFFu

/*
 * The shape of a value of type t at off: for each of its bytes, the scalar that holds it as (offset << 8 | size) (a
 * byte of a char array is a scalar of its own), 0 for padding. Two members whose scalars cover a byte alike (same
 * offset and size, whatever their kinds: a double and an int64_t) put it at the same place on every byte order;
 * otherwise (an int against a char[4], an int64_t against a uint8_t) a byte order moves it in one and not the other.
 */
static void member_shape(const talent_type *t, size_t off, uint32_t *shape, int depth)
{
    size_t k;
    unsigned i;
    if (off + t->size > TL_UNION_CHOOSE_MAX)
        return;
    if (depth > 16) {
        for (k = 0; k < t->size; k++)
            shape[off + k] = SHAPE_OPAQUE;
        return;
    }
    switch (t->kind) {
    case TALENT_K_ARRAY:
        if (byte_like(t)) {
            for (k = 0; k < t->size; k++)
                shape[off + k] = (uint32_t)((off + k) << 8 | 1);
        } else if (t->elem && t->elem->size) {
            for (k = 0; k < t->count; k++)
                member_shape(t->elem, off + k * t->elem->size, shape, depth + 1);
        }
        return;
    case TALENT_K_STRUCT:
        for (i = 0; i < t->nfields; i++)
            if (t->fields[i].bit_width)
                for (k = 0; k < t->size; k++)
                    shape[off + k] = SHAPE_OPAQUE;
        for (i = 0; i < t->nfields; i++)
            if (!t->fields[i].bit_width)
                member_shape(t->fields[i].type, off + t->fields[i].offset, shape, depth + 1);
        return;
    case TALENT_K_UNION:
        for (k = 0; k < t->size; k++)
            shape[off + k] = SHAPE_OPAQUE;
        return;
    default:
        for (k = 0; k < t->size; k++)
            shape[off + k] = t->size < 256 ? (uint32_t)(off << 8 | t->size) : SHAPE_OPAQUE;
        return;
    }
}

/* The shape of member m of the union t over the whole union (member_shape; a bit-field's bytes are opaque). */
static void union_member_shape(const talent_type *t, unsigned m, uint32_t *shape)
{
    size_t i;
    memset(shape, 0, t->size * sizeof shape[0]);
    if (t->fields[m].bit_width)
        for (i = 0; i < t->size; i++)
            shape[i] = SHAPE_OPAQUE;
    else
        member_shape(t->fields[m].type, t->fields[m].offset, shape, 0);
}

/*
 * 1 when the union's value at p, carried by member c, is carried as well by another member that the program names
 * (union_carrier's test; talent_field.unnamed) that would hold one of its non-zero bytes in a scalar of another place or size: which of the two the program wrote
 * cannot be told from the bytes, and on an ISA of the other byte order the two give different bytes (1 in an int64_t
 * against a uint8_t; a short string in a char[16] against an int). The value is then marked (FORMAT.md "Values") and a
 * reader of the other byte order refuses it. Not against a member that the carrier is preferred over
 * (member_preferred: a double's bits, or a long beyond 32 bits, are not taken for an int beside a NULL pointer). Unions over TL_UNION_CHOOSE_MAX bytes are carried by their first member
 * unmarked, as before.
 */
static int union_order_bound(const talent_type *t, const unsigned char *p, unsigned c, tl_value_ctx *ctx)
{
    /* not reentered (member_ok does not come back here) and the writer is single-threaded: kept off the stack */
    static uint32_t mine[TL_UNION_CHOOSE_MAX], theirs[TL_UNION_CHOOSE_MAX];
    size_t i;
    unsigned m, my_floats = 0;
    int any = 0, my_wide = 0;
    union_typings ty;
    if (t->size > TL_UNION_CHOOSE_MAX)
        return 0;
    for (i = 0; i < t->size && !any; i++)
        any = p[i] != 0;
    if (!any)
        return 0;
    if (!t->fields[c].bit_width)
        (void)member_ok(t, c, p, &my_wide, &my_floats, &ty, ctx);
    union_member_shape(t, c, mine);
    for (m = 0; m < t->nfields; m++) {
        unsigned floats;
        int wide;
        if (m == c || t->fields[m].unnamed || !member_ok(t, m, p, &wide, &floats, &ty, ctx) ||
            member_preferred(t->fields[c].type->size, my_wide, my_floats, t->fields[m].type->size, wide, floats))
            continue;
        union_member_shape(t, m, theirs);
        for (i = 0; i < t->size; i++)
            if (p[i] != 0 && (mine[i] != theirs[i] || mine[i] == SHAPE_OPAQUE))
                return 1;
    }
    return 0;
}

/*
 * Structs of scalars and data pointers (the nodes of lists and trees: a key, a count, two pointers) are encoded
 * from a flat list of their members, made once per descriptor, instead of one recursive call per member; the
 * bytes are the same as the recursive encoder's. A struct with anything else (a bit-field, a nested aggregate, a
 * long double, a function pointer, a union) is encoded member by member as before.
 */
#define FLAT_MAX 32
enum { FLAT_INT, FLAT_BOOL, FLAT_PTR };
typedef struct flat_member {
    unsigned char op, size;
    size_t off;
    const talent_field *fd;
} flat_member;
typedef struct flat_plan {
    const talent_type *t;           /* NULL: empty cache entry */
    const talent_field *fields;     /* t's members when the plan was made */
    size_t nfields;
    int ok;                         /* 0: not flat, encode member by member */
    unsigned n;
    size_t fixed;                   /* encoded bytes of the scalar members */
    flat_member m[FLAT_MAX];
} flat_plan;
static flat_plan flat_cache[64];

static const flat_plan *flat_plan_of(const talent_type *t)
{
    flat_plan *pl = &flat_cache[((uintptr_t)t >> 4) & 63];
    unsigned f;
    if (pl->t == t && pl->fields == t->fields && pl->nfields == t->nfields)
        return pl;
    pl->t = t;
    pl->fields = t->fields;
    pl->nfields = t->nfields;
    pl->ok = 0;
    pl->n = 0;
    pl->fixed = 0;
    if (t->nfields > FLAT_MAX)
        return pl;
    for (f = 0; f < t->nfields; f++) {
        const talent_field *fd = &t->fields[f];
        const talent_type *ft = fd->type;
        flat_member *m = &pl->m[pl->n++];
        if (fd->bit_width)
            return pl;
        m->off = fd->offset;
        m->fd = fd;
        m->size = (unsigned char)ft->size;
        if ((ft->kind == TALENT_K_SINT || ft->kind == TALENT_K_UINT || ft->kind == TALENT_K_FLOAT) &&
            (ft->size == 1 || ft->size == 2 || ft->size == 4 || ft->size == 8) &&
            (ft->kind != TALENT_K_FLOAT || ft->size >= 4)) {
            m->op = FLAT_INT;
            pl->fixed += ft->size;
        } else if (ft->kind == TALENT_K_BOOL && ft->size <= 8) {
            m->op = FLAT_BOOL;
            pl->fixed += 1;
        } else if (ft->kind == TALENT_K_PTR && ft->size == sizeof(void *)) {
            m->op = FLAT_PTR;
        } else {
            return pl;
        }
    }
    pl->ok = 1;
    return pl;
}


/* The plan lives in a cache slot that a nested call (enc_ptr) may reuse for another type: it is asked for again
 * after each one, which costs a compare while the slot is still t's. */
static void enc_flat(tl_buf *b, const talent_type *t, const unsigned char *p, tl_value_ctx *ctx, tl_strtab *strs)
{
    const flat_plan *pl = flat_plan_of(t);
    unsigned k;
    for (k = 0; k < pl->n; k++) {
        const flat_member *m = &pl->m[k];
        switch (m->op) {
        case FLAT_INT:
            tl_put_be_n(tl_buf_grow(b, m->size), tl_load_uint(p + m->off, m->size), m->size);
            break;
        case FLAT_BOOL:
            tl_buf_u8(b, tl_load_uint(p + m->off, m->size) != 0);
            break;
        default: {
            const void *v;
            memcpy(&v, p + m->off, sizeof v);
            if (!v) {
                tl_buf_u8(b, TL_PTR_NULL);
                break;
            }
            push_field(ctx, m->fd->name);
            enc_ptr(b, v, m->fd->type, ctx, strs);
            ctx->depth--;
            pl = flat_plan_of(t);
            break;
        }
        }
    }
}

unsigned tl_flat_pointer_offsets(const talent_type *t, size_t *out, unsigned max)
{
    const flat_plan *pl;
    unsigned k, n = 0;
    if (t->kind != TALENT_K_STRUCT)
        return 0;
    pl = flat_plan_of(t);
    if (!pl->ok)
        return 0;
    for (k = 0; k < pl->n && n < max; k++)
        if (pl->m[k].op == FLAT_PTR)
            out[n++] = pl->m[k].off;
    return n;
}

tl_value_ctx *tl_accessor_ctx;

void tl_encode_value(tl_buf *b, const talent_type *t, const void *addr, tl_value_ctx *ctx, tl_strtab *strs)
{
    const unsigned char *p = addr;
    size_t i;
    unsigned f;
    switch (t->kind) {
    case TALENT_K_SINT:
    case TALENT_K_UINT:
        if (t->size == 16)
            enc_int128(b, p);
        else
            enc_int_bits(b, t, tl_load_uint(p, t->size));
        break;
    case TALENT_K_BOOL:
        tl_buf_u8(b, tl_load_uint(p, t->size) != 0);
        break;
    case TALENT_K_FLOAT:
        if (t->size == 4)
            tl_buf_u32(b, (uint32_t)tl_load_uint(p, 4));
        else
            tl_buf_u64(b, tl_load_uint(p, 8));
        break;
    case TALENT_K_LDOUBLE: {
        long double v;
        memcpy(&v, p, sizeof v);
        enc_ldouble(b, v);
        break;
    }
    case TALENT_K_PTR: {
        const void *v;
        memcpy(&v, p, sizeof v);
        enc_ptr(b, v, t, ctx, strs);
        break;
    }
    case TALENT_K_FUNCPTR: {
        void (*v)(void);
        memcpy(&v, p, sizeof v);
        enc_fptr(b, v, ctx);
        break;
    }
    case TALENT_K_ARRAY:
        if (tl_bulk_encode(b, t->elem, p, t->count))
            break;
        for (i = 0; i < t->count; i++) {
            push_index(ctx, i);
            tl_encode_value(b, t->elem, p + i * t->elem->size, ctx, strs);
            ctx->depth--;
        }
        break;
    case TALENT_K_STRUCT: {
        if (flat_plan_of(t)->ok) {
            enc_flat(b, t, p, ctx, strs);
            break;
        }
    }
        for (f = 0; f < t->nfields; f++) {
            const talent_field *fd = &t->fields[f];
            if (fd->bit_width) {
                tl_accessor_ctx = ctx;
                enc_int_bits(b, fd->type, fd->get_bits(p));
                tl_accessor_ctx = NULL;
            } else {
                push_field(ctx, fd->name);
                tl_encode_value(b, fd->type, p + fd->offset, ctx, strs);
                ctx->depth--;
            }
        }
        break;
    case TALENT_K_UNION:
        if (t->nfields > 0) {
            int m = union_carrier(t, p, ctx);
            unsigned c = m > 0 ? (unsigned)m : 0;
            const talent_field *fd = &t->fields[c];
            if (m == TL_UNION_UNDECIDED) {
                char what[256];
                tl_ctx_describe(ctx, what, sizeof what);
                tl_refuse("cannot checkpoint: union '%s' (%s, declared at %s, %s) holds a pointer to a heap block "
                          "allocated where talent does not see its type, which its members '%s' and '%s' both carry "
                          "but read as different types: which of them the program wrote, and so what the block holds, "
                          "cannot be told from the union's bytes; name the block's type with '#pragma talent "
                          "alloc_type(T)' before its allocation, or assign the allocation's result to a pointer of its "
                          "type", what, t->name, ctx->decl_pos, ctx->where, t->fields[undecided_a].name,
                          t->fields[undecided_b].name);
            }
            /* the member's number, marked when another member's reading differs on the other byte order, then its
               value (FORMAT.md "Values": every union of a major 3 file) */
            tl_buf_u32(b, (uint32_t)c | (union_order_bound(t, p, c, ctx) ? (uint32_t)1 << TL_UNION_MEMBER_BITS : 0));
            if (m == -1) {
                union_check_first(t, p, ctx);
                union_check_pointers(t, p, ctx);
            }
            push_field(ctx, fd->name);
            if (fd->bit_width)
                enc_int_bits(b, fd->type, fd->get_bits(p));
            else {
                int numbers = m == -1 && union_numbers_over_pointers(t);
                ctx->in_union += numbers;
                tl_encode_value(b, fd->type, p + fd->offset, ctx, strs);
                ctx->in_union -= numbers;
            }
            ctx->depth--;
        }
        break;
    default:
        tl_die(TL_EXIT_SOFTWARE, "internal error: type '%s' has unknown kind %d", t->name, t->kind);
    }
}

/* ---------------------------------------------------------------- validation (skip) */

/* FORMAT.md: C99 hexadecimal floating notation (as %La prints it), inf, -inf, nan or -nan; the same pattern as
 * the Java reader's: -?(inf|nan|0[xX](H{1,64}(\.H{0,64})?|\.H{1,64})[pP][+-]?D{1,6}). */
int tl_ldouble_text_valid(const unsigned char *s, size_t n)
{
    size_t i = 0, k;
    if (i < n && s[i] == '-')
        i++;
    if (n - i == 3 && (memcmp(s + i, "inf", 3) == 0 || memcmp(s + i, "nan", 3) == 0))
        return 1;
    if (n - i < 2 || s[i] != '0' || (s[i + 1] != 'x' && s[i + 1] != 'X'))
        return 0;
    i += 2;
#define HEX(c) (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F'))
    for (k = 0; i < n && HEX(s[i]); i++, k++)
        ;
    if (k > 64)
        return 0;
    if (i < n && s[i] == '.') {
        size_t f;
        i++;
        for (f = 0; i < n && HEX(s[i]); i++, f++)
            ;
        if (f > 64 || (k == 0 && f == 0))
            return 0;
    } else if (k == 0)
        return 0;
#undef HEX
    if (i >= n || (s[i] != 'p' && s[i] != 'P'))
        return 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (k = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, k++)
        ;
    return k >= 1 && k <= 6 && i == n;
}

int tl_function_known(const unsigned char *name, uint32_t len)
{
    return function_named(name, len) != NULL;
}

const char *tl_function_name_at(void (*f)(void))
{
    const talent_function *fn = f ? function_at(f) : NULL;
    return fn ? fn->name : NULL;
}

void (*tl_function_addr_named(const unsigned char *name, uint32_t len))(void)
{
    const talent_function *fn = function_named(name, len);
    return fn ? fn->addr : NULL;
}

/* A pthread_mutex_t value (FORMAT.md "Signal sets, sigactions and descriptor sets"; mutextype.c) that began at
 * offset at and was just skipped: its member kind is at most TL_MUTEX_KIND_MAX. */
static void check_mutex_kind(tl_reader *r, const tl_checkpoint *ck, const tl_ck_type *ct, size_t at)
{
    const tl_ck_type *ft;
    size_t end = r->pos;
    uint64_t u;
    if (!ct->name || strcmp(ct->name, TL_MUTEX_TYPE_NAME) != 0 || ct->nfields != 1 || !ct->fields[0].bit_width)
        return;
    ft = &ck->types[ct->fields[0].type];
    if (ft->kind != TALENT_K_UINT)
        return;
    r->pos = at;
    u = tl_rd_uint_n(r, ft->bits / 8u);
    r->pos = end;
    if (u > TL_MUTEX_KIND_MAX)
        tl_reader_fail(r, "at offset %lu: a pthread_mutex_t of kind %llu, which is none (0 default, 1 recursive, "
                       "2 error-checking)", (unsigned long)(r->base + at), (unsigned long long)u);
}

/* A struct or union member: a bit-field's value must fit its width (sign-extended for SINT). */
static void skip_member(tl_reader *r, const tl_checkpoint *ck, const tl_ck_field *fd, int depth)
{
    const tl_ck_type *ft = &ck->types[fd->type];
    size_t fat = r->pos;
    uint64_t u;
    unsigned bits;
    int ok;
    if (!fd->bit_width) {
        tl_skip_value(r, ck, fd->type, depth + 1);
        return;
    }
    u = ft->kind == TALENT_K_BOOL ? tl_rd_u8(r) : tl_rd_uint_n(r, ft->bits / 8u);
    bits = ft->kind == TALENT_K_BOOL ? 8 : ft->bits;
    if (r->failed)
        return;
    if (ft->kind == TALENT_K_SINT) {
        if (bits < 64 && ((u >> (bits - 1)) & 1))
            u |= ~(uint64_t)0 << bits;
        ok = fd->bit_width >= 64 || ((int64_t)u >= -((int64_t)1 << (fd->bit_width - 1)) &&
                                     (int64_t)u < ((int64_t)1 << (fd->bit_width - 1)));
    } else
        ok = fd->bit_width >= 64 || u < ((uint64_t)1 << fd->bit_width);
    if (!ok)
        tl_reader_fail(r, "at offset %lu: value of bit-field '%.60s' does not fit its %u bits",
                       (unsigned long)(r->base + fat), fd->name, fd->bit_width);
}

/*
 * A struct of the file whose members are plain numbers, bools and data pointers (the nodes of lists and trees) is
 * validated from a flat list of its members, made once per type, instead of one recursive call per member. It
 * accepts exactly what the recursive walk accepts: on anything it does not handle itself (a short section, a bool
 * that is not 0 or 1, a pointer tag other than NULL, OBJECT and INDETERMINATE, an OBJECT the checks refuse) it goes
 * back to the start of the value and leaves it to the recursive walk, which reports the problem as before.
 */
enum { SKIP_FIXED, SKIP_BOOL, SKIP_PTR };
typedef struct skip_member_op {
    unsigned char op;
    uint64_t bytes;                 /* SKIP_FIXED */
} skip_member_op;
typedef struct skip_plan {
    const tl_ck_type *types;        /* the checkpoint's type table the plan was made for; NULL: empty entry */
    uint32_t type_id;
    int ok;
    unsigned n;
    skip_member_op m[FLAT_MAX];
} skip_plan;
static skip_plan skip_cache[64];

static const skip_plan *skip_plan_of(const tl_checkpoint *ck, uint32_t type_id)
{
    skip_plan *pl = &skip_cache[type_id & 63];
    const tl_ck_type *ct = &ck->types[type_id];
    uint32_t f;
    if (pl->types == ck->types && pl->type_id == type_id)
        return pl;
    pl->types = ck->types;
    pl->type_id = type_id;
    pl->ok = 0;
    pl->n = 0;
    if (ct->kind != TALENT_K_STRUCT || ct->nfields > FLAT_MAX)
        return pl;
    for (f = 0; f < ct->nfields; f++) {
        const tl_ck_type *ft = &ck->types[ct->fields[f].type];
        skip_member_op *m = &pl->m[pl->n];
        if (ct->fields[f].bit_width)
            return pl;
        if (ft->kind == TALENT_K_BOOL) {
            m->op = SKIP_BOOL;
        } else if (ft->kind == TALENT_K_PTR) {
            m->op = SKIP_PTR;
        } else if (ft->plain && ft->depth <= 8) {
            /* numbers, or a shallow aggregate of them (the recursive walk's depth limit cannot be reached) */
            if (ft->min_encoded == 0)
                continue;   /* an empty aggregate: no bytes */
            m->op = SKIP_FIXED;
            m->bytes = ft->min_encoded;
        } else {
            return pl;
        }
        pl->n++;
    }
    pl->ok = 1;
    return pl;
}

static uint32_t be32_at(const unsigned char *d)
{
    return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

static uint64_t be64_at(const unsigned char *d)
{
    return (uint64_t)be32_at(d) << 32 | be32_at(d + 4);
}

/* 1 when the value at r->pos was skipped and checked by the plan, 0 (r->pos unchanged) when the recursive walk
 * must do it. */
static int skip_flat(tl_reader *r, const tl_checkpoint *ck, uint32_t type_id)
{
    /* the plan's cache slot is asked for again after the one nested call (check_target), as in dec_flat_struct */
    const skip_plan *pl = skip_plan_of(ck, type_id);
    const unsigned char *d = r->data;
    size_t pos = r->pos, len = r->len;
    unsigned k;
    for (k = 0; k < pl->n; k++) {
        const skip_member_op *m = &pl->m[k];
        if (m->op == SKIP_FIXED) {
            if (len - pos < m->bytes)
                return 0;
            pos += (size_t)m->bytes;
        } else if (m->op == SKIP_BOOL) {
            if (pos >= len || d[pos] > 1)
                return 0;
            pos++;
        } else {
            uint8_t tag, kind;
            uint32_t a, b;
            uint16_t plen;
            if (pos >= len)
                return 0;
            tag = d[pos];
            if (tag == TL_PTR_NULL || tag == TL_PTR_INDETERMINATE) {
                pos++;
                continue;
            }
            if (tag != TL_PTR_OBJECT || len - pos < 20)
                return 0;
            kind = d[pos + 1];
            a = be32_at(d + pos + 2);
            b = be32_at(d + pos + 6);
            plen = (uint16_t)(d[pos + 10] << 8 | d[pos + 11]);
            if (kind < TL_OBJ_GLOBAL || kind > TL_OBJ_ARGSTR || (kind == TL_OBJ_ARGV && a != 0) ||
                (kind != TL_OBJ_FRAME && b != 0) || plen > TL_MAX_PATH || (len - pos - 20) / 8 < plen)
                return 0;
            if (ck->check_targets) {
                tl_path path;
                uint16_t i;
                char buf[200];
                path.len = plen;
                for (i = 0; i < plen; i++)
                    path.idx[i] = be64_at(d + pos + 12 + 8 * (size_t)i);
                if (HOOK(check_target)(ck, kind, a, b, &path, be64_at(d + pos + 12 + 8 * (size_t)plen), buf,
                                       sizeof buf))
                    return 0;
                pl = skip_plan_of(ck, type_id);
            }
            pos += 20 + 8 * (size_t)plen;
        }
    }
    r->pos = pos;
    return 1;
}

/* An OBJECT pointer's payload after its tag, checked; *kind_out, *a_out, *b_out, *start_out (1: an empty path and byte
 * offset 0, the start of the object) for the caller's checks. at: the pointer's offset in r, for messages. */
static void skip_object_ref(tl_reader *r, const tl_checkpoint *ck, size_t at, uint8_t *kind_out, uint32_t *a_out,
                            uint32_t *b_out, int *start_out, tl_path *path_out, uint64_t *offset_out)
{
    uint16_t i;
    {
        uint8_t kind = tl_rd_u8(r);
        uint32_t a = tl_rd_u32(r), b = tl_rd_u32(r);
        tl_path path;
        uint64_t byte_offset;
        path.len = tl_rd_u16(r);
        if (!r->failed && (kind < TL_OBJ_GLOBAL || kind > TL_OBJ_ARGSTR))
            tl_reader_fail(r, "at offset %lu: pointer to unknown object kind %u", (unsigned long)(r->base + at),
                           kind);
        if (!r->failed && kind == TL_OBJ_ARGV && a != 0)
            tl_reader_fail(r, "at offset %lu: pointer to the argv array with a = %lu (expected 0)",
                           (unsigned long)(r->base + at), (unsigned long)a);
        if (!r->failed && kind != TL_OBJ_FRAME && b != 0)
            tl_reader_fail(r, "at offset %lu: pointer to object kind %u with b = %lu (expected 0)",
                           (unsigned long)(r->base + at), kind, (unsigned long)b);
        if (!r->failed && path.len > TL_MAX_PATH)
            tl_reader_fail(r, "at offset %lu: pointer element path of %u steps (at most %d allowed)",
                           (unsigned long)(r->base + at), path.len, TL_MAX_PATH);
        for (i = 0; i < path.len && !r->failed; i++)
            path.idx[i] = tl_rd_u64(r);
        byte_offset = tl_rd_u64(r);
        if (!r->failed && ck->check_targets) {
            char buf[200];
            const char *why = HOOK(check_target)(ck, kind, a, b, &path, byte_offset, buf, sizeof buf);
            if (why)
                tl_reader_fail(r, "at offset %lu: pointer to object kind %u (%lu, %lu): %s",
                               (unsigned long)(r->base + at), kind, (unsigned long)a, (unsigned long)b, why);
        }
        *kind_out = kind;
        *a_out = a;
        *b_out = b;
        *start_out = path.len == 0 && byte_offset == 0;
        if (path_out) {
            *path_out = path;
            *offset_out = byte_offset;
        }
    }
}

/* a data pointer's encoding (FORMAT.md "Pointers"), checked; at: its offset in r, for messages */
static void skip_ptr(tl_reader *r, const tl_checkpoint *ck, size_t at)
{
    uint8_t tag, kind, kind2;
    uint32_t a, b, a2, b2;
    int start, start2;
    tag = tl_rd_u8(r);
    if (tag == TL_PTR_NULL)
        return;
    if (tag == TL_PTR_OBJECT) {
        skip_object_ref(r, ck, at, &kind, &a, &b, &start, NULL, NULL);
    } else if (tag == TL_PTR_BOUNDARY) {
        /* major 4: the start of one object, then one past the end of another (FORMAT.md "Pointers") */
        if (!ck->boundary_ptrs) {
            tl_reader_fail(r, "at offset %lu: a boundary pointer (tag %u) in a file of format version below %d",
                           (unsigned long)(r->base + at), tag, TL_FORMAT_MAJOR_BOUNDARY);
            return;
        }
        tl_path p1, p2;
        uint64_t o1, o2;
        skip_object_ref(r, ck, at, &kind, &a, &b, &start, &p1, &o1);
        if (r->failed)
            return;
        skip_object_ref(r, ck, at, &kind2, &a2, &b2, &start2, &p2, &o2);
        if (r->failed)
            return;
        if (kind == kind2 && a == a2 && b == b2) {
            /* one object: the start of a member and one past the end of the member before it, two paths */
            if (p1.len == 0 || p2.len == 0 || (p1.len == p2.len && o1 == o2 &&
                                               !memcmp(p1.idx, p2.idx, p1.len * sizeof p1.idx[0])))
                tl_reader_fail(r, "at offset %lu: a boundary pointer's two readings in one object are not two members",
                               (unsigned long)(r->base + at));
        } else if (!start)
            tl_reader_fail(r, "at offset %lu: a boundary pointer's first reading is not the start of an object",
                           (unsigned long)(r->base + at));
    } else if (tag == TL_PTR_BELOW) {
        /* major 5: count elements below the element at an array object's start (FORMAT.md "Pointers") */
        uint64_t count;
        tl_path path;
        uint64_t off;
        if (!ck->below_ptrs) {
            tl_reader_fail(r, "at offset %lu: a pointer below an object's start (tag %u) in a file of format version "
                           "below %d", (unsigned long)(r->base + at), tag, TL_FORMAT_MAJOR_BELOW);
            return;
        }
        count = tl_rd_u64(r);
        skip_object_ref(r, ck, at, &kind, &a, &b, &start, &path, &off);
        if (r->failed)
            return;
        /* the element's size comes from the file's types: checked with the targets, once every section is parsed */
        if (ck->check_targets) {
            const char *why = HOOK(check_below)(ck, kind, a, b, &path, off, count);
            if (why)
                tl_reader_fail(r, "at offset %lu: %s (%llu element(s) below object kind %u (%lu, %lu))",
                               (unsigned long)(r->base + at), why, (unsigned long long)count, kind, (unsigned long)a,
                               (unsigned long)b);
        } else if (count == 0 || count > TL_BELOW_START_BYTES) {
            tl_reader_fail(r, "at offset %lu: a pointer %llu element(s) below an object's start (1 to %d)",
                           (unsigned long)(r->base + at), (unsigned long long)count, TL_BELOW_START_BYTES);
        }
    } else if (tag == TL_PTR_STRING) {
        uint32_t s = tl_rd_u32(r);
        uint64_t off = tl_rd_u64(r);
        if (!r->failed && (s >= ck->nstrs || off > ck->str_lens[s]))
            tl_reader_fail(r, "at offset %lu: string constant %lu+%llu is not in STRS",
                           (unsigned long)(r->base + at), (unsigned long)s, (unsigned long long)off);
    } else if (tag == TL_PTR_STREAM) {
        if (tl_rd_u8(r) > TL_STREAM_STDERR)
            tl_reader_fail(r, "at offset %lu: unknown standard stream", (unsigned long)(r->base + at));
    } else if (tag == TL_PTR_OPEN_STREAM) {
        uint32_t s = tl_rd_u32(r);
        if (!r->failed && (long)s > tl_max_stream_ref)
            tl_max_stream_ref = (long)s;
        if (!r->failed && ck->check_targets && (s >= ck->nfiles || ck->files[s].kind != TL_FILE_STREAM))
            tl_reader_fail(r, "at offset %lu: a FILE * value refers to open stream %lu, which the FILE section "
                           "does not list as a stream", (unsigned long)(r->base + at), (unsigned long)s);
    } else if (tag == TL_PTR_NUMBER) {
        /* major 6: a number kept in a pointer, never an address (FORMAT.md "Pointers") */
        int64_t v;
        if (!ck->number_ptrs) {
            tl_reader_fail(r, "at offset %lu: a number kept in a pointer (tag %u) in a file of format version below %d",
                           (unsigned long)(r->base + at), tag, TL_FORMAT_MAJOR_NUMBERS);
            return;
        }
        v = (int64_t)tl_rd_u64(r);
        if (!r->failed && (v == 0 || v > TL_NUMBER_PTR_LOW || v < -TL_NUMBER_PTR_HIGH))
            tl_reader_fail(r, "at offset %lu: a number kept in a pointer is %lld (1 to %d or -%d to -1)",
                           (unsigned long)(r->base + at), (long long)v, TL_NUMBER_PTR_LOW, TL_NUMBER_PTR_HIGH);
    } else if (tag != TL_PTR_INDETERMINATE)
        tl_reader_fail(r, "at offset %lu: unknown pointer tag %u", (unsigned long)(r->base + at), tag);
}

int tl_skip_value(tl_reader *r, const tl_checkpoint *ck, uint32_t type_id, int depth)
{
    const tl_ck_type *ct = &ck->types[type_id];
    uint64_t i;
    uint32_t f, n;
    uint8_t tag;
    size_t at = r->pos;
    const unsigned char *p;
    if (ct->min_encoded == 0)
        return r->failed ? -1 : 0;  /* encodes to no bytes: nothing to read or check (only empty aggregates) */
    if (depth > TL_MAX_TYPE_DEPTH) {
        tl_reader_fail(r, "at offset %lu: values nested deeper than %d levels", (unsigned long)(r->base + at),
                       TL_MAX_TYPE_DEPTH);
        return -1;
    }
    switch (ct->kind) {
    case TALENT_K_SINT:
    case TALENT_K_UINT:
        tl_rd_uint_n(r, ct->bits / 8u);
        break;
    case TALENT_K_BOOL:
        if (tl_rd_u8(r) > 1)
            tl_reader_fail(r, "at offset %lu: _Bool value is neither 0 nor 1", (unsigned long)(r->base + at));
        break;
    case TALENT_K_FLOAT:
        tl_rd_uint_n(r, ct->bits / 8u);
        break;
    case TALENT_K_LDOUBLE:
        p = tl_rd_str_ref(r, &n);
        if (p && !tl_ldouble_text_valid(p, n))
            tl_reader_fail(r, "at offset %lu: long double value '%.*s' is not C99 hexadecimal notation, inf or nan",
                           (unsigned long)(r->base + at), (int)(n > 40 ? 40 : n), (const char *)p);
        break;
    case TALENT_K_PTR:
        skip_ptr(r, ck, at);
        break;
    case TALENT_K_FUNCPTR:
        tag = tl_rd_u8(r);
        if (tag == TL_PTR_FUNCTION) {
            p = tl_rd_str_ref(r, &n);
            if (p && n == 0)
                tl_reader_fail(r, "at offset %lu: empty function name", (unsigned long)(r->base + at));
            else if (p && !tl_function_known(p, n))
                tl_reader_fail(r, "at offset %lu: function pointer to '%.*s', which is not in this program",
                               (unsigned long)(r->base + at), (int)(n > 80 ? 80 : n), (const char *)p);
        } else if (tag != TL_PTR_NULL && tag != TL_PTR_SIG_IGN && tag != TL_PTR_SIG_ERR && tag != TL_PTR_INDETERMINATE)
            tl_reader_fail(r, "at offset %lu: unknown function pointer tag %u", (unsigned long)(r->base + at), tag);
        break;
    case TALENT_K_ARRAY: {
        const tl_ck_type *et = &ck->types[ct->elem];
        if (ct->count > (r->len - r->pos) / et->min_encoded) {
            tl_reader_fail(r, "at offset %lu: array of %llu elements does not fit in the section",
                           (unsigned long)(r->base + at), (unsigned long long)ct->count);
            break;
        }
        if (et->plain) {
            r->pos += (size_t)(ct->count * et->min_encoded);   /* any bit pattern is valid; checked to fit above */
            break;
        }
        for (i = 0; i < ct->count && !r->failed; i++)
            tl_skip_value(r, ck, ct->elem, depth + 1);
        break;
    }
    case TALENT_K_STRUCT: {
        size_t at = r->pos;
        const skip_plan *pl = r->failed || depth > TL_MAX_TYPE_DEPTH - 16 ? NULL : skip_plan_of(ck, type_id);
        if (pl && pl->ok && skip_flat(r, ck, type_id))
            break;
        for (f = 0; f < ct->nfields && !r->failed; f++)
            skip_member(r, ck, &ct->fields[f], depth);
        if (!r->failed)
            check_mutex_kind(r, ck, ct, at);
        break;
    }
    case TALENT_K_UNION:
        if (ck->union_members && ct->nfields > 0) {
            /* FORMAT.md "Values": the number of the member that carries it, then that member */
            size_t at_member = r->pos;
            /* the byte-order mark above the number is checked where the value is restored */
            uint32_t m = tl_rd_u32(r) & (((uint32_t)1 << TL_UNION_MEMBER_BITS) - 1);
            if (!r->failed && m >= ct->nfields)
                tl_reader_fail(r, "at offset %lu: union member %lu of '%.60s', which has %lu members",
                               (unsigned long)(r->base + at_member), (unsigned long)m, ct->name,
                               (unsigned long)ct->nfields);
            if (!r->failed)
                skip_member(r, ck, &ct->fields[m], depth);
        } else if (ct->nfields > 0)
            skip_member(r, ck, &ct->fields[0], depth);
        break;
    default:
        tl_reader_fail(r, "at offset %lu: unknown type kind %u", (unsigned long)(r->base + at), ct->kind);
    }
    return r->failed ? -1 : 0;
}

/* ---------------------------------------------------------------- decoding */

static void mismatch(const tl_ck_type *ct, const talent_type *t, tl_value_ctx *ctx, const char *detail)
{
    char what[256];
    tl_ctx_describe(ctx, what, sizeof what);
    tl_die(TL_EXIT_DATAERR, "cannot restore '%s' (%s, declared at %s, %s): the checkpoint's type '%s' does not "
           "match this program's type '%s'%s%s", what, t->name, ctx->decl_pos, ctx->where, ct->name, t->name,
           detail ? ": " : "", detail ? detail : "");
}

static int is_int_kind(int k)
{
    return k == TALENT_K_SINT || k == TALENT_K_UINT || k == TALENT_K_BOOL;
}

/* Checks that v (negative: (int64_t)u < 0 when neg) fits in a target integer of `bits` bits and the given
 * kind; dies with the restore message otherwise. */
static void check_fits(const tl_checkpoint *ck, const tl_ck_type *ct, int neg, uint64_t u, int kind, unsigned bits,
                       const char *type_name, tl_value_ctx *ctx)
{
    int fits;
    char what[256], value[32], advice[160];
    if (kind == TALENT_K_BOOL)
        fits = !neg && u <= 1;
    else if (kind == TALENT_K_UINT)
        fits = !neg && (bits >= 64 || u < ((uint64_t)1 << bits));
    else if (neg)
        fits = bits >= 64 || (int64_t)u >= -((int64_t)1 << (bits - 1));
    else
        fits = bits >= 64 ? u <= (uint64_t)INT64_MAX : u < ((uint64_t)1 << (bits - 1));
    if (fits)
        return;
    tl_ctx_describe(ctx, what, sizeof what);
    if (ct->bits > bits)
        tl_die_hook = NULL;     /* this platform's limit, not a damaged file: no fallback to an older one */
    if (neg)
        snprintf(value, sizeof value, "%lld", (long long)(int64_t)u);
    else
        snprintf(value, sizeof value, "%llu", (unsigned long long)u);
    if (neg && kind != TALENT_K_SINT)
        snprintf(advice, sizeof advice, "the value is negative but the type is unsigned here");
    else if (ct->bits > bits && ck->pointer_bits == ct->bits)
        snprintf(advice, sizeof advice, "restore this checkpoint on a %u-bit platform", ck->pointer_bits);
    else if (ct->bits > bits)
        snprintf(advice, sizeof advice, "restore this checkpoint on a platform where %s has %u bits", type_name,
                 ct->bits);
    else
        snprintf(advice, sizeof advice, "the checkpoint does not match this program's types");
    tl_die(TL_EXIT_DATAERR, "cannot restore '%s' (%s, declared at %s, %s): value %s does not fit in %u-bit %s on %s; %s",
           what, type_name, ctx->decl_pos, ctx->where, value, bits, type_name, tl_platform, advice);
}

/* A union value marked by a writer of the other byte order (union_order_bound): which member the program wrote cannot
 * be told, and the members would give different bytes here. This platform's limit, not a damaged file. */
static void union_order_refused(const tl_checkpoint *ck, const talent_type *t, const talent_field *fd,
                                tl_value_ctx *ctx)
{
    char what[256];
    tl_ctx_describe(ctx, what, sizeof what);
    tl_die_hook = NULL;
    tl_die(TL_EXIT_DATAERR, "cannot restore '%s' (%s, declared at %s, %s) on %s: its value, written on %s "
           "(%s-endian), is carried alike there by its member '%s' and by another member the program names, which "
           "differ on a %s-endian platform, and which of them the program wrote is not recorded; restore it on a "
           "%s-endian platform", what, t->name, ctx->decl_pos, ctx->where, tl_platform, ck->platform,
           ck->big_endian ? "big" : "little", fd->name, ck->big_endian ? "little" : "big",
           ck->big_endian ? "big" : "little");
}

/* Reads an integer of file type ct; returns the raw 64-bit pattern, *neg when it is negative. */
static uint64_t read_int(tl_reader *r, const tl_ck_type *ct, int *neg)
{
    uint64_t u;
    if (ct->kind == TALENT_K_BOOL) {
        *neg = 0;
        return tl_rd_u8(r);
    }
    u = tl_rd_uint_n(r, ct->bits / 8u);
    *neg = 0;
    if (ct->kind == TALENT_K_SINT && ct->bits < 64 && (u >> (ct->bits - 1)) & 1)
        u |= ~(uint64_t)0 << ct->bits;  /* sign-extend */
    if (ct->kind == TALENT_K_SINT && (int64_t)u < 0)
        *neg = 1;
    return u;
}

/* An OBJECT pointer's payload after its tag, read (validated before). */
typedef struct object_ref {
    uint8_t kind;
    uint32_t a, b;
    tl_path path;
    uint64_t byte_offset;
} object_ref;

static void read_object_ref(tl_reader *r, object_ref *o)
{
    uint16_t i;
    o->kind = tl_rd_u8(r);
    o->a = tl_rd_u32(r);
    o->b = tl_rd_u32(r);
    o->path.len = tl_rd_u16(r);
    if (o->path.len > TL_MAX_PATH)
        o->path.len = 0, r->failed = 1;
    for (i = 0; i < o->path.len; i++)
        o->path.idx[i] = tl_rd_u64(r);
    o->byte_offset = tl_rd_u64(r);
}

/* The boundary pointers of this restore, checked once every object is bound. */
typedef struct boundary_check {
    object_ref ref[2];
    char what[256], decl_pos[128], where[128];
} boundary_check;
static boundary_check *checks;
static size_t nchecks, capchecks;

static const char *object_name(const tl_checkpoint *ck, const object_ref *o, char *buf, size_t len)
{
    if (o->kind == TL_OBJ_GLOBAL && o->a < ck->nglobals && ck->globals[o->a].target)
        snprintf(buf, len, "'%s'", ck->globals[o->a].target->name);
    else if (o->kind == TL_OBJ_FRAME && o->a < ck->nframes)
        snprintf(buf, len, "variable %lu of frame %s()", (unsigned long)o->b, ck->frames[o->a].function);
    else
        snprintf(buf, len, "object %u (%lu, %lu)", o->kind, (unsigned long)o->a, (unsigned long)o->b);
    return buf;
}

void tl_boundary_checks_run(const tl_checkpoint *ck)
{
    size_t i;
    for (i = 0; i < nchecks; i++) {
        boundary_check *c = &checks[i];
        tl_value_ctx ctx;
        void *start, *end;
        char sname[200], ename[200];
        memset(&ctx, 0, sizeof ctx);
        ctx.var_name = c->what;
        ctx.decl_pos = c->decl_pos;
        ctx.where = c->where;
        start = HOOK(resolve_object)(ck, c->ref[0].kind, c->ref[0].a, c->ref[0].b, &c->ref[0].path,
                                     c->ref[0].byte_offset, NULL, &ctx);
        ctx.end_reading = 1;
        end = HOOK(resolve_object)(ck, c->ref[1].kind, c->ref[1].a, c->ref[1].b, &c->ref[1].path,
                                   c->ref[1].byte_offset, NULL, &ctx);
        if (start != end && c->ref[0].kind == c->ref[1].kind && c->ref[0].a == c->ref[1].a &&
            c->ref[0].b == c->ref[1].b) {
            tl_die_hook = NULL;     /* this platform's layout, not a damaged file: no fallback to an older one */
            tl_die(TL_EXIT_DATAERR, "cannot restore pointer '%s' (declared at %s, %s): on %s it pointed both to the "
                   "start of a member of %s and one past the end of the member before it, which %s puts apart; its "
                   "type does not tell which of the two the program meant", c->what, c->decl_pos, c->where,
                   ck->platform, object_name(ck, &c->ref[0], sname, sizeof sname), tl_platform);
        }
        if (start != end) {
            tl_die_hook = NULL;     /* this platform's layout, not a damaged file: no fallback to an older one */
            tl_die(TL_EXIT_DATAERR, "cannot restore pointer '%s' (declared at %s, %s): on %s it pointed both to the "
                   "start of %s and one past the end of %s (the two were side by side there), which are apart on %s; "
                   "its type does not tell which of the two the program meant", c->what, c->decl_pos, c->where,
                   ck->platform, object_name(ck, &c->ref[0], sname, sizeof sname),
                   object_name(ck, &c->ref[1], ename, sizeof ename), tl_platform);
        }
    }
    nchecks = 0;
}

static void *dec_ptr(tl_reader *r, const tl_checkpoint *ck, void **slot, tl_value_ctx *ctx)
{
    uint8_t tag = tl_rd_u8(r);
    switch (tag) {
    case TL_PTR_NULL:
        return NULL;
    case TL_PTR_OBJECT: {
        tl_path path;
        uint8_t kind = tl_rd_u8(r);
        uint32_t a = tl_rd_u32(r), b = tl_rd_u32(r);
        uint16_t i;
        uint64_t byte_offset;
        path.len = tl_rd_u16(r);
        if (path.len > TL_MAX_PATH)
            path.len = 0, r->failed = 1;
        for (i = 0; i < path.len; i++)
            path.idx[i] = tl_rd_u64(r);
        byte_offset = tl_rd_u64(r);
        if (r->failed)
            return NULL;
        return HOOK(resolve_object)(ck, kind, a, b, &path, byte_offset, slot, ctx);
    }
    case TL_PTR_BOUNDARY: {
        /* restored as its first reading (the start of an object); whether the second (one past the end of another)
         * is the same address here is checked once every object is bound (tl_boundary_checks_run) */
        boundary_check *c;
        if (nchecks == capchecks) {
            capchecks = capchecks ? 2 * capchecks : 8;
            checks = tl_xrealloc(checks, capchecks * sizeof *checks);
        }
        c = &checks[nchecks];
        read_object_ref(r, &c->ref[0]);
        read_object_ref(r, &c->ref[1]);
        if (r->failed)
            return NULL;
        nchecks++;
        tl_ctx_describe(ctx, c->what, sizeof c->what);
        snprintf(c->decl_pos, sizeof c->decl_pos, "%s", ctx->decl_pos ? ctx->decl_pos : "?");
        snprintf(c->where, sizeof c->where, "%s", ctx->where ? ctx->where : "?");
        return HOOK(resolve_object)(ck, c->ref[0].kind, c->ref[0].a, c->ref[0].b, &c->ref[0].path,
                                    c->ref[0].byte_offset, slot, ctx);
    }
    case TL_PTR_BELOW: {
        /* count elements below the element the path names, in this target's size of it (validated before) */
        object_ref o;
        void *p;
        uint64_t count = tl_rd_u64(r);
        read_object_ref(r, &o);
        if (r->failed)
            return NULL;
        ctx->below = count;
        p = HOOK(resolve_object)(ck, o.kind, o.a, o.b, &o.path, o.byte_offset, slot, ctx);
        ctx->below = 0;
        return p;
    }
    case TL_PTR_STRING: {
        uint32_t s = tl_rd_u32(r);
        uint64_t off = tl_rd_u64(r);
        if (r->failed)
            return NULL;
        return HOOK(string_constant)(ck, s, off);
    }
    case TL_PTR_STREAM:
        switch (tl_rd_u8(r)) {
        case TL_STREAM_STDIN: return stdin;
        case TL_STREAM_STDOUT: return stdout;
        default: return stderr;
        }
    case TL_PTR_OPEN_STREAM: {
        uint32_t s = tl_rd_u32(r);
        if (r->failed)
            return NULL;
        return HOOK(stream)(s);
    }
    case TL_PTR_INDETERMINATE:
        return (void *)TL_INDETERMINATE_ADDRESS;
    case TL_PTR_NUMBER: {
        /* validated before: 1 to TL_NUMBER_PTR_LOW or -TL_NUMBER_PTR_HIGH to -1, the same number on every width */
        int64_t v = (int64_t)tl_rd_u64(r);
        if (r->failed || v == 0 || v > TL_NUMBER_PTR_LOW || v < -TL_NUMBER_PTR_HIGH) {
            r->failed = 1;
            return NULL;
        }
        return (void *)(intptr_t)v;
    }
    default:
        r->failed = 1;
        return NULL;
    }
}

/*
 * An integer of the file into a 128-bit target, or a 128-bit integer of the file into any integer target: the same
 * rule as check_fits (the value must fit the target's kind and width), on the value's two 64-bit halves.
 */
static void dec_int128_into(tl_reader *r, const tl_checkpoint *ck, const tl_ck_type *ct, const talent_type *t,
                            unsigned char *p, tl_value_ctx *ctx)
{
    uint64_t hi, lo;
    int neg, fits;
    char what[256];
    if (ct->bits == 128) {
        hi = tl_rd_u64(r);
        lo = tl_rd_u64(r);
        neg = ct->kind == TALENT_K_SINT && hi >> 63;
    } else {
        lo = read_int(r, ct, &neg);
        hi = neg ? ~(uint64_t)0 : 0;
    }
    if (r->failed)
        return;
    if (t->size == 16) {
        /* a 128-bit target (never a bool: there is no 16-byte _Bool) */
        fits = t->kind == TALENT_K_UINT ? !neg : neg || hi >> 63 == 0;
        if (fits) {
            store_u128(p, hi, lo);
            return;
        }
    } else if (hi == (neg ? ~(uint64_t)0 : 0) && (uint64_t)(lo >> 63) == (uint64_t)neg) {
        /* a value of 64 bits in a narrower target: as any other */
        check_fits(ck, ct, neg, lo, t->kind, t->kind == TALENT_K_BOOL ? 1 : (unsigned)(8 * t->size), t->name, ctx);
        tl_store_uint(p, t->size, lo);
        return;
    } else if (!neg && hi == 0) {
        /* 2^63 .. 2^64-1: fits only an unsigned 64-bit target */
        check_fits(ck, ct, 0, lo, t->kind, t->kind == TALENT_K_BOOL ? 1 : (unsigned)(8 * t->size), t->name, ctx);
        tl_store_uint(p, t->size, lo);
        return;
    }
    tl_ctx_describe(ctx, what, sizeof what);
    if (ct->bits > 8 * t->size)
        tl_die_hook = NULL;     /* this platform's limit, not a damaged file: no fallback to an older one */
    tl_die(TL_EXIT_DATAERR, "cannot restore '%s' (%s, declared at %s, %s): value 0x%016llx%016llx (%s 128-bit "
           "two's complement) does not fit in %u-bit %s on %s; %s", what, t->name, ctx->decl_pos, ctx->where,
           (unsigned long long)hi, (unsigned long long)lo, ct->kind == TALENT_K_SINT ? "signed" : "unsigned",
           (unsigned)(8 * t->size), t->name, tl_platform,
           neg && t->kind != TALENT_K_SINT ? "the value is negative but the type is unsigned here"
           : ct->bits > 8 * t->size ? "restore this checkpoint on a platform where the type has 128 bits"
           : "the checkpoint does not match this program's types");
}

static void dec_int_into(tl_reader *r, const tl_checkpoint *ck, const tl_ck_type *ct, const talent_type *t, void *addr,
                         tl_value_ctx *ctx)
{
    int neg;
    uint64_t u;
    if (!is_int_kind(t->kind))
        mismatch(ct, t, ctx, NULL);
    if (ct->bits == 128 || t->size == 16) {
        dec_int128_into(r, ck, ct, t, addr, ctx);
        return;
    }
    u = read_int(r, ct, &neg);
    if (r->failed)
        return;
    check_fits(ck, ct, neg, u, t->kind, t->kind == TALENT_K_BOOL ? 1 : (unsigned)(8 * t->size), t->name, ctx);
    tl_store_uint(addr, t->size, u);
}

/*
 * Decoding a struct without bit-fields whose file and target types match member for member: a number of the same
 * kind and width on both sides (which always fits) is copied byte-swapped in place; every other member goes
 * through the recursive decoder as before. The list of members is made once per (file type, target type).
 */
typedef struct dec_member {
    unsigned char same;             /* 1: same-width number, copied; 2: data pointer; 0: recursive decoder */
    unsigned char size;
    size_t off;
    uint32_t type;                  /* file type of the member */
    const talent_field *fd;
} dec_member;
typedef struct dec_flat {
    const tl_ck_type *types;        /* NULL: empty entry */
    uint32_t type_id;
    const talent_type *t;
    const talent_field *fields;
    int ok;
    unsigned n;
    dec_member m[FLAT_MAX];
} dec_flat;
static dec_flat dec_cache[64];

static const dec_flat *dec_flat_of(const tl_checkpoint *ck, uint32_t type_id, const talent_type *t)
{
    dec_flat *pl = &dec_cache[(type_id ^ ((uintptr_t)t >> 4)) & 63];
    const tl_ck_type *ct = &ck->types[type_id];
    uint32_t f;
    if (pl->types == ck->types && pl->type_id == type_id && pl->t == t && pl->fields == t->fields)
        return pl;
    pl->types = ck->types;
    pl->type_id = type_id;
    pl->t = t;
    pl->fields = t->fields;
    pl->ok = 0;
    pl->n = 0;
    if (ct->kind != TALENT_K_STRUCT || t->kind != TALENT_K_STRUCT || t->nfields != ct->nfields ||
        ct->nfields > FLAT_MAX)
        return pl;
    for (f = 0; f < ct->nfields; f++) {
        const tl_ck_type *fct = &ck->types[ct->fields[f].type];
        const talent_field *fd = &t->fields[f];
        dec_member *m = &pl->m[pl->n++];
        if (fd->bit_width || ct->fields[f].bit_width)
            return pl;
        m->off = fd->offset;
        m->type = ct->fields[f].type;
        m->fd = fd;
        m->size = (unsigned char)fd->type->size;
        m->same = (fct->kind == TALENT_K_SINT || fct->kind == TALENT_K_UINT || fct->kind == TALENT_K_FLOAT) &&
                  fd->type->kind == fct->kind && fct->bits == 8 * fd->type->size &&
                  (fd->type->size == 1 || fd->type->size == 2 || fd->type->size == 4 || fd->type->size == 8);
        if (fct->kind == TALENT_K_PTR && fd->type->kind == TALENT_K_PTR)
            m->same = 2;
    }
    pl->ok = 1;
    return pl;
}

/* The plan lives in a cache slot that a nested call (a member decoded by tl_decode_value, a pointer resolved) may
 * reuse for another type: it is asked for again after each one, which costs a compare while the slot is still
 * this type's. */
static void dec_flat_struct(tl_reader *r, const tl_checkpoint *ck, uint32_t type_id, const talent_type *t,
                            unsigned char *p, tl_value_ctx *ctx)
{
    const dec_flat *pl = dec_flat_of(ck, type_id, t);
    unsigned k;
    for (k = 0; k < pl->n && !r->failed; k++) {
        const dec_member *m = &pl->m[k];
        if (m->same == 2) {
            /* NULL and OBJECT read in place (what dec_ptr reads), the rest through it */
            const unsigned char *s = r->data + r->pos;
            size_t left = r->len - r->pos;
            void *v;
            if (left >= 1 && s[0] == TL_PTR_NULL) {
                v = NULL;
                memcpy(p + m->off, &v, sizeof v);
                r->pos++;
                continue;
            }
            if (left >= 20 && s[0] == TL_PTR_OBJECT) {
                uint16_t plen = (uint16_t)(s[10] << 8 | s[11]);
                if (plen <= TL_MAX_PATH && (left - 20) / 8 >= plen) {
                    tl_path path;
                    uint16_t i;
                    path.len = plen;
                    for (i = 0; i < plen; i++)
                        path.idx[i] = be64_at(s + 12 + 8 * (size_t)i);
                    r->pos += 20 + 8 * (size_t)plen;
                    push_field(ctx, m->fd->name);
                    v = HOOK(resolve_object)(ck, s[1], be32_at(s + 2), be32_at(s + 6), &path,
                                             be64_at(s + 12 + 8 * (size_t)plen),
                                             ctx->allow_fixups ? (void **)(p + m->off) : NULL, ctx);
                    ctx->depth--;
                    memcpy(p + m->off, &v, sizeof v);
                    pl = dec_flat_of(ck, type_id, t);
                    continue;
                }
            }
        } else if (m->same && r->len - r->pos >= m->size) {
            const unsigned char *s = r->data + r->pos;
            uint64_t v = 0;
            unsigned i;
            for (i = 0; i < m->size; i++)
                v = v << 8 | s[i];
            tl_store_uint(p + m->off, m->size, v);
            r->pos += m->size;
            continue;
        }
        push_field(ctx, m->fd->name);
        tl_decode_value(r, ck, m->type, m->fd->type, p + m->off, ctx);
        ctx->depth--;
        pl = dec_flat_of(ck, type_id, t);
    }
}

void tl_decode_value(tl_reader *r, const tl_checkpoint *ck, uint32_t type_id, const talent_type *t, void *addr,
                     tl_value_ctx *ctx)
{
    const tl_ck_type *ct = &ck->types[type_id];
    unsigned char *p = addr;
    uint64_t i;
    unsigned f;
    if (r->failed)
        return;
    switch (ct->kind) {
    case TALENT_K_SINT:
    case TALENT_K_UINT:
    case TALENT_K_BOOL:
        dec_int_into(r, ck, ct, t, p, ctx);
        break;
    case TALENT_K_FLOAT: {
        double d;
        if (t->kind != TALENT_K_FLOAT || (t->size != 4 && t->size != 8))
            mismatch(ct, t, ctx, NULL);
        if (ct->bits == 32) {
            uint32_t bits = tl_rd_u32(r);
            float fl;
            memcpy(&fl, &bits, 4);
            if (t->size == 4) {
                memcpy(p, &fl, 4);
                break;
            }
            d = fl;
        } else {
            uint64_t bits = tl_rd_u64(r);
            memcpy(&d, &bits, 8);
            if (t->size == 4) {
                float fl = (float)d;
                memcpy(p, &fl, 4);
                break;
            }
        }
        memcpy(p, &d, 8);
        break;
    }
    case TALENT_K_LDOUBLE: {
        char *s, *end;
        long double v;
        if (t->kind != TALENT_K_LDOUBLE)
            mismatch(ct, t, ctx, NULL);
        s = tl_rd_str(r);
        v = strtold(s, &end);
        if (*s == '\0' || *end != '\0') {
            char what[256];
            tl_ctx_describe(ctx, what, sizeof what);
            tl_die(TL_EXIT_DATAERR, "cannot restore '%s' (%s, declared at %s, %s): '%s' is not a long double value",
                   what, t->name, ctx->decl_pos, ctx->where, s);
        }
        free(s);
        memset(p, 0, t->size);
        memcpy(p, &v, sizeof v);
        break;
    }
    case TALENT_K_PTR: {
        void *v;
        if (t->kind != TALENT_K_PTR)
            mismatch(ct, t, ctx, NULL);
        v = dec_ptr(r, ck, ctx->allow_fixups ? (void **)p : NULL, ctx);
        memcpy(p, &v, sizeof v);
        break;
    }
    case TALENT_K_FUNCPTR: {
        void (*fn)(void) = NULL;
        uint8_t tag;
        if (t->kind != TALENT_K_FUNCPTR)
            mismatch(ct, t, ctx, NULL);
        tag = tl_rd_u8(r);
        if (tag == TL_PTR_FUNCTION) {
            uint32_t len;
            const unsigned char *name = tl_rd_str_ref(r, &len);
            const talent_function *found = name ? function_named(name, len) : NULL;
            if (found)
                fn = found->addr;
            else if (!r->failed) {
                char what[256];
                tl_ctx_describe(ctx, what, sizeof what);
                tl_die(TL_EXIT_DATAERR, "cannot restore '%s' (declared at %s, %s): function '%.*s' is not in this "
                       "program", what, ctx->decl_pos, ctx->where, (int)len, (const char *)name);
            }
        } else if (tag == TL_PTR_SIG_IGN)
            fn = (void (*)(void))SIG_IGN;
        else if (tag == TL_PTR_SIG_ERR)
            fn = (void (*)(void))SIG_ERR;
        else if (tag == TL_PTR_INDETERMINATE)
            fn = tl_indeterminate_function;
        memcpy(p, &fn, sizeof fn);
        break;
    }
    case TALENT_K_ARRAY:
        if (t->kind != TALENT_K_ARRAY)
            mismatch(ct, t, ctx, NULL);
        if (t->count != ct->count)
            mismatch(ct, t, ctx, "the number of elements differs");
        if (tl_bulk_decode(r, ck, ct->elem, t->elem, p, ct->count, &i))
            break;
        /* value by value from the first element bulk decoding did not do (a type it does not cover, or a
         * value that does not fit here, which the loop reports) */
        for (; i < ct->count && !r->failed; i++) {
            push_index(ctx, i);
            tl_decode_value(r, ck, ct->elem, t->elem, p + i * t->elem->size, ctx);
            ctx->depth--;
        }
        break;
    case TALENT_K_STRUCT: {
        if (dec_flat_of(ck, type_id, t)->ok) {
            dec_flat_struct(r, ck, type_id, t, p, ctx);
            break;
        }
    }
        if (t->kind != TALENT_K_STRUCT)
            mismatch(ct, t, ctx, NULL);
        if (t->nfields != ct->nfields)
            mismatch(ct, t, ctx, "the number of members differs");
        for (f = 0; f < ct->nfields && !r->failed; f++) {
            const talent_field *fd = &t->fields[f];
            push_field(ctx, fd->name);
            if (fd->bit_width) {
                const tl_ck_type *fct = &ck->types[ct->fields[f].type];
                int neg;
                uint64_t u;
                if (!is_int_kind(fd->type->kind) || !is_int_kind(fct->kind))
                    mismatch(fct, fd->type, ctx, NULL);
                u = read_int(r, fct, &neg);
                check_fits(ck, fct, neg, u, fd->type->kind, fd->bit_width, fd->type->name, ctx);
                tl_accessor_ctx = ctx;
                fd->set_bits(p, u);
                tl_accessor_ctx = NULL;
            } else {
                tl_decode_value(r, ck, ct->fields[f].type, fd->type, p + fd->offset, ctx);
            }
            ctx->depth--;
        }
        break;
    case TALENT_K_UNION:
        if (t->kind != TALENT_K_UNION)
            mismatch(ct, t, ctx, NULL);
        if (t->nfields != ct->nfields)
            mismatch(ct, t, ctx, "the number of members differs");
        memset(p, 0, t->size);
        if (ct->nfields > 0) {
            /* major 3: the member that carries it (checked against the file's type when the file was validated,
             * again here: this is hostile input) */
            uint32_t word = ck->union_members ? tl_rd_u32(r) : 0;
            uint32_t m = word & (((uint32_t)1 << TL_UNION_MEMBER_BITS) - 1);
            const talent_field *fd;
            if (r->failed)
                break;
            if (m >= ct->nfields) {
                tl_reader_fail(r, "union member %lu of '%.60s', which has %lu members", (unsigned long)m, ct->name,
                               (unsigned long)ct->nfields);
                break;
            }
            fd = &t->fields[m];
            if (word >> TL_UNION_MEMBER_BITS && ck->big_endian != tl_host_big_endian())
                union_order_refused(ck, t, fd, ctx);
            push_field(ctx, fd->name);
            if (fd->bit_width || ct->fields[m].bit_width) {
                const tl_ck_type *fct = &ck->types[ct->fields[m].type];
                int neg;
                uint64_t u;
                if (!fd->bit_width || !ct->fields[m].bit_width || !is_int_kind(fd->type->kind) || !is_int_kind(fct->kind))
                    mismatch(fct, fd->type, ctx, "a bit-field on one side only");
                u = read_int(r, fct, &neg);
                check_fits(ck, fct, neg, u, fd->type->kind, fd->bit_width, fd->type->name, ctx);
                fd->set_bits(p, u);
            } else {
                tl_decode_value(r, ck, ct->fields[m].type, fd->type, p + fd->offset, ctx);
            }
            ctx->depth--;
        }
        break;
    default:
        r->failed = 1;
    }
    if (r->failed) {
        char what[256];
        tl_ctx_describe(ctx, what, sizeof what);
        tl_die(TL_EXIT_DATAERR, "cannot restore '%s' (declared at %s, %s): malformed value %s", what, ctx->decl_pos,
               ctx->where, r->err);
    }
}

/* ---------------------------------------------------------------- a pointer on its own */

static const talent_type void_ptr_type = {TALENT_K_PTR, "void *", sizeof(void *), NULL, 0, NULL, 0, "void"};

void tl_encode_pointer(tl_buf *b, const void *p, tl_value_ctx *ctx, tl_strtab *strs)
{
    enc_ptr(b, p, &void_ptr_type, ctx, strs);
}

int tl_skip_pointer(tl_reader *r, const tl_checkpoint *ck)
{
    skip_ptr(r, ck, r->pos);
    return r->failed ? -1 : 0;
}

void *tl_decode_pointer(tl_reader *r, const tl_checkpoint *ck, void **slot, tl_value_ctx *ctx)
{
    return dec_ptr(r, ck, slot, ctx);
}
