/* sort.c: qsort in glibc's order on every platform (sort.h). */

#include "sort.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void __real_free(void *p);

/* glibc sorts arrays of up to this many bytes in a buffer on its stack, larger ones in one from malloc; the order
 * and the comparator's calls are the same either way. */
#define TL_SORT_STACK 1024
/* glibc sorts elements larger than this through pointers to them. */
#define TL_SORT_INDIRECT 32

/* One merge sort of n elements of size bytes at b, with tmp room for n of them: the comparator is given what
 * deref makes of two elements (an element itself, or what an element of pointers points to). */
static void merge_sort(unsigned char *b, size_t n, size_t size, unsigned char *tmp, tl_sort_compare compare,
                       int indirect)
{
    if (n <= 1)
        return;
    size_t n1 = n / 2, n2 = n - n1;
    unsigned char *b1 = b, *b2 = b + n1 * size;
    merge_sort(b1, n1, size, tmp, compare, indirect);
    merge_sort(b2, n2, size, tmp, compare, indirect);
    unsigned char *out = tmp;
    while (n1 > 0 && n2 > 0) {
        const void *x = b1, *y = b2;
        if (indirect) {
            memcpy(&x, b1, sizeof x);
            memcpy(&y, b2, sizeof y);
        }
        if (compare(x, y) <= 0) {
            memcpy(out, b1, size);
            b1 += size;
            n1--;
        } else {
            memcpy(out, b2, size);
            b2 += size;
            n2--;
        }
        out += size;
    }
    if (n1 > 0)
        memcpy(out, b1, n1 * size);
    /* what is left of the second half is in place already */
    memcpy(b, tmp, (n - n2) * size);
}

/* Puts the elements of base in the order of the pointers in order (each points to one of them), with one element
 * of room in spare: every cycle of the permutation is walked once. */
static void permute(unsigned char *base, size_t n, size_t size, unsigned char **order, unsigned char *spare)
{
    for (size_t i = 0; i < n; i++) {
        if (order[i] == base + i * size)
            continue;
        memcpy(spare, base + i * size, size);
        size_t j = i;
        for (;;) {
            size_t k = (size_t)(order[j] - base) / size;
            order[j] = base + j * size;
            if (k == i) {
                memcpy(base + j * size, spare, size);
                break;
            }
            memcpy(base + j * size, base + k * size, size);
            j = k;
        }
    }
}

/* Swaps two elements of size bytes, a piece at a time. */
static void swap(unsigned char *x, unsigned char *y, size_t size)
{
    unsigned char t[64];
    for (size_t off = 0; off < size; off += sizeof t) {
        size_t piece = size - off < sizeof t ? size - off : sizeof t;
        memcpy(t, x + off, piece);
        memcpy(x + off, y + off, piece);
        memcpy(y + off, t, piece);
    }
}

/* Moves element i of the heap of n elements at b down to where it belongs. */
static void sift_down(unsigned char *b, size_t i, size_t n, size_t size, tl_sort_compare compare)
{
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            return;
        if (child + 1 < n && compare(b + child * size, b + (child + 1) * size) < 0)
            child++;
        if (compare(b + i * size, b + child * size) >= 0)
            return;
        swap(b + i * size, b + child * size, size);
        i = child;
    }
}

/* A heapsort in place, for when no buffer can be had: glibc's qsort then sorts in place too (a quicksort), and
 * equal elements may end in another order. */
static void heap_sort(unsigned char *b, size_t n, size_t size, tl_sort_compare compare)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(b, i, n, size, compare);
    for (size_t end = n; end-- > 1;) {
        swap(b, b + end * size, size);
        sift_down(b, 0, end, size, compare);
    }
}

void tl_sort(void *base, size_t n, size_t size, tl_sort_compare compare)
{
    if (n <= 1 || size == 0)
        return;
    unsigned char *b = base;
    int indirect = size > TL_SORT_INDIRECT;
    size_t unit = indirect ? sizeof(unsigned char *) : size;
    /* room for the sort's copy of the elements (or of the pointers, and the pointers themselves, and one element) */
    if (n > SIZE_MAX / unit / 2 - 1 || (indirect && 2 * n * unit > SIZE_MAX - size)) {
        heap_sort(b, n, size, compare);
        return;
    }
    size_t room = indirect ? 2 * n * unit + size : n * unit;
    union {
        unsigned char bytes[TL_SORT_STACK];
        void *pointer; /* aligns the pointers of an indirect sort */
    } stack;
    unsigned char *tmp = room <= sizeof stack.bytes ? stack.bytes : __real_malloc(room);
    if (tmp == NULL) {
        heap_sort(b, n, size, compare);
        return;
    }
    if (!indirect) {
        merge_sort(b, n, size, tmp, compare, 0);
    } else {
        unsigned char **order = (unsigned char **)(void *)(tmp + n * unit);
        for (size_t i = 0; i < n; i++)
            order[i] = b + i * size;
        merge_sort((unsigned char *)order, n, unit, tmp, compare, 1);
        permute(b, n, size, order, tmp + 2 * n * unit);
    }
    if (tmp != stack.bytes)
        __real_free(tmp);
}

__attribute__((weak)) void __wrap_qsort(void *base, size_t n, size_t size, tl_sort_compare compare)
{
    tl_sort(base, n, size, compare);
}
