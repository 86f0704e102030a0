/* Benchmark kernel: binary trees (allocation-heavy, as in the benchmarks game): builds and frees millions of small
 * nodes; the argument is the maximum depth. */
#include <stdio.h>
#include <stdlib.h>

struct node { struct node *left, *right; };

static struct node *make(int depth) {
    struct node *n = malloc(sizeof *n);
    if (!n) exit(1);
    if (depth > 0) {
        n->left = make(depth - 1);
        n->right = make(depth - 1);
    } else {
        n->left = n->right = NULL;
    }
    return n;
}

static long check(const struct node *n) {
    return n->left ? 1 + check(n->left) + check(n->right) : 1;
}

static void drop(struct node *n) {
    if (n->left) {
        drop(n->left);
        drop(n->right);
    }
    free(n);
}

int main(int argc, char **argv) {
    int max = argc > 1 ? atoi(argv[1]) : 15;
    if (max < 6) max = 6;
    long total = 0;
    struct node *longlived = make(max);
    for (int d = 4; d <= max; d += 2) {
        long iterations = 1L << (max - d + 4);
        long sum = 0;
        for (long i = 0; i < iterations; i++) {
            struct node *t = make(d);
            sum += check(t);
            drop(t);
        }
        total += sum;
    }
    total += check(longlived);
    drop(longlived);
    printf("%ld\n", total);
    return 0;
}
