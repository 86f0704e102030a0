/* Benchmark kernel: a 2-D five-point stencil (Jacobi sweeps over a grid, two buffers swapped each step), written as
 * people write it: the grid in heap arrays, a declaration before the inner loop; the argument is the grid side. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 900;
    if (n < 4) n = 4;
    int steps = 60;
    double *u = malloc((size_t)n * n * sizeof *u), *v = malloc((size_t)n * n * sizeof *v);
    if (!u || !v) return 1;
    for (int i = 0; i < n * n; i++) u[i] = v[i] = (double)((i * 7) % 23) / 23.0;
    for (int s = 0; s < steps; s++) {
        for (int i = 1; i < n - 1; i++) {
            const double *up = u + (size_t)(i - 1) * n, *mid = u + (size_t)i * n, *down = u + (size_t)(i + 1) * n;
            for (int j = 1; j < n - 1; j++)
                v[(size_t)i * n + j] = 0.2 * (mid[j] + mid[j - 1] + mid[j + 1] + up[j] + down[j]);
        }
        double *t = u; u = v; v = t;
    }
    double sum = 0;
    for (int i = 0; i < n * n; i++) sum += u[i] * (double)(i % 7 + 1);
    printf("%.6f\n", sum);
    free(u); free(v);
    return 0;
}
