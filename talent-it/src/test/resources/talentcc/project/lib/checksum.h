#ifndef CHECKSUM_H
#define CHECKSUM_H
#include <stdint.h>
uint32_t checksum(const uint32_t *t, unsigned n);
#endif
