/* heap_infer.c: a block allocated where the compiler did not see its type (inside an allocation wrapper such
 * as bzip2's myMalloc) takes the type its caller gives it (talent_heap_type_first; docs/CODEGEN.md "Heap
 * calls"). */
#include "heap_infer.h"

#include "heap_track.h"

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
    if (size < elem->size || size % elem->size != 0)
        return p;   /* not an array of that type: stays bytes */
    h->site = tl_heap_site(tl_heap_site_pos(h->site), elem);
    h->size_hi |= TL_HDR_WEAK;  /* typed after allocation: the checkpoint checks every pointer into it */
    return p;
}
