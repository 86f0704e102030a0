/* Strip-mined loops (docs/CODEGEN.md): counted loops with leaf loops inside that call nothing outside them
   test talent_pending once per strip of 64 iterations. Checkpoints taken at their own sites, at their inner
   loops' sites, and (STRIPS_RAISE_AT=I, CheckpointCompilerIT) for a request that arrives while a strip runs,
   must restart to the same output. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned char composite[5000];
/* The iteration of halvings() whose inner loop requests a checkpoint (SIGUSR1) once; -1: never. A global, so
   that a restarted process, which gets it from the checkpoint, does not request again. */
static long raise_at = -1;

/* the sieve's shape: most iterations run no inner loop; a continue inside */
static long primes(long limit) {
    long count = 0;
    for (long i = 0; i <= limit; i++) composite[i] = 0;
    for (long i = 2; i <= limit; i++) {
        if (composite[i]) continue;
        count++;
        for (long j = i * i; j <= limit; j += i) composite[j] = 1;
    }
    return count;
}

/* counting down to a bound held in a parameter, an inner loop in every iteration */
static unsigned halvings(int n, int low) {
    unsigned acc = 0;
    for (int i = n; i >= low; i--) {
        int k = i;
        while (k > 0) {
            if (i == raise_at) {
                raise_at = -1;
                raise(SIGUSR1);
            }
            acc += (unsigned) k;
            k /= 2;
        }
    }
    return acc;
}

/* unsigned, with a bound farther than a strip and a last strip cut short by it */
static unsigned long long weave(unsigned n) {
    unsigned long long h = 1469598103934665603ULL;
    for (unsigned u = 3; u < n; u++) {
        for (unsigned b = 0; b < u % 5; b++) h = (h ^ (u + b)) * 1099511628211ULL;
    }
    return h;
}

int main(void) {
    const char *at = getenv("STRIPS_RAISE_AT");
    if (at != NULL) raise_at = atol(at);
    long sum = 0;
    for (int step = 0; step < 30; step++) {
        sum += primes(3000 + step);
        sum += (long) halvings(2100 + step, step % 7 - 3);
        printf("%d %ld %llu\n", step, sum, weave(200 + 7 * (unsigned) step));
    }
    return 0;
}
