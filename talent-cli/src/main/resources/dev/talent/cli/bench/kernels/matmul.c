/* Benchmark kernel: dense matrix multiply, a triple nest with a declaration before the inner loop (the shape of
 * issue 11's measurement); the argument is the matrix order. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 420;
    if (n < 2) n = 2;
    double *a = malloc((size_t)n * n * sizeof *a), *b = malloc((size_t)n * n * sizeof *b), *c = malloc((size_t)n * n * sizeof *c);
    if (!a || !b || !c) return 1;
    for (int i = 0; i < n * n; i++) {
        a[i] = (double)(i % 17) / 8.0;
        b[i] = (double)(i % 13) / 4.0;
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
    }
    double trace = 0;
    for (int i = 0; i < n; i++) trace += c[i * n + i];
    printf("%.6f\n", trace);
    free(a); free(b); free(c);
    return 0;
}
