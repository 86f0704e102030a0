/* qsort with comparators: a user comparator over structs on the heap, and strcmp itself called through
 * a comparator that holds it in a global function pointer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rec {
    char *name;
    int score;
};

static int (*compare_names)(const char *, const char *) = strcmp;
static int calls;

static int by_score(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    calls++;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    return compare_names(x->name, y->name);
}

/* compares by hand: it has a loop, so it has a site and runs under talent_suspended inside qsort */
static int by_name(const void *a, const void *b) {
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    calls++;
    while (*x && *x == *y) {
        x++;
        y++;
    }
    return (unsigned char)*x - (unsigned char)*y;
}

int main(void) {
    int n = 90;
    struct rec *recs = malloc(n * sizeof *recs);
    char **names = calloc(n, sizeof *names);
    for (int i = 0; i < n; i++) {
        char buf[24];
        snprintf(buf, sizeof buf, "r%03d", (i * 37) % 101);
        recs[i].name = strdup(buf);
        recs[i].score = (i * 17) % 23;
        names[i] = recs[i].name;
    }
    for (int pass = 0; pass < 3; pass++) {
        qsort(recs, n, sizeof *recs, by_score);
        qsort(names, n, sizeof *names, by_name);
        compare_names = pass % 2 ? strcmp : strcoll;
        for (int i = 0; i < n; i += 15) printf("%s:%d %s  ", recs[i].name, recs[i].score, names[i]);
        printf("\n");
    }
    printf("comparisons %d\n", calls);
    return 0;
}
