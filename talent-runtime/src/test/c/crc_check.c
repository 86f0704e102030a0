/*
 * crc32c.c alone (Crc32cIT): prints "OFFSET LENGTH CRC" lines for stretches of a deterministic buffer, each CRC
 * taken in pieces (a prefix, then the rest, chained as the writer chains a section's parts), lengths chosen around
 * the 3 x 4096-byte rounds of the hardware path and its 8-byte and 1-byte tails, and combined from two parts' CRCs. The test recomputes every line
 * with java.util.zip.CRC32C over the same bytes (the same xorshift32 sequence, one byte per step).
 */
#include <stdio.h>
#include <stdlib.h>

#include "crc32c.h"

#define BUF (3 * 4096 * 5 + 64)

int main(void)
{
    static unsigned char buf[BUF];
    static const size_t lengths[] = {0, 1, 7, 8, 9, 63, 4096, 12287, 12288, 12289, 12295, 12296, 24575, 24576,
                                     24583, 36864 + 13, 3 * 4096 * 5, 3 * 4096 * 5 + 57};
    static const size_t offsets[] = {0, 1, 3, 7};
    uint32_t x = 2463534242u;
    size_t i, j, k;
    for (i = 0; i < BUF; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)x;
    }
    for (i = 0; i < sizeof offsets / sizeof *offsets; i++)
        for (j = 0; j < sizeof lengths / sizeof *lengths; j++) {
            size_t off = offsets[i], len = lengths[j];
            if (off + len > BUF)
                continue;
            for (k = 0; k <= 3; k++) {
                /* k = 0: one call; 1: split at a third; 2: split at 5 bytes; 3: the two thirds' CRCs, each from 0,
                 * combined without the bytes (tl_crc32c_combine) */
                size_t cut = k == 0 ? len : k == 1 || k == 3 ? len / 3 : (len < 5 ? len : 5);
                uint32_t c = tl_crc32c(0, buf + off, cut);
                if (k == 3)
                    c = tl_crc32c_combine(c, tl_crc32c(0, buf + off + cut, len - cut), len - cut);
                else
                    c = tl_crc32c(c, buf + off + cut, len - cut);
                printf("%lu %lu %08lx\n", (unsigned long)off, (unsigned long)len, (unsigned long)c);
            }
        }
    return 0;
}
