/* A state larger than the size from which the runtime writes a durable checkpoint with O_DIRECT (16 MiB,
 * checkpoint_write.c): a global array of doubles of 20 MiB plus 3 elements and a char array of 1001 bytes, so
 * that the file's size is no multiple of a block and its last write is padded and cut back. Filled
 * deterministically, then summed in passes; the pass loop's head is the only checkpoint site. */
#include <stdio.h>

#define COUNT (20L * 131072L + 3L)
static double big[COUNT];
static char tail[1001];

int main(void) {
    unsigned int x = 2463534242u;
    double total = 0;
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        big[i] = (double)(x % 1000000u) / 1000.0;
    }
#pragma talent nocheckpoint
    for (int i = 0; i < 1001; i++) tail[i] = (char)('a' + i % 26);
    for (int p = 0; p < 3; p++) {
        double sum = 0;
#pragma talent nocheckpoint
        for (long i = 0; i < COUNT; i++) sum += big[i];
        big[COUNT - 1 - p] += 1.0;
        tail[1000 - p] = (char)('A' + p);
        total += sum;
        printf("pass %d: %.3f %c%c%c\n", p, sum, tail[0], tail[998], tail[1000]);
    }
    printf("total %.3f\n", total);
    return 0;
}
