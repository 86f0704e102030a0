/* objects.c: the objects pointers may point to (globals, saved frame variables, main's argv array and
 * strings; heap blocks are looked up by heap.c), the translation between an address and
 * (object, element path, byte offset) in either direction, and recognition of read-only string data. */
#include "xalloc.h"
#include "types.h"
#include "objects.h"
#include "sort.h"

#include <stdlib.h>
#include <string.h>

/* what the last member of every TALENT_GAP points to (talent.h) */
const char talent_gap_anchor = 0;

/* ---------------------------------------------------------------- registry */

static tl_object *objects;
static size_t nobjects, capobjects;
static int sealed;

void tl_objects_clear(void)
{
    nobjects = 0;
    sealed = 0;
}

tl_object *tl_objects_add(uintptr_t base, const talent_type *type, int kind, uint32_t a, uint32_t b)
{
    tl_object *o;
    if (nobjects == capobjects) {
        capobjects = capobjects ? 2 * capobjects : 64;
        objects = tl_xrealloc(objects, capobjects * sizeof *objects);
    }
    o = &objects[nobjects++];
    o->base = base;
    o->size = type->size;
    o->type = type;
    o->kind = kind;
    o->a = a;
    o->b = b;
    o->untyped = 0;
    o->open_end = 0;
    o->literal = 0;
    sealed = 0;
    return o;
}

static int by_base(const void *x, const void *y)
{
    const tl_object *a = x, *b = y;
    if (a->base != b->base)
        return a->base < b->base ? -1 : 1;
    /* the larger object first, so that a zero-sized one never hides a real one */
    return a->size > b->size ? -1 : a->size < b->size;
}

void tl_objects_seal(void)
{
    tl_sort(objects, nobjects, sizeof *objects, by_base);
    sealed = 1;
}

/* The last object (in base order) whose base is below addr, or at addr too when at_addr; NULL when none. */
static const tl_object *last_based_before(uintptr_t addr, int at_addr)
{
    size_t lo = 0, hi = nobjects, mid;
    if (!sealed)
        tl_objects_seal();
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (objects[mid].base < addr || (at_addr && objects[mid].base == addr))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? NULL : &objects[lo - 1];
}

const tl_object *tl_objects_find(uintptr_t addr)
{
    /* an object starting at addr wins over one ending at addr */
    const tl_object *o = last_based_before(addr, 1);
    if (!o)
        return NULL;
    if (addr - o->base < o->size)
        return o;
    if (addr - o->base == o->size && o->size > 0)
        return o;       /* one past the end */
    return NULL;
}

const tl_object *tl_objects_starting_within(uintptr_t addr, size_t n)
{
    const tl_object *o = last_based_before(addr, 1);
    size_t i = o ? (size_t)(o - objects) + 1 : 0;
    return i < nobjects && objects[i].base - addr <= n ? &objects[i] : NULL;
}

const tl_object *tl_objects_ending_at(uintptr_t addr)
{
    const tl_object *o = last_based_before(addr, 0);
    return o && o->size > 0 && o->base + o->size == addr ? o : NULL;
}

/* ---------------------------------------------------------------- one past the end, or the start of the next */

/* The same type for a pointer's reading: scalars of the same kind and size (typedef names differ: uint8_t and
 * unsigned char), aggregates of the same spelling. */
static int same_type(const talent_type *a, const talent_type *b)
{
    if (a == b)
        return 1;
    if (!a || !b || a->kind != b->kind || a->size != b->size)
        return 0;
    if (!tl_is_aggregate(a))
        return 1;
    return a->name && b->name && strcmp(a->name, b->name) == 0;
}

/* 1 when a pointer to pointee at the start of an object of type t may point to it: t, its first element or its first
 * member, recursively. */
static int starts_with(const talent_type *t, const talent_type *pointee)
{
    while (t) {
        if (same_type(t, pointee))
            return 1;
        if (t->kind == TALENT_K_ARRAY)
            t = t->elem;
        else if ((t->kind == TALENT_K_STRUCT || t->kind == TALENT_K_UNION) && t->nfields > 0 &&
                 t->fields[0].bit_width == 0 && t->fields[0].offset == 0)
            t = t->fields[0].type;
        else
            return 0;
    }
    return 0;
}

/* 1 when a pointer to pointee just past an object of type t may be one past its end: one past t itself, past its
 * last element, or past its last member where that member is an array or struct that ends the struct, recursively
 * (what tl_offset_to_path can name). */
static int ends_with(const talent_type *t, const talent_type *pointee)
{
    while (t) {
        const talent_field *last;
        if (same_type(t, pointee))
            return 1;
        if (t->kind == TALENT_K_ARRAY) {
            t = t->elem;
            continue;
        }
        if (t->kind != TALENT_K_STRUCT || t->nfields == 0)
            return 0;
        last = &t->fields[t->nfields - 1];
        if (last->bit_width || !tl_is_aggregate(last->type) || last->offset + last->type->size != t->size)
            return 0;
        t = last->type;
    }
    return 0;
}

int tl_ends_with(const talent_type *t, const talent_type *pointee)
{
    return pointee && pointee->kind != 0 && ends_with(t, pointee);
}

int tl_below_path(const talent_type *t, const talent_type *pointee, size_t dist, tl_path *path, uint64_t *count)
{
    path->len = 0;
    if (!pointee || pointee->kind == 0 || dist == 0)
        return 0;       /* void *: which element it counts in is not said */
    while (t && t->kind == TALENT_K_ARRAY && path->len < TL_MAX_PATH) {
        const talent_type *e = t->elem;
        path->idx[path->len++] = 0;
        if (e && e->size > 0 &&
            (same_type(e, pointee) || (tl_is_byte_type(e) && tl_is_byte_type(pointee)))) {
            if (dist % e->size)
                return 0;
            *count = dist / e->size;
            return 1;
        }
        t = e;
    }
    return 0;
}

int tl_boundary_reading(const talent_type *before, const talent_type *after, const talent_type *pointee, int members)
{
    int s, e;
    if (members == TL_BOUNDARY_UNSEPARATED) {
        /* two objects with static storage side by side although the compiler writes a gap after each (a declaration a
         * macro writes, docs/CODEGEN.md "Gaps between globals"), or a frame variable the compiler could not give a gap
         * (a compound literal, a declaration with attributes; "Gaps between frame variables") and another right after it:
         * nothing here says they are together elsewhere (gcc aligns larger arrays more on some ISAs and lays out a
         * frame as it likes), so only the pointee decides, else both readings */
        if (!pointee || pointee->kind == 0)
            return 0;
        s = starts_with(after, pointee);
        e = ends_with(before, pointee);
        return s && !e ? 1 : e && !s ? -1 : 0;
    }
    if (!pointee || pointee->kind == 0)
        /* void * (or a pointee not described): the start of what follows, as always (members of one struct, argument
         * strings: a void * one past the end of argv[i]'s string is restored as argv[i+1]'s start, docs/COVERAGE.md) */
        return 1;
    if (!members && before && before->kind != TALENT_K_ARRAY && before->kind != TALENT_K_STRUCT &&
        before->kind != TALENT_K_UNION)
        /* one past a scalar object against the start of the next one, between members 0 (argument strings are never
         * scalars): the start */
        return 1;
    s = starts_with(after, pointee);
    e = ends_with(before, pointee);
    if (e && !s && members == 1 && tl_is_byte_type(pointee))
        /* a byte pointer one past a byte array member and at the start of a member of another type: `end = r->data +
         * 4` (a ring's end) and `(char *)&r->total` (a member walked as bytes) are one address and one type; where
         * another ISA puts padding between them either reading alone is a wrong result there: both readings */
        return 0;
    if (e && !s)
        return -1;
    if (s && !e)
        return 1;
    if (!members)
        /* two argument strings side by side, the pointee fitting both or neither: every `char *arg = argv[2]` (right
         * after argv[1]'s string) is the start; carrying both readings refused such restores where the reader's
         * strings lie elsewhere. A pointer one past the end of argv[i]'s string comes back as argv[i+1]'s start
         * (docs/COVERAGE.md: not handled) */
        return 1;
    /* an array (or a member) of T after an array of T follows it on every ISA (the same alignment): the two readings
     * are one address everywhere (zlib's dyn_ltree, dyn_dtree, bl_tree) */
    if (same_type(tl_innermost_elem(before), tl_innermost_elem(after)))
        return 1;
    if (!s && !e && !tl_is_byte_type(pointee))
        return 1;       /* a pointer of a third type: the start of after, as always */
    return 0;           /* the pointee fits both, or bytes of either */
}

/* ---------------------------------------------------------------- address <-> path */

static const char *push(tl_path *p, uint64_t idx)
{
    if (p->len >= TL_MAX_PATH)
        return "the element path is deeper than 64 levels";
    p->idx[p->len++] = idx;
    return NULL;
}

/* The walk of tl_offset_to_paths, appending to path. With alt, a boundary between two members that the pointee does
 * not tell apart gives the end reading in alt (once: a second such boundary is a reason) and the walk goes on with
 * the start reading. */
static const char *walk_to_path(const talent_type *t, size_t off, const talent_type *pointee, tl_path *path,
                                uint64_t *byte_offset, tl_path *alt, uint64_t *alt_byte_offset, int *has_alt)
{
    const char *why;
    unsigned f;
    for (;;) {
        if (off == 0 && tl_is_aggregate(t))
            return NULL;    /* the start of an aggregate */
        switch (t->kind) {
        case TALENT_K_ARRAY: {
            size_t esz = t->elem->size, idx;
            if (esz == 0)
                return "it points into an array of zero-sized elements";
            idx = off / esz;
            if (idx >= t->count) {
                if (idx != t->count || off % esz != 0)
                    return "it points past the end of an array";
                /* one past the end: of the array, or of its last element's last member (`recs[2].buf + 4`, where
                 * another ISA may put padding after buf) when the pointee fits that member and not the element */
                if (!(pointee && pointee->kind != 0 && tl_is_aggregate(t->elem) && !same_type(t->elem, pointee) &&
                      ends_with(t->elem, pointee)))
                    return push(path, idx);
                idx--;
            } else if (idx > 0 && off % esz == 0 && tl_boundary_reading(t->elem, t->elem, pointee, 0) < 0) {
                idx--;      /* one past the end of the element before (`end = recs[i].buf + 4`, a struct ending in it) */
            }
            if ((why = push(path, idx)) != NULL)
                return why;
            off -= idx * esz;
            t = t->elem;
            break;
        }
        case TALENT_K_STRUCT: {
            const talent_field *found = NULL, *ended = NULL;
            unsigned ef = 0;
            if (off == t->size && same_type(t, pointee)) {
                /* a pointer to this struct one past its end (`&s + 1`), not into its last member */
                *byte_offset = off;
                return NULL;
            }
            for (f = 0; f < t->nfields; f++) {
                const talent_field *fd = &t->fields[f];
                if (fd->bit_width == 0 && fd->offset <= off && off - fd->offset < fd->type->size) {
                    found = fd;
                    break;
                }
            }
            /* an array or struct member ending at off: off may be one past its end (`end = s->data + N`), which on
             * another ISA is not where the next member starts, nor is the padding after it */
            for (ef = 0; ef < t->nfields; ef++) {
                const talent_field *fd = &t->fields[ef];
                if (fd->bit_width == 0 && tl_is_aggregate(fd->type) && fd->type->size > 0 &&
                    fd->offset + fd->type->size == off) {
                    ended = fd;
                    break;
                }
            }
            if (!ended && pointee && pointee->kind != 0 && !(found && found->offset < off)) {
                /* one past a scalar member of the pointer's type (`&h[1].p + 1`): where the next member starts right
                 * there (i686 puts a long double right after an int *) it is not that member's start unless the
                 * pointer's type is that member's too; where padding follows (x86_64) it is not in the padding */
                for (ef = 0; ef < t->nfields; ef++) {
                    const talent_field *fd = &t->fields[ef];
                    if (fd->bit_width == 0 && !tl_is_aggregate(fd->type) && fd->type->size > 0 &&
                        fd->offset + fd->type->size == off && same_type(fd->type, pointee) &&
                        !(found && same_type(found->type, pointee))) {
                        ended = fd;
                        break;
                    }
                }
            }
            if (ended && found) {
                int r = tl_boundary_reading(ended->type, found->type, pointee, 1);
                if (r == 0) {
                    if (!alt || *has_alt)
                        return "it points one past the end of a member that another member follows, and its type does "
                               "not tell which of the two it means (another ISA may put padding between them)";
                    /* both readings (`(char *)&pk + offsetof(struct pkt, vals)`, vals right after a struct member):
                     * the end one in alt; the reader checks that its layout makes them one address */
                    *alt = *path;
                    *alt_byte_offset = 0;
                    if ((why = push(alt, ef)) != NULL ||
                        (why = walk_to_path(ended->type, off - ended->offset, pointee, alt, alt_byte_offset, NULL,
                                            NULL, NULL)) != NULL)
                        return why;
                    *has_alt = 1;
                }
                if (r >= 0)
                    ended = NULL;
            }
            if (ended) {
                /* one past the end of that member: the walk goes on inside it, at its end */
                if ((why = push(path, ef)) != NULL)
                    return why;
                off -= ended->offset;
                t = ended->type;
                break;
            }
            if (!found) {
                if (off == t->size) {
                    /* one past the end of a struct object (`&s + 1`): byte_offset is its size (FORMAT.md) */
                    *byte_offset = off;
                    return NULL;
                }
                return "it points into the padding of a struct";
            }
            if ((why = push(path, f)) != NULL)
                return why;
            off -= found->offset;
            t = found->type;
            break;
        }
        case TALENT_K_UNION:
            if (off == t->size && same_type(t, pointee)) {
                /* a pointer to this union one past its end (`&u + 1`) */
                *byte_offset = off;
                return NULL;
            }
            if (t->nfields == 0 || off >= t->fields[0].type->size)
                return "it points into a union beyond its first member (unions migrate through their first member)";
            if ((why = push(path, 0)) != NULL)
                return why;
            off -= t->fields[0].offset;
            t = t->fields[0].type;
            break;
        default:
            if (off > t->size)
                return "it points outside a scalar";
            *byte_offset = off;
            return NULL;
        }
    }
}

static const char *path_to_offset(const talent_type *t, const tl_path *path, uint64_t byte_offset, int one_past,
                                  size_t *off);

const char *tl_offset_to_path(const talent_type *t, size_t off, const talent_type *pointee, tl_path *path,
                              uint64_t *byte_offset)
{
    path->len = 0;
    *byte_offset = 0;
    return walk_to_path(t, off, pointee, path, byte_offset, NULL, NULL, NULL);
}

const char *tl_offset_to_paths(const talent_type *t, size_t off, const talent_type *pointee, tl_path *path,
                               uint64_t *byte_offset, tl_path *alt, uint64_t *alt_byte_offset, int *has_alt)
{
    path->len = 0;
    *byte_offset = 0;
    *has_alt = 0;
    return walk_to_path(t, off, pointee, path, byte_offset, alt, alt_byte_offset, has_alt);
}

const char *tl_path_to_offset(const talent_type *t, const tl_path *path, uint64_t byte_offset, size_t *off)
{
    return path_to_offset(t, path, byte_offset, 0, off);
}

const char *tl_path_to_end_offset(const talent_type *t, const tl_path *path, uint64_t byte_offset, size_t *off)
{
    return path_to_offset(t, path, byte_offset, 1, off);
}

static const char *path_to_offset(const talent_type *t, const tl_path *path, uint64_t byte_offset, int one_past,
                                  size_t *off)
{
    size_t o = 0;
    uint16_t i;
    for (i = 0; i < path->len; i++) {
        uint64_t idx = path->idx[i];
        switch (t->kind) {
        case TALENT_K_ARRAY:
            if (idx > t->count || (idx == t->count && i + 1 != path->len))
                return "an array index in the element path is out of range here";
            o += (size_t)idx * t->elem->size;
            t = t->elem;
            break;
        case TALENT_K_STRUCT:
        case TALENT_K_UNION:
            if (idx >= t->nfields)
                return "a field number in the element path does not exist here";
            if (t->fields[idx].bit_width)
                return "the element path names a bit-field";
            o += t->fields[idx].offset;
            t = t->fields[idx].type;
            break;
        default:
            return "the element path goes below a scalar";
        }
    }
    if (tl_is_aggregate(t)) {
        /* validated: 0, or the writer's size of the aggregate (one past its end), never into its middle; one
         * past the end maps to this target's size */
        *off = o + (byte_offset ? t->size : 0);
        return NULL;
    }
    if (one_past && byte_offset) {
        /* one past a scalar: the writer's size, which may not be this target's (a pointer, a long) */
        *off = o + t->size;
        return NULL;
    }
    if (byte_offset > t->size)
        return "the byte offset lies outside the element";
    *off = o + (size_t)byte_offset;
    return NULL;
}

/* ---------------------------------------------------------------- read-only data */

/* In a static executable linked with the default GNU ld script, text and read-only data (.rodata, where
 * string literals live) lie between __executable_start and the start of the RELRO/data segment, whose
 * first array section is .init_array; both glibc and musl start-up code reference __init_array_start,
 * so it is always defined. Checked on x86_64, aarch64, s390x, riscv64, i686 and x86_64-musl. */
extern const char __executable_start[];
extern const char __init_array_start[];

int tl_is_readonly_data(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    return a >= (uintptr_t)__executable_start && a < (uintptr_t)__init_array_start;
}

/* The code at the start of that part (.init, .plt, .text), up to GNU ld's __etext, which every default script of the
 * supported targets provides (checked as above): no data pointer the program stores points there. */
extern const char __etext[];

int tl_is_code(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    return a >= (uintptr_t)__executable_start && a < (uintptr_t)__etext;
}

/* ---------------------------------------------------------------- the program's string literals */

/* Every string literal of the program, from the units' tables (talent.h, talent_literal), without the ones holding a
 * NUL byte (a checkpoint's STRS entry never holds one; the compiler lists them as const globals of their whole array
 * instead, so a pointer past an embedded NUL is an object path): by address, one entry per distinct address (the linker merges
 * identical literals of different units), and by text. No memory outside the literals themselves is read. */
typedef struct lit {
    const char *s;
    size_t len;
    int ambiguous;                  /* the same text is another literal at another address too */
} lit;

static lit *lits_by_addr, *lits_by_text;
static size_t nlits_addr, nlits_text;
static int lits_built;

static int lit_addr_cmp(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)((const lit *)x)->s, b = (uintptr_t)((const lit *)y)->s;
    return a < b ? -1 : a > b;
}

static int text_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static int lit_text_cmp(const void *x, const void *y)
{
    const lit *a = x, *b = y;
    return text_cmp(a->s, a->len, b->s, b->len);
}

static void lits_build(void)
{
    const talent_program *pg = &talent_the_program;
    size_t n = 0, i, j;
    unsigned u, k;
    lits_built = 1;
    for (u = 0; u < pg->nunits; u++)
        n += pg->units[u]->literals ? pg->units[u]->nliterals : 0;
    if (n == 0)
        return;
    lits_by_addr = tl_xcalloc(n, sizeof *lits_by_addr);
    for (u = 0; u < pg->nunits; u++) {
        const talent_unit *un = pg->units[u];
        for (k = 0; un->literals && k < un->nliterals; k++) {
            const talent_literal *l = &un->literals[k];
            if (!l->s || memchr(l->s, '\0', l->len))
                continue;
            lits_by_addr[nlits_addr].s = l->s;
            lits_by_addr[nlits_addr].len = l->len;
            nlits_addr++;
        }
    }
    tl_sort(lits_by_addr, nlits_addr, sizeof *lits_by_addr, lit_addr_cmp);
    for (i = j = 0; i < nlits_addr; i++)
        if (j == 0 || lits_by_addr[j - 1].s != lits_by_addr[i].s)
            lits_by_addr[j++] = lits_by_addr[i];
    nlits_addr = j;
    lits_by_text = tl_xcalloc(nlits_addr ? nlits_addr : 1, sizeof *lits_by_text);
    memcpy(lits_by_text, lits_by_addr, nlits_addr * sizeof *lits_by_text);
    tl_sort(lits_by_text, nlits_addr, sizeof *lits_by_text, lit_text_cmp);
    /* equal texts at distinct addresses (units built without merging constants): one entry, marked */
    for (i = j = 0; i < nlits_addr; i++) {
        if (j > 0 && lit_text_cmp(&lits_by_text[j - 1], &lits_by_text[i]) == 0) {
            lits_by_text[j - 1].ambiguous = 1;
            continue;
        }
        lits_by_text[j++] = lits_by_text[i];
    }
    nlits_text = j;
    for (i = 0; i < nlits_addr; i++) {
        const char *t = tl_literal_by_text(lits_by_addr[i].s, lits_by_addr[i].len);
        lits_by_addr[i].ambiguous = t == NULL;
    }
}

static const lit *find_text(const char *s, size_t len)
{
    size_t lo = 0, hi;
    if (!lits_built)
        lits_build();
    hi = nlits_text;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = text_cmp(s, len, lits_by_text[mid].s, lits_by_text[mid].len);
        if (c == 0)
            return &lits_by_text[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *tl_literal_by_text(const char *s, size_t len)
{
    const lit *l = find_text(s, len);
    return l && !l->ambiguous ? l->s : NULL;
}

const char *tl_literal_at(const void *p, size_t *len, int *ambiguous)
{
    uintptr_t a = (uintptr_t)p;
    size_t lo = 0, hi;
    const lit *l;
    if (!lits_built)
        lits_build();
    hi = nlits_addr;
    /* the last literal starting at or before p; a literal starting inside another one is a tail of it (the
     * linker's suffix merging: both end at one NUL), so the nearest start is the one holding p if any does */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)lits_by_addr[mid].s <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    l = &lits_by_addr[lo - 1];
    if (a - (uintptr_t)l->s > l->len)
        return NULL;
    *len = l->len;
    *ambiguous = l->ambiguous;
    return l->s;
}

/* ---------------------------------------------------------------- restored string constants */

/* A string constant restored from a checkpoint lives in a heap copy (the STRS entry); a pointer into it
 * is written as a string constant again at the next checkpoint. */
static const char **string_bases;
static size_t *string_lens;
static size_t nstrings;

void tl_strings_add(const char *base, size_t len)
{
    string_bases = tl_xrealloc(string_bases, (nstrings + 1) * sizeof *string_bases);
    string_lens = tl_xrealloc(string_lens, (nstrings + 1) * sizeof *string_lens);
    string_bases[nstrings] = base;
    string_lens[nstrings] = len;
    nstrings++;
}

void tl_strings_clear(void)
{
    free(string_bases);
    free(string_lens);
    string_bases = NULL;
    string_lens = NULL;
    nstrings = 0;
}

const char *tl_strings_find(const void *p, size_t *len)
{
    size_t i;
    uintptr_t a = (uintptr_t)p;
    for (i = 0; i < nstrings; i++)
        if (a >= (uintptr_t)string_bases[i] && a - (uintptr_t)string_bases[i] <= string_lens[i]) {
            *len = string_lens[i];
            return string_bases[i];
        }
    return NULL;
}

/* ---------------------------------------------------------------- argv */

int tl_argc;
char **tl_argv;

static const talent_type char_type = TALENT_INT_TYPE(char, "char");
static const talent_type char_ptr_type = TALENT_PTR_TYPE(char *, "char *", "char");
static talent_type argv_array_type;
static talent_type *argv_string_types;
static char **argv_strings;         /* the strings as main received them */

void tl_argv_set(int argc, char **argv)
{
    int i;
    tl_argc = argc;
    tl_argv = argv;
    argv_array_type.kind = TALENT_K_ARRAY;
    argv_array_type.name = "char *[]";
    argv_array_type.size = (size_t)(argc + 1) * sizeof(char *);
    argv_array_type.elem = &char_ptr_type;
    argv_array_type.count = (size_t)argc + 1;
    free(argv_string_types);
    free(argv_strings);
    argv_string_types = tl_xcalloc((size_t)argc + 1, sizeof *argv_string_types);
    argv_strings = tl_xcalloc((size_t)argc + 1, sizeof *argv_strings);
    for (i = 0; i < argc; i++) {
        talent_type *t = &argv_string_types[i];
        size_t n = strlen(argv[i]) + 1;
        argv_strings[i] = argv[i];
        t->kind = TALENT_K_ARRAY;
        t->name = "char[]";
        t->size = n;
        t->elem = &char_type;
        t->count = n;
    }
}

const char *tl_argv_string(int i)
{
    return argv_strings[i];
}

const talent_type *tl_argv_array_type(void)
{
    return &argv_array_type;
}

const talent_type *tl_argv_string_type(int i)
{
    return &argv_string_types[i];
}

int tl_argv_changed(void)
{
    int i;
    if (!tl_argv)
        return 0;
    for (i = 0; i < tl_argc; i++)
        if (tl_argv[i] != argv_strings[i])
            return 1;
    return tl_argv[tl_argc] != NULL;
}

void tl_argv_register(void)
{
    int i;
    if (!tl_argv)
        return;
    tl_objects_add((uintptr_t)tl_argv, &argv_array_type, TL_OBJ_ARGV, 0, 0);
    for (i = 0; i < tl_argc; i++)
        tl_objects_add((uintptr_t)argv_strings[i], &argv_string_types[i], TL_OBJ_ARGSTR, (uint32_t)i, 0);
}
