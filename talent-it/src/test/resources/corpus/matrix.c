/*
 * matrix.c -- talent migration corpus.
 * Exercises: multi-dimensional arrays as globals (double[N][N]), as locals of main (double[N][N],
 * int[4][5][6]) and as array parameters pointing into an outer frame's local (double m[][N]); deeply
 * nested loops (triple loops of matrix products, Gauss-Jordan elimination with partial pivoting), double
 * arithmetic, row swaps, 3-D prefix sums over ints.
 * Output: the matrices after each phase, the residual of A * inv(A), the prefix-sum cube slices.
 */
#include <stdio.h>

#define N 6

double A[N][N];            /* global 2-D array */
static double work[N][2 * N];

static void fill(double m[][N], int seed) {
    for (int r = 0; r < N; r++) {
        for (int c = 0; c < N; c++) {
            int v = (r * 7 + c * 13 + seed) % 17 - 8;
            m[r][c] = v / 4.0 + (r == c ? 20.0 : 0.0); /* diagonally dominant: well conditioned */
        }
    }
}

static void print_matrix(const char *title, double m[][N]) {
    printf("%s\n", title);
    for (int r = 0; r < N; r++) {
        for (int c = 0; c < N; c++) printf(" %13.9f", m[r][c]);
        printf("\n");
    }
}

static void multiply(double out[][N], double x[][N], double y[][N]) {
    for (int r = 0; r < N; r++)
        for (int c = 0; c < N; c++) {
            double acc = 0.0;
            for (int k = 0; k < N; k++) acc += x[r][k] * y[k][c];
            out[r][c] = acc;
        }
}

/* Gauss-Jordan with partial pivoting on the global work matrix; the inverse goes to inv (a local of main). */
static int invert(double inv[][N]) {
    for (int r = 0; r < N; r++)
        for (int c = 0; c < 2 * N; c++) work[r][c] = c < N ? A[r][c] : (c - N == r ? 1.0 : 0.0);
    int swaps = 0;
    for (int col = 0; col < N; col++) {
        int pivot = col;
        for (int r = col + 1; r < N; r++) {
            double a = work[r][col] < 0 ? -work[r][col] : work[r][col];
            double b = work[pivot][col] < 0 ? -work[pivot][col] : work[pivot][col];
            if (a > b) pivot = r;
        }
        if (pivot != col) {
            swaps++;
            for (int c = 0; c < 2 * N; c++) {
                double t = work[col][c];
                work[col][c] = work[pivot][c];
                work[pivot][c] = t;
            }
        }
        double p = work[col][col];
        for (int c = 0; c < 2 * N; c++) work[col][c] /= p;
        for (int r = 0; r < N; r++) {
            if (r == col) continue;
            double factor = work[r][col];
            for (int c = 0; c < 2 * N; c++) work[r][c] -= factor * work[col][c];
        }
        printf("eliminated column %d (pivot row %d, pivot %.9f)\n", col, pivot, p);
    }
    for (int r = 0; r < N; r++)
        for (int c = 0; c < N; c++) inv[r][c] = work[r][c + N];
    return swaps;
}

int main(void) {
    double inv[N][N];
    double check[N][N];
    int cube[4][5][6];

    fill(A, 3);
    A[0][0] = 1.0;      /* force a pivot search to swap rows */
    A[4][0] = 25.0;
    print_matrix("A", A);
    int swaps = invert(inv);
    printf("row swaps: %d\n", swaps);
    print_matrix("inverse", inv);
    multiply(check, A, inv);
    double residual = 0.0;
    for (int r = 0; r < N; r++)
        for (int c = 0; c < N; c++) {
            double e = check[r][c] - (r == c ? 1.0 : 0.0);
            residual += e < 0 ? -e : e;
        }
    printf("residual below 1e-12: %s\n", residual < 1e-12 ? "yes" : "no");

    for (int x = 0; x < 4; x++)
        for (int y = 0; y < 5; y++)
            for (int z = 0; z < 6; z++) cube[x][y][z] = (x * 31 + y * 17 + z * 7) % 11 - 5;
    for (int x = 0; x < 4; x++)
        for (int y = 0; y < 5; y++)
            for (int z = 0; z < 6; z++) {
                int v = cube[x][y][z];
                if (x > 0) v += cube[x - 1][y][z];
                if (y > 0) v += cube[x][y - 1][z];
                if (z > 0) v += cube[x][y][z - 1];
                if (x > 0 && y > 0) v -= cube[x - 1][y - 1][z];
                if (x > 0 && z > 0) v -= cube[x - 1][y][z - 1];
                if (y > 0 && z > 0) v -= cube[x][y - 1][z - 1];
                if (x > 0 && y > 0 && z > 0) v += cube[x - 1][y - 1][z - 1];
                cube[x][y][z] = v;
            }
    for (int x = 0; x < 4; x++) {
        printf("prefix slice %d:", x);
        for (int y = 0; y < 5; y++) printf(" %4d", cube[x][y][5]);
        printf("\n");
    }

    /* power iteration: A^k applied to a vector kept in a local array */
    double v[N];
    for (int r = 0; r < N; r++) v[r] = 1.0;
    for (int it = 1; it <= 12; it++) {
        double next[N];
        double norm = 0.0;
        for (int r = 0; r < N; r++) {
            next[r] = 0.0;
            for (int c = 0; c < N; c++) next[r] += A[r][c] * v[c];
            norm = next[r] > norm ? next[r] : norm;
        }
        for (int r = 0; r < N; r++) v[r] = next[r] / norm;
        printf("power iteration %2d: eigenvalue estimate %.9f\n", it, norm);
    }
    return 0;
}
