#ifndef TABLE_H
#define TABLE_H
#include <stdint.h>
#ifndef TABLE_SIZE
#error TABLE_SIZE must be defined
#endif
/* state defined in a header, as real code does */
static uint32_t table_mix = 2654435761u;
void table_fill(uint32_t *t, unsigned n, uint32_t seed);
uint32_t table_step(uint32_t *t, unsigned n, unsigned round);
#endif
