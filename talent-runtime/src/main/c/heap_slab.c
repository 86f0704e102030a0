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
#include "foreign.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK ((size_t)2 << 20)

void *tl_slab_free_list[TL_SLAB_CLASSES];

static char *bump, *bump_end;
static unsigned nchunks;
/* The chunks' addresses, an open-addressing hash set (0: empty slot) of capchunks slots, at most half full:
 * tl_slab_holds runs for every pointer a checkpoint follows (millions), and one multiply and usually one probe of a
 * table that stays in cache beat a binary search whose branches the CPU cannot predict. */
static uintptr_t *chunk_base;
static unsigned capchunks;

static unsigned chunk_home(uintptr_t base, unsigned cap)
{
    /* Fibonacci hashing of the chunk number; cap is a power of two */
    return (unsigned)(((uint64_t)(base / CHUNK) * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static void chunk_insert(uintptr_t *set, unsigned cap, uintptr_t base)
{
    unsigned j = chunk_home(base, cap);
    while (set[j])
        j = (j + 1) & (cap - 1);
    set[j] = base;
}

/* Adds the chunk at a (CHUNK-aligned, mapped) to the set; -1 when the set cannot grow. */
static int register_chunk(uintptr_t a)
{
    if (2 * (nchunks + 1) > capchunks) {
        /* a few hundred bytes for a gigabyte of small blocks: mapped too, never from the tracked allocator */
        unsigned ncap = capchunks ? 2 * capchunks : 64, i;
        uintptr_t *grown = tl_runtime_mmap(NULL, ncap * sizeof *grown, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
        if (grown == MAP_FAILED)
            return -1;
        /* anonymous memory is zero: every slot empty */
        for (i = 0; i < capchunks; i++)
            if (chunk_base[i])
                chunk_insert(grown, ncap, chunk_base[i]);
        if (chunk_base)
            tl_runtime_munmap(chunk_base, capchunks * sizeof *grown);
        chunk_base = grown;
        capchunks = ncap;
    }
    chunk_insert(chunk_base, capchunks, a);
    nchunks++;
    return 0;
}

/* A chunk aligned to its size (2 MiB), so that from the second one on (a program with more than 2 MiB of small
 * blocks) the kernel may back it with one huge page where it offers them on request (MADV_HUGEPAGE): a walk over
 * a long list of small records then misses the TLB far less, and the chunk costs one page fault instead of
 * 512. The first chunk stays on small pages, so a program with a few small blocks keeps a small footprint. */
static char *map_chunk(void)
{
    char *p = tl_runtime_mmap(NULL, 2 * CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    uintptr_t a;
    size_t head;
    if (p == MAP_FAILED)
        return NULL;
    a = ((uintptr_t)p + CHUNK - 1) & ~(uintptr_t)(CHUNK - 1);
    head = (size_t)(a - (uintptr_t)p);
    if (head)
        tl_runtime_munmap(p, head);
    tl_runtime_munmap((char *)a + CHUNK, CHUNK - head);
#if defined(MADV_HUGEPAGE)
    if (nchunks > 0)
        madvise((void *)a, CHUNK, MADV_HUGEPAGE);   /* a hint: without it the chunk simply stays on small pages */
#endif
    if (register_chunk(a) != 0) {
        tl_runtime_munmap((void *)a, CHUNK);
        return NULL;
    }
    return (char *)a;
}

int tl_slab_holds(uintptr_t a)
{
    uintptr_t base = a & ~(uintptr_t)(CHUNK - 1);
    unsigned j;
    if (!capchunks || !base)
        return 0;
    j = chunk_home(base, capchunks);
    while (chunk_base[j]) {
        if (chunk_base[j] == base)
            return 1;
        j = (j + 1) & (capchunks - 1);
    }
    return 0;
}

/* One region of whole chunks, at increasing addresses (heap_slab.h): mapped as map_chunk maps one, each chunk of it
 * registered, and what the caller leaves after `bytes` becomes the bump area that later slots are carved from. */
char *tl_slab_region(size_t bytes)
{
    size_t n = (bytes + CHUNK - 1) / CHUNK, len, head, k;
    char *p;
    uintptr_t a;
    if (n == 0)
        n = 1;
    if (n > ((size_t)-1 - CHUNK) / CHUNK - 1)
        return NULL;
    len = n * CHUNK;
    p = tl_runtime_mmap(NULL, len + CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    if (p == MAP_FAILED)
        return NULL;
    a = ((uintptr_t)p + CHUNK - 1) & ~(uintptr_t)(CHUNK - 1);
    head = (size_t)(a - (uintptr_t)p);
    if (head)
        tl_runtime_munmap(p, head);
    tl_runtime_munmap((char *)a + len, CHUNK - head);
    for (k = 0; k < n; k++)
        if (register_chunk(a + k * CHUNK) != 0) {
            /* the chunks registered so far stay registered (and mapped): harmless, the restore fails anyway */
            tl_runtime_munmap((void *)(a + k * CHUNK), (n - k) * CHUNK);
            return NULL;
        }
    tl_hugepages((void *)a, len);
    bump = (char *)a + ((bytes + 15) & ~(size_t)15);
    bump_end = (char *)a + len;
    return (char *)a;
}

void tl_slab_release(void *p, size_t n)
{
    long ps = sysconf(_SC_PAGESIZE);
    uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096, start = ((uintptr_t)p + page - 1) & ~(page - 1), end = ((uintptr_t)p + n) & ~(page - 1);
    if (end > start)
        (void)madvise((void *)start, (size_t)(end - start), MADV_DONTNEED);  /* the memory back to the kernel */
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

void tl_hugepages(void *p, size_t n)
{
#if defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1), end = ((uintptr_t)p + n) & ~(huge - 1);
    if (n >= 2 * huge && end > start)
        (void)madvise((void *)start, (size_t)(end - start), MADV_HUGEPAGE);  /* a hint: failure changes nothing */
#else
    (void)p;
    (void)n;
#endif
}
