/* crc32c.h: CRC32C (crc32c.c). */
#ifndef TALENT_CRC32C_H
#define TALENT_CRC32C_H

#include "base.h"

/* zlib-style: pass 0 to start, the previous result to continue. */
uint32_t tl_crc32c(uint32_t crc, const void *data, size_t n);

#endif /* TALENT_CRC32C_H */
