/*
 * longdouble.c -- talent migration corpus (link with -lm).
 * Exercises: long double locals, parameters, globals and arrays live across sites (x87 80-bit on
 * x86_64/i686, IEEE binary128 on aarch64/s390x/riscv64: migrated through its exact hexadecimal form),
 * Machin's formula with an arctangent series, the series for e, Newton square roots, Kahan-compensated
 * harmonic sums, sqrtl/expl/logl from libm. Results are printed with 15 significant digits, which every
 * long double format carries exactly through these computations.
 * Output: every partial result of each series.
 */
#include <math.h>
#include <stdio.h>

long double partial_e[12];
static long double compensation;

static long double arctan_inverse(int x, int terms) {   /* atan(1/x) */
    long double x2 = (long double)x * x;
    long double power = 1.0L / x;
    long double sum = 0.0L;
    for (int k = 0; k < terms; k++) {
        long double term = power / (2 * k + 1);
        sum += k % 2 ? -term : term;
        power /= x2;
    }
    return sum;
}

static long double newton_sqrt(long double a) {
    long double r = a > 1.0L ? a / 2.0L : 1.0L;
    int k = 0;
    do {
        r = 0.5L * (r + a / r);
        k++;
    } while (k < 12);
    return r;
}

int main(void) {
    for (int terms = 2; terms <= 14; terms += 3) {
        long double a = arctan_inverse(5, terms);
        long double b = arctan_inverse(239, terms);
        long double pi = 16.0L * a - 4.0L * b;
        printf("machin with %2d terms: pi = %.15Le\n", terms, pi);
    }

    long double e = 1.0L, term = 1.0L;
    for (int k = 1; k <= 12; k++) {
        term /= k;
        e += term;
        partial_e[k - 1] = e;
        printf("e after %2d terms = %.15Le (expl(1) - e = %.6Le)\n", k + 1, e, expl(1.0L) - e);
    }

    for (int n = 2; n <= 7; n++) {
        long double r = newton_sqrt((long double)n);
        printf("sqrt(%d): newton %.15Le sqrtl %.15Le\n", n, r, sqrtl((long double)n));
    }

    long double sum = 0.0L;
    compensation = 0.0L;
    for (int k = 1; k <= 400; k++) {
        long double y = 1.0L / k - compensation;
        long double t = sum + y;
        compensation = (t - sum) - y;
        sum = t;
        if (k % 50 == 0) printf("H(%d) = %.15Le, H - ln(k) = %.15Le\n", k, sum, sum - logl((long double)k));
    }
    long double total = 0.0L;
    for (int k = 0; k < 12; k++) total += partial_e[k];
    printf("sum of partial e values %.15Le\n", total);
    return 0;
}
