/* types.c: the TYPE section: collects the distinct type descriptors (pointer identity) reachable from the
 * saved values, in dependency order (element and field types before the aggregate), and writes them. */
#include "diag.h"
#include "xalloc.h"
#include "types.h"

#include <stdlib.h>
#include <string.h>

#define TL_NO_TYPE 0xFFFFFFFFu

uint32_t tl_types_id(const tl_typeset *s, const talent_type *t)
{
    uint32_t i;
    for (i = 0; i < s->n; i++)
        if (s->v[i] == t)
            return i;
    return TL_NO_TYPE;
}

/* The array a pointer's descriptor points to, when the pointer's lengths are collected with it (pointers to
 * VLAs are declared again with them): arrays (of arrays) of anything but structs and unions, so that
 * collecting never cycles through a struct that points to itself. */
static const talent_type *pointee_array(const talent_type *t)
{
    const talent_type *e;
    if (t->kind != TALENT_K_PTR || !t->elem || t->elem->kind != TALENT_K_ARRAY)
        return NULL;
    for (e = t->elem; e && e->kind == TALENT_K_ARRAY; e = e->elem)
        ;
    return e && e->kind != TALENT_K_STRUCT && e->kind != TALENT_K_UNION ? t->elem : NULL;
}

uint32_t tl_types_add(tl_typeset *s, const talent_type *t)
{
    uint32_t id = tl_types_id(s, t);
    unsigned i;
    if (id != TL_NO_TYPE)
        return id;
    if (t->kind == TALENT_K_ARRAY) {
        if (!t->elem)
            tl_die(TL_EXIT_SOFTWARE, "internal error: array type '%s' has no element type", t->name);
        tl_types_add(s, t->elem);
    } else if (t->kind == TALENT_K_STRUCT || t->kind == TALENT_K_UNION) {
        for (i = 0; i < t->nfields; i++)
            tl_types_add(s, t->fields[i].type);
    } else if (pointee_array(t)) {
        tl_types_add(s, t->elem);   /* a pointer to an array: its lengths (pointers to VLAs are declared again) */
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        s->v = tl_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n] = t;
    return s->n++;
}

/* The descriptor of a pointer names its pointee only by spelling; the first collected type with that
 * spelling (qualifiers ignored) is the pointee type. */
static const char *skip_qualifiers(const char *s)
{
    for (;;) {
        if (strncmp(s, "const ", 6) == 0)
            s += 6;
        else if (strncmp(s, "volatile ", 9) == 0)
            s += 9;
        else
            return s;
    }
}

static uint32_t pointee_id(const tl_typeset *s, const char *pointee)
{
    uint32_t i;
    if (!pointee)
        return TL_NO_TYPE;
    pointee = skip_qualifiers(pointee);
    for (i = 0; i < s->n; i++)
        if (s->v[i]->name && strcmp(skip_qualifiers(s->v[i]->name), pointee) == 0)
            return i;
    return TL_NO_TYPE;
}

void tl_types_write(tl_buf *b, const tl_typeset *s)
{
    uint32_t i;
    unsigned f;
    tl_buf_u32(b, s->n);
    for (i = 0; i < s->n; i++) {
        const talent_type *t = s->v[i];
        tl_buf_u8(b, (uint8_t)t->kind);
        tl_buf_str(b, t->name);
        tl_buf_u32(b, (uint32_t)t->size);
        switch (t->kind) {
        case TALENT_K_SINT:
        case TALENT_K_UINT:
            tl_buf_u8(b, (uint8_t)(8 * t->size));
            break;
        case TALENT_K_FLOAT:
            tl_buf_u8(b, (uint8_t)(8 * t->size));
            break;
        case TALENT_K_BOOL:
        case TALENT_K_LDOUBLE:
        case TALENT_K_FUNCPTR:
            break;
        case TALENT_K_PTR:
            tl_buf_str(b, t->pointee ? t->pointee : "");
            tl_buf_u32(b, pointee_array(t) ? tl_types_id(s, t->elem) : pointee_id(s, t->pointee));
            break;
        case TALENT_K_ARRAY:
            tl_buf_u32(b, tl_types_id(s, t->elem));
            tl_buf_u64(b, t->count);
            break;
        case TALENT_K_STRUCT:
        case TALENT_K_UNION:
            tl_buf_u32(b, t->nfields);
            for (f = 0; f < t->nfields; f++) {
                tl_buf_str(b, t->fields[f].name);
                tl_buf_u32(b, tl_types_id(s, t->fields[f].type));
                tl_buf_u8(b, (uint8_t)t->fields[f].bit_width);
            }
            break;
        default:
            tl_die(TL_EXIT_SOFTWARE, "internal error: type '%s' has unknown kind %d", t->name, t->kind);
        }
    }
}

void tl_types_free(tl_typeset *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

int tl_is_aggregate(const talent_type *t)
{
    return t->kind == TALENT_K_ARRAY || t->kind == TALENT_K_STRUCT || t->kind == TALENT_K_UNION;
}

const talent_type *tl_innermost_elem(const talent_type *t)
{
    while (t && t->kind == TALENT_K_ARRAY)
        t = t->elem;
    return t;
}

int tl_is_byte_type(const talent_type *t)
{
    return t && (t->kind == TALENT_K_SINT || t->kind == TALENT_K_UINT || t->kind == TALENT_K_BOOL) && t->size == 1;
}

int tl_pointee_is_byte_integer(const talent_type *ptr)
{
    return ptr && ptr->elem && (ptr->elem->kind == TALENT_K_SINT || ptr->elem->kind == TALENT_K_UINT) &&
           ptr->elem->size == 1;
}

int tl_pointee_is_char(const talent_type *ptr)
{
    const char *pointee;
    if (!ptr || !ptr->pointee)
        return 0;
    pointee = skip_qualifiers(ptr->pointee);
    return strcmp(pointee, "char") == 0 || strcmp(pointee, "signed char") == 0 ||
           strcmp(pointee, "unsigned char") == 0 || strcmp(pointee, "char const") == 0;
}
