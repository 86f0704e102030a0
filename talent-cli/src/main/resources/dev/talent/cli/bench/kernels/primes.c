/* Benchmark kernel: the sieve of Eratosthenes up to 200000 in a byte array that stays in the caches, repeated
   ROUNDS times. Unlike the sieve kernel (16 MB, bound by memory), every iteration of the prime loop costs a few
   cycles here, so whatever instrumentation adds to a loop is not hidden behind memory stalls. */
#include <stdio.h>
#include <stdlib.h>

#define LIMIT 200000
static unsigned char composite[LIMIT + 1];

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 600;
    long limit = LIMIT;
    long total = 0;
    for (long r = 0; r < rounds; r++) {
        for (long i = 0; i <= limit; i++) composite[i] = 0;
        long count = 0;
        for (long i = 2; i <= limit; i++) {
            if (!composite[i]) {
                count++;
                for (long j = i * i; j <= limit; j += i) composite[j] = 1;
            }
        }
        total += count;
    }
    printf("%ld\n", total);
    return 0;
}
