/*
 * Pre-copy benchmark program (`talent bench precopy`): a state of STATE_MIB MiB (defined by the benchmark),
 * filled deterministically; then STEPS steps of 10 ms, each rewriting a contiguous run of 1/10000 of the state
 * at a rotating position: 1 % of the state per second, like a service updating part of its data. The state is
 * a global array of doubles, or with PRECOPY_HEAP (`--heap`) a balanced binary tree of heap nodes of 512 bytes
 * (two children, the next node in allocation order, and 61 doubles), one malloc per node, whose runs are walked
 * along the next links. The step loop's head is the only checkpoint site (the fill and the inner loops are
 * marked nocheckpoint); the nanosleep is a blocking site. A file named "fast" in the working directory ends the
 * pacing (the benchmark creates it once a destination is ready, so that the rest runs at full speed with the
 * same result). Prints "ready" once the state is built, a checksum at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#ifndef STATE_MIB
#define STATE_MIB 64
#endif

#ifdef PRECOPY_HEAP
#define PAYLOAD 61
struct node {
    struct node *left, *right, *next;
    double v[PAYLOAD];
};
#define COUNT ((long)STATE_MIB * 2048L)     /* 2048 nodes of 512 bytes per MiB */
static struct node *root;
#else
#define COUNT ((long)STATE_MIB * 131072L)   /* 131072 doubles per MiB */
static double data[COUNT];
#endif

int main(int argc, char **argv) {
    long steps = argc > 1 ? atol(argv[1]) : 20000;
    long run = COUNT / 10000 > 0 ? COUNT / 10000 : 1;
    struct timespec ts;
    double sum = 0;
#ifdef PRECOPY_HEAP
    struct node **all = malloc((size_t)COUNT * sizeof *all);
    if (all == NULL) return 1;
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i++) {
        all[i] = malloc(sizeof **all);
        if (all[i] == NULL) return 1;
#pragma talent nocheckpoint
        for (int j = 0; j < PAYLOAD; j++) all[i]->v[j] = (double)((i * PAYLOAD + j) % 1000) / 8.0;
    }
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i++) {
        all[i]->left = 2 * i + 1 < COUNT ? all[2 * i + 1] : NULL;
        all[i]->right = 2 * i + 2 < COUNT ? all[2 * i + 2] : NULL;
        all[i]->next = i + 1 < COUNT ? all[i + 1] : NULL;
    }
    root = all[0];
    free(all);
    struct node *at = root;
#else
    long pos = 0;
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i++) data[i] = (double)(i % 1000) / 8.0;
#endif
    printf("ready\n");
    fflush(stdout);
    for (long s = 0; s < steps; s++) {
#ifdef PRECOPY_HEAP
#pragma talent nocheckpoint
        for (long k = 0; k < run; k++) {
#pragma talent nocheckpoint
            for (int j = 0; j < PAYLOAD; j++) at->v[j] += 1.0;
            at = at->next != NULL ? at->next : root;
        }
#else
#pragma talent nocheckpoint
        for (long k = 0; k < run; k++) data[(pos + k) % COUNT] += 1.0;
        pos = (pos + run) % COUNT;
#endif
        if (access("fast", F_OK) != 0) {
            ts.tv_sec = 0;
            ts.tv_nsec = 10000000;
            nanosleep(&ts, NULL);
        }
    }
#ifdef PRECOPY_HEAP
    /* the tree's links count too: the depth along the left and the right edges */
    long left = 0, right = 0;
#pragma talent nocheckpoint
    for (struct node *n = root; n != NULL; n = n->next) sum += n->v[0] + n->v[PAYLOAD - 1];
#pragma talent nocheckpoint
    for (struct node *n = root; n != NULL; n = n->left) left++;
#pragma talent nocheckpoint
    for (struct node *n = root; n != NULL; n = n->right) right++;
    printf("depth %ld %ld\n", left, right);
#else
#pragma talent nocheckpoint
    for (long i = 0; i < COUNT; i += 512) sum += data[i];
#endif
    printf("sum %.3f\n", sum);
    return 0;
}
