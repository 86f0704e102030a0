/*
 * Heap benchmark program: a binary search tree of N nodes (default 1,000,000) inserted in pseudo-random key
 * order, one malloc per node. Prints to stderr how long building the tree took on this platform
 * ("tree: built N nodes in T ms"), then walks the tree in passes; the head of the pass loop is the only
 * checkpoint site, so TALENT_STOP_AFTER=2 checkpoints after the first walk with the whole tree reachable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct node {
    uint32_t key;
    long count;
    struct node *left, *right;
};

static struct node *root;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Recursion, not a loop: not a checkpoint site. Depth is about 2.5 log2(N) for random keys. */
static uint64_t walk(const struct node *n, uint64_t depth) {
    if (n == NULL) return 0;
    return depth * n->key % 1000003u + n->count + walk(n->left, depth + 1) + walk(n->right, depth + 1);
}

int main(int argc, char **argv) {
    long nodes = argc > 1 ? atol(argv[1]) : 1000000;
    int passes = argc > 2 ? atoi(argv[2]) : 3;
    double start = now_ms();
    uint32_t x = 2463534242u;
#pragma talent nocheckpoint
    for (long i = 0; i < nodes; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        struct node **at = &root;
#pragma talent nocheckpoint
        while (*at != NULL && (*at)->key != x) at = x < (*at)->key ? &(*at)->left : &(*at)->right;
        if (*at == NULL) {
            *at = malloc(sizeof **at);
            (*at)->key = x;
            (*at)->count = 0;
            (*at)->left = (*at)->right = NULL;
        }
        (*at)->count++;
    }
    fprintf(stderr, "tree: built %ld nodes in %.1f ms\n", nodes, now_ms() - start);
    uint64_t total = 0;
    for (int p = 0; p < passes; p++) {
        uint64_t sum = walk(root, (uint64_t)p);
        total += sum % 1000000007u;
        printf("walk %d: %llu\n", p, (unsigned long long)(sum % 1000000007u));
    }
    printf("total %llu\n", (unsigned long long)(total % 1000000007u));
    return 0;
}
