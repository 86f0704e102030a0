/* heap_layout.c: a typed pointer into a heap block agrees with the block's element type when the type has, at that
 * offset, a member of the pointer's type (heap_layout.h). Descriptors come from the program (compiled into it),
 * never from a checkpoint; recursion is bounded all the same. */
#include "heap_layout.h"

#include <string.h>

#define MAX_DEPTH 64     /* as deep as an element path (TL_MAX_PATH) */

static int is_int(const talent_type *t)
{
    return t->kind == TALENT_K_SINT || t->kind == TALENT_K_UINT;
}

static int compatible(const talent_type *a, const talent_type *b, int depth);

/* Whether the first n members of a and b agree: offsets, bit-fields (by name too) and layouts. */
static int fields_agree(const talent_type *a, const talent_type *b, size_t n, int depth)
{
    size_t i;
    for (i = 0; i < n; i++) {
        const talent_field *x = &a->fields[i], *y = &b->fields[i];
        if (x->offset != y->offset || x->bit_width != y->bit_width ||
            (x->bit_width && strcmp(x->name, y->name) != 0) || !compatible(x->type, y->type, depth + 1))
            return 0;
    }
    return 1;
}

static int compatible(const talent_type *a, const talent_type *b, int depth)
{
    if (a == b)
        return 1;
    if (!a || !b || depth > MAX_DEPTH || a->size != b->size)
        return 0;
    if (is_int(a) && is_int(b))
        return 1;
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case TALENT_K_BOOL:
    case TALENT_K_FLOAT:
    case TALENT_K_LDOUBLE:
    case TALENT_K_PTR:
    case TALENT_K_FUNCPTR:
        return 1;
    case TALENT_K_ARRAY:
        return a->count == b->count && compatible(a->elem, b->elem, depth + 1);
    case TALENT_K_STRUCT:
    case TALENT_K_UNION:
        if (a->nfields != b->nfields)
            return 0;
        return a->fields == b->fields || fields_agree(a, b, a->nfields, depth);
    default:
        return 0;
    }
}

int tl_layout_compatible(const talent_type *a, const talent_type *b)
{
    return compatible(a, b, 0);
}

/* Whether struct t is a common initial sequence of struct s: its members are s's first ones (offsets, bit-fields,
 * types), as Lua's CommonHeader, spelled out in every object type, makes GCObject of Table, TString and the others.
 * A pointer of type t * to the start of an s is then a view of s's first members: it is written as a pointer to
 * the s, whose members are all converted as s's. */
static int initial_sequence(const talent_type *s, const talent_type *t)
{
    return s->kind == TALENT_K_STRUCT && t->kind == TALENT_K_STRUCT && t->nfields > 0 && t->nfields <= s->nfields &&
           t->size <= s->size && fields_agree(s, t, t->nfields, 0);
}

static int holds(const talent_type *s, size_t off, const talent_type *t, int depth)
{
    size_t i;
    if (depth > MAX_DEPTH || !s || off >= s->size)
        return 0;
    if (off == 0 && (compatible(s, t, 0) || initial_sequence(s, t)))
        return 1;
    switch (s->kind) {
    case TALENT_K_ARRAY: {
        size_t esz = s->elem->size;
        if (esz == 0 || off / esz >= s->count)
            return 0;
        return holds(s->elem, off % esz, t, depth + 1);
    }
    case TALENT_K_STRUCT:
        for (i = 0; i < s->nfields; i++) {
            const talent_field *f = &s->fields[i];
            if (f->bit_width == 0 && f->offset <= off && off - f->offset < f->type->size &&
                holds(f->type, off - f->offset, t, depth + 1))
                return 1;
        }
        return 0;
    case TALENT_K_UNION:
        /* unions migrate through their first member: only a pointer into it can be re-based */
        return s->nfields > 0 && s->fields[0].bit_width == 0 &&
               holds(s->fields[0].type, off - s->fields[0].offset, t, depth + 1);
    default:
        return 0;
    }
}

int tl_layout_holds(const talent_type *s, size_t off, const talent_type *t)
{
    return holds(s, off, t, 0);
}

int tl_layout_block_holds(const talent_type *elem, size_t size, size_t off, const talent_type *t)
{
    size_t esz = elem->size, count;
    if (esz == 0 || off > size)
        return 0;
    count = size / esz;
    if (off % esz == 0 && off / esz <= count && compatible(elem, t, 0))
        return 1;   /* an element, or one past the last */
    return off / esz < count && holds(elem, off % esz, t, 0);
}
