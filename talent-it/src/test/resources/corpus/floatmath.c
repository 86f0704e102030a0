/*
 * floatmath.c -- talent migration corpus (link with -lm).
 * Exercises: float and double arithmetic and libm across sites: sinf/cosf/sqrtf on float locals and a
 * float global array, sin/cos/sqrt/exp/log/atan2 on doubles, Simpson integration, a leapfrog harmonic
 * oscillator (stable, not chaotic), Newton iterations, float accumulators, a double global updated in
 * a loop. Printed with enough digits to show that values survive migration bit for bit.
 * Output: the integrals, trajectory samples and iteration traces.
 */
#include <math.h>
#include <stdio.h>

#define PI 3.14159265358979323846

float samples[32];
double energy_log[8];

static double simpson(int n, double a, double b) {   /* integral of sin(x) * exp(-x/4) */
    double h = (b - a) / n;
    double sum = 0.0;
    for (int k = 0; k <= n; k++) {
        double x = a + k * h;
        double fx = sin(x) * exp(-x / 4.0);
        sum += fx * (k == 0 || k == n ? 1.0 : k % 2 ? 4.0 : 2.0);
    }
    return sum * h / 3.0;
}

int main(void) {
    for (int n = 4; n <= 64; n *= 2) printf("simpson n=%2d: %.12f\n", n, simpson(n, 0.0, PI));

    float fsum = 0.0f;
    for (int k = 0; k < 32; k++) {
        float t = (float)k / 8.0f;
        samples[k] = sinf(t) * cosf(t * 0.5f) + sqrtf(t + 1.0f);
        fsum += samples[k];
        if (k % 4 == 3) printf("float sample %2d = %.6f running sum %.5f\n", k, samples[k], fsum);
    }

    double x = 1.0, v = 0.0, dt = 0.05;                  /* x'' = -x, leapfrog */
    for (int step = 1; step <= 160; step++) {
        v -= 0.5 * dt * x;
        x += dt * v;
        v -= 0.5 * dt * x;
        if (step % 20 == 0) {
            double energy = 0.5 * (x * x + v * v);
            energy_log[step / 20 - 1] = energy;
            printf("t=%5.2f x=% .10f v=% .10f energy=%.12f angle=% .9f\n", step * dt, x, v, energy, atan2(v, x));
        }
    }

    double target = 2.0;                                 /* Newton for log(y) = target */
    double y = 1.0;
    int iterations = 0;
    while (fabs(log(y) - target) > 1e-13 && iterations < 50) {
        y = y - y * (log(y) - target);
        iterations++;
        printf("newton %d: y=%.15f\n", iterations, y);
    }
    printf("exp(2) via newton = %.12f after %d iterations (libm %.12f)\n", y, iterations, exp(2.0));

    float fx = 0.5f;
    for (int k = 0; k < 20; k++) fx = cosf(fx);      /* converges to the Dottie number in float */
    printf("float cos fixed point %.6f\n", fx);
    double drift = 0.0;
    for (int k = 0; k < 8; k++) drift += energy_log[k] - energy_log[0];
    printf("energy drift %.3e\n", drift);
    return 0;
}
