/* objects.c: the objects pointers may point to (globals, saved frame variables, main's argv array and
 * strings; heap blocks are looked up by heap.c), the translation between an address and
 * (object, element path, byte offset) in either direction, and recognition of read-only string data. */
#include "xalloc.h"
#include "types.h"
#include "objects.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- registry */

static tl_object *objects;
static size_t nobjects, capobjects;
static int sealed;

void tl_objects_clear(void)
{
    nobjects = 0;
    sealed = 0;
}

void tl_objects_add(uintptr_t base, const talent_type *type, int kind, uint32_t a, uint32_t b)
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
    sealed = 0;
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
    qsort(objects, nobjects, sizeof *objects, by_base);
    sealed = 1;
}

const tl_object *tl_objects_find(uintptr_t addr)
{
    size_t lo = 0, hi = nobjects, mid;
    const tl_object *o;
    if (!sealed)
        tl_objects_seal();
    /* last object whose base <= addr (an object starting at addr wins over one ending at addr) */
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (objects[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    o = &objects[lo - 1];
    if (addr - o->base < o->size)
        return o;
    if (addr - o->base == o->size && o->size > 0)
        return o;       /* one past the end */
    return NULL;
}

/* ---------------------------------------------------------------- address <-> path */

static const char *push(tl_path *p, uint64_t idx)
{
    if (p->len >= TL_MAX_PATH)
        return "the element path is deeper than 64 levels";
    p->idx[p->len++] = idx;
    return NULL;
}

const char *tl_offset_to_path(const talent_type *t, size_t off, tl_path *path, uint64_t *byte_offset)
{
    const char *why;
    unsigned f;
    path->len = 0;
    *byte_offset = 0;
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
                if (idx == t->count && off % esz == 0)
                    return push(path, idx);     /* one past the end */
                return "it points past the end of an array";
            }
            if ((why = push(path, idx)) != NULL)
                return why;
            off -= idx * esz;
            t = t->elem;
            break;
        }
        case TALENT_K_STRUCT: {
            const talent_field *found = NULL;
            for (f = 0; f < t->nfields; f++) {
                const talent_field *fd = &t->fields[f];
                if (fd->bit_width == 0 && fd->offset <= off && off - fd->offset < fd->type->size) {
                    found = fd;
                    break;
                }
            }
            if (!found) {
                if (off == t->size)
                    return "it points one past the end of a struct object (not an array element)";
                return "it points into the padding of a struct";
            }
            if ((why = push(path, f)) != NULL)
                return why;
            off -= found->offset;
            t = found->type;
            break;
        }
        case TALENT_K_UNION:
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

const char *tl_path_to_offset(const talent_type *t, const tl_path *path, uint64_t byte_offset, size_t *off)
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
