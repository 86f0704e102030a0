/* Benchmark kernel: Mandelbrot set (floating point, data-dependent inner loop). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int size = argc > 1 ? atoi(argv[1]) : 1600;
    long inside = 0, iterations = 0;
    for (int y = 0; y < size; y++) {
        double ci = 2.0 * y / size - 1.0;
        for (int x = 0; x < size; x++) {
            double cr = 2.0 * x / size - 1.5, zr = 0, zi = 0;
            int it = 0;
            while (it < 100 && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                it++;
            }
            iterations += it;
            if (it == 100) inside++;
        }
    }
    printf("%ld %ld\n", inside, iterations);
    return 0;
}
