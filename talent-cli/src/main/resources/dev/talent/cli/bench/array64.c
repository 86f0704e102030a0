/*
 * Checkpoint benchmark program: a global array of doubles (64 MiB, or ARRAY_MIB MiB when `talent bench
 * checkpoint --mib` defines it), filled deterministically, then summed in passes. The head of the pass loop is the only checkpoint site (the fill and the inner sum loops are marked
 * nocheckpoint), so TALENT_STOP_AFTER=2 checkpoints right after the first pass with the whole array live.
 */
#include <stdio.h>
#include <stdlib.h>

#ifndef ARRAY_MIB
#define ARRAY_MIB 64
#endif
#define COUNT ((long)ARRAY_MIB * 131072L)   /* 131072 doubles per MiB */
static double data[COUNT];

int main(int argc, char **argv) {
    int passes = argc > 1 ? atoi(argv[1]) : 3;
    unsigned int x = 2463534242u;
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;   /* xorshift32: same sequence on every ISA */
        data[i] = (double)(x % 1000000u) / 1000.0;
    }
    double total = 0;
    for (int p = 0; p < passes; p++) {
        double sum = 0;
#pragma talent nocheckpoint
        for (long i = 0; i < COUNT; i++) sum += data[i];
        data[p] += 1.0;
        total += sum;
        printf("pass %d: %.3f\n", p, sum);
    }
    printf("total %.3f\n", total);
    return 0;
}
