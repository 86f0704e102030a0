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
#define HW_TARGET __attribute__((target("sse4.2")))
/* The instruction works on the bytes in memory order (little-endian loads), as the reflected CRC does. */
HW_TARGET static inline uint32_t hw8(uint32_t crc, uint64_t v)
{
    return (uint32_t)__builtin_ia32_crc32di(crc, v);
}

HW_TARGET static inline uint32_t hw1(uint32_t crc, unsigned char v)
{
    return __builtin_ia32_crc32qi(crc, v);
}

static int hw_available(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}
#elif defined(__aarch64__) && defined(__GNUC__) && defined(__linux__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <sys/auxv.h>
#define HAVE_HW_CRC 1
#define HW_TARGET
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
/* The CRC32C instructions through inline assembly: the assembler accepts them under ".arch_extension crc"
 * whatever -march the library is built with; they run only when the kernel reports the extension. */
static inline uint32_t hw8(uint32_t crc, uint64_t v)
{
    __asm__(".arch_extension crc\n\tcrc32cx %w0, %w0, %x1" : "+r"(crc) : "r"(v));
    return crc;
}

static inline uint32_t hw1(uint32_t crc, unsigned char b)
{
    uint32_t v = b;
    __asm__(".arch_extension crc\n\tcrc32cb %w0, %w0, %w1" : "+r"(crc) : "r"(v));
    return crc;
}

static int hw_available(void)
{
    return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0;
}
#endif

#ifdef HAVE_HW_CRC
/* One instruction depends on the previous one's result (3 cycles each on current x86_64 and ARMv8 cores, one
 * issued per cycle): a single chain runs at a third of the instruction's throughput. Long inputs are therefore
 * taken in rounds of three stretches of STRIDE bytes, three independent chains (the 2nd and 3rd from 0), joined
 * by the CRC's linearity: crc(c, A B) = shift(crc(c, A)) ^ crc(0, B), where shift advances a register over
 * STRIDE zero bytes, a linear map kept as 4 tables of 256 (one per byte of the register). */
#define STRIDE 4096
static uint32_t shift_tab[4][256];
static int shift_ready;

HW_TARGET static uint32_t hw_run(uint32_t crc, const unsigned char *p, size_t n)
{
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        crc = hw8(crc, v);
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = hw1(crc, *p++);
    return crc;
}

HW_TARGET static void make_shift(void)
{
    static const unsigned char zeros[STRIDE];
    uint32_t basis[32];
    unsigned i, k, b;
    for (i = 0; i < 32; i++)
        basis[i] = hw_run((uint32_t)1 << i, zeros, STRIDE);
    for (k = 0; k < 4; k++)
        for (b = 0; b < 256; b++) {
            uint32_t t = 0;
            for (i = 0; i < 8; i++)
                if (b >> i & 1)
                    t ^= basis[8 * k + i];
            shift_tab[k][b] = t;
        }
    shift_ready = 1;
}

static uint32_t shift(uint32_t c)
{
    return shift_tab[0][c & 0xFF] ^ shift_tab[1][(c >> 8) & 0xFF] ^ shift_tab[2][(c >> 16) & 0xFF] ^
           shift_tab[3][c >> 24];
}

/* crc is the inner (not inverted) register. */
HW_TARGET static uint32_t crc_hw(uint32_t crc, const unsigned char *p, size_t n)
{
    if (n >= 3 * STRIDE && !shift_ready)
        make_shift();
    while (n >= 3 * STRIDE) {
        uint32_t c0 = crc, c1 = 0, c2 = 0;
        size_t i;
        for (i = 0; i < STRIDE; i += 8) {
            uint64_t v0, v1, v2;
            memcpy(&v0, p + i, 8);
            memcpy(&v1, p + STRIDE + i, 8);
            memcpy(&v2, p + 2 * STRIDE + i, 8);
            c0 = hw8(c0, v0);
            c1 = hw8(c1, v1);
            c2 = hw8(c2, v2);
        }
        crc = shift(shift(c0) ^ c1) ^ c2;
        p += 3 * STRIDE;
        n -= 3 * STRIDE;
    }
    return hw_run(crc, p, n);
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

/* ------------------------------------------------------------------ combining */

/* Polynomials modulo the CRC's, bit-reflected as the register is: bit 31 is x^0, bit 0 is x^31. */
#define POLY_R 0x82F63B78u

/* a * b modulo the polynomial */
static uint32_t mul_mod(uint32_t a, uint32_t b)
{
    uint32_t prod = 0, bit;
    for (bit = (uint32_t)1 << 31; bit; bit >>= 1) {
        if (a & bit)
            prod ^= b;
        /* b times x */
        b = (b & 1u) ? (b >> 1) ^ POLY_R : b >> 1;
    }
    return prod;
}

uint32_t tl_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
    /* pow2[k] = x^(8 * 2^k): squared from x^8 up */
    static uint32_t pow2[64];
    static int ready;
    uint32_t f = (uint32_t)1 << 31;   /* x^0 */
    unsigned k;
    if (!ready) {
        pow2[0] = (uint32_t)1 << (31 - 8);
        for (k = 1; k < 64; k++)
            pow2[k] = mul_mod(pow2[k - 1], pow2[k - 1]);
        ready = 1;
    }
    for (k = 0; len_b; k++, len_b >>= 1)
        if (len_b & 1u)
            f = mul_mod(f, pow2[k]);
    return mul_mod(f, crc_a) ^ crc_b;
}
