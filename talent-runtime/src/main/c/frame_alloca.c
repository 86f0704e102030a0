/* frame_alloca.c: alloca in instrumented functions (docs/CODEGEN.md "alloca").
 *
 * The compiler gives each function that calls alloca a frame variable `void *__talent_al` (0 at entry) with
 * __attribute__((cleanup(talent_alloca_release))), and rewrites alloca(n) into talent_alloca(&__talent_al, n,
 * elem, site). A block is an ordinary tracked heap block typed like a malloc block at that site, so a checkpoint
 * saves it, and pointers into it, like any heap block (every ISA, both byte orders); the frame variable points to a
 * tracked list of the frame's blocks (an array of void *, null after the last), itself a heap block of pointers, so
 * a restore rebuilds the list and the frame variable with everything else. The cleanup frees the list and its
 * blocks when the function returns, as the machine stack frees alloca's memory — except while the chain unwinds
 * to write a checkpoint (the blocks are written after every frame has returned).
 *
 * A longjmp past a frame skips its cleanup. The runtime therefore registers each list with the address of its
 * frame variable: the stack grows down on every supported ISA, so when a function allocates its first block, any
 * registered list at the same or a lower address belongs to a frame that no longer exists and is freed then;
 * the same when a checkpoint is taken, below the site's own frame. */
#include "frame_alloca.h"
#include "heap_track.h"
#include "diag.h"
#include "xalloc.h"
#include "sort.h"

#include <stdlib.h>
#include <string.h>

static const talent_type list_elem = TALENT_PTR_TYPE(void *, "void *", "void");
static const char list_site[] = "talent:alloca blocks";
/* the compiler passes "alloca:file.c:line:col" as the site of a block talent_alloca allocates, and
 * "alloca@<align>:file.c:line:col" for talent_alloca_align (tl_alloca_site_align) */
static const char block_prefix[] = "alloca:";
static const char aligned_prefix[] = "alloca@";

typedef struct reg_entry {
    uintptr_t slot;     /* address of the frame variable */
    void **list;
} reg_entry;

static reg_entry *reg;
static size_t nreg, capreg;

static size_t list_capacity(void **list)
{
    tl_hdr *h = tl_heap_header(list);
    return h ? tl_hdr_size(h) / sizeof(void *) : 0;
}

static void free_list(void **list)
{
    size_t i, cap = list_capacity(list);
    for (i = 0; i < cap && list[i]; i++)
        talent_free(list[i]);
    talent_free(list);
}

static void drop(size_t i)
{
    free_list(reg[i].list);
    reg[i] = reg[--nreg];
}

__attribute__((noinline)) void tl_alloca_sweep_dead(void)
{
    volatile char here = 0;
    uintptr_t below = (uintptr_t)&here;
    size_t i = 0;
    while (i < nreg)
        if (reg[i].slot < below)
            drop(i);
        else
            i++;
}

void tl_alloca_forget(void)
{
    nreg = 0;
}

/* The live tracked block starting at p, else NULL; safe for any p (a value read from a checkpoint). */
static tl_hdr *live_block(const void *p)
{
    uint32_t i;
    for (i = 0; i < tl_heap_nlive; i++)
        if (tl_hdr_addr(tl_heap_live[i]) == (uintptr_t)p)
            return tl_heap_live[i];
    return NULL;
}

/* A list this runtime has not registered: one a restore rebuilt (tl_alloca_check_restored checked its entries).
 * It must be a list block, and no other frame's. */
static void check_adopted(void **list)
{
    size_t i;
    tl_hdr *h = live_block(list);
    if (!h || strcmp(tl_heap_site_pos(h->site), list_site) != 0)
        tl_die(TL_EXIT_DATAERR, "the checkpoint is not valid: a frame's list of alloca blocks (__talent_al) does not "
               "point to such a list");
    for (i = 0; i < nreg; i++)
        if (reg[i].list == list)
            tl_die(TL_EXIT_DATAERR, "the checkpoint is not valid: two frames share one list of alloca blocks");
}

/* The registry entry of the list at slot, added when missing (a frame rebuilt by a restore). */
static reg_entry *entry_of(void **slot)
{
    size_t i;
    for (i = nreg; i-- > 0;)
        if (reg[i].slot == (uintptr_t)slot)
            return &reg[i];
    if (*slot)
        check_adopted(*slot);
    if (nreg == capreg) {
        capreg = capreg ? 2 * capreg : 16;
        reg = tl_xrealloc(reg, capreg * sizeof *reg);
    }
    reg[nreg].slot = (uintptr_t)slot;
    reg[nreg].list = *slot;
    return &reg[nreg++];
}

size_t tl_alloca_site_align(const char *pos, size_t len)
{
    return tl_position_align(pos, len, aligned_prefix);
}

static int is_alloca_block_site(const char *pos)
{
    return strncmp(pos, block_prefix, sizeof block_prefix - 1) == 0 ||
           (strncmp(pos, aligned_prefix, sizeof aligned_prefix - 1) == 0 &&
            tl_alloca_site_align(pos, strlen(pos)) != (size_t)-1);
}

static void *alloca_block(void **slot, size_t size, size_t align, const talent_type *elem, const char *site)
{
    void **list = *slot, *p;
    size_t n = 0, cap = 0;
    reg_entry *e;
    if (!list) {
        size_t i = 0;
        /* this frame has no list yet: any list registered here or below is a frame a longjmp skipped */
        while (i < nreg)
            if (reg[i].slot <= (uintptr_t)slot)
                drop(i);
            else
                i++;
    } else {
        cap = list_capacity(list);
        while (n < cap && list[n])
            n++;
    }
    e = entry_of(slot);
    p = align ? tl_heap_alloc_aligned(align, size, tl_heap_site(site, elem)) : talent_malloc(size, elem, site);
    if (!p)
        tl_die(TL_EXIT_SOFTWARE, "out of memory in alloca at %s (%lu bytes)", site ? site : "?", (unsigned long)size);
    if (n + 1 >= cap) {
        size_t ncap = cap < 4 ? 8 : 2 * cap;
        void **grown = talent_realloc(list, ncap * sizeof *list, &list_elem, list_site);
        if (!grown)
            tl_die(TL_EXIT_SOFTWARE, "out of memory in alloca at %s", site ? site : "?");
        memset(grown + cap, 0, (ncap - cap) * sizeof *grown);
        list = grown;
    }
    list[n] = p;
    list[n + 1] = NULL;
    *slot = list;
    e->list = list;
    return p;
}

void *talent_alloca(void **slot, size_t size, const talent_type *elem, const char *site)
{
    return alloca_block(slot, size, 0, elem, site);
}

void *talent_alloca_align(void **slot, size_t size, size_t align, const talent_type *elem, const char *site)
{
    /* the compiler passes a literal it checked; a site whose alignment differs would restore differently (the site's
     * is a power of two up to TL_HEAP_MAX_ALIGN, or 0 or -1 when it names none or a bad one) */
    if (align == 0 || !site || tl_alloca_site_align(site, strlen(site)) != align)
        tl_die(TL_EXIT_SOFTWARE, "alloca at %s: alignment %lu bytes is not a power of two up to %d bytes, or not the "
               "one its position names", site ? site : "?", (unsigned long)align, TL_HEAP_MAX_ALIGN);
    return alloca_block(slot, size, align, elem, site);
}

void talent_alloca_release(void **slot)
{
    size_t i;
    void **list = *slot;
    if (!list || talent_unwinding)
        return;     /* unwinding: the checkpoint writes the blocks once every frame has returned */
    for (i = nreg; i-- > 0;)
        if (reg[i].slot == (uintptr_t)slot) {
            reg[i] = reg[--nreg];
            break;
        }
    if (i == (size_t)-1)
        check_adopted(list);    /* a restored frame that allocated nothing since */
    free_list(list);
    *slot = NULL;
}

static int cmp_addr(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

/* Is site an alloca list's? Sites are interned: one string comparison per distinct site, not per block (a restore
 * of a million blocks of one site compares once). */
static int is_list_site(uint32_t site, uint32_t *last_site, int *last_answer)
{
    if (site != *last_site) {
        *last_site = site;
        *last_answer = strcmp(tl_heap_site_pos(site), list_site) == 0;
    }
    return *last_answer;
}

void tl_alloca_check_restored(void)
{
    uintptr_t *starts = NULL, *entries;
    size_t nentries = 0, cap = 0, k;
    uint32_t i, last_site = 0xFFFFFFFFu;
    int last_answer = 0;
    if (tl_heap_nlive == 0)
        return;
    entries = NULL;
    for (i = 0; i < tl_heap_nlive; i++) {
        tl_hdr *h = tl_heap_live[i];
        void **list = (void **)tl_hdr_addr(h);
        size_t n, lcap = tl_hdr_size(h) / sizeof(void *);
        if (!is_list_site(h->site, &last_site, &last_answer))
            continue;
        if (!starts) {
            /* the block starts sorted, only when the checkpoint has a list to check against them */
            uint32_t j;
            starts = tl_xmalloc(tl_heap_nlive * sizeof *starts);
            for (j = 0; j < tl_heap_nlive; j++)
                starts[j] = tl_hdr_addr(tl_heap_live[j]);
            tl_sort(starts, tl_heap_nlive, sizeof *starts, cmp_addr);
        }
        for (n = 0; n < lcap && list[n]; n++) {
            uintptr_t e = (uintptr_t)list[n];
            tl_hdr *b;
            if (!bsearch(&e, starts, tl_heap_nlive, sizeof *starts, cmp_addr))
                tl_die(TL_EXIT_DATAERR, "the checkpoint is not valid: a list of alloca blocks names memory that is not "
                       "the start of a heap block");
            b = (tl_hdr *)e - 1;
            if (!is_alloca_block_site(tl_heap_site_pos(b->site)))
                tl_die(TL_EXIT_DATAERR, "the checkpoint is not valid: a list of alloca blocks names the heap block "
                       "allocated at %s, which alloca did not allocate", tl_heap_site_pos(b->site));
            if (nentries == cap) {
                cap = cap ? 2 * cap : 64;
                entries = tl_xrealloc(entries, cap * sizeof *entries);
            }
            entries[nentries++] = e;
        }
    }
    if (starts)
        tl_raw_free(starts);
    if (entries) {
        tl_sort(entries, nentries, sizeof *entries, cmp_addr);
        for (k = 1; k < nentries; k++)
            if (entries[k] == entries[k - 1])
                tl_die(TL_EXIT_DATAERR, "the checkpoint is not valid: one alloca block is in two lists, or twice in one");
        tl_raw_free(entries);
    }
}
