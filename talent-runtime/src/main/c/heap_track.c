/* heap_track.c: allocation tracking.
 *
 * The binaries are static and linked with -Wl,--wrap=malloc,--wrap=free,... (RuntimeLibrary.LINK_FLAGS), so
 * every call of the allocator — from instrumented code (talent_malloc & co., which also pass the element type
 * and the allocation site the compiler inferred), from a macro, from a malloc the program declared itself,
 * from uninstrumented code and from the C library — lands in the __wrap_* functions here. A tracked block is
 * [tl_hdr][the program's bytes]: the header holds the block's index in one dense array of live headers
 * (tl_heap_live), its site and its size. Allocating appends to the array; freeing moves the last entry into
 * the hole. Nothing else is touched, so tracking costs one cache line next to the block and one entry of the
 * array; pointers are looked up only at checkpoint time (heap_write.c). Blocks of up to 256 bytes, header
 * included, are slots of heap_slab.c (flag TL_HDR_SLAB), larger ones come from the C library's allocator.
 *
 * A pointer passed to free or realloc is ours exactly when the idx in the 16 bytes before it names an entry
 * of the array that holds that very header; anything else (memory of the runtime itself, which uses the
 * tl_raw_* functions, or a block some allocator path of the C library made without going through malloc) is
 * handed to the real function unchanged.
 *
 * Without --wrap (a test harness linked by hand without the flags) the __real_* references resolve to
 * heap_real.c, which calls malloc & co.: the runtime's own memory still works, and blocks allocated through
 * talent_malloc & co. are tracked, but not those of plain malloc calls; talent's build always passes the flags. */
#include "heap_track.h"
#include "heap_slab.h"
#include "diag.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The C library's functions under --wrap (the linker renames these references); without it, heap_real.c's
 * definitions, which call them by their own names. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
size_t __real_malloc_usable_size(void *p);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
int __wrap_posix_memalign(void **out, size_t align, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);
void *__wrap_memalign(size_t align, size_t size);
void *__wrap_valloc(size_t size);
/* Weak: a program that defines strdup or strndup itself keeps its own (talent_program.c then defines the wrapper as
 * a call of the program's function, whose malloc is tracked: ProgramTable.WRAPPED_OWN_DEFINABLE). */
__attribute__((weak)) char *__wrap_strdup(const char *s);
__attribute__((weak)) char *__wrap_strndup(const char *s, size_t n);
size_t __wrap_malloc_usable_size(void *p);

/* Non-zero while a real allocator function runs: musl's calloc and realloc call malloc and free by name, and
 * those calls (wrapped too) must stay inside the real allocator. Programs are single-threaded. */
static int in_real;

void *tl_raw_malloc(size_t n)
{
    return __real_malloc(n);
}

void *tl_raw_calloc(size_t n, size_t size)
{
    void *p;
    in_real++;
    p = __real_calloc(n, size);
    in_real--;
    return p;
}

void *tl_raw_realloc(void *p, size_t n)
{
    void *q;
    in_real++;
    q = __real_realloc(p, n);
    in_real--;
    return q;
}

void tl_raw_free(void *p)
{
    __real_free(p);
}

/* The runtime's own checked allocation (moved from diag.c, which must not call down into the allocator that
 * itself reports through diag.c: issue 14, no call cycle). */

void *tl_xmalloc(size_t n)
{
    void *p = tl_raw_malloc(n ? n : 1);
    if (!p)
        tl_die(TL_EXIT_SOFTWARE, "out of memory (%lu bytes)", (unsigned long)n);
    tl_hugepages(p, n);
    return p;
}

void *tl_xcalloc(size_t n, size_t size)
{
    void *p = tl_raw_calloc(n ? n : 1, size ? size : 1);
    if (!p)
        tl_die(TL_EXIT_SOFTWARE, "out of memory (%lu x %lu bytes)", (unsigned long)n, (unsigned long)size);
    if (size && n <= SIZE_MAX / size)
        tl_hugepages(p, n * size);
    return p;
}

void *tl_xrealloc(void *p, size_t n)
{
    void *q = tl_raw_realloc(p, n ? n : 1);
    if (!q)
        tl_die(TL_EXIT_SOFTWARE, "out of memory (%lu bytes)", (unsigned long)n);
    tl_hugepages(q, n);
    return q;
}

char *tl_xstrdup(const char *s)
{
    return tl_xstrndup(s, strlen(s));
}

char *tl_xstrndup(const char *s, size_t n)
{
    char *p = tl_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ---------------------------------------------------------------- live blocks */

tl_hdr **tl_heap_live;
uint32_t tl_heap_nlive;
static uint32_t cap_live;

static void grow_live(void)
{
    size_t cap = cap_live ? 2 * (size_t)cap_live : 4096;
    tl_hdr **v;
    if (cap > 0xFFFFFFF0u)
        tl_die(TL_EXIT_SOFTWARE, "too many live heap blocks to track");
    v = tl_raw_realloc(tl_heap_live, cap * sizeof *v);
    if (!v)
        tl_die(TL_EXIT_SOFTWARE, "out of memory tracking heap blocks");
    tl_heap_live = v;
    cap_live = (uint32_t)cap;
}

static inline void *track_in(void *raw, size_t size, uint32_t site, uint32_t flags)
{
    tl_hdr *h = raw;
    h->idx = tl_heap_nlive;
    tl_heap_live[tl_heap_nlive++] = h;
    h->site = site;
    h->size_lo = (uint32_t)size;
#if SIZE_MAX > 0xFFFFFFFFu
    h->size_hi = (uint32_t)((uint64_t)size >> 32) | flags;
#else
    h->size_hi = flags;
#endif
    return h + 1;
}

__attribute__((noinline, cold)) static void *track_grown(void *raw, size_t size, uint32_t site, uint32_t flags)
{
    grow_live();
    return track_in(raw, size, site, flags);
}

/* The growth is a tail call, so that an allocation path that calls nothing else saves no register. */
static inline void *track(void *raw, size_t size, uint32_t site, uint32_t flags)
{
    if (__builtin_expect(tl_heap_nlive == cap_live, 0))
        return track_grown(raw, size, site, flags);
    return track_in(raw, size, site, flags);
}

static void untrack(tl_hdr *h)
{
    tl_hdr *last = tl_heap_live[--tl_heap_nlive];
    tl_heap_live[h->idx] = last;
    last->idx = h->idx;
}

/* free() and realloc() also receive blocks talent did not allocate (the runtime's own, the C library's when it
 * is linked dynamically, as in the sanitized test build): the 16 bytes before such a block belong to the
 * allocator's own chunk header, which every allocator keeps readable, and they are only compared against the
 * live table. AddressSanitizer's redzone makes that read a report, so it is not instrumented there. */
#if defined(__SANITIZE_ADDRESS__)
#define TL_NO_ASAN __attribute__((no_sanitize_address))
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TL_NO_ASAN __attribute__((no_sanitize_address))
#endif
#endif
#ifndef TL_NO_ASAN
#define TL_NO_ASAN
#endif

TL_NO_ASAN tl_hdr *tl_heap_header(const void *p)
{
    tl_hdr *h;
    if (!p)
        return NULL;
    h = (tl_hdr *)p - 1;
    return h->idx < tl_heap_nlive && tl_heap_live[h->idx] == h ? h : NULL;
}

static void *raw_of(tl_hdr *h)
{
    void *raw;
    if (!(h->size_hi & TL_HDR_ALIGNED))
        return h;
    memcpy(&raw, (char *)h - sizeof raw, sizeof raw);
    return raw;
}

/* How a block flagged TL_HDR_MAPPING is freed: heap_mapping.c's release, given when it tracks one */
static void (*mapping_release)(tl_hdr *h);

void *tl_heap_track_mapping(void *hdr, size_t size, uint32_t site, void (*release)(tl_hdr *h))
{
    mapping_release = release;
    return track(hdr, size, site, TL_HDR_MAPPING);
}

void tl_heap_untrack(tl_hdr *h)
{
    untrack(h);
}

void tl_heap_moved(tl_hdr *h)
{
    tl_heap_live[h->idx] = h;
}

uint32_t tl_heap_live_blocks(void)
{
    return tl_heap_nlive;
}

/* ---------------------------------------------------------------- sites */

typedef struct site_rec {
    const char *pos;
    const talent_type *elem;
} site_rec;

static site_rec *site_v;
static uint32_t nsite, capsite;
static uint32_t *site_slots;        /* open addressing over (pos, elem): site index + 1, 0 = empty */
static unsigned site_bits;

/* The last sites used, direct-mapped by the address of their position string: the allocation path does one
 * compare in the common case. */
#define SITE_CACHE 256
static struct {
    const char *pos;
    const talent_type *elem;
    uint32_t site;
} site_cache[SITE_CACHE];

static uint32_t site_hash(const char *pos, const talent_type *elem)
{
    uint64_t k = (uint64_t)(uintptr_t)pos * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)elem * 0xC2B2AE3D27D4EB4Full;
    return (uint32_t)(k >> 32);
}

static void site_insert_slot(uint32_t s)
{
    uint32_t mask = (1u << site_bits) - 1, i = site_hash(site_v[s].pos, site_v[s].elem) & mask;
    while (site_slots[i])
        i = (i + 1) & mask;
    site_slots[i] = s + 1;
}

static uint32_t site_slow(const char *pos, const talent_type *elem)
{
    uint32_t mask, i, s;
    if (!site_v) {
        capsite = 64;
        site_v = tl_xmalloc(capsite * sizeof *site_v);
        site_v[0].pos = "?";
        site_v[0].elem = NULL;
        nsite = 1;
        site_bits = 8;
        site_slots = tl_xcalloc((size_t)1 << site_bits, sizeof *site_slots);
        site_insert_slot(0);
    }
    mask = (1u << site_bits) - 1;
    for (i = site_hash(pos, elem) & mask; site_slots[i]; i = (i + 1) & mask) {
        s = site_slots[i] - 1;
        if (site_v[s].pos == pos && site_v[s].elem == elem)
            return s;
    }
    if (nsite == capsite) {
        capsite *= 2;
        site_v = tl_xrealloc(site_v, capsite * sizeof *site_v);
    }
    s = nsite++;
    site_v[s].pos = pos;
    site_v[s].elem = elem;
    if ((uint64_t)nsite * 2 > ((uint64_t)1 << site_bits)) {
        tl_raw_free(site_slots);
        site_bits++;
        site_slots = tl_xcalloc((size_t)1 << site_bits, sizeof *site_slots);
        for (i = 0; i < nsite; i++)
            site_insert_slot(i);
    } else {
        site_insert_slot(s);
    }
    return s;
}

/* The site of the last allocation through talent_malloc & co.: a program's hot loop usually allocates at one site,
 * and then the probe is two compares. */
static const char *last_pos;
static const talent_type *last_elem;
static uint32_t last_site;

/* Out of line, so that the allocation path keeps only the compares of site_of and needs no callee-saved registers
 * (with the whole lookup inlined, every malloc pushed and popped six of them: 36 instructions a call). */
__attribute__((noinline)) static uint32_t site_lookup(const char *pos, const talent_type *elem)
{
    unsigned c;
    if (!pos)
        pos = "?";
    c = (unsigned)(((uintptr_t)pos >> 3) ^ ((uintptr_t)elem >> 4)) & (SITE_CACHE - 1);
    if (!(site_cache[c].pos == pos && site_cache[c].elem == elem)) {
        site_cache[c].site = site_slow(pos, elem);
        site_cache[c].pos = pos;
        site_cache[c].elem = elem;
    }
    last_pos = pos;
    last_elem = elem;
    last_site = site_cache[c].site;
    return last_site;
}

static inline uint32_t site_of(const char *pos, const talent_type *elem)
{
    if (__builtin_expect(pos == last_pos && elem == last_elem && pos, 1))
        return last_site;
    return site_lookup(pos, elem);
}

uint32_t tl_heap_site(const char *pos, const talent_type *elem)
{
    return site_of(pos, elem);
}

const char *tl_heap_site_pos(uint32_t site)
{
    return site < nsite ? site_v[site].pos : "?";
}

const talent_type *tl_heap_site_elem(uint32_t site)
{
    return site < nsite ? site_v[site].elem : NULL;
}

/* ---------------------------------------------------------------- allocating */

#define LARGE_BLOCK ((size_t)64 << 10)

static inline void zero_words(uint64_t *w, size_t words)
{
    if (words > 4) {
        memset(w, 0, words * 8);
        return;
    }
    if (words > 0)
        w[0] = 0;
    if (words > 1)
        w[1] = 0;
    if (words > 2)
        w[2] = 0;
    if (words > 3)
        w[3] = 0;
}

/* Zero-filled, so that pointer fields not written yet are NULL at a checkpoint (one of the behaviours malloc allows).
 * Large blocks: calloc, which knows when the memory comes zeroed from the kernel and then writes nothing. */
__attribute__((noinline)) static void *alloc_large(size_t size, uint32_t site)
{
    void *raw;
    if (size > (size_t)-1 - 2 * sizeof(tl_hdr)) {
        errno = ENOMEM;
        return NULL;
    }
    raw = tl_raw_calloc(1, sizeof(tl_hdr) + size);
    if (!raw)
        return NULL;
    return track(raw, size, site, 0);
}

/* Medium blocks: malloc and zeroing here, since glibc's calloc bypasses its per-thread cache. The request is
 * rounded up to whole 8-byte words (glibc's usable sizes are multiples of 8, so the rounding costs no memory
 * there). The large path is out of line so that this one keeps few registers live across the call of malloc. */
__attribute__((noinline)) static void *alloc_medium(size_t size, uint32_t site)
{
    void *raw;
    if (__builtin_expect(size >= LARGE_BLOCK, 0))
        return alloc_large(size, site);
    raw = tl_raw_malloc(sizeof(tl_hdr) + (size + 7) / 8 * 8);
    if (!raw)
        return NULL;
    memset((tl_hdr *)raw + 1, 0, (size + 7) / 8 * 8);
    return track(raw, size, site, 0);
}

/* Small blocks (up to 16 * (TL_SLAB_CLASSES - 1) bytes): a slot of heap_slab.c, header included, zeroed in whole
 * 8-byte words (a slot's payload is a multiple of 16 bytes), the smallest inline (a memset call cost about as
 * much as the tracking itself). No call on this path but a slot carved from a new chunk. */
static inline void *small_block(void *raw, size_t size, uint32_t site)
{
    zero_words((uint64_t *)((tl_hdr *)raw + 1), (size + 7) / 8);
    return track(raw, size, site, TL_HDR_SLAB);
}

__attribute__((noinline)) static void *alloc_carved(size_t size, uint32_t site)
{
    void *raw = tl_slab_carve(TL_SLAB_CLASS((unsigned)size));
    return raw ? small_block(raw, size, site) : NULL;
}

/* Every call here is a tail call, so the common path saves no register. */
static void *alloc_zeroed(size_t size, uint32_t site)
{
    void *raw;
    if (__builtin_expect(size > 16 * (TL_SLAB_CLASSES - 1), 0))
        return alloc_medium(size, site);
    raw = tl_slab_pop(TL_SLAB_CLASS((unsigned)size));
    if (__builtin_expect(!raw, 0))
        return alloc_carved(size, site);
    return small_block(raw, size, site);
}

void *tl_heap_alloc(size_t size, uint32_t site)
{
    return alloc_zeroed(size, site);
}

/* align: a power of two larger than the header's alignment. */
static void *alloc_aligned(size_t align, size_t size, uint32_t site)
{
    char *raw;
    uintptr_t user;
    if (align <= sizeof(tl_hdr))
        return alloc_zeroed(size, site);
    if (size > (size_t)-1 - align - 2 * sizeof(tl_hdr)) {
        errno = ENOMEM;
        return NULL;
    }
    raw = tl_raw_malloc(size + align + sizeof(tl_hdr) + sizeof(void *));
    if (!raw)
        return NULL;
    user = ((uintptr_t)raw + sizeof(tl_hdr) + sizeof(void *) + align - 1) & ~(uintptr_t)(align - 1);
    memcpy((char *)user - sizeof(tl_hdr) - sizeof(void *), &raw, sizeof raw);
    memset((void *)user, 0, size);
    return track((tl_hdr *)user - 1, size, site, TL_HDR_ALIGNED);
}

void *tl_heap_alloc_aligned(size_t align, size_t size, uint32_t site)
{
    return alloc_aligned(align, size, site);
}

static int is_slot(size_t size, size_t align)
{
    return align <= sizeof(tl_hdr) && size <= 16 * (TL_SLAB_CLASSES - 1);
}

size_t tl_heap_region_next(size_t off, size_t size, size_t align, size_t *user)
{
    size_t a = align > sizeof(tl_hdr) ? align : sizeof(tl_hdr), u;
    if (is_slot(size, align)) {
        *user = off + sizeof(tl_hdr);
        return off + 16 * ((size_t)TL_SLAB_CLASS((unsigned)size) + 1);
    }
    if (off > (size_t)-1 / 2 || size > (size_t)-1 / 2 - off - a - 2 * sizeof(tl_hdr))
        return (size_t)-1;
    u = (off + sizeof(tl_hdr) + a - 1) & ~(a - 1);
    *user = u;
    return u + ((size + 15) & ~(size_t)15);
}

void *tl_heap_region_track(char *user, size_t size, size_t align, uint32_t site)
{
    if (is_slot(size, align))
        return track((tl_hdr *)user - 1, size, site, TL_HDR_SLAB);
    return track((tl_hdr *)user - 1, size, site, TL_HDR_REGION);
}

static void free_block(void *p)
{
    tl_hdr *h;
    if (!p)
        return;
    h = tl_heap_header(p);
    if (!h) {
        tl_raw_free(p);         /* not ours: the runtime's own memory, or the C library's */
        return;
    }
    if (h->size_hi & TL_HDR_MAPPING) {
        if (!mapping_release)           /* only heap_mapping.c flags a block so, giving its release */
            tl_die(TL_EXIT_SOFTWARE, "a mapping's heap block without its release");
        mapping_release(h);             /* untracks it (an in-process restore's, or a program's free of a mapping) */
        return;
    }
    untrack(h);
    if (__builtin_expect(h->size_hi & TL_HDR_SLAB, 1))
        tl_slab_free(h, TL_SLAB_CLASS(h->size_lo));
    else if (h->size_hi & TL_HDR_REGION)
        tl_slab_release(p, tl_hdr_size(h));
    else
        tl_raw_free(raw_of(h));
}

static void *realloc_block(void *p, size_t size, uint32_t site, int keep_site)
{
    tl_hdr *h, *nh;
    size_t old;
    uint32_t idx, weak, trailing, head;
    if (!p)
        return alloc_zeroed(size, site);
    h = tl_heap_header(p);
    if (!h)
        return tl_raw_realloc(p, size);     /* not a block of ours: stays untracked */
    /* one struct with a trailing array stays one when it grows: kept with the block's type, or given again the same
     * type by a call that does not see the size formula (realloc(v, bytes)) */
    trailing = (h->size_hi & TL_HDR_TRAILING) &&
               (keep_site || tl_heap_site_elem(site) == tl_heap_site_elem(h->site)) ? TL_HDR_TRAILING : 0;
    /* so does one struct followed by other data (talent_realloc_head, or a realloc that keeps the block's type) */
    head = (h->size_hi & TL_HDR_HEAD) &&
           (keep_site || tl_heap_site_elem(site) == tl_heap_site_elem(h->site)) ? TL_HDR_HEAD : 0;
    if (keep_site)
        site = h->site;
    old = tl_hdr_size(h);
    if (size == 0) {
        /* glibc frees p and returns NULL, musl returns a new minimal block: a tracked empty block is both */
        free_block(p);
        return alloc_zeroed(0, site);
    }
    if ((h->size_hi & TL_HDR_SLAB) && size <= 16 * (TL_SLAB_CLASSES - 1) && TL_SLAB_CLASS(size) == TL_SLAB_CLASS(old)) {
        /* the same slot holds it: the bytes past the old size are zero already or zeroed here */
        if (size > old)
            memset((char *)p + old, 0, size - old);
        h->site = site;
        h->size_lo = (uint32_t)size;
        if (!keep_site)
            h->size_hi &= ~(TL_HDR_WEAK | TL_HDR_GUESSED | TL_HDR_TRAILING | TL_HDR_BYTE_ORDER | TL_HDR_HEAD); /* typed by this call now */
        h->size_hi |= trailing | head;
        return p;
    }
    weak = (keep_site ? (h->size_hi & (TL_HDR_WEAK | TL_HDR_GUESSED)) : 0) | trailing | head;    /* an inferred type stays inferred */
    if (h->size_hi & (TL_HDR_ALIGNED | TL_HDR_SLAB | TL_HDR_REGION | TL_HDR_MAPPING)) {
        void *q = alloc_zeroed(size, site);
        if (!q)
            return NULL;
        tl_heap_header(q)->size_hi |= weak;
        memcpy(q, p, old < size ? old : size);
        free_block(p);
        return q;
    }
    if (size > (size_t)-1 - 2 * sizeof(tl_hdr)) {
        errno = ENOMEM;
        return NULL;
    }
    idx = h->idx;
    nh = tl_raw_realloc(h, sizeof(tl_hdr) + size);
    if (!nh)
        return NULL;
    tl_heap_live[idx] = nh;
    nh->site = site;
    nh->size_lo = (uint32_t)size;
#if SIZE_MAX > 0xFFFFFFFFu
    nh->size_hi = (uint32_t)((uint64_t)size >> 32) | weak;
#else
    nh->size_hi = weak;
#endif
    if (size > old)
        memset((char *)(nh + 1) + old, 0, size - old);
    return nh + 1;
}

/* ---------------------------------------------------------------- the program's entry points */

void *talent_malloc(size_t size, const talent_type *elem, const char *site)
{
    return alloc_zeroed(size, site_of(site, elem));
}

void *talent_calloc(size_t n, size_t size, const talent_type *elem, const char *site)
{
    if (size && n > (size_t)-1 / size) {
        errno = ENOMEM;
        return NULL;
    }
    return alloc_zeroed(n * size, site_of(site, elem));
}

void *talent_realloc(void *p, size_t size, const talent_type *elem, const char *site)
{
    /* a site that could not infer the type keeps the block's type and site */
    return realloc_block(p, size, elem ? tl_heap_site(site, elem) : tl_heap_site(site, NULL), !elem && p);
}

/* The block p (none when NULL) flagged: TL_HDR_TRAILING for the struct hack's allocations (the compiler saw a struct
 * ending in an array and a size that adds bytes to it, or a flexible array member: one struct whose last array holds
 * the rest of the block, heap_trailing.h); TL_HDR_HEAD for one struct followed by other data (the compiler saw
 * `sizeof(T) + n`, n not a whole number of T: one T and then bytes whose type the allocation does not say). */
static void *flagged(void *p, uint32_t flag)
{
    if (p)
        tl_heap_header(p)->size_hi |= flag;
    return p;
}

void *talent_malloc_trailing(size_t size, const talent_type *elem, const char *site)
{
    return flagged(talent_malloc(size, elem, site), TL_HDR_TRAILING);
}

void *talent_calloc_trailing(size_t n, size_t size, const talent_type *elem, const char *site)
{
    return flagged(talent_calloc(n, size, elem, site), TL_HDR_TRAILING);
}

void *talent_realloc_trailing(void *p, size_t size, const talent_type *elem, const char *site)
{
    return flagged(talent_realloc(p, size, elem, site), TL_HDR_TRAILING);
}

void *talent_malloc_head(size_t size, const talent_type *elem, const char *site)
{
    return flagged(talent_malloc(size, elem, site), TL_HDR_HEAD);
}

void *talent_calloc_head(size_t n, size_t size, const talent_type *elem, const char *site)
{
    return flagged(talent_calloc(n, size, elem, site), TL_HDR_HEAD);
}

void *talent_realloc_head(void *p, size_t size, const talent_type *elem, const char *site)
{
    return flagged(talent_realloc(p, size, elem, site), TL_HDR_HEAD);
}

void talent_free(void *p)
{
    free_block(p);
}

static const talent_type char_type = TALENT_INT_TYPE(char, "char");

char *talent_strdup(const char *s, const char *site)
{
    return talent_strndup(s, strlen(s), site);
}

char *talent_strndup(const char *s, size_t n, const char *site)
{
    size_t len = strnlen(s, n);
    char *p = alloc_zeroed(len + 1, tl_heap_site(site, &char_type));
    if (p)
        memcpy(p, s, len);
    return p;
}

void *__wrap_malloc(size_t size)
{
    if (in_real)
        return __real_malloc(size);
    return alloc_zeroed(size, 0);
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size) {
        errno = ENOMEM;
        return NULL;
    }
    return alloc_zeroed(n * size, 0);
}

void *__wrap_realloc(void *p, size_t size)
{
    return realloc_block(p, size, 0, 1);
}

void __wrap_free(void *p)
{
    if (in_real) {
        __real_free(p);
        return;
    }
    free_block(p);
}

static int valid_alignment(size_t align)
{
    return align && (align & (align - 1)) == 0;
}

/* The positions of over-aligned blocks from no site of the program, one per alignment above the header's (32 to
 * TL_HEAP_MAX_ALIGN): the position names the alignment, which a checkpoint carries with it (tl_heap_site_align). */
static const char *const aligned_pos[] = {
    "aligned@32:?", "aligned@64:?", "aligned@128:?", "aligned@256:?", "aligned@512:?", "aligned@1024:?",
    "aligned@2048:?", "aligned@4096:?"
};
static const char aligned_prefix[] = "aligned@";

/* The site of a block asked with alignment align where talent saw no call site: "?" up to the header's alignment
 * (every block has that), else the aligned position above; above TL_HEAP_MAX_ALIGN, TL_HEAP_OVER_ALIGNED_POS, which a
 * checkpoint refuses. */
static uint32_t aligned_site(size_t align)
{
    unsigned k = 0;
    if (align <= sizeof(tl_hdr))
        return 0;
    if (align > TL_HEAP_MAX_ALIGN)
        return tl_heap_site(TL_HEAP_OVER_ALIGNED_POS, NULL);
    while (((size_t)32 << k) < align)
        k++;
    return tl_heap_site(aligned_pos[k], NULL);
}

size_t tl_position_pow2(const char *pos, size_t len, const char *prefix, size_t lo, size_t hi, size_t *end)
{
    size_t start = strlen(prefix), i = start, n = 0, digits = 1, h;
    if (len < i || strncmp(pos, prefix, i) != 0)
        return 0;
    for (h = hi; h >= 10; h /= 10)
        digits++;
    /* no more digits than hi has, no leading zero: no overflow whatever the checkpoint holds */
    for (; i < len && i < start + digits && pos[i] >= '0' && pos[i] <= '9'; i++)
        n = n * 10 + (size_t)(pos[i] - '0');
    if (i == start || pos[start] == '0' || n < lo || n > hi || (n & (n - 1)) != 0)
        return (size_t)-1;
    *end = i;
    return n;
}

size_t tl_position_align(const char *pos, size_t len, const char *prefix)
{
    size_t i = 0, align = tl_position_pow2(pos, len, prefix, 1, TL_HEAP_MAX_ALIGN, &i);
    if (align == 0 || align == (size_t)-1)
        return align;
    return i < len && pos[i] == ':' ? align : (size_t)-1;
}

size_t tl_heap_site_align(const char *pos, size_t len)
{
    return tl_position_align(pos, len, aligned_prefix);
}

int __wrap_posix_memalign(void **out, size_t align, size_t size)
{
    void *p;
    if (!valid_alignment(align) || align % sizeof(void *) != 0)
        return EINVAL;
    p = alloc_aligned(align, size, aligned_site(align));
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
    if (!valid_alignment(align)) {
        errno = EINVAL;
        return NULL;
    }
    return alloc_aligned(align, size, aligned_site(align));
}

void *__wrap_memalign(size_t align, size_t size)
{
    return __wrap_aligned_alloc(align, size);
}

void *__wrap_valloc(size_t size)
{
    return alloc_aligned(4096, size, aligned_site(4096));
}

char *__wrap_strdup(const char *s)
{
    return talent_strndup(s, strlen(s), NULL);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return talent_strndup(s, n, NULL);
}

size_t __wrap_malloc_usable_size(void *p)
{
    tl_hdr *h = tl_heap_header(p);
    if (h)
        return tl_hdr_size(h);
    return p ? __real_malloc_usable_size(p) : 0;
}

/* ---------------------------------------------------------------- getline's buffer, in-process restore */

void tl_heap_adopt(void *old, void *p, size_t size)
{
    tl_hdr *h = tl_heap_header(p);
    (void)old;
    (void)size;
    /* the C library allocated it through the wrapped malloc/realloc: tracked already, as bytes of site "?" */
    if (h)
        h->site = tl_heap_site(h->site && tl_heap_site_pos(h->site)[0] != '?' ? tl_heap_site_pos(h->site) : "getline",
                               &char_type);
}

tl_hdr *tl_heap_holding(const void *p)
{
    uint32_t i;
    for (i = 0; i < tl_heap_nlive; i++) {
        uintptr_t b = tl_hdr_addr(tl_heap_live[i]);
        if ((uintptr_t)p >= b && (uintptr_t)p - b < tl_hdr_size(tl_heap_live[i]))
            return tl_heap_live[i];
    }
    return NULL;
}
