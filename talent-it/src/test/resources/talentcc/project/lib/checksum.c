#include "checksum.h"
#include <math.h>

uint32_t checksum(const uint32_t *t, unsigned n) {
    double s = 0;
    for (unsigned i = 0; i < n; i++) s += sqrt((double)(t[i] & 0xffff));
    return (uint32_t)s;
}
