/* Benchmark kernel: a 64-bit hash loop in a function of its own, called once from main (the shape of issue 11's
 * measurement); the argument is the number of rounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t mix(long rounds) {
    uint64_t h = 1469598103934665603ULL;
    for (long i = 0; i < rounds; i++) {
        h ^= (uint64_t)i;
        h *= 1099511628211ULL;
        h ^= h >> 29;
    }
    return h;
}

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 60000000;
    printf("%llu\n", (unsigned long long)mix(rounds));
    return 0;
}
