/* vm_types.c: keeps the run-time descriptors of variably modified variables (VLAs, arrays of VLAs, pointers to
 * VLAs). The compiler builds them on the stack, in the frame that declares the variable, but a checkpoint
 * encodes the saved variables after every frame has returned: the descriptor chain is copied here (interned,
 * so that equal shapes share one copy and one TYPE entry). */
#include "vm_types.h"

#include <string.h>

/* Copies kept at most (one per distinct shape); past it every call makes a new copy. */
#define TL_VM_KEEP_MAX 4096

static const talent_type *kept[TL_VM_KEEP_MAX];
static size_t nkept;

static int same(const talent_type *a, const talent_type *b)
{
    return a->kind == b->kind && a->size == b->size && a->count == b->count && a->elem == b->elem
           && a->name == b->name && a->pointee == b->pointee;
}

const talent_type *talent_keep_type(const talent_type *t)
{
    talent_type copy;
    talent_type *out;
    size_t i;
    if (!t)
        return t;
    /* the chain a variably modified type has: [pointer to] arrays (of arrays) of a fixed-size element, whose
     * descriptor is static */
    if (t->kind != TALENT_K_ARRAY && !(t->kind == TALENT_K_PTR && t->elem && t->elem->kind == TALENT_K_ARRAY))
        return t;
    copy = *t;
    copy.elem = talent_keep_type(t->elem);
    for (i = 0; i < nkept; i++)
        if (same(kept[i], &copy))
            return kept[i];
    out = tl_xmalloc(sizeof *out);
    *out = copy;
    if (nkept < TL_VM_KEEP_MAX)
        kept[nkept++] = out;
    return out;
}
