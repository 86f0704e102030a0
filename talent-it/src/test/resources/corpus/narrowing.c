/*
 * narrowing.c -- talent migration corpus (the narrowing test).
 * Exercises: a `long` holding 2500000000 live at sites. A running byte total needs 64 bits; the program
 * keeps it exactly in a `long long` and, like code written for LP64, mirrors it in a `long` (`offset`)
 * whenever it fits. On x86_64/aarch64/s390x/riscv64 `offset` holds 2500000000 at every site of phase 2,
 * so a checkpoint taken there must be refused on i686 (32-bit long: exit 65, message naming `offset`
 * and 2500000000) and restore fine on the other ISAs. Built plainly for i686 the mirror falls back to
 * the marker -1 and the program prints exactly the same output as on the 64-bit ISAs.
 * Phase 1 (sites 1..50) grows the total in steps of 50000000; phase 2 (sites 51..) keeps it constant.
 * Output: the total after every step of phase 1 and a checksum line per step of phase 2.
 */
#include <limits.h>
#include <stdio.h>

long long total_bytes;

int main(void) {
    long offset = 0;                         /* mirror of total_bytes when a long can hold it, else -1 */
    int chunks = 0;
    for (int k = 0; k < 50; k++) {
        total_bytes += 50000000;
        chunks++;
        offset = total_bytes <= LONG_MAX ? (long)total_bytes : -1;
        long long effective = offset != -1 ? (long long)offset : total_bytes;
        printf("chunk %2d total %lld effective %lld\n", chunks, total_bytes, effective);
    }
    unsigned long long mix = 1469598103934665603ULL;
    for (int k = 0; k < 60; k++) {
        long long effective = offset != -1 ? (long long)offset : total_bytes;
        for (int b = 0; b < 3; b++) mix = (mix ^ (unsigned long long)(effective + k * 3 + b)) * 1099511628211ULL;
        printf("phase 2 step %2d: effective %lld mod 1000003 = %lld, mix %016llx\n", k, effective,
               effective % 1000003, mix);
    }
    long long effective = offset != -1 ? (long long)offset : total_bytes;
    printf("final total %lld (%lld GB + %lld bytes)\n", effective, effective / 1000000000, effective % 1000000000);
    return 0;
}
