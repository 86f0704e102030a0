/*
 * types.c -- talent migration corpus.
 * Exercises: every C99 integer type (char, signed char, unsigned char, short, unsigned short, int,
 * unsigned, long and unsigned long (values kept within 32 bits so that ILP32 agrees), long long,
 * unsigned long long), the <stdint.h>/<stddef.h> typedefs (int8_t..uint64_t, intmax_t, size_t,
 * ptrdiff_t), float, double, long double, _Bool, enums (with negative enumerators, used as a typedef
 * and as a tag), a typedef of a typedef, well-defined unsigned wrap-around of narrow types; all of
 * them live across the sites of a nested loop (outer 40 iterations, inner 0..4).
 * Output: one line of the whole state per iteration.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { RED, GREEN = 5, BLUE, NEG = -3 } colour;
typedef unsigned short ushort_t;
typedef ushort_t port_t; /* a typedef of a typedef */
enum phase { PH_A = 1, PH_B = 2, PH_C = 4 };

static const char *colour_name(colour c) {
    switch (c) {
    case RED: return "red";
    case GREEN: return "green";
    case BLUE: return "blue";
    case NEG: return "neg";
    }
    return "?";
}

int main(void) {
    char c = 'A';
    signed char sc = -100;
    unsigned char uc = 250;
    short s = -30000;
    unsigned short us = 65000;
    int i = -2000000000;
    unsigned u = 4000000000u;
    long l = -2000000000L;
    unsigned long ul = 4000000000UL;
    long long ll = -9000000000000000000LL;
    unsigned long long ull = 18000000000000000000ULL;
    int8_t i8 = -128;
    uint8_t u8 = 255;
    int16_t i16 = 32767;
    uint16_t u16 = 1;
    int32_t i32 = INT32_MIN;
    uint32_t u32 = UINT32_MAX;
    int64_t i64 = INT64_MAX;
    uint64_t u64 = 0;
    intmax_t im = -1;
    size_t sz = 0;
    ptrdiff_t pd = -5;
    float f = 1.5f;
    double d = -2.25;
    long double ld = 1.0L / 3.0L;
    _Bool b = 0;
    colour col = NEG;
    enum phase ph = PH_A;
    port_t port = 8080;

    for (int round = 0; round < 40; round++) {
        c = (char)('A' + (c - 'A' + 7) % 26);
        sc = (signed char)(sc > 80 ? sc - 170 : sc + 37);
        uc = (unsigned char)(uc + 7);          /* wraps modulo 256 */
        s = (short)((s * 3 + 1) % 30000);
        us = (unsigned short)(us + 1000);      /* wraps modulo 65536 */
        i = i / 2 + (round % 2 ? 1000000000 : -999999999);
        u += 3000000000u;                      /* wraps modulo 2^32 */
        l = l / 2 - 12345L * round;
        ul = (ul + 123456789UL) % 4000000000UL;
        ll = ll / 3 + 7777777777LL * round;
        ull = ull * 6364136223846793005ULL + 1442695040888963407ULL;
        for (int k = 0; k < round % 5; k++) {
            u8 = (uint8_t)(u8 ^ (uint8_t)(k * 31 + round));
            i16 = (int16_t)(i16 - k * 1000);
            if (i16 < -30000) i16 = (int16_t)(i16 + 60000);
            u16 = (uint16_t)(u16 * 3u + 1u);
            sz += (size_t)k;
        }
        i8 = (int8_t)(i8 == 127 ? -128 : i8 + 17 > 127 ? 127 : i8 + 17);
        i32 = i32 / 3 + round * 1000003;
        u32 = u32 * 2654435761u;
        i64 = i64 / 2 - (int64_t)round * 1000000007;
        u64 = (u64 << 7) ^ (u64 >> 3) ^ (uint64_t)round * 0x9E3779B97F4A7C15ULL;
        im = (im * -3 + round) % 1000000007; /* stays far from overflow */
        pd = pd * -1 - round;
        f = f * 1.25f - 0.5f;
        d = d * -0.5 + 1.0 / (round + 1);
        ld = ld / 2.0L + 0.25L / (round + 1);
        b = (_Bool)(!b ^ (round % 3 == 0));
        switch (col) {
        case NEG: col = RED; break;
        case RED: col = GREEN; break;
        case GREEN: col = BLUE; break;
        default: col = NEG; break;
        }
        ph = ph == PH_C ? PH_A : (enum phase)(ph << 1);
        port = (port_t)(port + 4099u);

        printf("r%02d c=%c sc=%d uc=%u s=%d us=%u i=%d u=%u l=%ld ul=%lu\n", round, c, sc, uc, s, us, i, u, l, ul);
        printf("    ll=%lld ull=%llu i8=%" PRId8 " u8=%" PRIu8 " i16=%" PRId16 " u16=%" PRIu16 "\n",
               ll, ull, i8, u8, i16, u16);
        printf("    i32=%" PRId32 " u32=%" PRIu32 " i64=%" PRId64 " u64=%" PRIu64 " im=%jd sz=%zu pd=%td\n",
               i32, u32, i64, u64, im, sz, pd);
        printf("    f=%.6g d=%.15g ld=%.15Lg b=%d col=%s(%d) ph=%d port=%u\n", f, d, ld, b, colour_name(col),
               (int)col, (int)ph, (unsigned)port);
    }
    printf("done\n");
    return 0;
}
