/* sort.h: qsort with one order on every platform (sort.c). glibc sorts stably (a merge sort) and musl does not (a
 * smoothsort): elements that compare equal came out in another order once a program had moved between the two. The
 * link wraps qsort (RuntimeLibrary.WRAPPED_OTHER) so that every build sorts as glibc 2.36 does. */
#ifndef TALENT_SORT_H
#define TALENT_SORT_H

#include <stddef.h>

/* The comparator qsort is given. */
typedef int (*tl_sort_compare)(const void *, const void *);

/* Sorts n elements of size bytes at base into the order glibc's qsort gives them, calling compare on the same pairs
 * in the same sequence as glibc's merge sort does (a top-down merge sort: the first half has n / 2 elements, a tie
 * takes the element of the first half; elements larger than 32 bytes are sorted through an array of pointers to
 * them, so the comparator sees them where they lie). Weak: a program that defines qsort itself keeps its own. */
void __wrap_qsort(void *base, size_t n, size_t size, tl_sort_compare compare);

/* The sort of __wrap_qsort, for the runtime's own sorting: never a qsort the program defines itself (instrumented
 * code, which must not run inside a checkpoint). Where no buffer can be had (more than 1 KiB, and malloc fails) it
 * sorts in place, and equal elements may end in another order. */
void tl_sort(void *base, size_t n, size_t size, tl_sort_compare compare);

#endif
