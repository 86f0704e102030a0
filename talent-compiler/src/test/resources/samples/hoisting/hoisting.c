#include <stdio.h>

struct walker {
    int pos;
    int end;
    long acc;
};

/* A chain function (it has a loop) used in every position a chain call can take. */
static int step(struct walker *w) {
    for (int k = 0; k < 3; k++)
        w->acc += (long)w->pos * k;
    w->pos++;
    return w->pos < w->end;
}

static int twice(int x) {
    int r = 0;
    for (int k = 0; k < 2; k++)
        r += x;
    return r;
}

static void note(long v) {
    static long total;
    for (int k = 0; k < 1; k++)
        total += v;
}

static int classify(int v) {
    switch (twice(v) % 3) {
    case 0:
        return twice(twice(v));
    case 1:
        note(v);
        break;
    default:
        v = twice(v) + 1;
    }
    if (v > 100)
        return 1;
    else if (twice(v) > 50)
        return 2;
    return 0;
}

int main(void) {
    struct walker w = { 0, 2000, 0 };
    long sum = 0;
    int n = 0;
    while (step(&w))
        sum += w.pos;
    for (int i = 0; twice(i) < 40; i++)
        sum += classify(i);
again:
    n++;
    if (n < 3)
        goto again;
    note(sum);
    sum += twice(n);
    int y = twice(3) + twice(4);
    printf("acc=%ld sum=%ld y=%d n=%d\n", w.acc, sum, y, n);
    return 0;
}
