/* Benchmark kernel: spectral norm (floating point, function calls in nested loops, arrays). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXN 4000
static double u[MAXN], v[MAXN], tmp[MAXN];

static double a(int i, int j) { return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1); }

static void mul_av(int n, const double *x, double *y) {
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) s += a(i, j) * x[j];
        y[i] = s;
    }
}

static void mul_atv(int n, const double *x, double *y) {
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) s += a(j, i) * x[j];
        y[i] = s;
    }
}

static void mul_atav(int n, const double *x, double *y) {
    mul_av(n, x, tmp);
    mul_atv(n, tmp, y);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2400;
    if (n > MAXN) n = MAXN;
    for (int i = 0; i < n; i++) u[i] = 1;
    for (int i = 0; i < 10; i++) {
        mul_atav(n, u, v);
        mul_atav(n, v, u);
    }
    double vbv = 0, vv = 0;
    for (int i = 0; i < n; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    printf("%.9f\n", sqrt(vbv / vv));
    return 0;
}
