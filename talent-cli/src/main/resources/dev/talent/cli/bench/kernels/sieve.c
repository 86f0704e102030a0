/* Benchmark kernel: sieve of Eratosthenes (integer, byte array, tight inner loops), three rounds up to a limit. */
#include <stdio.h>
#include <stdlib.h>

#define MAXLIMIT 50000000
static unsigned char composite[MAXLIMIT + 1];

int main(int argc, char **argv) {
    long limit = argc > 1 ? atol(argv[1]) : 16000000;
    if (limit > MAXLIMIT) limit = MAXLIMIT;
    if (limit < 2) limit = 2;
    long total = 0;
    for (int r = 0; r < 3; r++) {
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
