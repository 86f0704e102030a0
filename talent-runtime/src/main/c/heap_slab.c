/* heap_slab.c: size-class slots for small tracked blocks (heap_slab.h).
 *
 * Why not the C library's malloc: in glibc a malloc/free pair of a 16-byte block ran about 170 instructions
 * (callgrind, the bintrees kernel of `talent bench overhead`), the chunk header made a 16-byte node with its
 * 16-byte talent header a 48-byte chunk, and the tracking came on top. A slot here is exactly header + rounded
 * request (32 bytes for that node: plain gcc's chunk size for the node alone), and a pair is a pop and a push.
 *
 * Chunks of 1 MiB are mapped anonymous and private (MAP_ANONYMOUS: glibc and musl declare it under
 * _DEFAULT_SOURCE) and carved in address order, so consecutive allocations are neighbours in memory as with a
 * fresh malloc arena; the unused tail of a chunk (less than one slot of the largest class) is left unused. */
#define _DEFAULT_SOURCE 1
#include "heap_slab.h"

#include <sys/mman.h>

#define CHUNK ((size_t)1 << 20)

void *tl_slab_free_list[TL_SLAB_CLASSES];

static char *bump, *bump_end;

__attribute__((noinline)) void *tl_slab_carve(unsigned cls)
{
    size_t bytes = 16 * ((size_t)cls + 1);
    char *p;
    if (!bump || (size_t)(bump_end - bump) < bytes) {
        void *c = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (c == MAP_FAILED)
            return NULL;
        bump = c;
        bump_end = bump + CHUNK;
    }
    p = bump;
    bump += bytes;
    return p;
}
