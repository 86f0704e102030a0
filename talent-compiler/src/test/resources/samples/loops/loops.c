#include <stdio.h>
#include <string.h>

#define N 64

static double grid[N][N];
int iterations = 0;
const char banner[] = "jacobi";

struct state {
    int pos;
    int limit;
    unsigned long hash;
};

static int step(struct state *s) {
    s->hash = s->hash * 31u + (unsigned long)s->pos;
    s->pos++;
    return s->pos < s->limit;
}

static unsigned counter(void) {
    static unsigned calls = 0;
    calls++;
    return calls;
}

static void relax(int sweeps) {
    double next[N][N];
    memcpy(next, grid, sizeof next);
    for (int k = 0; k < sweeps; k++) {
        for (int i = 1; i < N - 1; i++)
            for (int j = 1; j < N - 1; j++) {
                next[i][j] = 0.25 * (grid[i - 1][j] + grid[i + 1][j] + grid[i][j - 1] + grid[i][j + 1]);
            }
        memcpy(grid, next, sizeof grid);
        iterations++;
    }
}

int main(void) {
    struct state s = { 0, 100000, 7 };
    int i = 0;
    for (i = 0; i < N; i++)
        grid[0][i] = 100.0;
    while (step(&s)) {
        if (s.pos % 25000 == 0) {
#pragma talent checkpoint
            counter();
        }
    }
    do {
        i--;
    } while (i > 0);
    relax(50);
    printf("%s: hash=%lu center=%.6f iterations=%d calls=%u\n", banner, s.hash, grid[3][N / 2], iterations, counter());
    return 0;
}
