/* heap_slab.c: size-class slots for small tracked blocks (heap_slab.h).
 *
 * Why not the C library's malloc: in glibc a malloc/free pair of a 16-byte block ran about 170 instructions
 * (callgrind, the bintrees kernel of `talent bench overhead`), the chunk header made a 16-byte node with its
 * 16-byte talent header a 48-byte chunk, and the tracking came on top. A slot here is exactly header + rounded
 * request (32 bytes for that node: plain gcc's chunk size for the node alone), and a pair is a pop and a push.
 *
 * Chunks of 2 MiB are mapped anonymous and private (MAP_ANONYMOUS, MADV_HUGEPAGE: glibc and musl declare them
 * under _DEFAULT_SOURCE) and carved in address order, so consecutive allocations are neighbours in memory as with a
 * fresh malloc arena; the unused tail of a chunk (less than one slot of the largest class) is left unused. */
#define _DEFAULT_SOURCE 1
#include "heap_slab.h"

#include <string.h>
#include <sys/mman.h>

#define CHUNK ((size_t)2 << 20)

void *tl_slab_free_list[TL_SLAB_CLASSES];

static char *bump, *bump_end;
static unsigned nchunks;
static uintptr_t *chunk_base;       /* the chunks' addresses, sorted (tl_slab_holds) */
static unsigned capchunks;

/* A chunk aligned to its size (2 MiB), so that from the second one on (a program with more than 2 MiB of small
 * blocks) the kernel may back it with one huge page where it offers them on request (MADV_HUGEPAGE): a walk over
 * a long list of small records then misses the TLB far less, and the chunk costs one page fault instead of
 * 512. The first chunk stays on small pages, so a program with a few small blocks keeps a small footprint. */
static char *map_chunk(void)
{
    char *p = mmap(NULL, 2 * CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uintptr_t a;
    size_t head;
    if (p == MAP_FAILED)
        return NULL;
    a = ((uintptr_t)p + CHUNK - 1) & ~(uintptr_t)(CHUNK - 1);
    head = (size_t)(a - (uintptr_t)p);
    if (head)
        munmap(p, head);
    munmap((char *)a + CHUNK, CHUNK - head);
#if defined(MADV_HUGEPAGE)
    if (nchunks > 0)
        madvise((void *)a, CHUNK, MADV_HUGEPAGE);   /* a hint: without it the chunk simply stays on small pages */
#endif
    if (nchunks == capchunks) {
        /* a few hundred bytes for a gigabyte of small blocks: mapped too, never from the tracked allocator */
        unsigned ncap = capchunks ? 2 * capchunks : 64;
        uintptr_t *grown = mmap(NULL, ncap * sizeof *grown, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (grown == MAP_FAILED) {
            munmap((void *)a, CHUNK);
            return NULL;
        }
        if (nchunks) {
            memcpy(grown, chunk_base, nchunks * sizeof *grown);
            munmap(chunk_base, capchunks * sizeof *grown);
        }
        chunk_base = grown;
        capchunks = ncap;
    }
    {
        unsigned i = nchunks;
        while (i > 0 && chunk_base[i - 1] > a) {
            chunk_base[i] = chunk_base[i - 1];
            i--;
        }
        chunk_base[i] = a;
    }
    nchunks++;
    return (char *)a;
}

int tl_slab_holds(uintptr_t a)
{
    unsigned lo = 0, hi = nchunks;
    uintptr_t base = a & ~(uintptr_t)(CHUNK - 1);
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (chunk_base[mid] == base)
            return 1;
        if (chunk_base[mid] < base)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

__attribute__((noinline)) void *tl_slab_carve(unsigned cls)
{
    size_t bytes = 16 * ((size_t)cls + 1);
    char *p;
    if (!bump || (size_t)(bump_end - bump) < bytes) {
        char *c = map_chunk();
        if (!c)
            return NULL;
        bump = c;
        bump_end = bump + CHUNK;
    }
    p = bump;
    bump += bytes;
    return p;
}
