/*
 * sort.c -- talent migration corpus.
 * Exercises: recursive quicksort on a global array (sites in the partition loops of every recursion
 * level), top-down merge sort whose frames each own a local array (aggregates in many frames of the
 * chain), a pseudo-random generator in a function-scope static, binary search with `while (lo < hi)`,
 * unsigned 32-bit arithmetic with wrap-around.
 * Output: samples and checksums of the data after each sort, search results.
 */
#include <stdint.h>
#include <stdio.h>

#define COUNT 160

int data[COUNT];                       /* global array sorted in place */
static int copy[COUNT];
static int merge_buffer[COUNT];
static unsigned partitions;

static uint32_t next_random(void) {
    static uint32_t state = 2463534242u;   /* function static: xorshift32 */
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static void quicksort(int *a, int lo, int hi) {   /* sorts a[lo..hi] */
    if (lo >= hi) return;
    int pivot = a[lo + (hi - lo) / 2];
    int i = lo, j = hi;
    partitions++;
    while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
    }
    quicksort(a, lo, j);
    quicksort(a, i, hi);
}

static void merge_sort(int *a, int n, int depth) {
    int head[8];                         /* a local array in every frame: the first elements, for the trace */
    if (n < 2) return;
    int half = n / 2;
    merge_sort(a, half, depth + 1);
    merge_sort(a + half, n - half, depth + 1);
    int i = 0, j = half, k = 0;
    while (i < half && j < n) merge_buffer[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < half) merge_buffer[k++] = a[i++];
    while (j < n) merge_buffer[k++] = a[j++];
    for (k = 0; k < n; k++) a[k] = merge_buffer[k];
    for (k = 0; k < 8; k++) head[k] = k < n ? a[k] : -1;
    if (depth <= 2)
        printf("merged %3d at depth %d: %d %d %d %d %d %d %d %d\n", n, depth, head[0], head[1], head[2], head[3],
               head[4], head[5], head[6], head[7]);
}

static uint32_t checksum(const int *a, int n) {
    uint32_t h = 2166136261u;
    for (int k = 0; k < n; k++) h = (h ^ (uint32_t)a[k]) * 16777619u;
    return h;
}

static int lower_bound(const int *a, int n, int key) {
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int main(void) {
    for (int k = 0; k < COUNT; k++) {
        data[k] = (int)(next_random() % 10000u) - 5000;
        copy[k] = data[k];
    }
    printf("unsorted checksum %08x first %d %d %d\n", (unsigned)checksum(data, COUNT), data[0], data[1], data[2]);
    quicksort(data, 0, COUNT - 1);
    printf("quicksort: %u partitions, checksum %08x\n", partitions, (unsigned)checksum(data, COUNT));
    for (int k = 0; k < COUNT; k += 25) printf(" %d", data[k]);
    printf("\n");
    merge_sort(copy, COUNT, 0);
    printf("merge sort checksum %08x\n", (unsigned)checksum(copy, COUNT));
    int mismatches = 0;
    for (int k = 0; k < COUNT; k++)
        if (data[k] != copy[k]) mismatches++;
    printf("mismatches between the two sorts: %d\n", mismatches);
    for (int key = -5000; key <= 5000; key += 1250) {
        int pos = lower_bound(data, COUNT, key);
        printf("lower_bound(%d) = %d (%d)\n", key, pos, pos < COUNT ? data[pos] : 0);
    }
    return 0;
}
