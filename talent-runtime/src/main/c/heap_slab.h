/*
 * heap_slab.h: memory for the program's small tracked blocks (heap_slab.c), by size class. heap_track.c asks for
 * a slot of 16 * (class + 1) bytes (its 16-byte header and up to 16 * class bytes of the program's) and gives it
 * back on free; a freed slot goes onto its class's free list and is the next one that class hands out. Slots
 * come from chunks mapped from the kernel and carved in address order; they are never returned to the kernel
 * (as a size-class allocator's caches are not): a program that frees its small blocks keeps their memory for
 * its next small blocks. Single-threaded, as talent's programs are; no lock, no system call on the fast path.
 */
#ifndef TALENT_HEAP_SLAB_H
#define TALENT_HEAP_SLAB_H

#include "base.h"

/* Classes 0..TL_SLAB_CLASSES-1: slots of 16, 32, ..., 16 * TL_SLAB_CLASSES bytes, 16-byte aligned. */
#define TL_SLAB_CLASSES 17u

/* The class whose slot holds a 16-byte header and n bytes (n <= 16 * (TL_SLAB_CLASSES - 1)). */
#define TL_SLAB_CLASS(n) (((n) + 15u) >> 4)

/* Heads of the free lists: a free slot's first word is the next free slot of its class. */
extern void *tl_slab_free_list[TL_SLAB_CLASSES];

/* A slot carved from the current chunk (a new chunk when it is used up); NULL when the kernel has no memory. */
void *tl_slab_carve(unsigned cls);

/* A freed slot of class cls (its bytes are whatever the last user left there), or NULL when the class has none:
 * then tl_slab_carve. Apart so that the caller's fast path makes no call. */
static inline void *tl_slab_pop(unsigned cls)
{
    void *p = tl_slab_free_list[cls];
    if (__builtin_expect(p != NULL, 1))
        tl_slab_free_list[cls] = *(void **)p;
    return p;
}

/* Whether address a lies in one of the chunks slots are carved from (mapped, readable memory: the 16 bytes before
 * a block that starts in a chunk are its header). For the checkpoint's pointer lookups (heap_write.c): a pointer
 * to the start of a small block is recognised from the header before it, without a table of every block. */
int tl_slab_holds(uintptr_t a);

/* Gives back a slot of class cls (from tl_slab_pop or tl_slab_carve). */
static inline void tl_slab_free(void *p, unsigned cls)
{
    *(void **)p = tl_slab_free_list[cls];
    tl_slab_free_list[cls] = p;
}

/* A region of at least `bytes` bytes at increasing addresses, aligned to 2 MiB, of whole chunks that all count as slab
 * chunks (tl_slab_holds): a restore lays its blocks out in it in their old address order (heap_restore.c), small ones
 * as slots of their class (freed onto its free list as any slot), larger ones as blocks of their own
 * (tl_slab_release when freed). Slots carved later come from what is left after `bytes`, above the restored blocks.
 * NULL when the kernel has no memory. */
char *tl_slab_region(size_t bytes);

/* Gives the whole pages inside [p, p + n) back to the kernel (a freed large block of a restore's region: its address
 * range is not reused). */
void tl_slab_release(void *p, size_t n);

/* Asks for transparent huge pages on the 2 MiB-aligned part of a large buffer (4 MiB or more): a checkpoint of
 * hundreds of MiB otherwise spends a visible share of its time in page faults, on virtual machines especially
 * (tl_xmalloc & co. ask it for every such buffer of the runtime's own). */
void tl_hugepages(void *p, size_t n);

#endif
