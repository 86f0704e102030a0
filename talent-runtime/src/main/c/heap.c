/* heap.c: allocation tracking (talent_malloc & co.), the heap blocks a checkpoint writes, and their
 * restoration.
 *
 * Every live block allocated through the talent_* entry points has a record (address, size, element type
 * or NULL for untyped bytes, allocation site, allocation number). Records are kept dense in one array; an
 * open-addressing hash table (linear probing, backward-shift deletion) maps a block's start address to its
 * record, so allocation, free and the lookup of a pointer to a block's start are O(1). A pointer into the
 * middle of a block is looked up in an array of the blocks sorted by address, built once per checkpoint
 * and only when such a pointer is met.
 *
 * A checkpoint writes only the blocks reachable from globals and saved frame variables: encoding a pointer
 * marks the block it points into (the next block id, in discovery order, which is the same on every ISA
 * for the same program state), and the HEAP section then encodes marked blocks until none is left, marking
 * more as their pointers are encoded. Untyped blocks are opaque: their bytes are copied, never scanned for
 * pointers. For messages, each marked block remembers which block (or root variable) it was reached from;
 * the field path through them (list->next->next->data) is reconstructed only when a message needs it. */
/* madvise(MADV_HUGEPAGE) is a BSD/GNU extension (glibc and musl declare it under _DEFAULT_SOURCE) */
#define _DEFAULT_SOURCE 1
#include "talent_internal.h"
#include "bulk.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct tl_block {
    uintptr_t addr;
    size_t size;
    const talent_type *elem;        /* NULL: untyped (bytes) */
    const char *site;
    uint64_t serial;                /* allocation number, increasing */
} tl_block;

static const talent_type uchar_type = TALENT_INT_TYPE(unsigned char, "unsigned char");
static const talent_type char_type = TALENT_INT_TYPE(char, "char");

static tl_block *blocks;
static uint32_t nblocks, capblocks;
static uint32_t *slots;             /* record index + 1; 0 = empty */
static unsigned slot_bits;
static uint64_t next_serial = 1;

#define NONE 0xFFFFFFFFu

/* ---------------------------------------------------------------- the table */

static uint32_t home(uintptr_t a)
{
    return (uint32_t)(((uint64_t)a * 0x9E3779B97F4A7C15ull) >> (64 - slot_bits));
}

/* Slot holding address a, or the empty slot where it would go (*found = 0). */
static uint32_t probe(uintptr_t a, int *found)
{
    uint32_t mask = (1u << slot_bits) - 1, i = home(a);
    while (slots[i]) {
        if (blocks[slots[i] - 1].addr == a) {
            *found = 1;
            return i;
        }
        i = (i + 1) & mask;
    }
    *found = 0;
    return i;
}

/* Zeroed memory for a large table. Lookups of a million blocks hit the table at random: with 4 KiB pages
 * nearly every probe was a TLB miss (most of the time of a checkpoint of 1000000 blocks went to the first
 * load of a slot); transparent huge pages, where the kernel offers them, remove most of those. */
static void *table_alloc(size_t bytes)
{
    void *p = NULL;
#if defined(MADV_HUGEPAGE)
    if (bytes >= ((size_t)2 << 20)) {
        if (posix_memalign(&p, (size_t)2 << 20, bytes) != 0)
            p = NULL;
        if (p) {
            madvise(p, bytes, MADV_HUGEPAGE);
            memset(p, 0, bytes);
            return p;
        }
    }
#endif
    return tl_xcalloc(1, bytes);
}

/* Grows the table so that it holds `need` blocks at a load factor of at most 1/2 (one rehash). */
static void grow_slots_for(uint64_t need)
{
    uint32_t i, j;
    int found;
    if (!slot_bits)
        slot_bits = 10;
    while (need * 2 > ((uint64_t)1 << slot_bits))
        slot_bits++;
    if (slot_bits > 31)
        tl_die(TL_EXIT_SOFTWARE, "too many live heap blocks to track");
    free(slots);
    slots = table_alloc(((size_t)1 << slot_bits) * sizeof *slots);
    if (!slots)
        tl_die(TL_EXIT_SOFTWARE, "out of memory tracking heap blocks");
    for (i = 0; i < nblocks; i++) {
        j = probe(blocks[i].addr, &found);
        slots[j] = i + 1;
    }
}

static uint32_t lookup(uintptr_t a)
{
    int found;
    uint32_t i;
    if (!nblocks)
        return NONE;
    i = probe(a, &found);
    return found ? slots[i] - 1 : NONE;
}

static void track(void *p, size_t size, const talent_type *elem, const char *site, uint64_t serial)
{
    int found;
    uint32_t i;
    tl_block *b;
    if ((uint64_t)(nblocks + 1) * 2 > ((uint64_t)1 << slot_bits))
        grow_slots_for((uint64_t)nblocks + 1);
    i = probe((uintptr_t)p, &found);
    if (found) {
        /* a record whose block was freed behind talent's back (plain free() in uninstrumented code) */
        b = &blocks[slots[i] - 1];
    } else {
        if (nblocks == capblocks) {
            capblocks = capblocks ? 2 * capblocks : 1024;
            blocks = tl_xrealloc(blocks, (size_t)capblocks * sizeof *blocks);
        }
        b = &blocks[nblocks++];
        slots[i] = nblocks;
    }
    b->addr = (uintptr_t)p;
    b->size = size;
    b->elem = elem;
    b->site = site ? site : "?";
    b->serial = serial ? serial : next_serial++;
}

/* Removes the record of the block starting at p; returns 0 when there is none. */
static int untrack(uintptr_t a, tl_block *removed)
{
    uint32_t mask, i, j, k, idx, last;
    int found;
    if (!nblocks)
        return 0;
    i = probe(a, &found);
    if (!found)
        return 0;
    idx = slots[i] - 1;
    if (removed)
        *removed = blocks[idx];
    /* backward-shift deletion: entries after the hole that may move into it do */
    mask = (1u << slot_bits) - 1;
    j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!slots[j])
            break;
        k = home(blocks[slots[j] - 1].addr);
        if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
            continue;
        slots[i] = slots[j];
        i = j;
    }
    slots[i] = 0;
    /* keep the records dense: the last one moves into the hole */
    last = nblocks - 1;
    if (idx != last) {
        blocks[idx] = blocks[last];
        i = probe(blocks[idx].addr, &found);
        slots[i] = idx + 1;
    }
    nblocks--;
    return 1;
}

uint32_t tl_heap_live_blocks(void)
{
    return nblocks;
}

/* ---------------------------------------------------------------- the allocation entry points */

void *talent_malloc(size_t size, const talent_type *elem, const char *site)
{
    /* zero-filled: pointer fields not written yet (t->left while build() recurses into the left subtree)
     * are NULL at a checkpoint instead of garbage */
    void *p = calloc(1, size);
    if (p)
        track(p, size, elem, site, 0);
    return p;
}

void *talent_calloc(size_t n, size_t size, const talent_type *elem, const char *site)
{
    void *p = calloc(n, size);
    if (p)
        track(p, n * size, elem, site, 0);
    return p;
}

void *talent_realloc(void *p, size_t size, const talent_type *elem, const char *site)
{
    tl_block old;
    void *q;
    uint32_t idx;
    if (!p)
        return talent_malloc(size, elem, site);
    idx = lookup((uintptr_t)p);
    if (idx == NONE) {
        /* allocated outside talent (by the C library, say): from now on it is tracked */
        q = realloc(p, size);
        if (q)
            track(q, size, elem, site, 0);
        return q;
    }
    old = blocks[idx];
    q = realloc(p, size);
    if (!q) {
        if (size == 0)
            untrack(old.addr, NULL);    /* glibc's realloc(p, 0) frees p */
        return NULL;
    }
    if ((uintptr_t)q != old.addr)
        untrack(old.addr, NULL);
    /* same identity (allocation number); a site that could not infer the type keeps the old one */
    if (elem)
        track(q, size, elem, site, old.serial);
    else
        track(q, size, old.elem, old.site, old.serial);
    if (size > old.size)
        memset((char *)q + old.size, 0, size - old.size);
    return q;
}

void talent_free(void *p)
{
    if (!p)
        return;
    untrack((uintptr_t)p, NULL);    /* an untracked pointer (allocated by the C library) is simply freed */
    free(p);
}

void tl_heap_adopt(void *old, void *p, size_t size)
{
    uint32_t idx = lookup((uintptr_t)p);
    tl_block b;
    if (old && old != p && untrack((uintptr_t)old, &b)) {
        track(p, size, &char_type, b.site, b.serial);
        return;
    }
    if (idx != NONE) {
        blocks[idx].size = size;
        return;
    }
    track(p, size, &char_type, "getline", 0);
}

/* An in-process restore allocates the heap again from the checkpoint: every tracked block goes. */
void tl_heap_release_all(void)
{
    uint32_t i;
    for (i = 0; i < nblocks; i++)
        free((void *)blocks[i].addr);
    nblocks = 0;
    if (slots)
        memset(slots, 0, ((size_t)1 << slot_bits) * sizeof *slots);
}

char *talent_strdup(const char *s, const char *site)
{
    char *p = strdup(s);
    if (p)
        track(p, strlen(p) + 1, &char_type, site, 0);
    return p;
}

char *talent_strndup(const char *s, size_t n, const char *site)
{
    char *p = strndup(s, n);
    if (p)
        track(p, strlen(p) + 1, &char_type, site, 0);
    return p;
}

/* ---------------------------------------------------------------- checkpoint: marking */

typedef struct root {
    const char *name, *decl_pos;
    char *where;
    const void *addr;
    const talent_type *type;
} root;

#define ROOT_BIT 0x80000000u

static uint32_t *mark;              /* by record: block id + 1, 0 = not reached */
static uint32_t *order;             /* by block id: record */
static uint32_t *parent;            /* by block id: block id it was reached from, or ROOT_BIT | root */
static uint32_t nmarked, capmarked;
static uint32_t cur_parent;
static root *roots;
static uint32_t nroots, caproots;
static uint32_t *by_addr;           /* records sorted by address (interior pointers), built on demand */
static double index_ms;
static talent_type block_type;      /* the block a tl_heap_object() answer describes */

void tl_heap_checkpoint_begin(void)
{
    free(mark);
    mark = tl_xcalloc(nblocks ? nblocks : 1, sizeof *mark);
    nmarked = 0;
    nroots = 0;
    cur_parent = NONE;
    free(by_addr);
    by_addr = NULL;
    index_ms = 0;
}

void tl_heap_root(const char *name, const char *decl_pos, const char *where, const void *addr, const talent_type *t)
{
    root *r;
    if (nroots == caproots) {
        caproots = caproots ? 2 * caproots : 64;
        roots = tl_xrealloc(roots, (size_t)caproots * sizeof *roots);
    }
    r = &roots[nroots];
    r->name = name;
    r->decl_pos = decl_pos;
    r->where = tl_xstrdup(where);
    r->addr = addr;
    r->type = t;
    cur_parent = ROOT_BIT | nroots++;
}

static int cmp_addr(const void *x, const void *y)
{
    uintptr_t a = blocks[*(const uint32_t *)x].addr, b = blocks[*(const uint32_t *)y].addr;
    return a < b ? -1 : a > b;
}

/* The block containing address a (or ending exactly at a), for pointers into the middle of a block. */
static uint32_t lookup_interior(uintptr_t a)
{
    uint32_t lo = 0, hi = nblocks, mid;
    const tl_block *b;
    if (!by_addr) {
        double t0 = tl_now_ms();
        uint32_t i;
        by_addr = tl_xmalloc((nblocks ? nblocks : 1) * sizeof *by_addr);
        for (i = 0; i < nblocks; i++)
            by_addr[i] = i;
        qsort(by_addr, nblocks, sizeof *by_addr, cmp_addr);
        index_ms += tl_now_ms() - t0;
    }
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (blocks[by_addr[mid]].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NONE;
    b = &blocks[by_addr[lo - 1]];
    return a - b->addr <= b->size ? by_addr[lo - 1] : NONE;
}

static const talent_type *elem_of(const tl_block *b)
{
    return b->elem ? b->elem : &uchar_type;
}

/* A heap block is an array of count elements of its element type (FORMAT.md); the tail bytes after the last
 * whole element are not addressable by a path. */
static void describe_as_array(talent_type *t, const talent_type *elem, uint64_t count)
{
    t->kind = TALENT_K_ARRAY;
    t->name = "heap block";
    t->elem = elem;
    t->count = (size_t)count;
    t->size = (size_t)count * elem->size;
}

static uint64_t count_of(const tl_block *b)
{
    size_t esz = elem_of(b)->size;
    return esz ? b->size / esz : 0;
}

int tl_heap_object(uintptr_t p, tl_object *out)
{
    uint32_t idx = lookup(p), id;
    const tl_block *b;
    if (idx == NONE && nblocks)
        idx = lookup_interior(p);
    if (idx == NONE)
        return 0;
    b = &blocks[idx];
    if (!mark[idx]) {
        if (nmarked == capmarked) {
            capmarked = capmarked ? 2 * capmarked : 1024;
            order = tl_xrealloc(order, (size_t)capmarked * sizeof *order);
            parent = tl_xrealloc(parent, (size_t)capmarked * sizeof *parent);
        }
        order[nmarked] = idx;
        parent[nmarked] = cur_parent;
        mark[idx] = ++nmarked;
    }
    id = mark[idx] - 1;
    describe_as_array(&block_type, elem_of(b), count_of(b));
    out->base = b->addr;
    out->size = b->size;
    out->type = &block_type;
    out->kind = TL_OBJ_HEAP;
    out->a = id;
    out->b = 0;
    return 1;
}

static int is_byte_int(const talent_type *t)
{
    return (t->kind == TALENT_K_SINT || t->kind == TALENT_K_UINT) && t->size == 1;
}

void tl_heap_write(tl_buf *b, tl_typeset *types, tl_strtab *strs)
{
    size_t count_at = b->len;
    uint32_t i, type_id = 0;
    const talent_type *last_type = NULL;
    tl_value_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.heap_mode = TL_CTX_HEAP_WRITE;
    tl_buf_u32(b, 0);       /* patched below: marking goes on while blocks are encoded */
    for (i = 0; i < nmarked; i++) {
        const tl_block *blk = &blocks[order[i]];
        const talent_type *et = elem_of(blk);
        const unsigned char *p = (const unsigned char *)blk->addr;
        uint64_t count = count_of(blk), k;
        size_t esz = et->size, tail = blk->size - (size_t)count * esz;
        if (et != last_type) {
            type_id = tl_types_add(types, et);
            last_type = et;
        }
        tl_buf_u32(b, i);
        tl_buf_str(b, blk->site);
        tl_buf_u8(b, blk->elem ? 0 : TL_HEAP_UNTYPED);
        tl_buf_u32(b, type_id);
        tl_buf_u64(b, count);
        cur_parent = i;
        ctx.heap_block = i;
        if (is_byte_int(et)) {
            tl_buf_put(b, p, (size_t)count);   /* a one-byte integer encodes as itself */
        } else if (!tl_bulk_encode(b, et, p, count)) {
            for (k = 0; k < count; k++) {
                ctx.depth = 1;
                ctx.steps[0].field = NULL;
                ctx.steps[0].index = k;
                tl_encode_value(b, et, p + (size_t)k * esz, &ctx, strs);
            }
        }
        tl_buf_u32(b, (uint32_t)tail);
        tl_buf_put(b, p + (size_t)count * esz, tail);
    }
    b->data[count_at] = (unsigned char)(nmarked >> 24);
    b->data[count_at + 1] = (unsigned char)(nmarked >> 16);
    b->data[count_at + 2] = (unsigned char)(nmarked >> 8);
    b->data[count_at + 3] = (unsigned char)nmarked;
}

tl_heap_stats tl_heap_checkpoint_end(void)
{
    tl_heap_stats s;
    uint32_t i;
    s.blocks_written = nmarked;
    s.index_ms = index_ms;
    for (i = 0; i < nroots; i++)
        free(roots[i].where);
    nroots = 0;
    free(mark);
    mark = NULL;
    free(by_addr);
    by_addr = NULL;
    return s;
}

/* ---------------------------------------------------------------- checkpoint: messages */

typedef struct step {
    const char *field;
    uint64_t index;
} step;

/* Finds in a value of type t at addr a pointer whose value lies in [lo, hi]; records the member path. */
static int find_ptr(const talent_type *t, const unsigned char *addr, uintptr_t lo, uintptr_t hi, step *steps,
                    int *depth, uintptr_t *value)
{
    size_t i;
    int d = *depth;
    if (d >= TL_MAX_PATH)
        return 0;
    switch (t->kind) {
    case TALENT_K_PTR: {
        const void *v;
        memcpy(&v, addr, sizeof v);
        if ((uintptr_t)v >= lo && (uintptr_t)v <= hi) {
            *value = (uintptr_t)v;
            return 1;
        }
        return 0;
    }
    case TALENT_K_ARRAY:
        for (i = 0; i < t->count; i++) {
            steps[d].field = NULL;
            steps[d].index = i;
            *depth = d + 1;
            if (find_ptr(t->elem, addr + i * t->elem->size, lo, hi, steps, depth, value))
                return 1;
        }
        break;
    case TALENT_K_STRUCT:
    case TALENT_K_UNION:
        for (i = 0; i < (t->kind == TALENT_K_UNION && t->nfields ? 1 : t->nfields); i++) {
            if (t->fields[i].bit_width)
                continue;
            steps[d].field = t->fields[i].name;
            steps[d].index = 0;
            *depth = d + 1;
            if (find_ptr(t->fields[i].type, addr + t->fields[i].offset, lo, hi, steps, depth, value))
                return 1;
        }
        break;
    default:
        break;
    }
    *depth = d;
    return 0;
}

static void append(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *out, size_t outlen, const char *fmt, ...)
{
    size_t n = strlen(out);
    va_list ap;
    if (n + 1 >= outlen)
        return;
    va_start(ap, fmt);
    vsnprintf(out + n, outlen - n, fmt, ap);
    va_end(ap);
}

static void append_steps(char *out, size_t outlen, const step *s, int from, int depth)
{
    int i;
    for (i = from; i < depth; i++) {
        if (s[i].field)
            append(out, outlen, ".%s", s[i].field);
        else
            append(out, outlen, "[%llu]", (unsigned long long)s[i].index);
    }
}

/* Steps inside a block reached through a pointer to its element j: p->f, p[2].f, p[-1] */
static void append_block_steps(char *out, size_t outlen, uint64_t j, const step *s, int depth)
{
    if (depth == 0)
        return;
    if (s[0].index == j && depth >= 2 && s[1].field) {
        append(out, outlen, "->%s", s[1].field);
        append_steps(out, outlen, s, 2, depth);
    } else {
        append(out, outlen, "[%lld]", (long long)(s[0].index - j));
        append_steps(out, outlen, s, 1, depth);
    }
}

/* Element index of the block that address v points into. */
static uint64_t element_at(const tl_block *b, uintptr_t v)
{
    size_t esz = elem_of(b)->size;
    return esz ? (uint64_t)((v - b->addr) / esz) : 0;
}

/* Renders how block id was reached (root variable, then pointer fields through blocks) into out; returns
 * the element index of the block the last pointer addresses. Error path only: it rescans the chain. */
static uint64_t render_chain(uint32_t id, char *out, size_t outlen)
{
    uint32_t *chain = NULL, n = 0, cap = 0, c, k;
    uint64_t j = 0;
    step s[TL_MAX_PATH];
    int depth;
    uintptr_t v = 0;
    const root *r;
    out[0] = '\0';
    for (c = id; !(c & ROOT_BIT) && c != NONE; c = parent[c]) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            chain = tl_xrealloc(chain, cap * sizeof *chain);
        }
        chain[n++] = c;
        if (n > nmarked)
            break;  /* cannot happen: parents are discovered earlier */
    }
    if (c == NONE || !(c & ROOT_BIT) || n == 0) {
        snprintf(out, outlen, "heap block %lu", (unsigned long)id);
        free(chain);
        return 0;
    }
    r = &roots[c & ~ROOT_BIT];
    /* root -> chain[n-1] -> ... -> chain[0] = id */
    {
        const tl_block *first = &blocks[order[chain[n - 1]]];
        depth = 0;
        append(out, outlen, "%s", r->name);
        if (find_ptr(r->type, r->addr, first->addr, first->addr + first->size, s, &depth, &v)) {
            append_steps(out, outlen, s, 0, depth);
            j = element_at(first, v);
        }
    }
    for (k = n - 1; k > 0; k--) {
        const tl_block *from = &blocks[order[chain[k]]], *to = &blocks[order[chain[k - 1]]];
        const talent_type *et = elem_of(from);
        uint64_t e, count = count_of(from);
        int hidden = n > 8 && k < n - 3 && k > 3;
        depth = 0;
        for (e = 0; e < count && from->elem; e++) {
            s[0].field = NULL;
            s[0].index = e;
            depth = 1;
            if (find_ptr(et, (const unsigned char *)from->addr + (size_t)e * et->size, to->addr, to->addr + to->size,
                         s, &depth, &v))
                break;
            depth = 0;
        }
        if (k == n - 4 && hidden)
            append(out, outlen, "->...(%lu more)...", (unsigned long)(n - 7));
        if (!hidden)
            append_block_steps(out, outlen, j, s, depth);
        j = depth ? element_at(to, v) : 0;
    }
    free(chain);
    return j;
}

void tl_heap_describe(tl_value_ctx *ctx, char *out, size_t outlen)
{
    static char decl[512], where[1024];
    step s[TL_MAX_PATH];
    int i, depth = ctx->depth < TL_MAX_PATH ? ctx->depth : TL_MAX_PATH;
    for (i = 0; i < depth; i++) {
        s[i].field = ctx->steps[i].field;
        s[i].index = ctx->steps[i].index;
    }
    if (ctx->heap_mode == TL_CTX_HEAP_WRITE) {
        uint32_t id = ctx->heap_block, c = id;
        const tl_block *b = &blocks[order[id]];
        uint64_t j = render_chain(id, out, outlen);
        append_block_steps(out, outlen, j, s, depth);
        while (!(c & ROOT_BIT) && c != NONE)
            c = parent[c];
        if (c != NONE && (c & ROOT_BIT)) {
            const root *r = &roots[c & ~ROOT_BIT];
            snprintf(decl, sizeof decl, "%s", r->decl_pos);
            snprintf(where, sizeof where, "%s, in the heap block allocated at %s", r->where, b->site);
        } else {
            snprintf(decl, sizeof decl, "?");
            snprintf(where, sizeof where, "in the heap block allocated at %s", b->site);
        }
    } else {
        snprintf(out, outlen, "heap#%lu", (unsigned long)ctx->heap_block);
        append_steps(out, outlen, s, 0, depth);
        snprintf(decl, sizeof decl, "%s", ctx->var_name ? ctx->var_name : "?");
        snprintf(where, sizeof where, "heap block allocated at %s", ctx->var_name ? ctx->var_name : "?");
    }
    ctx->decl_pos = decl;
    ctx->where = where;
}

/* ---------------------------------------------------------------- restore */

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
    qsort(sites, nsites, sizeof *sites, cmp_site);
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

static int host_big_endian(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 0;
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

void tl_heap_restore(tl_checkpoint *ck)
{
    uint32_t i;
    const char *last_pos = NULL;
    uint32_t last_len = 0, last_elem = NONE;
    const talent_type *last_desc = NULL;
    int same_layout = ck->big_endian == host_big_endian() && ck->pointer_bits == 8 * sizeof(void *);
    uint64_t foreign_tails = 0;
    tl_value_ctx ctx;

    collect_sites();
    /* descriptors synthesised for an earlier checkpoint stay with the blocks that use them; the index is
     * per checkpoint (type ids) */
    free(synthesised);
    synthesised = NULL;
    if (((uint64_t)nblocks + ck->nheap) * 2 > ((uint64_t)1 << slot_bits))
        grow_slots_for((uint64_t)nblocks + ck->nheap);
    /* 1. allocate every block, so that every pointer into the heap resolves while values are decoded */
    for (i = 0; i < ck->nheap; i++) {
        tl_ck_block *blk = &ck->heap[i];
        const char *pos = (const char *)ck->heap_payload + blk->pos_off;
        const talent_type *desc;
        const char *site = intern_site(pos, blk->pos_len);
        size_t esz, size;
        if (blk->flags & TL_HEAP_UNTYPED) {
            if (!same_layout)
                tl_die_hook = NULL, /* this platform's layout, not a damaged file: no fallback */
                tl_die(TL_EXIT_DATAERR, "cannot restore the heap block allocated at %s (%llu bytes whose element "
                       "type talent could not infer, carried as raw bytes): it was written on %s (%s) and this is "
                       "%s (%s); restore it on a platform with the same byte order and pointer width, or let the "
                       "compiler infer the type (assign the allocation to a typed pointer, or use sizeof(T) or "
                       "sizeof *p in its size)", site, (unsigned long long)blk->count, ck->platform,
                       platform_layout(ck->big_endian, ck->pointer_bits), tl_platform,
                       platform_layout(host_big_endian(), (unsigned)(8 * sizeof(void *))));
            desc = NULL;
            esz = 1;
        } else {
            if (last_desc && blk->elem == last_elem && blk->pos_len == last_len &&
                memcmp(pos, last_pos, last_len) == 0)
                desc = last_desc;
            else {
                const site_entry *e = find_site(pos, blk->pos_len);
                const tl_ck_type *ct = &ck->types[blk->elem];
                desc = e && e->elem && strcmp(e->elem->name, ct->name) == 0 ? e->elem : scalar_for(ck, blk->elem);
                if (!desc && e && e->elem)
                    desc = e->elem;     /* spelled differently: the value decoder compares the shapes */
                if (!desc)
                    tl_die(TL_EXIT_DATAERR, "cannot restore the heap block allocated at %s: this program does not "
                           "list that allocation site with its element type '%s' (talent_unit.alloc_sites)", site,
                           ct->name);
                last_desc = desc;
                last_elem = blk->elem;
                last_pos = pos;
                last_len = blk->pos_len;
            }
            esz = desc->size;
        }
        if (esz && blk->count > ((size_t)-1 - blk->tail_len) / esz)
            tl_die_hook = NULL, tl_die(TL_EXIT_DATAERR, "cannot restore the heap block allocated at %s: %llu elements of %lu bytes do not "
                   "fit in this platform's address space", site, (unsigned long long)blk->count, (unsigned long)esz);
        size = (size_t)blk->count * esz + blk->tail_len;
        blk->addr = calloc(1, size);
        if (!blk->addr)
            tl_die(TL_EXIT_SOFTWARE, "out of memory restoring the heap block allocated at %s (%lu bytes)", site,
                   (unsigned long)size);
        blk->desc = desc;
        track(blk->addr, size, desc, site, 0);
    }
    /* 2. decode the values; pointers to frame variables not rebuilt yet are patched when they are bound */
    memset(&ctx, 0, sizeof ctx);
    ctx.heap_mode = TL_CTX_HEAP_READ;
    ctx.allow_fixups = 1;
    for (i = 0; i < ck->nheap; i++) {
        tl_ck_block *blk = &ck->heap[i];
        unsigned char *p = blk->addr;
        const tl_ck_type *ct = &ck->types[blk->elem];
        size_t esz = blk->desc ? blk->desc->size : 1;
        uint64_t k;
        tl_reader r;
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
    qsort(ck->heap_by_id, ck->nheap, sizeof *ck->heap_by_id, cmp_id);
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

void tl_heap_restore_done(void)
{
    free(sites);
    sites = NULL;
    nsites = 0;
}
