/* crc32c.h: CRC32C (crc32c.c). */
#ifndef TALENT_CRC32C_H
#define TALENT_CRC32C_H

#include "base.h"

/* zlib-style: pass 0 to start, the previous result to continue. */
uint32_t tl_crc32c(uint32_t crc, const void *data, size_t n);

/* The CRC of A followed by B from crc_a = tl_crc32c(0, A), crc_b = tl_crc32c(0, B) and B's length, without reading
 * either (CRC32C is affine in its register: appending B multiplies crc(A) by x^(8 len_b) modulo the polynomial and
 * adds crc(B)). A few hundred operations, whatever the lengths. */
uint32_t tl_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

#endif /* TALENT_CRC32C_H */
