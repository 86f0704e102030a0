#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "table.h"
#include "checksum.h"

int main(int argc, char **argv) {
    /* C: errno is 0 at program startup (talent's runtime must not leave its own there) */
    printf("errno at start: %d\n", errno);
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : 2000;
    uint32_t *t = malloc(TABLE_SIZE * sizeof *t);
    if (!t) return 1;
    table_fill(t, TABLE_SIZE, 7);
    uint32_t h = 0;
    for (unsigned r = 0; r < rounds; r++) {
        h = h * 33u + table_step(t, TABLE_SIZE, r);
        if (r % 500 == 0) printf("round %u h=%08x\n", r, (unsigned)h);
    }
    printf("done h=%08x sum=%u\n", (unsigned)h, (unsigned)checksum(t, TABLE_SIZE));
    free(t);
    return 0;
}
