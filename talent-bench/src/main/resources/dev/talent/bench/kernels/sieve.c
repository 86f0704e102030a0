/* Benchmark kernel: sieve of Eratosthenes (integer, byte array, tight inner loops). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 20000000
static unsigned char composite[LIMIT + 1];

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    long total = 0;
    for (int r = 0; r < rounds; r++) {
        for (long i = 0; i <= LIMIT; i++) composite[i] = 0;
        long count = 0;
        for (long i = 2; i <= LIMIT; i++) {
            if (!composite[i]) {
                count++;
                for (long j = i * i; j <= LIMIT; j += i) composite[j] = 1;
            }
        }
        total += count;
    }
    printf("%ld\n", total);
    return 0;
}
