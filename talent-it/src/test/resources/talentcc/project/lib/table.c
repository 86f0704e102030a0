#include "table.h"

static unsigned calls;

void table_fill(uint32_t *t, unsigned n, uint32_t seed) {
    for (unsigned i = 0; i < n; i++) t[i] = (seed + i) * table_mix;
}

uint32_t table_step(uint32_t *t, unsigned n, unsigned round) {
    uint32_t h = 0;
    calls++;
    for (unsigned i = 0; i < n; i++) {
        t[i] = t[i] * 31u + (uint32_t)round + calls;
        h ^= t[i] >> (i % 7);
    }
    return h;
}
