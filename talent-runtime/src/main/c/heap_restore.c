/* heap_restore.c: restoring the heap blocks of a checkpoint (before globals and frames), and the reader's
 * index of blocks by id.
 *
 * Every block is allocated first (count × this target's sizeof(elem) + tail), then values are decoded, so
 * every pointer into the heap resolves at once (pointers from the heap to frame variables not rebuilt yet use
 * the frame fixups). A block's element type for this target comes from the program's allocation-site table
 * (talent_unit.alloc_sites, keyed by the block's alloc_pos); scalar and pointer element types need no entry.
 * Consecutive blocks of one site (the common case: a tree or a list) reuse the previous block's lookup, and
 * blocks whose elements are one-byte integers are copied in one piece. */
#include "heap_track.h"
#include "diag.h"
#include "xalloc.h"
#include "heap_restore.h"
#include "heap_write.h"
#include "bulk.h"
#include "frame_alloca.h"
#include "heap_trailing.h"
#include "heap_slab.h"
#include "heap_mapping.h"
#include "sort.h"

#include <stdlib.h>
#include <string.h>

#define NONE 0xFFFFFFFFu

static uint32_t block_index(const tl_checkpoint *ck, uint32_t id);
static const char *intern_site(const char *pos, size_t len);

static const talent_type uchar_type = TALENT_INT_TYPE(unsigned char, "unsigned char");

static int is_byte_int(const talent_type *t)
{
    return (t->kind == TALENT_K_SINT || t->kind == TALENT_K_UINT) && t->size == 1;
}

/* A heap block is an array of count elements of its element type (FORMAT.md). */
static void describe_as_array(talent_type *t, const talent_type *elem, uint64_t count)
{
    t->kind = TALENT_K_ARRAY;
    t->name = "heap block";
    t->elem = elem;
    t->count = (size_t)count;
    t->size = (size_t)count * elem->size;
}

/* Descriptors of this program's allocation sites, sorted by position. */
typedef struct site_entry {
    const char *pos;
    const talent_type *elem;
} site_entry;

static site_entry *sites;
static size_t nsites;

static int cmp_site(const void *x, const void *y)
{
    return strcmp(((const site_entry *)x)->pos, ((const site_entry *)y)->pos);
}

static void collect_sites(void)
{
    unsigned u, k;
    size_t n = 0;
    for (u = 0; u < talent_the_program.nunits; u++)
        n += talent_the_program.units[u]->nalloc_sites;
    sites = tl_xcalloc(n ? n : 1, sizeof *sites);
    for (u = 0; u < talent_the_program.nunits; u++) {
        const talent_unit *unit = talent_the_program.units[u];
        for (k = 0; k < unit->nalloc_sites; k++) {
            sites[nsites].pos = unit->alloc_sites[k].pos;
            sites[nsites].elem = unit->alloc_sites[k].elem;
            nsites++;
        }
    }
    tl_sort(sites, nsites, sizeof *sites, cmp_site);
}

static const site_entry *find_site(const char *pos, size_t len)
{
    size_t lo = 0, hi = nsites;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(sites[mid].pos, pos, len);
        if (c == 0)
            c = sites[mid].pos[len] != '\0';
        if (c == 0)
            return &sites[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* A pointee type of the program by its spelling: the alloc_sites entry "type:<spelling>" (talent.h). */
static const talent_type *type_named(const char *name)
{
    static char key[512];
    const site_entry *e;
    int n = snprintf(key, sizeof key, "type:%s", name);
    if (n < 0 || (size_t)n >= sizeof key)
        return NULL;
    e = find_site(key, (size_t)n);
    return e && e->elem && e->elem->kind ? e->elem : NULL;
}

/* Scalars need no site entry: this target's descriptor follows from the spelling (strdup'ed strings are
 * char blocks; a block of pointers has this target's pointer size). */
#define SCALAR(T, NAME) TALENT_INT_TYPE(T, NAME)
static const talent_type scalar_types[] = {
    SCALAR(char, "char"), SCALAR(signed char, "signed char"), SCALAR(unsigned char, "unsigned char"),
    SCALAR(short, "short"), SCALAR(unsigned short, "unsigned short"), SCALAR(int, "int"),
    SCALAR(unsigned, "unsigned int"), SCALAR(long, "long"), SCALAR(unsigned long, "unsigned long"),
    SCALAR(long long, "long long"), SCALAR(unsigned long long, "unsigned long long"),
    SCALAR(size_t, "size_t"), SCALAR(ptrdiff_t, "ptrdiff_t"), SCALAR(intptr_t, "intptr_t"),
    SCALAR(uintptr_t, "uintptr_t"), SCALAR(int8_t, "int8_t"), SCALAR(uint8_t, "uint8_t"),
    SCALAR(int16_t, "int16_t"), SCALAR(uint16_t, "uint16_t"), SCALAR(int32_t, "int32_t"),
    SCALAR(uint32_t, "uint32_t"), SCALAR(int64_t, "int64_t"), SCALAR(uint64_t, "uint64_t"),
    TALENT_BOOL_TYPE(_Bool, "_Bool"), TALENT_FLOAT_TYPE(float, "float"), TALENT_FLOAT_TYPE(double, "double"),
    TALENT_LDOUBLE_TYPE(long double, "long double"),
};

static talent_type **synthesised;   /* by checkpoint type id: pointer descriptors made for this target */

static const talent_type *scalar_for(const tl_checkpoint *ck, uint32_t type_id)
{
    const tl_ck_type *ct = &ck->types[type_id];
    size_t i;
    if (ct->kind == TALENT_K_PTR || ct->kind == TALENT_K_FUNCPTR) {
        talent_type *t;
        if (!synthesised)
            synthesised = tl_xcalloc(ck->ntypes ? ck->ntypes : 1, sizeof *synthesised);
        if (!synthesised[type_id]) {
            t = tl_xcalloc(1, sizeof *t);
            t->kind = ct->kind;
            t->name = ct->name;
            t->size = ct->kind == TALENT_K_PTR ? sizeof(void *) : sizeof(void (*)(void));
            t->pointee = ct->pointee;
            synthesised[type_id] = t;
        }
        return synthesised[type_id];
    }
    for (i = 0; i < sizeof scalar_types / sizeof scalar_types[0]; i++)
        if (scalar_types[i].kind == TALENT_K_SINT || scalar_types[i].kind == TALENT_K_UINT
                ? (ct->kind == TALENT_K_SINT || ct->kind == TALENT_K_UINT) && strcmp(scalar_types[i].name, ct->name) == 0
                : scalar_types[i].kind == ct->kind && strcmp(scalar_types[i].name, ct->name) == 0)
            return &scalar_types[i];
    return NULL;
}

/* Allocation sites are kept for the life of the process (later checkpoints write them again). */
static const char *intern_site(const char *pos, size_t len)
{
    static char **interned;
    static size_t ninterned;
    static const char *last;
    size_t i;
    const site_entry *e;
    if (last && strncmp(last, pos, len) == 0 && last[len] == '\0')
        return last;
    e = find_site(pos, len);
    if (e)
        return last = e->pos;
    for (i = 0; i < ninterned; i++)
        if (strncmp(interned[i], pos, len) == 0 && interned[i][len] == '\0')
            return last = interned[i];
    interned = tl_xrealloc(interned, (ninterned + 1) * sizeof *interned);
    interned[ninterned] = tl_xstrndup(pos, len);
    return last = interned[ninterned++];
}

static const char *platform_layout(int big_endian, unsigned bits)
{
    static char s[2][64];
    static int k;
    k ^= 1;
    snprintf(s[k], sizeof s[k], "%s-endian, %u-bit pointers", big_endian ? "big" : "little", bits);
    return s[k];
}

/* A block written as one struct with a trailing array (TL_HEAP_TRAILING; the reader checked the file's shape): this
 * platform's struct with its last array of as many elements as the file's. */
static const talent_type *trailing_desc(const tl_checkpoint *ck, const tl_ck_block *blk, const talent_type *desc,
                                        const char *site)
{
    const tl_ck_type *ct = &ck->types[blk->elem];
    const talent_type *t = NULL;
    uint64_t m;
    if (!tl_trailing_shape(desc))
        tl_die(TL_EXIT_DATAERR, "cannot restore the heap block allocated at %s: it was written as one '%s' whose last "
               "member is an array running on to the block's end, but this program's '%s' does not end in an array",
               site, ct->name, desc->name);
    m = ck->types[ct->fields[ct->nfields - 1].type].count;
    t = tl_trailing_type(desc, m);
    if (!t)
        tl_die_hook = NULL, tl_die(TL_EXIT_DATAERR, "cannot restore the heap block allocated at %s: one '%s' with %llu "
               "trailing elements does not fit in this platform's address space", site, desc->name, (unsigned long long)m);
    return t;
}

/* What a block needs of the memory a restore lays out (place_blocks): 16 bytes, for a million blocks fresh memory
 * touched once. */
/* How many blocks ahead the loops that visit the region out of its order fetch. */
#define AHEAD 16

typedef struct placement {
    size_t size;
    uint32_t site;
    uint8_t bits;                   /* PL_WEAK, PL_TRAILING: header flags to set */
    uint8_t align_log2;             /* 0: no alignment asked; else the block's alignment is 1 << align_log2 */
} placement;
#define PL_WEAK 1u
#define PL_TRAILING 2u
#define PL_MAPPING 4u   /* an anonymous mapping's (heap_mapping.h): mapped on its own, align_log2 its writer's page */

/* Allocates the blocks in their old address order (HORD, else HEAP's order: FORMAT.md "HORD") at increasing addresses:
 * all of them laid out in one region of slab chunks (tl_slab_region), whatever their size, so that no pair of blocks
 * compares otherwise than before the stop, on any ISA, whatever the sizes became here. Small blocks are slots of
 * their class, as tl_heap_alloc gives them; larger ones are blocks of the region (TL_HDR_REGION: freed, their pages go
 * back to the kernel; realloc moves them). Neither the C library's allocator, which maps large blocks top-down and
 * reuses freed chunks, nor the slab's chunks mapped one at a time (usually each below the last) would keep the order.
 * Each block's offset in the region is kept in its addr until the region is mapped. */
static void place_blocks(const tl_checkpoint *ck, const placement *pl)
{
    uint32_t k, n = ck->nheap;
    size_t off = 0, user = 0;
    char *region;
    if (n == 0)
        return;
    for (k = 0; k < n; k++) {
        uint32_t i = ck->heap_order ? ck->heap_order[k] : k;
        if (ck->heap_order && k + AHEAD < n) {
            /* the address order visits pl and ck->heap at random (a tree is read breadth-first, laid out
             * depth-first): fetch the entries a few blocks ahead */
            uint32_t j = ck->heap_order[k + AHEAD];
            __builtin_prefetch(&pl[j]);
            __builtin_prefetch(&ck->heap[j].addr, 1);
        }
        if (pl[i].bits & PL_MAPPING)
            continue;
        off = tl_heap_region_next(off, pl[i].size, pl[i].align_log2 ? (size_t)1 << pl[i].align_log2 : 0, &user);
        if (off == (size_t)-1)
            tl_die_hook = NULL, tl_die(TL_EXIT_DATAERR, "cannot restore the heap blocks: with the block allocated at "
                   "%s (%lu bytes) they do not fit in this platform's address space",
                   intern_site((const char *)ck->heap_payload + ck->heap[i].pos_off, ck->heap[i].pos_len),
                   (unsigned long)pl[i].size);
        ck->heap[i].addr = (void *)(uintptr_t)user;
    }
    region = tl_slab_region(off);
    if (!region)
        tl_die(TL_EXIT_SOFTWARE, "out of memory restoring the heap blocks (%lu bytes in %lu blocks, laid out in their "
               "old address order)", (unsigned long)off, (unsigned long)n);
    for (k = 0; k < n; k++) {
        tl_ck_block *blk = &ck->heap[k];
        size_t align;
        if (ck->heap_order && k + AHEAD < n)
            __builtin_prefetch(region + (uintptr_t)ck->heap[k + AHEAD].addr - sizeof(tl_hdr), 1); /* its header */
        align = pl[k].align_log2 ? (size_t)1 << pl[k].align_log2 : 0;
        if (pl[k].bits & PL_MAPPING) {
            /* a fresh mapping of its own (not in the region: another object, whose address the program compares with
             * no block's) */
            blk->addr = tl_heap_mapping_restore(pl[k].size, align, tl_heap_site_elem(pl[k].site),
                                                (pl[k].bits & PL_WEAK ? TL_HDR_WEAK : 0) |
                                                (pl[k].bits & PL_TRAILING ? TL_HDR_TRAILING : 0));
            continue;
        }
        blk->addr = tl_heap_region_track(region + (uintptr_t)blk->addr, pl[k].size, align, pl[k].site);
        if (pl[k].bits)
            tl_heap_header(blk->addr)->size_hi |= (pl[k].bits & PL_WEAK ? TL_HDR_WEAK : 0) |
                                                  (pl[k].bits & PL_TRAILING ? TL_HDR_TRAILING : 0);
    }
    if (tl_verbose)
        tl_info("restored %lu heap blocks in their old address order (%s), %lu bytes from %p", (unsigned long)n,
                ck->heap_order ? "section HORD" : "the order of section HEAP", (unsigned long)off, (void *)region);
}

int tl_heap_parse_order(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t n = tl_rd_u32(r), k;
    unsigned char *seen;
    if (r->failed)
        return -1;
    if (n != ck->nheap) {
        tl_reader_fail(r, "at offset %lu: %lu blocks in address order, but HEAP has %lu", (unsigned long)r->base,
                       (unsigned long)n, (unsigned long)ck->nheap);
        return -1;
    }
    if ((r->len - r->pos) / 4 < n) {
        tl_reader_fail(r, "at offset %lu: %lu block ids do not fit in the section", (unsigned long)r->base,
                       (unsigned long)n);
        return -1;
    }
    ck->heap_order = tl_xmalloc((n ? n : 1) * sizeof *ck->heap_order);
    seen = tl_xcalloc(n ? n : 1, 1);
    for (k = 0; k < n; k++) {
        size_t at = r->pos;
        uint32_t id = tl_rd_u32(r), i = block_index(ck, id);
        if (i == NONE || seen[i]) {
            tl_reader_fail(r, "at offset %lu: block id %lu %s", (unsigned long)(r->base + at), (unsigned long)id,
                           i == NONE ? "is not a block of HEAP" : "appears twice");
            free(seen);
            return -1;
        }
        seen[i] = 1;
        ck->heap_order[k] = i;
    }
    free(seen);
    return 0;
}

void tl_heap_restore(tl_checkpoint *ck)
{
    uint32_t i;
    const char *last_pos = NULL;
    uint32_t last_len = 0, last_elem = NONE;
    const talent_type *last_desc = NULL;
    int last_weak = 0;
    /* the previous block's alloc_pos bytes, its interned site and alignment: blocks of one site follow each other,
     * and both depend on those bytes only */
    const char *prev_pos = NULL, *prev_site = NULL;
    uint32_t prev_len = 0;
    size_t prev_align = 0;
    int same_layout = ck->big_endian == tl_host_big_endian() && ck->pointer_bits == 8 * sizeof(void *);
    uint64_t foreign_tails = 0;
    tl_value_ctx ctx;
    placement *pl = tl_xmalloc((ck->nheap ? ck->nheap : 1) * sizeof *pl);

    collect_sites();
    /* descriptors synthesised for an earlier checkpoint stay with the blocks that use them; the index is
     * per checkpoint (type ids) */
    free(synthesised);
    synthesised = NULL;
    /* 1. allocate every block, so that every pointer into the heap resolves while values are decoded: first each
     * block's size here, then all of them in their old address order (place_blocks) */
    for (i = 0; i < ck->nheap; i++) {
        tl_ck_block *blk = &ck->heap[i];
        const char *pos = (const char *)ck->heap_payload + blk->pos_off;
        const talent_type *desc;
        int same_site = prev_pos && blk->pos_len == prev_len && memcmp(pos, prev_pos, prev_len) == 0;
        const char *site = same_site ? prev_site : intern_site(pos, blk->pos_len);
        size_t esz, size, align;
        const talent_type *base;
        int weak = 0;
        if ((blk->flags & TL_HEAP_UNTYPED) && (blk->flags & TL_HEAP_BYTE_ORDER)) {
            /* fixed-width integer views only (FORMAT.md "HEAP" bit 2): another pointer width reads the same bytes */
            if (ck->big_endian != tl_host_big_endian())
                tl_die_hook = NULL, /* this platform's byte order, not a damaged file: no fallback */
                tl_die(TL_EXIT_DATAERR, "cannot restore the heap block allocated at %s (%llu bytes used as "
                       "fixed-width integers of several widths, carried as raw bytes of the writer's byte order): it "
                       "was written on %s (%s) and this is %s (%s); restore it on a platform with the same byte order",
                       site, (unsigned long long)blk->count, ck->platform,
                       platform_layout(ck->big_endian, ck->pointer_bits), tl_platform,
                       platform_layout(tl_host_big_endian(), (unsigned)(8 * sizeof(void *))));
            desc = NULL;
            esz = 1;
        } else if (blk->flags & TL_HEAP_UNTYPED) {
            if (!same_layout)
                tl_die_hook = NULL, /* this platform's layout, not a damaged file: no fallback */
                tl_die(TL_EXIT_DATAERR, "cannot restore the heap block allocated at %s (%llu bytes whose element "
                       "type talent could not infer, carried as raw bytes): it was written on %s (%s) and this is "
                       "%s (%s); restore it on a platform with the same byte order and pointer width, or let the "
                       "compiler infer the type (assign the allocation to a typed pointer, or use sizeof(T) or "
                       "sizeof *p in its size)", site, (unsigned long long)blk->count, ck->platform,
                       platform_layout(ck->big_endian, ck->pointer_bits), tl_platform,
                       platform_layout(tl_host_big_endian(), (unsigned)(8 * sizeof(void *))));
            desc = NULL;
            esz = 1;
        } else {
            if (last_desc && blk->elem == last_elem && blk->pos_len == last_len &&
                memcmp(pos, last_pos, last_len) == 0) {
                desc = last_desc;
                weak = last_weak;
            } else {
                const site_entry *e = find_site(pos, blk->pos_len);
                const tl_ck_type *ct = &ck->types[blk->elem];
                desc = e && e->elem && strcmp(e->elem->name, ct->name) == 0 ? e->elem : scalar_for(ck, blk->elem);
                if (!desc && e && e->elem)
                    desc = e->elem;     /* spelled differently: the value decoder compares the shapes */
                if (!desc)
                    desc = type_named(ct->name);    /* typed at checkpoint time from its pointers */
                if (!desc)
                    tl_die(TL_EXIT_DATAERR, "cannot restore the heap block allocated at %s: this program does not "
                           "list that allocation site with its element type '%s' (talent_unit.alloc_sites)", site,
                           ct->name);
                /* a type not given at the allocation site was inferred (heap_write.c): it stays so here */
                weak = !e || e->elem != desc;
                last_desc = desc;
                last_weak = weak;
                last_elem = blk->elem;
                last_pos = pos;
                last_len = blk->pos_len;
            }
            esz = desc->size;
        }
        base = desc;
        if (blk->flags & TL_HEAP_TRAILING) {
            desc = trailing_desc(ck, blk, desc, site);
            esz = desc->size;
        }
        if (esz && blk->count > ((size_t)-1 - blk->tail_len) / esz)
            tl_die_hook = NULL, tl_die(TL_EXIT_DATAERR, "cannot restore the heap block allocated at %s: %llu elements of %lu bytes do not "
                   "fit in this platform's address space", site, (unsigned long long)blk->count, (unsigned long)esz);
        size = (size_t)blk->count * esz + blk->tail_len;
        if (base != desc && size < base->size)
            size = base->size;  /* a struct hack's block smaller than its struct here too: the struct's members fit */
        /* an aligned alloca's block or an over-aligned block of posix_memalign & co.: its position names its
         * alignment (hostile: a power of two, bounded) */
        if (same_site)
            align = prev_align;
        else if ((align = tl_alloca_site_align(pos, blk->pos_len)) == 0 &&
                 (align = tl_heap_site_align(pos, blk->pos_len)) == 0) {
            /* an anonymous mapping's, "mmap@<P>:?": aligned to its writer's page P (4096 to 65536) */
            align = tl_heap_mapping_site_page(pos, blk->pos_len);
            if (align == (size_t)-1)
                tl_die(TL_EXIT_DATAERR, "the checkpoint is not valid: the heap block allocated at %s names a page size "
                       "that is not a power of two from 4096 to 65536 bytes", site);
        }
        prev_pos = pos;
        prev_len = blk->pos_len;
        prev_site = site;
        prev_align = align;
        if (align == (size_t)-1)
            tl_die(TL_EXIT_DATAERR, "the checkpoint is not valid: the heap block allocated at %s names an alignment "
                   "that is not a power of two from 1 to %d bytes", site, TL_HEAP_MAX_ALIGN);
        pl[i].size = size;
        pl[i].align_log2 = 0;
        while (align > ((size_t)1 << pl[i].align_log2))
            pl[i].align_log2++;     /* a power of two up to TL_HEAP_MAX_ALIGN, or a mapping's page (checked above) */
        pl[i].site = tl_heap_site(site, base);
        pl[i].bits = (unsigned char)((weak ? PL_WEAK : 0) | (base != desc ? PL_TRAILING : 0));
        if (blk->pos_len > 5 && memcmp(pos, "mmap@", 5) == 0)
            pl[i].bits |= PL_MAPPING;
        blk->desc = desc;
    }
    place_blocks(ck, pl);
    free(pl);
    /* 2. decode the values; pointers to frame variables not rebuilt yet are patched when they are bound */
    memset(&ctx, 0, sizeof ctx);
    ctx.heap_mode = TL_CTX_HEAP_READ;
    ctx.describe = tl_heap_describe;
    ctx.allow_fixups = 1;
    for (i = 0; i < ck->nheap; i++) {
        tl_ck_block *blk = &ck->heap[i];
        unsigned char *p = blk->addr;
        const tl_ck_type *ct = &ck->types[blk->elem];
        size_t esz = blk->desc ? blk->desc->size : 1;
        uint64_t k;
        tl_reader r;
        if (ck->heap_order && i + AHEAD < ck->nheap) {
            /* in HEAP's order the blocks' new places are all over the region when HORD reordered them: fetch the
             * one a few blocks ahead for writing (its first two lines: most blocks are small) */
            const char *ahead = ck->heap[i + AHEAD].addr;
            __builtin_prefetch(ahead, 1);
            __builtin_prefetch(ahead + 64, 1);
        }
        tl_reader_init(&r, ck->heap_payload, ck->heap_len, ck->heap_base);
        r.pos = blk->value_off;
        ctx.heap_block = blk->id;
        ctx.var_name = intern_site((const char *)ck->heap_payload + blk->pos_off, blk->pos_len);
        if (!blk->desc || (is_byte_int(blk->desc) && ct->bits == 8 && ct->kind == blk->desc->kind)) {
            memcpy(p, ck->heap_payload + blk->value_off, (size_t)blk->count);
        } else if (!tl_bulk_decode(&r, ck, blk->elem, blk->desc, p, blk->count, &k)) {
            /* value by value from where bulk decoding stopped (bulk.h) */
            for (; k < blk->count; k++) {
                ctx.depth = 1;
                ctx.steps[0].field = NULL;
                ctx.steps[0].index = k;
                tl_decode_value(&r, ck, blk->elem, blk->desc, p + (size_t)k * esz, &ctx);
            }
        }
        if (blk->tail_len) {
            memcpy(p + (size_t)blk->count * esz, ck->heap_payload + blk->tail_off, blk->tail_len);
            if (!same_layout)
                foreign_tails++;
        }
    }
    if (foreign_tails)
        tl_warn("%llu heap blocks have bytes after their last whole element (a flexible array member?); they were "
                "copied as raw bytes from %s, whose byte order or pointer width differs", (unsigned long long)foreign_tails,
                ck->platform);
    tl_alloca_check_restored();
}

static int cmp_id(const void *x, const void *y);
static const tl_checkpoint *sort_ck;

static int cmp_id(const void *x, const void *y)
{
    uint32_t a = sort_ck->heap[*(const uint32_t *)x].id, b = sort_ck->heap[*(const uint32_t *)y].id;
    return a < b ? -1 : a > b;
}

/* Block index of id, or NONE. */
static uint32_t block_index(const tl_checkpoint *ck, uint32_t id)
{
    uint32_t lo = 0, hi = ck->nheap;
    if (!ck->heap_by_id)
        return id < ck->nheap ? id : NONE;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, v = ck->heap[ck->heap_by_id[mid]].id;
        if (v == id)
            return ck->heap_by_id[mid];
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NONE;
}

uint32_t tl_heap_block_index(const tl_checkpoint *ck, uint32_t id)
{
    return block_index(ck, id);
}

int tl_heap_index_ids(tl_checkpoint *ck, uint32_t *duplicate)
{
    uint32_t i;
    for (i = 0; i < ck->nheap && ck->heap[i].id == i; i++)
        ;
    if (i == ck->nheap)
        return 0;
    ck->heap_by_id = tl_xmalloc((ck->nheap ? ck->nheap : 1) * sizeof *ck->heap_by_id);
    for (i = 0; i < ck->nheap; i++)
        ck->heap_by_id[i] = i;
    sort_ck = ck;
    tl_sort(ck->heap_by_id, ck->nheap, sizeof *ck->heap_by_id, cmp_id);
    for (i = 1; i < ck->nheap; i++)
        if (ck->heap[ck->heap_by_id[i]].id == ck->heap[ck->heap_by_id[i - 1]].id) {
            *duplicate = ck->heap[ck->heap_by_id[i]].id;
            return -1;
        }
    return 0;
}

void tl_heap_resolve(const tl_checkpoint *ck, uint32_t id, char **base, const talent_type **type, tl_value_ctx *ctx)
{
    static talent_type t;
    uint32_t i = block_index(ck, id);
    const tl_ck_block *blk;
    if (i == NONE || !ck->heap[i].addr) {
        char what[256];
        tl_ctx_describe(ctx, what, sizeof what);
        tl_die(TL_EXIT_DATAERR, "cannot restore pointer '%s' (declared at %s, %s): heap block %lu is not in the "
               "checkpoint", what, ctx->decl_pos, ctx->where, (unsigned long)id);
    }
    blk = &ck->heap[i];
    describe_as_array(&t, blk->desc ? blk->desc : &uchar_type, blk->count);
    *base = blk->addr;
    *type = &t;
}

uint32_t tl_heap_file_elem(const tl_checkpoint *ck, uint32_t id)
{
    uint32_t i = block_index(ck, id);
    if (i == NONE || (ck->heap[i].flags & TL_HEAP_UNTYPED))
        return UINT32_MAX;
    return ck->heap[i].elem;
}

void tl_heap_restore_done(void)
{
    free(sites);
    sites = NULL;
    nsites = 0;
}
