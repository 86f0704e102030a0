#include <stdio.h>
#include <stdlib.h>

typedef struct {
    double x, y;
} Point;

struct node {
    int value;
    unsigned flags : 3;
    int delta : 5;
    struct node *next;
};

enum color { RED, GREEN, BLUE };

struct node *head;
static Point path[16];
static struct node sentinel = { -1, 5, -3, 0 };

static struct node *push(struct node *list, int v) {
    struct node *n = malloc(sizeof *n);
    n->value = v;
    n->flags = (unsigned)v & 7u;
    n->delta = -v % 16;
    n->next = list;
    return n;
}

static Point walk(Point p, int steps) {
    enum color c = RED;
    struct { int hits; char tag[4]; } stats = { 0, "abc" };
    for (int i = 0; i < steps; i++) {
        p.x += 0.5;
        p.y -= 0.25;
        c = (enum color)((c + 1) % 3);
        stats.hits++;
    }
    if (c == BLUE && stats.hits > 1000000)
        p.x = 0;
    return p;
}

int main(void) {
    Point p = { 1.0, 2.0 };
    long double scale = 1.5L;
    int (*cmp)(const void *, const void *) = 0;
    for (int i = 0; i < 16; i++) {
        head = push(head, i);
        path[i] = walk(p, i * 10);
    }
    p = walk(path[15], 5);
    long sum = 0;
    for (struct node *n = head; n; n = n->next)
        sum += n->value + n->flags + n->delta;
    sum += sentinel.delta + (int)sentinel.flags;
    printf("sum=%ld p=(%.3f,%.3f) scale=%.2Lf cmp=%d\n", sum, p.x, p.y, scale, cmp == 0);
    return 0;
}
