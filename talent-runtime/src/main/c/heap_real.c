/* heap_real.c: the allocator's functions for a program linked without -Wl,--wrap=malloc,... (a test harness
 * linked by hand: the fuzzer, the corpus driver). Under --wrap the linker renames heap_track.c's references
 * to __real_malloc & co. into references to the C library's malloc & co., and this file is never pulled out
 * of libtalent.a; without it, they resolve here. (A weak undefined reference is not renamed by --wrap, hence a
 * file of its own.) */

#include <stdlib.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
size_t __real_malloc_usable_size(void *p);

void *__real_malloc(size_t n)
{
    return malloc(n);
}

void *__real_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

void *__real_realloc(void *p, size_t n)
{
    return realloc(p, n);
}

void __real_free(void *p)
{
    free(p);
}

/* Only the size a block of this allocator offers is asked for (malloc_usable_size of a block talent does
 * not track); without the wrapping nothing calls it. */
size_t __real_malloc_usable_size(void *p)
{
    (void)p;
    return 0;
}
