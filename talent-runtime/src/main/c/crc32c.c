/* crc32c.c: CRC32C (Castagnoli, reflected polynomial 0x82F63B78), zlib-style chaining. With the CPU's CRC32C
 * instruction where there is one and the CPU reports it at run time (SSE4.2 `crc32` on x86_64, the ARMv8
 * CRC32 extension on aarch64): checkpoints of large arrays are hundreds of MiB, and at memory speed the
 * table would be a visible part of writing and validating them. Elsewhere (s390x, riscv64, i686, whose
 * 32-bit instruction gains little, or a CPU without the instruction) table-driven, eight bytes at a time
 * ("slicing-by-8"), bytes combined explicitly so that the code is endian-neutral. Both compute the same
 * function; the Java reader (java.util.zip.CRC32C) checks every file the runtime writes in the ITs. */
#include "crc32c.h"

#include <string.h>

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

/* crc is the inner (not inverted) register. */
static uint32_t crc_table(uint32_t crc, const unsigned char *p, size_t n)
{
    if (!table_ready)
        make_table();
    while (n >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = table[7][lo & 0xFF] ^ table[6][(lo >> 8) & 0xFF] ^ table[5][(lo >> 16) & 0xFF] ^ table[4][lo >> 24] ^
              table[3][p[4]] ^ table[2][p[5]] ^ table[1][p[6]] ^ table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_HW_CRC 1
/* The instruction works on the bytes in memory order (little-endian loads), as the reflected CRC does. */
__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const unsigned char *p, size_t n)
{
    uint64_t c = crc;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        n -= 8;
    }
    crc = (uint32_t)c;
    while (n >= 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        crc = __builtin_ia32_crc32si(crc, v);
        p += 4;
        n -= 4;
    }
    while (n--)
        crc = __builtin_ia32_crc32qi(crc, *p++);
    return crc;
}

static int hw_available(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}
#elif defined(__aarch64__) && defined(__GNUC__) && defined(__linux__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <sys/auxv.h>
#define HAVE_HW_CRC 1
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
/* The CRC32C instructions through inline assembly: the assembler accepts them under ".arch_extension crc"
 * whatever -march the library is built with; they run only when the kernel reports the extension. */
static uint32_t crc_hw(uint32_t crc, const unsigned char *p, size_t n)
{
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        __asm__(".arch_extension crc\n\tcrc32cx %w0, %w0, %x1" : "+r"(crc) : "r"(v));
        p += 8;
        n -= 8;
    }
    while (n--) {
        uint32_t v = *p++;
        __asm__(".arch_extension crc\n\tcrc32cb %w0, %w0, %w1" : "+r"(crc) : "r"(v));
    }
    return crc;
}

static int hw_available(void)
{
    return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0;
}
#endif

uint32_t tl_crc32c(uint32_t crc, const void *data, size_t n)
{
#ifdef HAVE_HW_CRC
    static int hw = -1;
    if (hw < 0)
        hw = hw_available();
    if (hw)
        return ~crc_hw(~crc, data, n);
#endif
    return ~crc_table(~crc, data, n);
}
