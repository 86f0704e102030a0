#include <stdio.h>
#include <stdlib.h>

/* Naive Fibonacci: the chain call sits inside an expression. */
static long fib(int n) {
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

/* Recursion with a checkpoint deep inside: the site is in the innermost frames. */
static long depth_sum(int depth, long acc) {
    if (depth == 0) {
        long s = 0;
        for (int i = 0; i < 1000; i++)
            s += i ^ (int)acc;
        return s;
    }
    long below = depth_sum(depth - 1, acc + depth);
    return below + depth;
}

/* A binary recursion whose only site is a pragma at the leaves. */
static long tree(int depth, long seed) {
    if (depth == 0) {
#pragma talent checkpoint
        return seed % 7;
    }
    return tree(depth - 1, seed * 3 + 1) + tree(depth - 1, seed + depth);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 24;
    long total = 0;
    for (int round = 0; round < 3; round++) {
        total += fib(n);
        total += depth_sum(50, round);
        total += tree(10, round);
    }
    printf("fib(%d)*3 + sums = %ld\n", n, total);
    return 0;
}
