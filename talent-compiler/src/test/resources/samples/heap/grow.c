/* A growable array of structs (realloc doubling) and a growable array of strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct point {
    long x;
    short y;
    char tag;
};

struct vec {
    struct point *items;
    size_t len, cap;
};

static void push(struct vec *v, struct point p) {
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 2;
        v->items = realloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->len++] = p;
}

int main(void) {
    struct vec v = {0};
    char **names = NULL;
    size_t nnames = 0;
    for (int i = 0; i < 300; i++) {
        struct point p = {i * 1000L - 7, (short)(i % 200 - 100), (char)('a' + i % 26)};
        push(&v, p);
        if (i % 20 == 0) {
            char buf[32];
            snprintf(buf, sizeof buf, "name-%d", i);
            names = realloc(names, (nnames + 1) * sizeof(char *));
            names[nnames++] = strndup(buf, 7);
        }
    }
    struct point *mid = &v.items[v.len / 2];   /* interior pointer into the grown block */
    long sx = 0, sy = 0;
    for (size_t i = 0; i < v.len; i++) {
        sx += v.items[i].x / 100;
        sy += v.items[i].y * v.items[i].tag;
    }
    for (size_t i = 0; i < nnames; i++) printf("%s ", names[i]);
    printf("\nlen %zu, mid x %ld, sums %ld %ld\n", v.len, mid->x, sx, sy);
    return 0;
}
