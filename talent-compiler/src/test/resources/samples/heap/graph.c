/* Directed graph with cycles: vertices on the heap, adjacency arrays of pointers to vertices. */
#include <stdio.h>
#include <stdlib.h>

struct vertex {
    int id;
    int nout;
    struct vertex **out;
    int mark;
    struct vertex *via;     /* BFS predecessor */
};

int main(void) {
    enum { N = 48 };
    struct vertex **v = malloc(N * sizeof *v);
    for (int i = 0; i < N; i++) {
        v[i] = malloc(sizeof *v[i]);
        v[i]->id = i;
        v[i]->nout = 1 + i % 3;
        v[i]->out = calloc(v[i]->nout, sizeof(struct vertex *));
    }
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < v[i]->nout; k++) v[i]->out[k] = v[(i * 5 + k * 11 + 1) % N];
    }
    /* BFS from 0 with a queue of vertex pointers */
    struct vertex **queue = malloc(N * sizeof(struct vertex *));
    int qh = 0, qt = 0;
    queue[qt++] = v[0];
    v[0]->mark = 1;
    while (qh < qt) {
        struct vertex *x = queue[qh++];
        for (int k = 0; k < x->nout; k++) {
            struct vertex *y = x->out[k];
            if (!y->mark) {
                y->mark = x->mark + 1;
                y->via = x;
                queue[qt++] = y;
            }
        }
    }
    printf("reached %d of %d\n", qt, N);
    for (int i = 0; i < N; i++) {
        int hops = 0;
        for (struct vertex *p = v[i]; p && p->via; p = p->via) hops++;
        printf("%d:%d/%d ", i, v[i]->mark, hops);
        if (i % 8 == 7) printf("\n");
    }
    /* count cycles through vertex 0 of length <= 6 by DFS on an explicit stack */
    struct frame { struct vertex *at; int next; } stack[8];
    int depth = 0, cycles = 0;
    stack[0].at = v[0];
    stack[0].next = 0;
    while (depth >= 0) {
        struct frame *f = &stack[depth];
        if (f->next >= f->at->nout || depth == 6) {
            depth--;
            continue;
        }
        struct vertex *y = f->at->out[f->next++];
        if (y == v[0]) cycles++;
        else {
            depth++;
            stack[depth].at = y;
            stack[depth].next = 0;
        }
    }
    printf("cycles through 0: %d\n", cycles);
    return 0;
}
