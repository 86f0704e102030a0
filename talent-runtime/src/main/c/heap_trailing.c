/* heap_trailing.c: descriptors of a struct with its trailing array cut to what a heap block holds
 * (heap_trailing.h). Made from the program's own descriptors, never from a checkpoint's; interned by (t, m) so that
 * the type table of a checkpoint (pointer identity, types.c) lists each shape once and a restore keeps them. */
#include "heap_trailing.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const talent_field *last_field(const talent_type *t)
{
    return t->nfields ? &t->fields[t->nfields - 1] : NULL;
}

int tl_trailing_shape(const talent_type *t)
{
    const talent_field *f;
    if (!t || t->kind != TALENT_K_STRUCT || !t->fields || !(f = last_field(t)))
        return 0;
    return !f->bit_width && f->type && f->type->kind == TALENT_K_ARRAY && f->type->elem && f->type->elem->size > 0 &&
           f->offset <= t->size;
}

int tl_trailing_flexible(const talent_type *t)
{
    const talent_type *a;
    size_t len;
    if (!tl_trailing_shape(t))
        return 0;
    a = last_field(t)->type;
    len = a->name ? strlen(a->name) : 0;
    return a->size == 0 && a->count == 0 && len >= 2 && strcmp(a->name + len - 2, "[]") == 0;
}

int tl_trailing_applies(const talent_type *t, size_t size, int flagged)
{
    if (!tl_trailing_shape(t) || size < last_field(t)->offset)
        return 0;
    if (flagged || tl_trailing_flexible(t) || size < t->size || (t->size && size % t->size != 0))
        return 1;
    /* exactly one t with padding after its last array: the struct hack's bytes may run over that padding (Lua's
     * short strings of offsetof(TString, contents) + len + 1 == sizeof(TString) bytes), which one t would lose */
    return size == t->size && last_field(t)->offset + last_field(t)->type->size < t->size;
}

uint64_t tl_trailing_count(const talent_type *t, size_t size)
{
    const talent_field *f = last_field(t);
    return (uint64_t)((size - f->offset) / f->type->elem->size);
}

typedef struct shape {
    const talent_type *base;
    uint64_t m;
    talent_type *t;
} shape;

static shape *table;
static size_t cap, used;

static size_t slot_of(const talent_type *base, uint64_t m)
{
    uint64_t h = ((uint64_t)(uintptr_t)base >> 4) * 0x9E3779B97F4A7C15ull ^ m * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static void grow(void)
{
    shape *old = table;
    size_t oldcap = cap, i;
    cap = cap ? 2 * cap : 64;
    table = tl_xcalloc(cap, sizeof *table);
    for (i = 0; i < oldcap; i++)
        if (old[i].t) {
            size_t j = slot_of(old[i].base, old[i].m);
            while (table[j].t)
                j = (j + 1) & (cap - 1);
            table[j] = old[i];
        }
    free(old);
}

static talent_type *make(const talent_type *base, uint64_t m)
{
    const talent_field *f = last_field(base);
    const talent_type *elem = f->type->elem;
    struct made {
        talent_type type, array;
        char array_name[96];
    } *n;
    talent_field *fields;
    if (m > ((size_t)-1 - f->offset) / elem->size)
        return NULL;
    n = tl_xcalloc(1, sizeof *n);
    fields = tl_xmalloc(base->nfields * sizeof *fields);
    memcpy(fields, base->fields, base->nfields * sizeof *fields);
    n->array.kind = TALENT_K_ARRAY;
    snprintf(n->array_name, sizeof n->array_name, "%.64s[%llu]", elem->name ? elem->name : "?", (unsigned long long)m);
    n->array.name = n->array_name;
    n->array.elem = elem;
    n->array.count = (size_t)m;
    n->array.size = (size_t)m * elem->size;
    fields[base->nfields - 1].type = &n->array;
    n->type = *base;
    n->type.fields = fields;
    n->type.size = f->offset + n->array.size;
    return &n->type;
}

const talent_type *tl_trailing_type(const talent_type *base, uint64_t m)
{
    size_t j;
    if (2 * (used + 1) > cap)
        grow();
    j = slot_of(base, m);
    while (table[j].t) {
        if (table[j].base == base && table[j].m == m)
            return table[j].t;
        j = (j + 1) & (cap - 1);
    }
    table[j].t = make(base, m);
    if (!table[j].t)
        return NULL;
    table[j].base = base;
    table[j].m = m;
    used++;
    return table[j].t;
}
