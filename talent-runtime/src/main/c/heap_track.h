/*
 * heap_track.h: allocation tracking (heap_track.c). Every block the program allocates, through the
 * compiler's talent_malloc & co. or through malloc & co. called anywhere (the allocator is wrapped at link
 * time: -Wl,--wrap=malloc,...; RuntimeLibrary.LINK_FLAGS), carries a 16-byte header just before the memory
 * the program sees, and is listed in one dense array of live blocks. Allocation and free are O(1) and touch
 * the header (next to the block, so in the same cache lines) and one entry of that array.
 */
#ifndef TALENT_HEAP_TRACK_H
#define TALENT_HEAP_TRACK_H

#include "base.h"

/* The header before a tracked block. idx: its index in tl_heap_live; site: index in the site table; size:
 * the size the program asked for (size_lo | size_hi << 32; bit 31 of size_hi flags an over-aligned block,
 * whose underlying allocation starts at the pointer stored just before the header; bit 30 a block in a slot
 * of heap_slab.c, whose class follows from the size). */
typedef struct tl_hdr {
    uint32_t idx;
    uint32_t site;
    uint32_t size_lo;
    uint32_t size_hi;
} tl_hdr;

#define TL_HDR_ALIGNED 0x80000000u
#define TL_HDR_SLAB 0x40000000u
/* bit 29 of size_hi: the block's element type was not given where it was allocated but inferred afterwards (from its
 * caller's cast, talent_heap_type_first, or at a checkpoint from the pointers that reference it): every typed pointer
 * into it must agree with that type (heap_layout.c), and a larger type that holds it may replace it (heap_write.c) */
#define TL_HDR_WEAK 0x20000000u
/* bit 28: the weak type was guessed at a checkpoint from pointers to the block's start only, and the block holds more
 * than one element of it: until a pointer to a later element shows it is an array, it may as well be one larger
 * object that begins with that type (heap_write.c refuses it then) */
#define TL_HDR_GUESSED 0x10000000u
/* bit 27: the block is ONE element whose last member is an array running on to the block's end (a flexible array
 * member or the struct hack; heap_trailing.h), typed so at its allocation or at a checkpoint; realloc keeps it */
#define TL_HDR_TRAILING 0x08000000u
/* bit 26: the block is carried as raw bytes of this byte order (no site type): at a checkpoint its typed views were
 * fixed-width integers of several widths (a UInt32 and a UInt16 view of one block), whose bytes are the same on every
 * ISA of this byte order (heap_write.c, FORMAT.md "HEAP" flag bit 2) */
#define TL_HDR_BYTE_ORDER 0x04000000u
/* bit 25: a block larger than a slot that a restore laid out in its region (tl_heap_region_track): freed, its pages go
 * back to the kernel and its address range is not reused; realloc moves it */
#define TL_HDR_REGION 0x02000000u
/* bit 24: an anonymous private read-write mapping the program made with mmap, carried as a block (heap_mapping.h): its
 * header ends the page mapped before it; munmap and mremap of the whole mapping untrack or move it */
#define TL_HDR_MAPPING 0x01000000u
/* bit 23: the block is ONE element of its struct type followed by other data (`calloc(1, sizeof(T) + extra)`, the
 * compiler saw that size: talent_malloc_head & co.): the bytes after the first element are not more elements, so a
 * checkpoint that reaches such a block with bytes after its first element refuses it (heap_write.c); realloc keeps it.
 * Never written to a checkpoint (docs/CODEGEN.md "A struct followed by other data"). */
#define TL_HDR_HEAD 0x00800000u
#define TL_HDR_FLAGS (TL_HDR_ALIGNED | TL_HDR_SLAB | TL_HDR_WEAK | TL_HDR_GUESSED | TL_HDR_TRAILING | TL_HDR_BYTE_ORDER | \
                      TL_HDR_REGION | TL_HDR_MAPPING | TL_HDR_HEAD)

extern tl_hdr **tl_heap_live;
extern uint32_t tl_heap_nlive;

static inline size_t tl_hdr_size(const tl_hdr *h)
{
#if SIZE_MAX > 0xFFFFFFFFu
    return (size_t)h->size_lo | (size_t)(h->size_hi & ~TL_HDR_FLAGS) << 32;
#else
    return (size_t)h->size_lo;
#endif
}

static inline uintptr_t tl_hdr_addr(const tl_hdr *h)
{
    return (uintptr_t)(h + 1);
}

/* The header of p when p is the start of a tracked block, else NULL. p must be a pointer some allocator
 * returned, or NULL (the 16 bytes before it are read). */
tl_hdr *tl_heap_header(const void *p);

/* Allocation sites: (position string, element type) pairs, interned; site 0 is "?" with no type (malloc called
 * outside instrumented code, or by the C library). */
uint32_t tl_heap_site(const char *pos, const talent_type *elem);
const char *tl_heap_site_pos(uint32_t site);
const talent_type *tl_heap_site_elem(uint32_t site);

/* A new tracked, zero-filled block (restore); NULL when out of memory. */
void *tl_heap_alloc(size_t size, uint32_t site);
/* The same, its start aligned to align bytes (a power of two; at most TL_HEAP_MAX_ALIGN is asked by the runtime):
 * aligned allocas (frame_alloca.c) and their restore (heap_restore.c). */
void *tl_heap_alloc_aligned(size_t align, size_t size, uint32_t site);
#define TL_HEAP_MAX_ALIGN 4096
/* The alignment a heap block's position names, "aligned@<A>:?" (posix_memalign, aligned_alloc, memalign, valloc with
 * an alignment above the header's, from no site of the program): 0 without that prefix, (size_t)-1 when what follows
 * it is not a power of two from 1 to TL_HEAP_MAX_ALIGN then ':' (a checkpoint is hostile input), else A. */
size_t tl_heap_site_align(const char *pos, size_t len);
/* The alignment a position "<prefix><A>:..." names (len bytes of pos, not necessarily terminated; hostile): 0 without
 * the prefix, (size_t)-1 unless A is a power of two from 1 to TL_HEAP_MAX_ALIGN in at most 4 digits without a leading
 * zero followed by ':', else A. */
size_t tl_position_align(const char *pos, size_t len, const char *prefix);
/* The number a position "<prefix><N>..." names (len bytes of pos, not necessarily terminated; hostile): 0 without the
 * prefix, (size_t)-1 unless N is a power of two from lo to hi in no more digits than hi has and without a leading
 * zero, else N, *end then the index of the byte after it (what follows is the caller's to check). */
size_t tl_position_pow2(const char *pos, size_t len, const char *prefix, size_t lo, size_t hi, size_t *end);
/* The position of a block asked with an alignment above TL_HEAP_MAX_ALIGN: a checkpoint that reaches it is refused
 * (heap_write.c), since a restore would not give the alignment back. */
#define TL_HEAP_OVER_ALIGNED_POS "aligned@over:?"

/* A restore's blocks, laid out in one region (tl_slab_region) in their old address order (heap_restore.c): the offset
 * that follows a block of size bytes (aligned to align when that is more than 16) laid out from offset off (a multiple
 * of 16), its start's offset in *user; (size_t)-1 when it does not fit in the address space. */
size_t tl_heap_region_next(size_t off, size_t size, size_t align, size_t *user);
/* Tracks the block laid out so at user (zero memory fresh from the kernel): a slot of its class when tl_heap_alloc
 * would give it one, else a block of the region's own (TL_HDR_REGION). */
void *tl_heap_region_track(char *user, size_t size, size_t align, uint32_t site);

/* Memory of the runtime itself: never tracked (tl_xmalloc & co. use these). */
void *tl_raw_malloc(size_t n);
void *tl_raw_calloc(size_t n, size_t size);
void *tl_raw_realloc(void *p, size_t n);
void tl_raw_free(void *p);

uint32_t tl_heap_live_blocks(void);
/* A mapping's block (heap_mapping.c): tracks the header at hdr (the 16 bytes before the mapping) as a block of size
 * bytes of site, flagged TL_HDR_MAPPING; the block's start (hdr + 1). A free of such a block calls release (which
 * untracks and unmaps it): heap_mapping.c calls this file, never the other way round. */
void *tl_heap_track_mapping(void *hdr, size_t size, uint32_t site, void (*release)(tl_hdr *h));
/* Forgets a tracked block without freeing its memory */
void tl_heap_untrack(tl_hdr *h);
/* A tracked block's header moved to h (mremap moved the pages it is on): the live array points to it again */
void tl_heap_moved(tl_hdr *h);
/* The live block whose bytes hold p, NULL if none (a walk over every live block: for a few addresses only). */
tl_hdr *tl_heap_holding(const void *p);
/* A char buffer the C library allocated or reallocated from old (getline): typed as char from now on. */
void tl_heap_adopt(void *old, void *p, size_t size);
/* Frees the blocks the last checkpoint wrote (an in-process restore allocates them again from it); blocks it
 * did not write stay (the C library's own buffers are tracked too). heap_write.c keeps that list. */
void tl_heap_release_written(void);

#endif
