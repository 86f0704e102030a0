/* Hand-written: the allocator behind tracked blocks (heap_track.c, heap_slab.c), without a checkpoint. Blocks of
 * every size from 0 to 300 bytes (the slot classes and the first sizes past them), through malloc, calloc,
 * realloc (growing and shrinking, within a slot's class and across classes and into the C library's allocator),
 * strdup and posix_memalign, as a program calls them (the allocator is wrapped at link time): each block is
 * zero-filled, 16-byte aligned, keeps its bytes across realloc, overlaps no other live block (each is filled
 * with its own pattern and checked after all are allocated), reports its requested size to malloc_usable_size,
 * and freed slots are reused. Prints one line per check; any failure exits 1. */
#define _POSIX_C_SOURCE 200809L
#include "talent.h"
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 301

static int failures;

static void check(int ok, const char *what, size_t size)
{
    if (!ok) {
        printf("FAIL %s (size %lu)\n", what, (unsigned long)size);
        failures++;
    }
}

static int all_zero(const unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void fill(unsigned char *p, size_t n, unsigned tag)
{
    size_t i;
    for (i = 0; i < n; i++)
        p[i] = (unsigned char)(tag * 31u + i * 7u + 1u);
}

static int filled(const unsigned char *p, size_t n, unsigned tag)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != (unsigned char)(tag * 31u + i * 7u + 1u))
            return 0;
    return 1;
}

int talent_user_main(void)
{
    static unsigned char *b[N];
    unsigned char *again[N];
    size_t n, reused = 0;
    char *s;
    void *al = NULL;
    for (n = 0; n < N; n++) {
        b[n] = n % 2 ? malloc(n) : calloc(1, n);
        check(b[n] != NULL, "allocated", n);
        check((uintptr_t)b[n] % 16 == 0, "16-byte aligned", n);
        check(all_zero(b[n], n), "zero-filled", n);
        check(malloc_usable_size(b[n]) == n, "usable size is the requested size", n);
        fill(b[n], n, (unsigned)n);
    }
    for (n = 0; n < N; n++)
        check(filled(b[n], n, (unsigned)n), "no overlap with the other live blocks", n);
    printf("allocated %d blocks of 0..%d bytes\n", N, N - 1);

    /* realloc: grow by 1 (same class mostly), by 40 (next classes), shrink by half; kept bytes, zeroed growth */
    for (n = 0; n < N; n++) {
        size_t grown = n + 1 + (n % 3 ? 0 : 40), shrunk = grown / 2;
        b[n] = realloc(b[n], grown);
        check(b[n] != NULL && filled(b[n], n, (unsigned)n), "realloc keeps the bytes", grown);
        check(all_zero(b[n] + n, grown - n), "realloc zero-fills the growth", grown);
        check(malloc_usable_size(b[n]) == grown, "usable size after realloc", grown);
        b[n] = realloc(b[n], shrunk);
        check(b[n] != NULL && filled(b[n], shrunk < n ? shrunk : n, (unsigned)n), "shrinking keeps the bytes", shrunk);
        b[n] = realloc(b[n], grown);
        check(all_zero(b[n] + shrunk, grown - shrunk), "growing again zero-fills what shrinking dropped", grown);
    }
    printf("realloc grown, shrunk and grown again\n");

    /* freed slots are handed out again: free all, allocate the same sizes, count addresses seen before */
    for (n = 0; n < N; n++)
        free(b[n]);
    for (n = 0; n < N; n++) {
        size_t k;
        again[n] = malloc(n);
        check(again[n] != NULL && all_zero(again[n], n), "a reused block is zero-filled", n);
        for (k = 0; k < N && n <= 256; k++)
            if (again[n] == b[k]) {
                reused++;
                break;
            }
    }
    check(reused > N / 2, "freed slots are reused", reused);
    for (n = 0; n < N; n++)
        free(again[n]);
    printf("freed slots reused\n");

    s = strdup("a string of the C library's functions");
    check(s != NULL && strcmp(s, "a string of the C library's functions") == 0, "strdup", 0);
    free(s);
    check(posix_memalign(&al, 64, 40) == 0 && al && (uintptr_t)al % 64 == 0 && all_zero(al, 40), "posix_memalign 64", 40);
    free(al);
    free(NULL);
    printf("%s\n", failures ? "FAILED" : "all checks passed");
    return failures ? 1 : 0;
}

/* ---------------------------------------------------------------- tables */
static const talent_alloc_site talent_alloc_sites_alloc_classes[] = {
    { "alloc_classes.c:1:1", 0 },
};
const talent_unit talent_unit_alloc_classes = { "alloc_classes.c", 0, 0, talent_alloc_sites_alloc_classes, 1, 0, 0 };

static const talent_unit *const talent_units[] = { &talent_unit_alloc_classes };
static const talent_function talent_functions[] = {
    { "main", "alloc_classes.c:54:5", 0 },
};
static const talent_point talent_points[] = {
    { 0, 1, "alloc_classes.c:54:5" },
};
static int talent_invoke_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return talent_user_main();
}
const talent_program talent_the_program = {
    "5b0d3f8a2c4e6a7d9f1b3c5d7e9f0a1b", "alloc_classes", talent_units, 1, talent_functions, 1, talent_points, 1,
    talent_invoke_main,
};
