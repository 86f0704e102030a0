/* heap_write.c: the heap blocks a checkpoint writes.
 *
 * Only the blocks reachable from globals and saved frame variables are written: encoding a pointer marks
 * the block it points into (the next block id, in discovery order, which is the same on every ISA for the
 * same program state), and the HEAP section then encodes marked blocks until none is left, marking more as
 * their pointers are encoded. Untyped blocks are opaque: their bytes are copied, never scanned for pointers.
 *
 * Pointers are looked up only here: at the start of a checkpoint the live blocks (heap_track.c) are copied
 * into a snapshot and indexed by start address in one open-addressing table (built in one sequential pass,
 * on transparent huge pages where available); a pointer into the middle of a block is looked up by binary
 * search in the snapshot sorted by address, built only when such a pointer is met. For messages, each marked
 * block remembers which block (or root variable) it was reached from; the field path through them
 * (list->next->next->data) is reconstructed only when a message needs it. */
/* madvise(MADV_HUGEPAGE) is a BSD/GNU extension (glibc and musl declare it under _DEFAULT_SOURCE) */
#define _DEFAULT_SOURCE 1
#include "heap_track.h"
#include "foreign.h"
#include "heap_slab.h"
#include "diag.h"
#include "xalloc.h"
#include "heap_write.h"
#include "heap_mapping.h"
#include "bulk.h"
#include "heap_layout.h"
#include "heap_trailing.h"
#include "refusal.h"
#include "sort.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A live block as the checkpoint sees it. */
typedef struct tl_block {
    uintptr_t addr;
    size_t size;
    const talent_type *elem;        /* NULL: untyped (bytes) */
    const char *site;
    const talent_type *base;        /* one struct with a trailing array: that struct, elem its form cut to the
                                     * block (heap_trailing.h); else NULL */
} tl_block;

static const talent_type uchar_type = TALENT_INT_TYPE(unsigned char, "unsigned char");

#define NONE 0xFFFFFFFFu

/* The live blocks when the checkpoint began, with what this pass noted of each: a pointer lookup reads one entry
 * (one cache line where a tree's blocks are reached at random), not one in each of several arrays. */
typedef struct snap_entry {
    tl_hdr *h;
    uint32_t mark;                  /* block id + 1, 0 = not reached */
    unsigned char seen;             /* SEEN_AS_BYTES, INFERRED, LATER_ELEMENT, GUESS_LISTED (below) */
} snap_entry;
static snap_entry *snap;
static uint32_t nsnap;
static uint32_t *slots;             /* snapshot index + 1 by start address; 0 = empty */
static size_t slots_bytes;
static unsigned slot_bits;
/* The headers of the blocks the last checkpoint wrote (tl_heap_release_written): the pass's order_hdr (below), kept
 * when the pass ends. */
static const tl_hdr **written;
static uint32_t nwritten, capwritten;

/* Copies n bytes (a site's "file:line:col", a few dozen) without a call to memcpy for each of a million blocks:
 * 8-byte moves, the last one overlapping. */
static void copy_short(unsigned char *d, const char *s, size_t n)
{
    size_t i;
    if (n < 8) {
        for (i = 0; i < n; i++)
            d[i] = (unsigned char)s[i];
        return;
    }
    for (i = 0; i + 8 < n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        memcpy(d + i, &v, 8);
    }
    {
        uint64_t v;
        memcpy(&v, s + n - 8, 8);
        memcpy(d + n - 8, &v, 8);
    }
}

/* A block of a struct with a trailing array (a flexible array member, the struct hack: heap_trailing.h) is one
 * element of that struct with its last array cut to the block's size; else NULL. */
static const talent_type *trailing_view(const tl_hdr *h, const talent_type *elem, size_t size)
{
    /* whether elem can have a trailing array at all, for the last type asked about: a million blocks of one
     * type ask in a row, and most types cannot */
    static const talent_type *last_t;
    static const talent_field *last_fields;
    static size_t last_nfields;
    static int last_shape;
    if (!elem)
        return NULL;
    if (elem != last_t || elem->fields != last_fields || elem->nfields != last_nfields) {
        last_shape = tl_trailing_shape(elem);
        last_t = elem;
        last_fields = elem->fields;
        last_nfields = elem->nfields;
    }
    if (last_shape && tl_trailing_applies(elem, size, (h->size_hi & TL_HDR_TRAILING) != 0))
        return tl_trailing_type(elem, tl_trailing_count(elem, size));
    return NULL;
}

static tl_block view_hdr(const tl_hdr *h)
{
    tl_block b;
    b.addr = tl_hdr_addr(h);
    b.size = tl_hdr_size(h);
    b.elem = tl_heap_site_elem(h->site);
    b.site = tl_heap_site_pos(h->site);
    b.base = NULL;
    {
        const talent_type *t = trailing_view(h, b.elem, b.size);
        if (t) {
            b.base = b.elem;
            b.elem = t;
        }
    }
    return b;
}

static tl_block view(uint32_t s)
{
    return view_hdr(snap[s].h);
}

static uint32_t home(uintptr_t a)
{
    return (uint32_t)(((uint64_t)a * 0x9E3779B97F4A7C15ull) >> (64 - slot_bits));
}

/* Zeroed memory for a large table. Lookups of a million blocks hit the table at random: with 4 KiB pages
 * nearly every probe was a TLB miss; transparent huge pages, where the kernel offers them, remove most. */
static void *table_alloc(size_t bytes)
{
    void *p = NULL;
#if defined(MADV_HUGEPAGE)
    if (bytes >= ((size_t)2 << 20)) {
        p = tl_runtime_mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
        if (p != MAP_FAILED) {
            madvise(p, bytes, MADV_HUGEPAGE);
            return p;   /* anonymous memory is zero */
        }
        p = NULL;
    }
#endif
    return tl_xcalloc(1, bytes);
}

static void table_free(void *p, size_t bytes)
{
    if (!p)
        return;
#if defined(MADV_HUGEPAGE)
    if (bytes >= ((size_t)2 << 20)) {
        tl_runtime_munmap(p, bytes);
        return;
    }
#endif
    free(p);
}

static double index_ms;

/* The table holds the blocks that are not in a slab slot (large ones, over-aligned ones): a pointer to the start of
 * a small block is recognised from the header before it (slab_block). */
static void build_index(void)
{
    uint32_t i, mask, nbig = 0;
    double t0 = tl_now_ms();
    for (i = 0; i < nsnap; i++)
        nbig += !(snap[i].h->size_hi & TL_HDR_SLAB);
    slot_bits = 10;
    while ((uint64_t)nbig * 2 > ((uint64_t)1 << slot_bits))
        slot_bits++;
    if (slot_bits > 31)
        tl_die(TL_EXIT_SOFTWARE, "too many live heap blocks to index");
    slots_bytes = ((size_t)1 << slot_bits) * sizeof *slots;
    slots = table_alloc(slots_bytes);
    mask = (1u << slot_bits) - 1;
    for (i = 0; i < nsnap; i++) {
        uint32_t j;
        if (snap[i].h->size_hi & TL_HDR_SLAB)
            continue;
        j = home(tl_hdr_addr(snap[i].h));
        while (slots[j])
            j = (j + 1) & mask;
        slots[j] = i + 1;
    }
    index_ms += tl_now_ms() - t0;
}

/* A small block starting at a: its header is the 16 bytes before it, in the same slab chunk (so readable), and
 * names its index in the live array, which holds exactly that header for a live block (anything else there, the
 * middle of another block or a freed slot, does not). One read next to the block instead of a table probe. */
static uint32_t slab_block(uintptr_t a)
{
    const tl_hdr *h;
    uint32_t i;
    if (a < sizeof(tl_hdr) || (a & (sizeof(tl_hdr) - 1)) || !tl_slab_holds(a - sizeof(tl_hdr)))
        return NONE;
    h = (const tl_hdr *)a - 1;
    i = h->idx;
    return i < nsnap && snap[i].h == h ? i : NONE;
}

static uint32_t lookup(uintptr_t a)
{
    uint32_t mask, j, i = slab_block(a);
    if (i != NONE)
        return i;
    if (!slots)
        build_index();
    mask = (1u << slot_bits) - 1;
    j = home(a);
    while (slots[j]) {
        if (tl_hdr_addr(snap[slots[j] - 1].h) == a)
            return slots[j] - 1;
        j = (j + 1) & mask;
    }
    return NONE;
}

void tl_heap_release_written(void)
{
    uint32_t i;
    for (i = 0; i < nwritten; i++)
        talent_free((void *)tl_hdr_addr(written[i]));
    nwritten = 0;
}

/* ---------------------------------------------------------------- checkpoint: marking */

typedef struct root {
    const char *name, *decl_pos;
    char *where;
    const void *addr;
    const talent_type *type;
} root;

#define ROOT_BIT 0x80000000u

static uint32_t *order;             /* by block id: snapshot index */
/* by block id: its header (snap[order[id]].h), noted when the block is reached, so that the write loop reads the
 * headers in sequence instead of the snapshot at random (a tree's blocks are reached all over it) */
static const tl_hdr **order_hdr;
static uint32_t caporder_hdr;
static uint32_t *parent;            /* by block id: block id it was reached from, or ROOT_BIT | root */
static uint32_t nmarked, capmarked;
/* The HEAP section being written: where its block count goes, and how many marked blocks are encoded so far (the
 * section is written in two parts: tl_heap_write_reached after the globals, tl_heap_write after the frames). */
static size_t heap_count_at;
static int heap_started;
static uint32_t nencoded;
static uint32_t cur_parent;
static root *roots;
static uint32_t nroots, caproots;
static uint32_t *by_addr;           /* snapshot indexes sorted by address (interior pointers), built on demand */
static talent_type block_type;      /* the block a tl_heap_object() answer describes */
/* By snapshot index: the block was seen as bytes (a pointer into it encoded as a byte path, or its bytes
 * written) while untyped; its type was inferred in this pass from a pointer that references it. */
#define SEEN_AS_BYTES 1u
#define INFERRED 2u
#define LATER_ELEMENT 4u            /* a typed pointer into it past its first element: it is an array */
#define GUESS_LISTED 8u             /* in guessed[] */
static int retyped;                 /* a block seen as bytes got a type: the checkpoint is encoded again */

/* Conflicts met in this pass on blocks whose type was inferred: not refused at once, because a pointer met later may
 * give the block a larger type that holds both uses (a deflate_state after a ct_data * into its member); those left
 * at the end of the pass refuse the checkpoint. */
typedef struct conflict {
    uint32_t idx;
    char *msg;
} conflict;
static conflict *conflicts;
static uint32_t nconflicts, capconflicts;
/* By snapshot index, for blocks typed in this pass from a pointer (INFERRED): that pointer's offset in the block.
 * Allocated at the first such typing of a pass. */
static size_t *infer_off;
/* For a few blocks whose type is guessed (TL_HDR_GUESSED): the pointer it was guessed from, for the refusal. */
#define GUESS_WHY_MAX 64
static struct guess_why {
    uint32_t idx;
    char *what;
} guess_why[GUESS_WHY_MAX];
static unsigned nguess_why;
/* The first word of a block written as bytes (untyped, or of a one-byte integer type) found to hold the address of a
 * live heap block in this pass: a pointer in memory talent carries as bytes, which a restore would leave aimed at the
 * old address. */
static struct {
    int found, typed;
    uint32_t idx, target;
    size_t off;
} raw_ptr;
/* The lowest address of a live block and one past the end of the highest, computed at the first scan of a pass
 * (heap_range_known): most words of byte data fall outside and need no lookup. */
static uintptr_t heap_lo, heap_hi;
static int heap_range_known;
/* The blocks reached in this pass whose type is guessed (TL_HDR_GUESSED), by snapshot index. */
static uint32_t *guessed;
static uint32_t nguessed, capguessed;
/* The first block reached in this pass that is one struct followed by other data (TL_HDR_HEAD) with bytes after its
 * first element, by snapshot index: refused at the end of the pass unless another reason came first. */
static struct {
    int found;
    uint32_t idx;
} head_tail;
/* The headers this checkpoint changed (a type inferred or guessed, a guess confirmed), with what they held before, in
 * the order of the changes: a refused checkpoint puts them back (tl_heap_checkpoint_abandon), so that the program
 * goes on with its heap as it was and the next checkpoint infers and checks as strictly as this one. Kept across the
 * passes of one checkpoint (a retyped block encodes it again); emptied when the checkpoint ends either way. */
typedef struct undo {
    tl_hdr *h;
    uint32_t site, size_hi;
} undo;
static undo *undos;
static size_t nundos, capundos;

static void remember(tl_hdr *h)
{
    if (nundos == capundos) {
        capundos = capundos ? 2 * capundos : 64;
        undos = tl_xrealloc(undos, capundos * sizeof *undos);
    }
    undos[nundos].h = h;
    undos[nundos].site = h->site;
    undos[nundos].size_hi = h->size_hi;
    nundos++;
}

static void drop_all_conflicts(void)
{
    uint32_t i;
    for (i = 0; i < nconflicts; i++)
        free(conflicts[i].msg);
    nconflicts = 0;
    for (i = 0; i < nguess_why; i++)
        free(guess_why[i].what);
    nguess_why = 0;
    nguessed = 0;
    raw_ptr.found = 0;
    head_tail.found = 0;
    heap_range_known = 0;
}

void tl_heap_checkpoint_begin(void)
{
    uint32_t i;
    nsnap = tl_heap_nlive;
    free(snap);
    snap = tl_xmalloc((nsnap ? nsnap : 1) * sizeof *snap);
    for (i = 0; i < nsnap; i++) {
        snap[i].h = tl_heap_live[i];
        snap[i].mark = 0;
        snap[i].seen = 0;
    }
    retyped = 0;
    drop_all_conflicts();
    free(infer_off);
    infer_off = NULL;
    table_free(slots, slots_bytes);
    slots = NULL;
    nwritten = 0;
    nmarked = 0;
    nencoded = 0;
    heap_started = 0;
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
    uintptr_t a = (uintptr_t)snap[*(const uint32_t *)x].h, b = (uintptr_t)snap[*(const uint32_t *)y].h;
    return a < b ? -1 : a > b;
}

/* The block containing address a (or ending exactly at a), for pointers into the middle of a block. */
static uint32_t lookup_interior(uintptr_t a)
{
    uint32_t lo = 0, hi = nsnap, mid;
    tl_block b;
    if (!by_addr) {
        double t0 = tl_now_ms();
        uint32_t i;
        by_addr = tl_xmalloc((nsnap ? nsnap : 1) * sizeof *by_addr);
        for (i = 0; i < nsnap; i++)
            by_addr[i] = i;
        tl_sort(by_addr, nsnap, sizeof *by_addr, cmp_addr);
        index_ms += tl_now_ms() - t0;
    }
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (tl_hdr_addr(snap[by_addr[mid]].h) <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NONE;
    b = view(by_addr[lo - 1]);
    return a - b.addr <= b.size ? by_addr[lo - 1] : NONE;
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
    if (b->base)
        return 1;
    return esz ? b->size / esz : 0;
}

/* A pointee descriptor that types a block: not void, char or another one-byte integer (those views of memory
 * say nothing about what it holds), not an empty descriptor (kind 0: one the compiler could not make). */
static const talent_type *typing_pointee(const talent_type *pointee)
{
    if (!pointee || pointee->size == 0 || pointee->kind < TALENT_K_SINT || pointee->kind > TALENT_K_UNION ||
        pointee->kind == TALENT_K_FUNCPTR)
        return NULL;
    if ((pointee->kind == TALENT_K_SINT || pointee->kind == TALENT_K_UINT) && pointee->size == 1)
        return NULL;
    return pointee;
}

static void add_conflict(uint32_t idx, char *msg)
{
    if (nconflicts == capconflicts) {
        capconflicts = capconflicts ? 2 * capconflicts : 8;
        conflicts = tl_xrealloc(conflicts, (size_t)capconflicts * sizeof *conflicts);
    }
    conflicts[nconflicts].idx = idx;
    conflicts[nconflicts].msg = msg;
    nconflicts++;
}

static void drop_conflicts(uint32_t idx)
{
    uint32_t i = 0;
    while (i < nconflicts) {
        if (conflicts[i].idx == idx) {
            free(conflicts[i].msg);
            conflicts[i] = conflicts[--nconflicts];
        } else {
            i++;
        }
    }
}

/* Notes what a pointer of type pt at byte off tells about the element count of a block whose type was guessed (none
 * else): a pointer past the first element shows an array; else the first such pointer is kept for the refusal. */
static void note_guess(uint32_t idx, const tl_hdr *h, const talent_type *pt, size_t off, tl_value_ctx *ctx)
{
    const talent_type *have = tl_heap_site_elem(h->site);
    char what[256];
    size_t len;
    unsigned i;
    if (!(h->size_hi & TL_HDR_GUESSED) || !have || !have->size)
        return;
    if (off >= have->size) {
        snap[idx].seen |= LATER_ELEMENT;
        return;
    }
    if (nguess_why == GUESS_WHY_MAX)
        return;
    for (i = 0; i < nguess_why; i++)
        if (guess_why[i].idx == idx)
            return;
    tl_ctx_describe(ctx, what, sizeof what);
    len = strlen(what) + strlen(pt->name) + strlen(ctx->decl_pos) + strlen(ctx->where) + 64;
    guess_why[nguess_why].idx = idx;
    guess_why[nguess_why].what = tl_xmalloc(len);
    snprintf(guess_why[nguess_why].what, len, "'%s' (%s, declared at %s, %s)", what, pt->name, ctx->decl_pos,
             ctx->where);
    nguess_why++;
}

static void retype(uint32_t idx, tl_hdr *h, const talent_type *pt, size_t off)
{
    remember(h);
    h->site = tl_heap_site(tl_heap_site_pos(h->site), pt);
    h->size_hi |= TL_HDR_WEAK;
    if (tl_hdr_size(h) / pt->size > 1)
        h->size_hi |= TL_HDR_GUESSED;
    else
        h->size_hi &= ~TL_HDR_GUESSED;
    snap[idx].seen |= INFERRED;
    if (!infer_off)
        infer_off = tl_xcalloc(nsnap ? nsnap : 1, sizeof *infer_off);
    infer_off[idx] = off;
}

/* A pointer of struct type pt to the start of a block that is not a whole number of pt, where pt ends in an array:
 * the block is one pt whose last array runs on (heap_trailing.h), when the type inferred before in this pass (was,
 * from a pointer at infer_off) sits inside that shape. */
static int infer_trailing(uint32_t idx, tl_hdr *h, const talent_type *pt, size_t off, size_t size,
                          const talent_type *was)
{
    const talent_type *t;
    if (off != 0 || !tl_trailing_applies(pt, size, 0))
        return 0;
    t = tl_trailing_type(pt, tl_trailing_count(pt, size));
    if (!t || (was && !tl_layout_block_holds(t, size, infer_off[idx], was)))
        return 0;
    retype(idx, h, pt, off);
    h->size_hi = (h->size_hi & ~TL_HDR_GUESSED) | TL_HDR_TRAILING;
    return 1;
}

/* Whether the bytes of a value of type t are the same on every ISA of one byte order: an integer of 1, 2 or 4 bytes
 * (char, short, int and their fixed-width names, an enum), or an array or a struct (no bit-field) of such, whose
 * members are then aligned to their own size on every ISA, so that the struct's offsets and padding are the same
 * too. Decided on a writer whose long is 8 bytes: there no integer of at most 4 bytes has another size on another
 * ISA (i686's 4-byte long, size_t or time_t are 8 bytes here, so never taken), and an 8-byte integer may be a long
 * (4 bytes on i686) or a 64-bit integer that i686 aligns to 4 inside a struct: never taken either. Floating types,
 * long double, pointers, unions and _Bool are not taken. */
static int byte_order_view(const talent_type *t, int depth)
{
    unsigned i;
    if (!t || depth > 16 || sizeof(long) != 8)
        return 0;
    switch (t->kind) {
    case TALENT_K_SINT:
    case TALENT_K_UINT:
        return t->size == 1 || t->size == 2 || t->size == 4;
    case TALENT_K_ARRAY:
        return t->count > 0 && byte_order_view(t->elem, depth + 1);
    case TALENT_K_STRUCT:
        if (!t->nfields || !t->fields)
            return 0;
        for (i = 0; i < t->nfields; i++)
            if (t->fields[i].bit_width || !byte_order_view(t->fields[i].type, depth + 1))
                return 0;
        return 1;
    default:
        return 0;
    }
}

/* The block of element type have is carried as raw bytes bound to this byte order (FORMAT.md "HEAP", flag bit 2):
 * used as fixed-width integers of two widths, which one is live depends on the program's phase, so no conversion is
 * right, but its bytes are right on every ISA of this byte order; every pointer into it is encoded again as a byte
 * path. */
static void to_byte_order(uint32_t idx, tl_hdr *h)
{
    remember(h);
    h->site = tl_heap_site(tl_heap_site_pos(h->site), NULL);
    h->size_hi = (h->size_hi & ~(TL_HDR_WEAK | TL_HDR_GUESSED | TL_HDR_TRAILING)) | TL_HDR_BYTE_ORDER;
    drop_conflicts(idx);
    retyped = 1;
}

/* The scalar type t is made of (t itself, or an array's element, nested), or NULL for a struct, union or pointer. */
static const talent_type *scalar_of(const talent_type *t, int depth)
{
    if (!t || depth > 16)
        return NULL;
    if (t->kind == TALENT_K_SINT || t->kind == TALENT_K_UINT || t->kind == TALENT_K_FLOAT)
        return t;
    return t->kind == TALENT_K_ARRAY ? scalar_of(t->elem, depth + 1) : NULL;
}

/* Refuses block idx: its bytes are used under two types, the first one said by `first` (the block's type, or how
 * it is carried), the second pt's through the pointer ctx names at byte off. typed: the allocation call gave the
 * type (else the pragma that would is advised); detail: what follows the offset ("" for nothing). */
static void two_types(uint32_t idx, tl_hdr *h, int typed, const char *first, const talent_type *pt, size_t off,
                      const char *detail, tl_value_ctx *ctx)
{
    size_t msglen = 1024;
    char what[256], *msg = tl_xmalloc(msglen);
    tl_ctx_describe(ctx, what, sizeof what);
    snprintf(msg, msglen, "cannot checkpoint: the heap block allocated at %s (%lu bytes, %s%s%s) is used as %s and as "
             "'%s' (pointer '%s', declared at %s, %s, at byte %lu of the block%s): the same bytes under two types "
             "cannot be converted to another platform's layout; use one type for the block (a union, or separate "
             "blocks)%s", tl_heap_site_pos(h->site), (unsigned long)tl_hdr_size(h),
             typed ? "of '" : "allocated where talent does not see its type",
             typed ? tl_heap_site_elem(h->site)->name : "", typed ? "' from its allocation" : "", first, pt->name,
             what, ctx->decl_pos, ctx->where, (unsigned long)off, detail,
             typed ? "" : ", or name it with '#pragma talent alloc_type(T)' before the allocation");
    add_conflict(idx, msg);
}

/* A pointer of type pt into a block whose type the compiler saw at its allocation (elem have, pt another type),
 * inside the block where have's layout has no pt: fixed-width integers of another width make the block byte order
 * only, as for an inferred type (which one is live depends on the program's phase: converted as have, the other view
 * would read swapped parts on another byte order); other scalars of another size (a float beside a uint16_t) are the
 * same bytes under two types, refused, and so is any such view past the first element of a struct block (a header
 * and then other data in one allocation) unless it is one past a member of pt's type in a later element
 * (`&h[1].p + 1`), which the layout paths name as such. Other views involving structs, and pointers at or past the end,
 * are left to the layout paths as before. */
static void check_typed_view(uint32_t idx, tl_hdr *h, const talent_type *have, const talent_type *pt, size_t off,
                             tl_value_ctx *ctx)
{
    size_t size = tl_hdr_size(h);
    const talent_type *a, *b;
    char first[160];
    if (off >= size || tl_layout_compatible(have, pt) || tl_layout_block_holds(have, size, off, pt))
        return;
    if ((have->kind == TALENT_K_STRUCT || have->kind == TALENT_K_UNION) && off >= have->size
        && !(pt->size && off >= pt->size && tl_layout_block_holds(have, size, off - pt->size, pt))) {
        /* room for one struct and then data of other types (`calloc(1, sizeof(T) + extra)`, the rest reached through
         * `(T *)p + 1` as another struct or as numbers): converted as more elements of the struct, those bytes came
         * back as other values on another ISA, exit 0 (docs/CODEGEN.md, "A struct followed by other data") */
        char detail[200];
        snprintf(first, sizeof first, "'%s'", have->name);
        snprintf(detail, sizeof detail, ", past its first '%s', where talent would convert the bytes as more '%s' "
                 "elements", have->name, have->name);
        two_types(idx, h, 1, first, pt, off, detail, ctx);
        return;
    }
    if (byte_order_view(have, 0) && byte_order_view(pt, 0)) {
        to_byte_order(idx, h);
        return;
    }
    a = scalar_of(have, 0);
    b = scalar_of(pt, 0);
    if (!a || !b || a->size == b->size)
        return;
    snprintf(first, sizeof first, "'%s'", have->name);
    two_types(idx, h, 1, first, pt, off, "", ctx);
}

/* A block allocated where the compiler did not see its type takes it from the typed pointers that reference it; a
 * block whose type was inferred (here, or from its caller's cast) must agree with every typed pointer into it: a
 * pointer of type T * at an offset where the type has a T (a member, an element of a member array, through nested
 * structs) is an interior pointer, written as a path in that type's layout. A pointer of a larger aggregate type
 * at a multiple of its size replaces a smaller inferred type (the checkpoint is encoded again, every pointer then
 * checked against it); what is left is the same bytes used under two types, refused with both names. The type
 * stays in the header for later checkpoints and the restore. */
static void infer(uint32_t idx, uintptr_t p, const talent_type *pt, tl_value_ctx *ctx)
{
    tl_hdr *h = snap[idx].h;
    const talent_type *have = tl_heap_site_elem(h->site);
    size_t size = tl_hdr_size(h), off = (size_t)(p - tl_hdr_addr(h));
    char first[160], detail[200];
    if (!have && (h->size_hi & TL_HDR_BYTE_ORDER)) {
        /* carried as bytes of this byte order: another view of a fixed-width integer type agrees; any other refuses */
        if (byte_order_view(pt, 0))
            return;
        two_types(idx, h, 0, "fixed-width integers of several widths (carried as raw bytes of this byte order)", pt,
                  off, "; a type whose size or layout is not the same on every ISA", ctx);
        return;
    }
    if (have) {
        if (!(h->size_hi & TL_HDR_WEAK)) {
            /* typed by its allocation call (or a pragma): a pointer of its element type is the common case and
             * costs nothing more; any other view is checked as one into an inferred type is */
            if (have != pt)
                check_typed_view(idx, h, have, pt, off, ctx);
            return;
        }
        if (have != pt && !tl_layout_compatible(have, pt)) {
            const talent_type *t = trailing_view(h, have, size);
            if (t)
                have = t;       /* one struct with a trailing array: pointers into that array agree with it */
        }
        if (have == pt || tl_layout_block_holds(have, size, off, pt)) {
            note_guess(idx, h, pt, off, ctx);
            return;
        }
        if ((snap[idx].seen & INFERRED) &&
            (pt->kind == TALENT_K_STRUCT || pt->kind == TALENT_K_UNION || pt->kind == TALENT_K_ARRAY) &&
            pt->size > have->size && size >= pt->size && off % pt->size == 0 &&
            tl_layout_block_holds(pt, size, infer_off[idx], have)) {
            /* a larger type that holds the one inferred in this pass where it was met (a type given by a cast, or
             * kept from an earlier checkpoint, is not replaced): the pointers met so far are checked against it
             * in the next pass */
            retype(idx, h, pt, off);
            note_guess(idx, h, pt, off, ctx);
            drop_conflicts(idx);
            retyped = 1;
            return;
        }
        if ((snap[idx].seen & INFERRED) && !(h->size_hi & TL_HDR_TRAILING) && infer_trailing(idx, h, pt, off, size, have)) {
            drop_conflicts(idx);
            retyped = 1;
            return;
        }
        if (byte_order_view(have, 0) && byte_order_view(pt, 0)) {
            /* two views of fixed-width integers (a UInt32 and a UInt16 view of one work area): which one is live
             * depends on the program's phase, so no conversion is right, but the bytes are right on every ISA of
             * this byte order; the block is carried as such (FORMAT.md "HEAP", flag bit 2) and every pointer into
             * it encoded again as a byte path */
            to_byte_order(idx, h);
            return;
        }
        snprintf(first, sizeof first, "'%s'", have->name);
        snprintf(detail, sizeof detail, ", where '%s' has no member of that type", have->name);
        two_types(idx, h, 0, first, pt, off, detail, ctx);
        return;
    }
    if (size < pt->size || off % pt->size != 0 || size % pt->size != 0 || tl_trailing_flexible(pt)) {
        /* not an array of that type (a struct with a flexible array member never is one): one struct with a
         * trailing array (the struct hack, a FAM), else it stays bytes */
        if (infer_trailing(idx, h, pt, off, size, NULL) && (snap[idx].seen & SEEN_AS_BYTES))
            retyped = 1;
        return;
    }
    retype(idx, h, pt, off);
    note_guess(idx, h, pt, off, ctx);
    if (snap[idx].seen & SEEN_AS_BYTES)
        retyped = 1;
}

/* At the end of a pass that is not encoded again: a block whose type was guessed from pointers to its start only
 * and that holds several elements of it is refused (it may be one larger object that begins with that type, whose
 * other members would be converted as the wrong types); one that a pointer past its first element showed to be an
 * array is one from now on. */
static void check_guesses(void)
{
    uint32_t i, k;
    for (i = 0; i < nguessed; i++) {
        uint32_t idx = guessed[i];
        tl_hdr *h = snap[idx].h;
        const talent_type *have;
        const char *why = NULL;
        size_t size;
        if (!(h->size_hi & TL_HDR_GUESSED))
            continue;
        have = tl_heap_site_elem(h->site);
        size = tl_hdr_size(h);
        if (!have || !have->size || size / have->size <= 1 || (snap[idx].seen & LATER_ELEMENT)) {
            remember(h);
            h->size_hi &= ~TL_HDR_GUESSED;
            continue;
        }
        if (tl_refusal())
            continue;   /* the first reason is the one reported */
        for (k = 0; k < nguess_why; k++)
            if (guess_why[k].idx == idx)
                why = guess_why[k].what;
        tl_refuse("cannot checkpoint: the heap block allocated at %s (%lu bytes, allocated where talent does not see "
                  "its type) is reached only through pointers to its start of type '%s'%s%s: it may be %lu of them or "
                  "one larger object that begins with one, which talent cannot tell apart, and converting the rest as "
                  "'%s' would change it; name its type with '#pragma talent alloc_type(T)' before the allocation, or "
                  "assign the allocation's result to a pointer of its type", tl_heap_site_pos(h->site),
                  (unsigned long)size, have->name, why ? ", as " : "", why ? why : "",
                  (unsigned long)(size / have->size), have->name);
    }
}

/* At the end of a pass that is not encoded again: a block allocated as one struct followed by other data
 * (`calloc(1, sizeof(T) + extra)`, TL_HDR_HEAD) that holds bytes after its first element is refused. Its element type
 * is the struct, so those bytes would be converted as more elements of it, and another ISA would read other values
 * there; a typed pointer of another type into them is refused before (check_typed_view), so what is left here is
 * other data reached only through `void *` or `char *`, whose type talent does not see. */
static void check_head_tail(void)
{
    const tl_hdr *h;
    const talent_type *t;
    size_t size;
    if (!head_tail.found || tl_refusal())
        return;
    h = snap[head_tail.idx].h;
    t = tl_heap_site_elem(h->site);
    size = tl_hdr_size(h);
    if (!t || !(h->size_hi & TL_HDR_HEAD) || size <= t->size)
        return;
    tl_refuse("cannot checkpoint: the heap block allocated at %s (%lu bytes) is one '%s' (%lu bytes) followed by %lu "
              "bytes of data whose type talent does not see (no pointer of a type into them is live here, only "
              "'void *' or character pointers): converted as more '%s' elements they would come back as other values "
              "on another ISA; keep that data in an allocation of its own, or declare it in the struct (a last member, "
              "a flexible array member)", tl_heap_site_pos(h->site), (unsigned long)size, t->name,
              (unsigned long)t->size, (unsigned long)(size - t->size), t->name);
}

size_t tl_heap_start_after(uintptr_t p, size_t n)
{
    size_t d;
    if (!nsnap)
        return 0;
    for (d = 1; d <= n; d++)
        if (lookup(p + d) != NONE)
            return d;
    return 0;
}

int tl_heap_object(uintptr_t p, const talent_type *pointee, tl_value_ctx *ctx, tl_object *out)
{
    uint32_t idx, id;
    tl_block bv;
    const tl_block *b = &bv;
    if (!nsnap)
        return 0;
    idx = lookup(p);
    if (idx == NONE)
        idx = lookup_interior(p);
    if (idx == NONE)
        return 0;
    {
        const talent_type *pt = typing_pointee(pointee);
        if (pt)
            infer(idx, p, pt, ctx);
    }
    if ((snap[idx].h->size_hi & TL_HDR_GUESSED) && !(snap[idx].seen & GUESS_LISTED)) {
        if (nguessed == capguessed) {
            capguessed = capguessed ? 2 * capguessed : 64;
            guessed = tl_xrealloc(guessed, (size_t)capguessed * sizeof *guessed);
        }
        guessed[nguessed++] = idx;
        snap[idx].seen |= GUESS_LISTED;
    }
    bv = view(idx);
    if (!bv.elem)
        snap[idx].seen |= SEEN_AS_BYTES;
    if (!snap[idx].mark && !tl_refusal() && strcmp(bv.site, TL_HEAP_OVER_ALIGNED_POS) == 0)
        tl_refuse("cannot checkpoint: a heap block of %lu bytes was allocated with an alignment above %d bytes "
                  "(posix_memalign, aligned_alloc or memalign): a restore cannot give that alignment back",
                  (unsigned long)tl_hdr_size(snap[idx].h), TL_HEAP_MAX_ALIGN);
    if (!snap[idx].mark && !tl_refusal() && (snap[idx].h->size_hi & TL_HDR_MAPPING)) {
        const char *why = tl_heap_mapping_uncarried(snap[idx].h);
        if (why) {
            char what[256];
            tl_ctx_describe(ctx, what, sizeof what);
            tl_refuse("cannot checkpoint: pointer '%s' (declared at %s, %s) points into %s", what, ctx->decl_pos,
                      ctx->where, why);
        }
    }
    if (!snap[idx].mark && !head_tail.found && (snap[idx].h->size_hi & TL_HDR_HEAD) && bv.elem &&
        bv.size > bv.elem->size) {
        head_tail.found = 1;
        head_tail.idx = idx;
    }
    if (!snap[idx].mark) {
        if (nmarked == capmarked) {
            capmarked = capmarked ? 2 * capmarked : 1024;
            order = tl_xrealloc(order, (size_t)capmarked * sizeof *order);
            parent = tl_xrealloc(parent, (size_t)capmarked * sizeof *parent);
        }
        if (nmarked == caporder_hdr) {
            caporder_hdr = caporder_hdr ? 2 * caporder_hdr : 1024;
            order_hdr = tl_xrealloc(order_hdr, (size_t)caporder_hdr * sizeof *order_hdr);
        }
        order[nmarked] = idx;
        order_hdr[nmarked] = snap[idx].h;
        parent[nmarked] = cur_parent;
        snap[idx].mark = ++nmarked;
    }
    id = snap[idx].mark - 1;
    describe_as_array(&block_type, elem_of(b), count_of(b));
    out->base = b->addr;
    out->size = b->size;
    out->type = &block_type;
    out->kind = TL_OBJ_HEAP;
    out->a = id;
    out->b = 0;
    out->untyped = bv.elem ? 0 : (snap[idx].h->size_hi & TL_HDR_BYTE_ORDER) ? TL_OBJ_BYTE_ORDER : 1;
    return 1;
}

/* How many blocks ahead the write loop fetches. */
#define PREFETCH 16

/* Fetches ahead for the block of header h: step 0 the headers of the blocks its pointers name (a prefetch never
 * faults, whatever the pointer), step 1 their snapshot entries, reading the headers only where they are
 * in a slab chunk (readable), as slab_block() does. */
static void prefetch_pointees(const tl_hdr *h, int step)
{
    /* the pointer members' offsets of the last type seen (a million blocks of one type in a row) */
    static const talent_type *last_t;
    static const talent_field *last_fields;
    static size_t last_nfields;
    static size_t off[8];
    static unsigned n;
    const talent_type *et = tl_heap_site_elem(h->site);
    unsigned k;
    if (!et || tl_hdr_size(h) < et->size)
        return;     /* untyped, or smaller than one element: nothing is read from it */
    if (et != last_t || et->fields != last_fields || et->nfields != last_nfields) {
        n = tl_flat_pointer_offsets(et, off, 8);
        last_t = et;
        last_fields = et->fields;
        last_nfields = et->nfields;
    }
    for (k = 0; k < n; k++) {
        uintptr_t a;
        memcpy(&a, (const unsigned char *)tl_hdr_addr(h) + off[k], sizeof a);
        if (a < sizeof(tl_hdr))
            continue;   /* NULL */
        if (step == 0) {
            __builtin_prefetch((const void *)(a - sizeof(tl_hdr)));
        } else if ((a & (sizeof(tl_hdr) - 1)) == 0 && tl_slab_holds(a - sizeof(tl_hdr))) {
            uint32_t i = ((const tl_hdr *)(a - sizeof(tl_hdr)))->idx;
            if (i < nsnap) {
                __builtin_prefetch(&snap[i]);
            }
        }
    }
}

static int is_byte_int(const talent_type *t)
{
    return (t->kind == TALENT_K_SINT || t->kind == TALENT_K_UINT) && t->size == 1;
}

static void heap_range(void)
{
    uint32_t i;
    heap_lo = UINTPTR_MAX;
    heap_hi = 0;
    for (i = 0; i < nsnap; i++) {
        uintptr_t a = tl_hdr_addr(snap[i].h), e = a + tl_hdr_size(snap[i].h);
        if (a < heap_lo)
            heap_lo = a;
        if (e > heap_hi)
            heap_hi = e;
    }
    heap_range_known = 1;
}

/* A block written as bytes (untyped, or an array of char: a generic container that memcpy's pointers into a char
 * buffer, an arena carved by the program's own allocator) is never walked for pointers: notes the first aligned word
 * of it that holds an address inside a live heap block (refused at the end of the pass unless, for an untyped block,
 * a typed pointer types the block meanwhile, which encodes the checkpoint again). A number that happens to look like
 * such an address refuses too. */
static void scan_raw(uint32_t idx, const unsigned char *p, size_t size, int typed)
{
    size_t off;
    if (raw_ptr.found)
        return;
    if (!heap_range_known)
        heap_range();
    for (off = 0; off + sizeof(uintptr_t) <= size; off += sizeof(uintptr_t)) {
        uintptr_t v;
        uint32_t t;
        memcpy(&v, p + off, sizeof v);
        if (v < 4096 || v < heap_lo || v > heap_hi)
            continue;
        t = lookup(v);
        if (t == NONE)
            t = lookup_interior(v);
        if (t != NONE) {
            raw_ptr.found = 1;
            raw_ptr.typed = typed;
            raw_ptr.idx = idx;
            raw_ptr.target = t;
            raw_ptr.off = off;
            return;
        }
    }
}

static void check_raw_pointers(void)
{
    tl_hdr *h, *t;
    if (!raw_ptr.found)
        return;
    h = snap[raw_ptr.idx].h;
    t = snap[raw_ptr.target].h;
    if (raw_ptr.typed)
        tl_refuse("cannot checkpoint: the heap block allocated at %s (%lu bytes of '%s', carried as bytes) holds at byte "
                  "%lu the address of the heap block allocated at %s: a pointer copied into bytes cannot be carried (it "
                  "would still point to the old address after a restore); keep pointers in memory of a pointer type "
                  "(an array of 'T *', or a struct with pointer members) instead of copying them into a char buffer",
                  tl_heap_site_pos(h->site), (unsigned long)tl_hdr_size(h), tl_heap_site_elem(h->site) ?
                  tl_heap_site_elem(h->site)->name : "char", (unsigned long)raw_ptr.off, tl_heap_site_pos(t->site));
    else
        tl_refuse("cannot checkpoint: the heap block allocated at %s (%lu bytes, allocated where talent does not see "
                  "its type, so carried as raw bytes) holds at byte %lu the address of the heap block allocated at %s: "
                  "a pointer inside memory of unknown type cannot be carried (it would still point to the old address "
                  "after a restore); give the block its type with '#pragma talent alloc_type(T)' before the "
                  "allocation, or assign the allocation's result to a pointer of its type", tl_heap_site_pos(h->site),
                  (unsigned long)tl_hdr_size(h), (unsigned long)raw_ptr.off, tl_heap_site_pos(t->site));
}

void tl_heap_write_reached(tl_buf *b, tl_typeset *types, tl_strtab *strs)
{
    uint32_t i, type_id = 0;
    const talent_type *last_type = NULL;
    const char *last_site = NULL;
    size_t last_slen = 0;
    int last_plain = -1;            /* whether last_type is plain (tl_bulk_encode), -1 not known yet */
    tl_value_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.heap_mode = TL_CTX_HEAP_WRITE;
    ctx.describe = tl_heap_describe;
    if (!heap_started) {
        heap_count_at = b->len;
        heap_started = 1;
        tl_buf_u32(b, 0);   /* patched by tl_heap_write: marking goes on while blocks are encoded */
    }
    for (i = nencoded; i < nmarked; i++) {
        tl_block blkv;
        const tl_block *blk = &blkv;
        const talent_type *et;
        const unsigned char *p;
        uint64_t count, k;
        size_t esz, tail;
        /* blocks are written in the order they were reached, which is all over memory for a tree: fetch the ones
         * a few blocks ahead while this one is encoded (the header and the first bytes after it) */
        if (i + PREFETCH < nmarked) {
            const char *ahead = (const char *)order_hdr[i + PREFETCH];
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead + 63);
        }
        /* and what those blocks point to, in two steps: the header before each pointee (its bytes arrived by now),
         * then, once the header is there, its snapshot entry, which lookup() reads */
        if (i + PREFETCH / 2 < nmarked)
            prefetch_pointees(order_hdr[i + PREFETCH / 2], 0);
        if (i + PREFETCH / 4 < nmarked)
            prefetch_pointees(order_hdr[i + PREFETCH / 4], 1);
        blkv = view_hdr(order_hdr[i]);
        et = elem_of(blk);
        p = (const unsigned char *)blk->addr;
        count = count_of(blk);
        esz = et->size;
        tail = blk->size - (size_t)count * esz;
        if (et != last_type) {
            if (blk->base)
                tl_types_add(types, blk->base);     /* first: a pointer's pointee named so is the whole struct */
            type_id = tl_types_add(types, et);
            last_type = et;
            last_plain = -1;
        }
        {
            /* block_id, alloc_pos, flags, element_type, count: one reservation */
            const char *site = blk->site ? blk->site : "";
            unsigned char *d;
            if (site != last_site) {
                last_site = site;
                last_slen = strlen(site);
            }
            d = tl_buf_grow(b, 4 + 4 + last_slen + 1 + 4 + 8);
            tl_put_be_n(d, i, 4);
            tl_put_be_n(d + 4, last_slen, 4);
            copy_short(d + 8, site, last_slen);
            d += last_slen;
            d += 8;
            d[0] = blk->elem ? (blk->base ? TL_HEAP_TRAILING : 0)
                   : (order_hdr[i]->size_hi & TL_HDR_BYTE_ORDER) ? TL_HEAP_UNTYPED | TL_HEAP_BYTE_ORDER
                   : TL_HEAP_UNTYPED;
            tl_put_be_n(d + 1, type_id, 4);
            tl_put_be_n(d + 5, count, 8);
        }
        if (!blk->elem) {
            snap[order[i]].seen |= SEEN_AS_BYTES;
            scan_raw(order[i], p, blk->size, 0);
        } else if (is_byte_int(et)) {
            scan_raw(order[i], p, blk->size, 1);
        }
        cur_parent = i;
        ctx.heap_block = i;
        if (is_byte_int(et)) {
            tl_buf_put(b, p, (size_t)count);   /* a one-byte integer encodes as itself */
        } else if (last_plain == 0 || !(last_plain = tl_bulk_encode(b, et, p, count))) {
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
    nencoded = nmarked;
}

void tl_heap_write(tl_buf *b, tl_typeset *types, tl_strtab *strs)
{
    tl_heap_write_reached(b, types, strs);
    b->data[heap_count_at] = (unsigned char)(nmarked >> 24);
    b->data[heap_count_at + 1] = (unsigned char)(nmarked >> 16);
    b->data[heap_count_at + 2] = (unsigned char)(nmarked >> 8);
    b->data[heap_count_at + 3] = (unsigned char)nmarked;
}

tl_heap_stats tl_heap_checkpoint_end(void)
{
    tl_heap_stats s;
    uint32_t i;
    if (nconflicts && !retyped)
        tl_refuse("%s", conflicts[0].msg);
    if (!retyped) {
        check_head_tail();
        check_guesses();
        check_raw_pointers();
    }
    s.blocks_written = nmarked;
    s.retyped = retyped;
    s.index_ms = index_ms;
    for (i = 0; i < nroots; i++)
        free(roots[i].where);
    nroots = 0;
    free(by_addr);
    by_addr = NULL;
    table_free(slots, slots_bytes);
    slots = NULL;
    /* what an in-process restore frees before it allocates these blocks again from the checkpoint */
    {
        /* the headers noted as the blocks were reached (no second pass over a million headers) */
        const tl_hdr **t = written;
        written = order_hdr;
        order_hdr = t;
        i = capwritten;
        capwritten = caporder_hdr;
        caporder_hdr = i;
    }
    nwritten = nmarked;
    return s;
}

/* ---------------------------------------------------------------- checkpoint: the blocks' address order */

typedef struct addr_id {
    uintptr_t addr;
    uint32_t id;
} addr_id;

static int cmp_addr_id(const void *x, const void *y)
{
    uintptr_t a = ((const addr_id *)x)->addr, b = ((const addr_id *)y)->addr;
    return a < b ? -1 : a > b;
}

int tl_heap_write_order(tl_buf *b)
{
    uint32_t i;
    addr_id *v;
    unsigned char *d;
    /* written[id] is the header of block id (tl_heap_checkpoint_end); blocks never overlap, so their headers' order
     * is their starts' order */
    for (i = 1; i < nwritten && written[i - 1] < written[i]; i++)
        ;
    if (i >= nwritten)
        return 0;
    v = tl_xmalloc(nwritten * sizeof *v);
    for (i = 0; i < nwritten; i++) {
        v[i].addr = (uintptr_t)written[i];
        v[i].id = i;
    }
    tl_sort(v, nwritten, sizeof *v, cmp_addr_id);
    tl_buf_u32(b, nwritten);
    d = tl_buf_grow(b, (size_t)nwritten * 4);
    for (i = 0; i < nwritten; i++)
        tl_put_be_n(d + (size_t)i * 4, v[i].id, 4);
    free(v);
    return 1;
}

void tl_heap_checkpoint_finish(int refused)
{
    if (refused) {
        while (nundos > 0) {
            nundos--;
            undos[nundos].h->site = undos[nundos].site;
            undos[nundos].h->size_hi = undos[nundos].size_hi;
        }
        nwritten = 0;   /* nothing was written: an in-process restore frees nothing */
    }
    nundos = 0;
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
        const tl_block firstv = view(order[chain[n - 1]]), *first = &firstv;
        depth = 0;
        append(out, outlen, "%s", r->name);
        if (find_ptr(r->type, r->addr, first->addr, first->addr + first->size, s, &depth, &v)) {
            append_steps(out, outlen, s, 0, depth);
            j = element_at(first, v);
        }
    }
    for (k = n - 1; k > 0; k--) {
        const tl_block fromv = view(order[chain[k]]), tov = view(order[chain[k - 1]]), *from = &fromv, *to = &tov;
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
        const tl_block bv = view(order[id]), *b = &bv;
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

