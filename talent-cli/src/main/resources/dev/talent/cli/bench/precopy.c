/*
 * Pre-copy benchmark program (`talent bench precopy`): a global array of doubles of STATE_MIB MiB (defined by
 * the benchmark), filled deterministically; then STEPS steps of 10 ms, each rewriting a contiguous run of
 * 1/10000 of the array at a rotating position: 1 % of the state per second, like a service updating part of
 * its data. The step loop's head is the only checkpoint site (the fill and the inner loops are marked
 * nocheckpoint); the nanosleep is a blocking site. A file named "fast" in the working directory ends the
 * pacing (the benchmark creates it once a destination is ready, so that the rest runs at full speed with the
 * same result). Prints "ready" once the state is built, a checksum at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#ifndef STATE_MIB
#define STATE_MIB 64
#endif
#define COUNT ((long)STATE_MIB * 131072L)   /* 131072 doubles per MiB */
static double data[COUNT];

int main(int argc, char **argv) {
    long steps = argc > 1 ? atol(argv[1]) : 20000;
    long run = COUNT / 10000 > 0 ? COUNT / 10000 : 1;
    long pos = 0;
    struct timespec ts;
    double sum = 0;
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i++) data[i] = (double)(i % 1000) / 8.0;
    printf("ready\n");
    fflush(stdout);
    for (long s = 0; s < steps; s++) {
#pragma talent nocheckpoint
        for (long k = 0; k < run; k++) data[(pos + k) % COUNT] += 1.0;
        pos = (pos + run) % COUNT;
        if (access("fast", F_OK) != 0) {
            ts.tv_sec = 0;
            ts.tv_nsec = 10000000;
            nanosleep(&ts, NULL);
        }
    }
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i += 512) sum += data[i];
    printf("sum %.3f\n", sum);
    return 0;
}
