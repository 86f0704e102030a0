/*
 * recursion.c -- talent migration corpus.
 * Exercises: `fib(n-1) + fib(n-2)` (two chain calls in one expression, hoisted into temporaries) with a
 * `#pragma talent checkpoint` site in the recursive function, a chain call in a return expression,
 * Ackermann's function (a chain call whose argument is itself a chain call), and a deep recursive
 * depth-first flood fill on a global grid (recursion depth about 370, loop-head site inside the deepest
 * frames, so a checkpoint is taken with hundreds of frames on the chain).
 * Output: results of each phase and the visited grid.
 */
#include <stdio.h>

#define W 24
#define H 30

static char grid[H][W + 1];       /* global char strings, one per row */
static int order[H][W];           /* visit order of each cell */
static int visited_count;
static int max_depth;

static long long fib(int n) {
#pragma talent checkpoint
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
}

static int ackermann(int m, int n) {
#pragma talent checkpoint
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1)); /* nested chain calls: inner one hoisted first */
}

static void flood(int r, int c, int depth) {
    static const int dr[4] = {0, 1, 0, -1};
    static const int dc[4] = {1, 0, -1, 0};
    order[r][c] = ++visited_count;
    grid[r][c] = (char)('a' + depth % 26);
    if (depth > max_depth) max_depth = depth;
    for (int k = 0; k < 4; k++) {
        int nr = r + dr[k], nc = c + dc[k];
        if (nr < 0 || nr >= H || nc < 0 || nc >= W) continue;
        if (grid[nr][nc] != '.') continue;
        flood(nr, nc, depth + 1);
    }
}

int main(void) {
    for (int n = 0; n <= 12; n += 2) {
        long long f = fib(n);
        printf("fib(%d) = %lld\n", n, f);
    }
    for (int m = 0; m <= 2; m++)
        for (int n = 0; n <= 3; n++) {
            int a = ackermann(m, n);
            printf("ackermann(%d, %d) = %d\n", m, n, a);
        }
    /* a maze of walls with gaps at alternating ends: the fill snakes through it, recursing deeply */
    for (int r = 0; r < H; r++) {
        for (int c = 0; c < W; c++) grid[r][c] = '.';
        grid[r][W] = '\0';
    }
    for (int r = 1; r < H; r += 2)
        for (int c = 0; c < W; c++)
            if (!((r / 2) % 2 == 0 ? c == W - 1 : c == 0)) grid[r][c] = '#';
    flood(0, 0, 0);
    printf("visited %d cells, max depth %d\n", visited_count, max_depth);
    for (int r = 0; r < H; r++) printf("%s\n", grid[r]);
    for (int r = 0; r < H; r += 3) {
        for (int c = 0; c < W; c += 4) printf(" %4d", order[r][c]);
        printf("\n");
    }
    return 0;
}
