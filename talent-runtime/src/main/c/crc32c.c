/* crc32c.c: CRC32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven, eight bytes at a time
 * ("slicing-by-8": checkpoints with a large heap are tens of MiB, and the byte-at-a-time loop was a visible
 * part of writing and validating them). Bytes are combined explicitly, so the code is endian-neutral. */
#include "talent_internal.h"

static uint32_t table[8][256];
static int table_ready;

static void make_table(void)
{
    uint32_t i, k, c;
    for (i = 0; i < 256; i++) {
        c = i;
        for (k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[0][i] = c;
    }
    for (i = 0; i < 256; i++)
        for (k = 1; k < 8; k++)
            table[k][i] = (table[k - 1][i] >> 8) ^ table[0][table[k - 1][i] & 0xFF];
    table_ready = 1;
}

uint32_t tl_crc32c(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = data;
    if (!table_ready)
        make_table();
    crc = ~crc;
    while (n >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = table[7][lo & 0xFF] ^ table[6][(lo >> 8) & 0xFF] ^ table[5][(lo >> 16) & 0xFF] ^ table[4][lo >> 24] ^
              table[3][p[4]] ^ table[2][p[5]] ^ table[1][p[6]] ^ table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}
