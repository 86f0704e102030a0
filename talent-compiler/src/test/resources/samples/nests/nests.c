/* Short loop nests (docs/CODEGEN.md): loops bounded by their header to a few iterations, with leaf loops
   inside, versioned as a whole. Checkpoints taken inside them (at the nest's own site and at its inner
   loops' sites) must restart to the same output. */
#include <stdio.h>

#define N 4
static double m[N][N];
static long hist[8];

/* the n-body shape: a triangle of pairs */
static void pairs(double scale) {
    for (int i = 0; i < N; i++) {
        for (int j = i + 1; j < N; j++) {
            double d = m[i][j] - m[j][i];
            m[i][j] += scale * d;
            m[j][i] -= scale * d;
        }
    }
}

/* counting down by steps, a while loop inside, a break out of the nest */
static long buckets(long seed) {
    long total = 0;
    for (int k = 8; k > 0; k -= 2) {
        long v = seed + k;
        while (v > 1) {
            v = (v % 2) ? 3 * v + 1 : v / 2;
            total++;
        }
        if (total > 4000) break;
        hist[k - 1] += total;
    }
    return total;
}

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) m[i][j] = (i + 1) * 0.5 - (j + 2) * 0.25;
    long sum = 0;
    for (int step = 0; step < 300; step++) {
        /* the body starts with a short nest: its test of talent_pending serves this loop's site too */
        for (int r = 0; r <= 2; r++)
            for (int c = 0; c < r + 1; c++) sum += r * c + step % 3;
        pairs(0.01);
        sum += buckets(step);
    }
    double weighted = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) weighted += m[i][j] * (i + 2 * j + 1);
    printf("%ld %.12f\n", sum, weighted);
    for (int k = 0; k < 8; k++) printf("%ld ", hist[k]);
    printf("\n");
    return 0;
}
