/*
 * Pre-copy test program: a global array of STATE_MIB MiB of 64-bit integers filled deterministically, then STEPS
 * steps of MS milliseconds, each rewriting a run of 1/4000 of the array at a rotating position (small changes to a
 * large state) and printing a checksum of the run every 20 steps; a full checksum at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define STATE_MIB 16
#define COUNT ((long)STATE_MIB * 131072L)
static long long data[COUNT];

int main(int argc, char **argv) {
    long steps = argc > 1 ? atol(argv[1]) : 300;
    long ms = argc > 2 ? atol(argv[2]) : 10;
    long run = COUNT / 4000;
    long pos = 0;
    unsigned long long sum = 0;
    struct timespec ts;
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i++) data[i] = (long long)(i % 977) * 3;
    for (long s = 0; s < steps; s++) {
        unsigned long long part = 0;
#pragma talent nocheckpoint
        for (long k = 0; k < run; k++) {
            long j = (pos + k) % COUNT;
            data[j] = data[j] * 31 + s;
            part += (unsigned long long)data[j];
        }
        pos = (pos + run * 7) % COUNT;
        if (s % 20 == 0) printf("step %ld %llu\n", s, part);
        ts.tv_sec = 0;
        ts.tv_nsec = ms * 1000000L;
        nanosleep(&ts, NULL);
    }
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i++) sum = sum * 1099511628211ULL + (unsigned long long)data[i];
    printf("sum %llu\n", sum);
    return 0;
}
