/* heap_infer.c: a block allocated where the compiler did not see its type (inside an allocation wrapper such
 * as bzip2's myMalloc, or behind a function pointer such as zlib's strm->zalloc) takes the type its caller gives
 * it (talent_heap_type_first, talent_heap_type_result; docs/CODEGEN.md "Allocation wrappers"). */
#include "heap_infer.h"

#include "heap_slab.h"
#include "heap_mapping.h"
#include "heap_track.h"
#include "heap_trailing.h"

void *talent_heap_type_first(void *p, const talent_type *elem)
{
    /* p is what a wrapper returned: the result of malloc, calloc or realloc (the compiler checks that), so
     * tl_heap_header may read before it */
    tl_hdr *h = tl_heap_header(p);
    size_t size;
    if (!h || !elem || elem->size == 0 || elem->kind < TALENT_K_SINT || elem->kind > TALENT_K_UNION)
        return p;
    if (tl_heap_site_elem(h->site))
        return p;   /* typed already: the first typed use wins; another type is the checkpoint's ambiguity */
    size = tl_hdr_size(h);
    if (size < elem->size || size % elem->size != 0 || tl_trailing_flexible(elem)) {
        if (!tl_trailing_applies(elem, size, 0))
            return p;   /* not an array of that type: stays bytes */
        h->size_hi |= TL_HDR_TRAILING;  /* one struct whose last array runs on (the struct hack, a FAM) */
    }
    h->site = tl_heap_site(tl_heap_site_pos(h->site), elem);
    h->size_hi |= TL_HDR_WEAK;  /* typed after allocation: the checkpoint checks every pointer into it */
    return p;
}

void *talent_heap_type_result(void *p, const talent_type *elem)
{
    /* p may be anything a program's function returned: the header before it is read only where it is mapped,
     * i.e. when it lies in p's own page (the program is about to use p) or, for a block that starts a page, in one
     * of the runtime's slab chunks (a small block of ours whose header ends the previous page: a cJSON string one
     * in 256 times; left untyped, it was refused at any restore on another layout), and p is aligned as every
     * block of ours is; tl_heap_header then answers only for the exact start of a tracked block */
    if (!p || ((uintptr_t)p & (sizeof(void *) - 1)) != 0)
        return p;
    if (((uintptr_t)p & 4095u) < sizeof(tl_hdr) && !tl_slab_holds((uintptr_t)p - sizeof(tl_hdr)) &&
            !tl_heap_mapping_start(p))
        return p;   /* (a carried mapping's header ends the page before it: mmap's result, typed by its caller) */
    return talent_heap_type_first(p, elem);
}
