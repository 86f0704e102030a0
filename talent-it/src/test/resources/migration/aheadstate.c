/*
 * Base-ahead test program: large globals of plain numbers (8 MiB of doubles in .bss, 256 KiB of unsigned ints in
 * .data, 40,000 structs whose layout differs on i686), filled deterministically, then STEPS steps of MS milliseconds,
 * each changing 4 random elements of each (and small globals) and printing a checksum of the changes every 20 steps;
 * a digest of everything at the end, so that any element restored wrongly shows. Doubles hold only values computed
 * exactly (halves and quarters of integers), so every ISA's floating point gives the same digits.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N (1u << 20)
#define T 65536u
#define M 40000u
struct rec { int a; double b; short c; };
static double big[N];
static unsigned table[T] = {7, 11, 13};
static struct rec recs[M];
static uint64_t seed = 88172645463325252ull;
static unsigned long changes;

static unsigned next(void) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed >> 11);
}

static uint64_t digest(void) {
    uint64_t h = 1469598103934665603ull;
#pragma talent nocheckpoint
    for (unsigned i = 0; i < N; i++) h = (h ^ (uint64_t)(big[i] * 2.0)) * 1099511628211ull;
#pragma talent nocheckpoint
    for (unsigned i = 0; i < T; i++) h = (h ^ table[i]) * 1099511628211ull;
#pragma talent nocheckpoint
    for (unsigned i = 0; i < M; i++) {
        h = (h ^ (uint32_t)recs[i].a) * 1099511628211ull;
        h = (h ^ (uint64_t)(recs[i].b * 4.0)) * 1099511628211ull;
        h = (h ^ (uint16_t)recs[i].c) * 1099511628211ull;
    }
    return h;
}

int main(int argc, char **argv) {
    long steps = argc > 1 ? atol(argv[1]) : 300;
    long ms = argc > 2 ? atol(argv[2]) : 10;
    struct timespec ts;
#pragma talent nocheckpoint
    for (unsigned i = 0; i < N; i++) big[i] = (double)(i % 1000) * 0.5;
#pragma talent nocheckpoint
    for (unsigned i = 3; i < T; i++) table[i] = i * 2654435761u;
#pragma talent nocheckpoint
    for (unsigned i = 0; i < M; i++) {
        recs[i].a = (int)i;
        recs[i].b = i * 0.25;
        recs[i].c = (short)(i & 0x7fff);
    }
    for (long s = 0; s < steps; s++) {
        uint64_t part = 0;
#pragma talent nocheckpoint
        for (unsigned j = 0; j < 4; j++) {
            unsigned i = next() % N;
            big[i] = (double)((unsigned)(big[i] * 2.0) % 1000003u + (unsigned)s) * 0.5;
            unsigned t = next() % T;
            table[t] = table[t] * 31u + (unsigned)s;
            struct rec *r = &recs[next() % M];
            r->a ^= (int)(s & 0xffff);
            r->b += 0.25;
            r->c = (short)(r->c >= 3 ? r->c - 3 : r->c + 32000);
            part += (uint64_t)(big[i] * 2.0) + table[t] + (uint32_t)r->a + (uint16_t)r->c;
            changes++;
        }
        if (s % 20 == 0) printf("step %ld %llu\n", s, (unsigned long long)part);
        ts.tv_sec = 0;
        ts.tv_nsec = ms * 1000000L;
        nanosleep(&ts, NULL);
    }
    printf("changes %lu digest %llu\n", changes, (unsigned long long)digest());
    return 0;
}
