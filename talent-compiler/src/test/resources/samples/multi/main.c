#include <stdio.h>
#include <stdlib.h>
#include "util.h"

static int cmp_int(const void *a, const void *b) {
    return *(const int *)a - *(const int *)b;
}

#pragma talent nocheckpoint
static int quiet_sum(const int *v, int n) {
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

int main(int argc, char *argv[]) {
    int data[200];
    for (int i = 0; i < 200; i++)
        data[i] = (i * 7919) % 211;
    qsort(data, 200, sizeof data[0], cmp_int);
    long h = checksum(data, 200);
    if (checksum(data, 100) > h)
        h = -h;
    printf("%s: h=%ld quiet=%d twice=%d calls=%d\n", argc > 0 ? "multi" : argv[0], h, quiet_sum(data, 200),
           twice(3), util_calls());
    return 0;
}
