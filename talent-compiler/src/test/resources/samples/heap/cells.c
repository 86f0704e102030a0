/* An array of structs whose members point into each other (element and interior pointers), in a global
 * and in a heap block, plus an array of pointers and an alloc_type pragma for an untyped-looking malloc. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

struct cell {
    int weight;
    struct cell *next;      /* another element of the same array */
    int *heavier;           /* points at the weight member of another element */
    double share;
};

static struct cell ring[32];
static struct cell *by_weight[32];   /* array of pointers into ring */

/* nothing at this malloc tells its element type: the pragma says it */
static void *grab(size_t bytes) {
#pragma talent alloc_type(struct cell)
    void *block = malloc(bytes);
    return block;
}

int main(void) {
    for (int i = 0; i < 32; i++) {
        ring[i].weight = (i * 13) % 32;
        ring[i].next = &ring[(i + 5) % 32];
        by_weight[ring[i].weight] = &ring[i];
    }
    for (int i = 0; i < 32; i++) {
        ring[i].heavier = i < 31 ? &by_weight[ring[i].weight + (ring[i].weight < 31)]->weight : NULL;
    }
    struct cell *copy = grab(32 * sizeof(struct cell));
    for (int i = 0; i < 32; i++) {
        copy[i] = ring[i];
        copy[i].next = &copy[(i + 5) % 32];
        copy[i].share = ring[i].weight / 8.0;
    }
    long total = 0;
    struct cell *c = &copy[3];
    for (int step = 0; step < 200; step++) {
        total += c->weight * (step % 7);
        c->share += 0.25;
        c = c->next;
        if (step % 25 == 0) printf("step %d at weight %d\n", step, c->weight);
    }
    int chain = 0;
    for (int *w = ring[0].heavier; w; chain++) {
        struct cell *owner = (struct cell *)((char *)w - offsetof(struct cell, weight));
        w = owner->heavier;
        if (chain > 40) break;
    }
    double shares = 0;
    for (int i = 0; i < 32; i++) shares += copy[i].share;
    printf("total %ld, chain %d, shares %.3f\n", total, chain, shares);
    return 0;
}
