/* Hand-written in the shape docs/CODEGEN.md gives for generated code, for heap tracking (talent_malloc &
 * co.) and function pointers: a linked list with strdup'ed strings, a binary tree built recursively (a site
 * inside the recursion, so frames hold half-built nodes), a hash table with chained strdup'ed keys, a graph
 * with cycles (reachable only from a frame variable), a realloc-grown array, an array of structs pointing
 * into each other (interior and one-past-the-end pointers), function-pointer tables (global array of
 * structs, heap block, frame variables, a library function), qsort with a comparator that has a site
 * (the call is wrapped in talent_suspended++/--), memory allocated by the C library (getline) that the
 * program reallocs and frees. With argv[1] = "dangle", the program frees list->next->next->data at round
 * 5 and keeps the pointer: a checkpoint after that saves it as indeterminate (a warning names that path).
 *
 * source (helpers marked nocheckpoint have no sites; everything else follows the compiler's rules):
 *
 *   struct node { int value; char *data; struct node *next; };
 *   struct tree { long key; struct tree *left, *right; };
 *   struct item { char *key; int count; struct item *next; };
 *   struct vertex { int id; int nedges; struct vertex **edges; };
 *   struct cell { double weight; struct cell *peer; int *slot; int tag; };
 *   struct op { const char *name; int (*fn)(int, int); };
 *   static int add(int a, int b) { return a + b; }  (also sub, mul)
 *   static unsigned hash(const char *s) { unsigned h = 5381; while (*s) { h = h * 33 + (unsigned char)*s; s++; } return h; }
 *   static void insert(const char *key) { unsigned h = hash(key) % 7; struct item *it = find(h, key); ... malloc, strdup }
 *   static struct tree *build(long lo, long hi) {
 *       struct tree *t; long mid;
 *   #pragma talent checkpoint
 *       if (lo > hi) return NULL;
 *       mid = (lo + hi) / 2; t = malloc(sizeof *t); t->key = mid * 10;
 *       t->left = build(lo, mid - 1); t->right = build(mid + 1, hi); return t;
 *   }
 *   static int by_length(const void *a, const void *b) {
 *       const char *x = *(const char *const *)a, *y = *(const char *const *)b; size_t i = 0;
 *       while (x[i] && y[i]) { i++; }
 *       if (x[i] != y[i]) return x[i] ? 1 : -1;
 *       return compare(x, y);
 *   }
 *   int main(int argc, char **argv) { ... see talent_user_main ... }
 *
 * Function ids: 0 add, 1 sub, 2 mul, 3 hash, 4 find, 5 insert, 6 build, 7 tree_sum, 8 by_length, 9 list_push,
 * 10 grow_push, 11 make_graph, 12 collect, 13 print_state, 14 main, 15 strcmp (library).
 * Points: 0 site in hash, 1 chain call hash() in insert, 2 site in build, 3 chain call build(lo, mid - 1),
 * 4 chain call build(mid + 1, hi), 5 site in by_length, 6 site in main, 7 chain call insert() in main,
 * 8 chain call build() in main.
 */
#define _POSIX_C_SOURCE 200809L
#include "talent.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const talent_type talent_td_int, talent_td_unsigned, talent_td_long, talent_td_size_t, talent_td_double,
    talent_td_char, talent_td_char_ptr, talent_td_const_char_ptr, talent_td_char_ptr_ptr,
    talent_td_int_ptr, talent_td_node, talent_td_node_ptr, talent_td_tree, talent_td_tree_ptr, talent_td_item,
    talent_td_item_ptr, talent_td_table, talent_td_vertex, talent_td_vertex_ptr, talent_td_vertex_ptr_ptr,
    talent_td_cell, talent_td_cell_ptr, talent_td_fn, talent_td_op, talent_td_op3, talent_td_op_ptr, talent_td_cmp,
    talent_td_words;

struct node { int value; char *data; struct node *next; };
struct tree { long key; struct tree *left, *right; };
struct item { char *key; int count; struct item *next; };
struct vertex { int id; int nedges; struct vertex **edges; };
struct cell { double weight; struct cell *peer; int *slot; int tag; };
struct op { const char *name; int (*fn)(int, int); };

static const char *const words[10] = {"pear", "fig", "apple", "kiwi", "fig", "plum", "apple", "fig", "date", "lime"};
struct node *list;
struct item *table[7];
struct tree *root;
int (*compare)(const char *, const char *) = strcmp;
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
struct op ops[3] = {{"add", add}, {"sub", sub}, {"mul", mul}};
static char text[] = "first line\nsecond line\n";

static unsigned hash(const char *s)
{
    static __typeof__(hash(s)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(3)) {
        case 0: goto __talent_r0;
    }
    unsigned h = 5381;
    while (*s) {
        if (__builtin_expect(talent_pending, 0)) {
            if (talent_site_slow(0)) {
                talent_frame_begin(3, 0);
                talent_save_ptr(0, "s", "structures.c:20:34", s, &talent_td_const_char_ptr);
                TALENT_SAVE_INT(1, "h", "structures.c:20:48", h, &talent_td_unsigned);
                talent_frame_end();
                return __talent_zret;
            }
            if (0) {
            __talent_r0: ;
                s = (__typeof__(s))talent_restore_ptr(0, &talent_td_const_char_ptr);
                TALENT_RESTORE_INT(1, h, &talent_td_unsigned);
                talent_frame_restored();
            }
        }
        h = h * 33 + (unsigned char)*s;
        s++;
    }
    return h;
}

/* nocheckpoint */
static struct item *find(unsigned h, const char *key)
{
    struct item *it;
    for (it = table[h]; it; it = it->next)
        if (strcmp(it->key, key) == 0)
            return it;
    return NULL;
}

static void insert(const char *key)
{
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(5)) {
        case 1: goto __talent_r1;
    }
    __typeof__(hash(key)) __talent_t1;
    if (0) {
    __talent_r1: ;
        key = (__typeof__(key))talent_restore_ptr(0, &talent_td_const_char_ptr);
        talent_frame_restored();
    }
    __talent_t1 = hash(key);
    if (__builtin_expect(talent_unwinding, 0)) {
        talent_frame_begin(5, 1);
        talent_save_ptr(0, "key", "structures.c:21:38", key, &talent_td_const_char_ptr);
        talent_frame_end();
        return;
    }
    unsigned h = __talent_t1 % 7;   /* source: unsigned h = hash(key) % 7; */
    struct item *it = find(h, key);
    if (it) {
        it->count++;
        return;
    }
    it = talent_malloc(sizeof *it, &talent_td_item, "structures.c:21:90");
    it->key = talent_strdup(key, "structures.c:21:120");
    it->count = 1;
    it->next = table[h];
    table[h] = it;
}

static struct tree *build(long lo, long hi)
{
    static __typeof__(build(lo, hi)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(6)) {
        case 2: goto __talent_r2; case 3: goto __talent_r3; case 4: goto __talent_r4;
    }
    struct tree *t;
    long mid;
    if (__builtin_expect(talent_pending, 0)) {     /* source: #pragma talent checkpoint */
        if (talent_site_slow(2)) {
            talent_frame_begin(6, 2);
            TALENT_SAVE_INT(0, "lo", "structures.c:22:34", lo, &talent_td_long);
            TALENT_SAVE_INT(1, "hi", "structures.c:22:43", hi, &talent_td_long);
            talent_frame_end();
            return __talent_zret;
        }
        if (0) {
        __talent_r2: ;
            TALENT_RESTORE_INT(0, lo, &talent_td_long);
            TALENT_RESTORE_INT(1, hi, &talent_td_long);
            talent_frame_restored();
        }
    }
    if (lo > hi)
        return NULL;
    mid = (lo + hi) / 2;
    t = talent_malloc(sizeof *t, &talent_td_tree, "structures.c:26:25");
    t->key = mid * 10;
    __typeof__(build(lo, mid - 1)) __talent_t1;
    if (0) {
    __talent_r3: ;
        TALENT_RESTORE_INT(0, lo, &talent_td_long);
        TALENT_RESTORE_INT(1, hi, &talent_td_long);
        t = (__typeof__(t))talent_restore_ptr(2, &talent_td_tree_ptr);
        TALENT_RESTORE_INT(3, mid, &talent_td_long);
        talent_frame_restored();
    }
    __talent_t1 = build(lo, mid - 1);
    if (__builtin_expect(talent_unwinding, 0)) {
        talent_frame_begin(6, 3);
        TALENT_SAVE_INT(0, "lo", "structures.c:22:34", lo, &talent_td_long);
        TALENT_SAVE_INT(1, "hi", "structures.c:22:43", hi, &talent_td_long);
        talent_save_ptr(2, "t", "structures.c:23:18", t, &talent_td_tree_ptr);
        TALENT_SAVE_INT(3, "mid", "structures.c:23:26", mid, &talent_td_long);
        talent_frame_end();
        return __talent_zret;
    }
    t->left = __talent_t1;
    __typeof__(build(mid + 1, hi)) __talent_t2;
    if (0) {
    __talent_r4: ;
        TALENT_RESTORE_INT(1, hi, &talent_td_long);
        t = (__typeof__(t))talent_restore_ptr(2, &talent_td_tree_ptr);
        TALENT_RESTORE_INT(3, mid, &talent_td_long);
        talent_frame_restored();
    }
    __talent_t2 = build(mid + 1, hi);
    if (__builtin_expect(talent_unwinding, 0)) {
        talent_frame_begin(6, 4);
        TALENT_SAVE_INT(1, "hi", "structures.c:22:43", hi, &talent_td_long);
        talent_save_ptr(2, "t", "structures.c:23:18", t, &talent_td_tree_ptr);
        TALENT_SAVE_INT(3, "mid", "structures.c:23:26", mid, &talent_td_long);
        talent_frame_end();
        return __talent_zret;
    }
    t->right = __talent_t2;
    return t;
}

/* not a chain function (no loop) */
static long tree_sum(const struct tree *t, int depth)
{
    if (!t)
        return 0;
    return t->key * depth + tree_sum(t->left, depth + 1) + tree_sum(t->right, depth + 1);
}

static int by_length(const void *a, const void *b)
{
    static __typeof__(by_length(a, b)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(8)) {
        case 5: goto __talent_r5;
    }
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t i = 0;
    while (x[i] && y[i]) {
        if (__builtin_expect(talent_pending, 0)) {
            if (talent_site_slow(5)) {     /* never 1 here: qsort runs with talent_suspended > 0 */
                talent_frame_begin(8, 5);
                talent_save_ptr(2, "x", "structures.c:30:17", x, &talent_td_const_char_ptr);
                talent_save_ptr(3, "y", "structures.c:30:50", y, &talent_td_const_char_ptr);
                TALENT_SAVE_INT(4, "i", "structures.c:30:88", i, &talent_td_size_t);
                talent_frame_end();
                return __talent_zret;
            }
            if (0) {
            __talent_r5: ;
                x = (__typeof__(x))talent_restore_ptr(2, &talent_td_const_char_ptr);
                y = (__typeof__(y))talent_restore_ptr(3, &talent_td_const_char_ptr);
                TALENT_RESTORE_INT(4, i, &talent_td_size_t);
                talent_frame_restored();
            }
        }
        i++;
    }
    if (x[i] != y[i])
        return x[i] ? 1 : -1;
    return compare(x, y);
}

/* nocheckpoint */
static void list_push(int v)
{
    struct node *n = talent_malloc(sizeof *n, &talent_td_node, "structures.c:40:22");
    n->value = v * v;
    n->data = talent_strdup(words[v % 10], "structures.c:41:15");
    n->next = list;
    list = n;
}

/* nocheckpoint */
static int *grow_push(int *g, size_t *n, size_t *cap, int v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 2;
        g = talent_realloc(g, *cap * sizeof *g, &talent_td_int, "structures.c:46:13");
    }
    g[(*n)++] = v;
    return g;
}

/* nocheckpoint */
static struct vertex *make_graph(void)
{
    static const int edges[5][2] = {{1, 2}, {2, -1}, {0, 3}, {3, 4}, {0, -1}};
    struct vertex *v[5];
    int i, k;
    for (i = 0; i < 5; i++) {
        v[i] = talent_malloc(sizeof *v[i], &talent_td_vertex, "structures.c:52:16");
        v[i]->id = 100 * (i + 1);
    }
    for (i = 0; i < 5; i++) {
        v[i]->nedges = edges[i][1] < 0 ? 1 : 2;
        v[i]->edges = talent_malloc(v[i]->nedges * sizeof *v[i]->edges, &talent_td_vertex_ptr, "structures.c:56:23");
        for (k = 0; k < v[i]->nedges; k++)
            v[i]->edges[k] = v[edges[i][k]];
    }
    return v[0];
}

/* nocheckpoint */
static char **collect(size_t *count)
{
    size_t n = 0, h;
    struct item *it;
    char **names;
    for (h = 0; h < 7; h++)
        for (it = table[h]; it; it = it->next)
            n++;
    names = talent_malloc(n * sizeof *names, &talent_td_char_ptr, "structures.c:65:13");
    n = 0;
    for (h = 0; h < 7; h++)
        for (it = table[h]; it; it = it->next)
            names[n++] = it->key;
    *count = n;
    return names;
}

/* nocheckpoint */
static void print_state(int round, struct cell *cells, struct cell *cur, struct cell *end, int *grow, size_t n,
                        size_t cap, struct vertex *hub, struct op *table_ops, char **names, size_t nnames,
                        int (*f)(int, int), struct op best, char *buf)
{
    struct node *nd;
    struct item *it;
    size_t i;
    long sum = 0;
    printf("round %d\n  list:", round);
    for (nd = list; nd; nd = nd->next)
        printf(" %d:%s", nd->value, nd->data);
    printf("\n  table:");
    for (i = 0; i < 7; i++)
        for (it = table[i]; it; it = it->next)
            printf(" [%lu]%s=%d", (unsigned long)i, it->key, it->count);
    printf("\n  tree: %ld", root ? tree_sum(root, 1) : -1L);
    if (root)
        printf(" root=%ld left=%ld right.right=%ld", root->key, root->left->key, root->right->right->key);
    printf("\n  cells:");
    for (i = 0; i < 4; i++)
        printf(" {%.4f peer=%ld tag=%d}", cells[i].weight, (long)(cells[i].peer - cells), cells[i].tag);
    printf(" cur=%ld end=%ld\n", (long)(cur - cells), (long)(end - cells));
    for (i = 0; i < n; i++)
        sum += grow[i];
    printf("  grow: n=%lu cap=%lu sum=%ld last=%d\n", (unsigned long)n, (unsigned long)cap, sum, grow[n - 1]);
    printf("  hub: %d ->", hub->id);
    for (i = 0; i < (size_t)hub->nedges; i++)
        printf(" %d(%d)", hub->edges[i]->id, hub->edges[i]->edges[0]->id);
    printf("\n  ops:");
    for (i = 0; i < 4; i++)
        printf(" %s(7,3)=%d", table_ops[i].name, table_ops[i].fn(7, 3));
    printf(" f(10,4)=%d best=%s:%d global=%s:%d cmp=%d\n", f(10, 4), best.name, best.fn(6, 5),
           ops[round % 3].name, ops[round % 3].fn(round, 2), compare("fig", "kiwi") < 0);
    if (names) {
        printf("  sorted:");
        for (i = 0; i < nnames; i++)
            printf(" %s", names[i]);
        printf("\n");
    }
    printf("  buf: %s|\n", buf);
}

#define MAIN_VARS_SAVE(P)                                                                                   \
    talent_frame_begin(14, P);                                                                             \
    TALENT_SAVE_INT(2, "dangle", "structures.c:70:9", dangle, &talent_td_int);                             \
    talent_save_ptr(3, "cells", "structures.c:71:18", cells, &talent_td_cell_ptr);                         \
    talent_save_ptr(4, "cur", "structures.c:72:18", cur, &talent_td_cell_ptr);                            \
    talent_save_ptr(5, "end", "structures.c:72:35", end, &talent_td_cell_ptr);                             \
    talent_save_ptr(6, "grow", "structures.c:73:10", grow, &talent_td_int_ptr);                            \
    talent_save_mem(7, "n", "structures.c:74:12", &n, &talent_td_size_t, 1);                               \
    talent_save_mem(8, "cap", "structures.c:74:19", &cap, &talent_td_size_t, 1);                           \
    talent_save_ptr(9, "hub", "structures.c:75:20", hub, &talent_td_vertex_ptr);                           \
    talent_save_ptr(10, "table_ops", "structures.c:76:16", table_ops, &talent_td_op_ptr);                  \
    talent_save_ptr(11, "names", "structures.c:77:12", names, &talent_td_char_ptr_ptr);                    \
    TALENT_SAVE_INT(12, "nnames", "structures.c:78:12", nnames, &talent_td_size_t);                        \
    talent_save_fptr(13, "f", "structures.c:79:11", (void (*)(void))f, &talent_td_fn);                     \
    { __typeof__(best) c = best; talent_save_mem(14, "best", "structures.c:80:15", &c, &talent_td_op, 0); } \
    talent_save_ptr(16, "buf", "structures.c:82:11", buf, &talent_td_char_ptr);                            \
    TALENT_SAVE_INT(17, "round", "structures.c:83:9", round, &talent_td_int)
#define MAIN_VARS_RESTORE()                                                                                 \
    talent_bind(7, &n, &talent_td_size_t);                                                                 \
    talent_bind(8, &cap, &talent_td_size_t);                                                               \
    TALENT_RESTORE_INT(2, dangle, &talent_td_int);                                                         \
    cells = (__typeof__(cells))talent_restore_ptr(3, &talent_td_cell_ptr);                                 \
    cur = (__typeof__(cur))talent_restore_ptr(4, &talent_td_cell_ptr);                                     \
    end = (__typeof__(end))talent_restore_ptr(5, &talent_td_cell_ptr);                                     \
    grow = (__typeof__(grow))talent_restore_ptr(6, &talent_td_int_ptr);                                    \
    talent_restore_mem(7, &n, &talent_td_size_t);                                                          \
    talent_restore_mem(8, &cap, &talent_td_size_t);                                                        \
    hub = (__typeof__(hub))talent_restore_ptr(9, &talent_td_vertex_ptr);                                   \
    table_ops = (__typeof__(table_ops))talent_restore_ptr(10, &talent_td_op_ptr);                          \
    names = (__typeof__(names))talent_restore_ptr(11, &talent_td_char_ptr_ptr);                            \
    TALENT_RESTORE_INT(12, nnames, &talent_td_size_t);                                                     \
    f = (__typeof__(f))talent_restore_fptr(13, &talent_td_fn);                                             \
    { __typeof__(best) c; talent_restore_mem(14, &c, &talent_td_op); best = c; }                           \
    buf = (__typeof__(buf))talent_restore_ptr(16, &talent_td_char_ptr);                                    \
    TALENT_RESTORE_INT(17, round, &talent_td_int)

/* source: int main(int argc, char **argv) */
int talent_user_main(int argc, char **argv)
{
    static __typeof__(talent_user_main(argc, argv)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(14)) {
        case 6: goto __talent_r6; case 7: goto __talent_r7; case 8: goto __talent_r8;
    }
    int dangle = argc > 1 && strcmp(argv[1], "dangle") == 0;
    struct cell *cells = talent_calloc(4, sizeof *cells, &talent_td_cell, "structures.c:71:26");
    struct cell *cur = &cells[2], *end = cells + 4;
    int *grow = NULL;
    size_t n = 0, cap = 0;
    struct vertex *hub = make_graph();
    struct op *table_ops = talent_malloc(4 * sizeof *table_ops, &talent_td_op, "structures.c:76:28");
    char **names = NULL;
    size_t nnames = 0;
    int (*f)(int, int) = add;
    struct op best = ops[2];
    char *word;
    char *buf, *line = NULL;
    int round, i;
    size_t linecap = 0;
    FILE *mem = fmemopen(text, strlen(text), "r");
    /* memory the C library allocates (getline's buffer): realloc'ed by the program it becomes tracked ... */
    if (!mem || getline(&line, &linecap, mem) < 0)
        return 1;
    buf = talent_realloc(line, 32, &talent_td_char, "structures.c:85:11");
    buf[strlen(buf) - 1] = '\0';
    /* ... and freed by the program, it is simply freed */
    line = NULL;
    if (getline(&line, &linecap, mem) < 0)
        return 1;
    talent_free(line);
    fclose(mem);
    for (i = 0; i < 4; i++) {
        cells[i].weight = 1.0 + i;
        cells[i].peer = &cells[(i + 1) % 4];
        cells[i].slot = &cells[(i + 2) % 4].tag;
        cells[i].tag = 10 * i;
        table_ops[i] = ops[i % 3];
    }
    table_ops[3].name = "add-again";
    for (round = 0; round < 12; round++) {
        if (__builtin_expect(talent_pending, 0)) {
            if (talent_site_slow(6)) {
                MAIN_VARS_SAVE(6);
                talent_frame_end();
                return __talent_zret;
            }
            if (0) {
            __talent_r6: ;
                MAIN_VARS_RESTORE();
                talent_frame_restored();
            }
        }
        if (dangle && round > 5)
            continue;
        if (round < 8)
            list_push(round);
        grow = grow_push(grow, &n, &cap, round * round + 1);
        word = talent_strdup(words[round % 10], "structures.c:90:16");
        if (0) {
        __talent_r7: ;
            MAIN_VARS_RESTORE();
            word = (__typeof__(word))talent_restore_ptr(15, &talent_td_char_ptr);
            talent_frame_restored();
        }
        insert(word);
        if (__builtin_expect(talent_unwinding, 0)) {
            MAIN_VARS_SAVE(7);
            talent_save_ptr(15, "word", "structures.c:81:11", word, &talent_td_char_ptr);
            talent_frame_end();
            return __talent_zret;
        }
        talent_free(word);
        if (round == 3) {
            __typeof__(build(1, 15)) __talent_t1;
            if (0) {
            __talent_r8: ;
                MAIN_VARS_RESTORE();
                talent_frame_restored();
            }
            __talent_t1 = build(1, 15);
            if (__builtin_expect(talent_unwinding, 0)) {
                MAIN_VARS_SAVE(8);
                talent_frame_end();
                return __talent_zret;
            }
            root = __talent_t1;   /* source: root = build(1, 15); */
        }
        if (round == 6) {
            names = collect(&nnames);
            ({ talent_suspended++; qsort(names, nnames, sizeof *names, by_length); talent_suspended--; });
        }
        for (i = 0; i < 4; i++) {   /* source: a leaf loop; its site is omitted here */
            cells[i].weight += cells[i].peer->weight / 2;
            *cells[i].slot += round;
        }
        cur = cur->peer;
        hub = hub->edges[round % hub->nedges];
        hub->id += 1;
        f = table_ops[round % 4].fn;
        best = table_ops[(round + 1) % 4];
        buf[round % 10] = (char)('a' + round);
        if (dangle && round == 5)
            talent_free(list->next->next->data);
        if (!dangle)
            print_state(round, cells, cur, end, grow, n, cap, hub, table_ops, names, nnames, f, best, buf);
    }
    printf("done: tree %ld, grow %lu, hub %d\n", tree_sum(root, 1), (unsigned long)n, hub->id);
    return 0;
}

/* ---------------------------------------------------------------- tables appended by the compiler */
static const talent_type talent_td_int = TALENT_INT_TYPE(int, "int");
static const talent_type talent_td_unsigned = TALENT_INT_TYPE(unsigned, "unsigned int");
static const talent_type talent_td_long = TALENT_INT_TYPE(long, "long");
static const talent_type talent_td_size_t = TALENT_INT_TYPE(size_t, "size_t");
static const talent_type talent_td_double = TALENT_FLOAT_TYPE(double, "double");
static const talent_type talent_td_char = TALENT_INT_TYPE(char, "char");
static const talent_type talent_td_char_ptr = TALENT_PTR_TYPE(char *, "char *", "char");
static const talent_type talent_td_const_char_ptr = TALENT_PTR_TYPE(const char *, "const char *", "const char");
static const talent_type talent_td_char_ptr_ptr = TALENT_PTR_TYPE(char **, "char **", "char *");
static const talent_type talent_td_int_ptr = TALENT_PTR_TYPE(int *, "int *", "int");
static const talent_field talent_fields_node[] = {
    TALENT_FIELD(struct node, value, &talent_td_int),
    TALENT_FIELD(struct node, data, &talent_td_char_ptr),
    TALENT_FIELD(struct node, next, &talent_td_node_ptr),
};
static const talent_type talent_td_node = TALENT_STRUCT_TYPE(struct node, "struct node", talent_fields_node);
static const talent_type talent_td_node_ptr = TALENT_PTR_TYPE(struct node *, "struct node *", "struct node");
static const talent_field talent_fields_tree[] = {
    TALENT_FIELD(struct tree, key, &talent_td_long),
    TALENT_FIELD(struct tree, left, &talent_td_tree_ptr),
    TALENT_FIELD(struct tree, right, &talent_td_tree_ptr),
};
static const talent_type talent_td_tree = TALENT_STRUCT_TYPE(struct tree, "struct tree", talent_fields_tree);
static const talent_type talent_td_tree_ptr = TALENT_PTR_TYPE(struct tree *, "struct tree *", "struct tree");
static const talent_field talent_fields_item[] = {
    TALENT_FIELD(struct item, key, &talent_td_char_ptr),
    TALENT_FIELD(struct item, count, &talent_td_int),
    TALENT_FIELD(struct item, next, &talent_td_item_ptr),
};
static const talent_type talent_td_item = TALENT_STRUCT_TYPE(struct item, "struct item", talent_fields_item);
static const talent_type talent_td_item_ptr = TALENT_PTR_TYPE(struct item *, "struct item *", "struct item");
static const talent_type talent_td_table =
    TALENT_ARRAY_TYPE(struct item *[7], "struct item *[7]", struct item *, &talent_td_item_ptr);
static const talent_field talent_fields_vertex[] = {
    TALENT_FIELD(struct vertex, id, &talent_td_int),
    TALENT_FIELD(struct vertex, nedges, &talent_td_int),
    TALENT_FIELD(struct vertex, edges, &talent_td_vertex_ptr_ptr),
};
static const talent_type talent_td_vertex = TALENT_STRUCT_TYPE(struct vertex, "struct vertex", talent_fields_vertex);
static const talent_type talent_td_vertex_ptr = TALENT_PTR_TYPE(struct vertex *, "struct vertex *", "struct vertex");
static const talent_type talent_td_vertex_ptr_ptr =
    TALENT_PTR_TYPE(struct vertex **, "struct vertex **", "struct vertex *");
static const talent_field talent_fields_cell[] = {
    TALENT_FIELD(struct cell, weight, &talent_td_double),
    TALENT_FIELD(struct cell, peer, &talent_td_cell_ptr),
    TALENT_FIELD(struct cell, slot, &talent_td_int_ptr),
    TALENT_FIELD(struct cell, tag, &talent_td_int),
};
static const talent_type talent_td_cell = TALENT_STRUCT_TYPE(struct cell, "struct cell", talent_fields_cell);
static const talent_type talent_td_cell_ptr = TALENT_PTR_TYPE(struct cell *, "struct cell *", "struct cell");
static const talent_type talent_td_fn = TALENT_FUNCPTR_TYPE(int (*)(int, int), "int (*)(int, int)");
static const talent_field talent_fields_op[] = {
    TALENT_FIELD(struct op, name, &talent_td_const_char_ptr),
    TALENT_FIELD(struct op, fn, &talent_td_fn),
};
static const talent_type talent_td_op = TALENT_STRUCT_TYPE(struct op, "struct op", talent_fields_op);
static const talent_type talent_td_op3 = TALENT_ARRAY_TYPE(struct op[3], "struct op[3]", struct op, &talent_td_op);
static const talent_type talent_td_op_ptr = TALENT_PTR_TYPE(struct op *, "struct op *", "struct op");
static const talent_type talent_td_cmp =
    TALENT_FUNCPTR_TYPE(int (*)(const char *, const char *), "int (*)(const char *, const char *)");
static const talent_type talent_td_const_char_ptr_const =
    TALENT_PTR_TYPE(const char *const, "const char *const", "const char");
static const talent_type talent_td_words =
    TALENT_ARRAY_TYPE(const char *const[10], "const char *const[10]", const char *const, &talent_td_const_char_ptr_const);
static const talent_type talent_td_char_arr =
    TALENT_ARRAY_TYPE(__typeof__(text), "char[24]", char, &talent_td_char);

static const talent_global talent_globals_structures[] = {
    { "structures.c:words", "words", "structures.c:13:27", (void *)words, &talent_td_words, 1 },
    { "list", "list", "structures.c:14:14", &list, &talent_td_node_ptr, 0 },
    { "table", "table", "structures.c:15:14", table, &talent_td_table, 0 },
    { "root", "root", "structures.c:16:14", &root, &talent_td_tree_ptr, 0 },
    { "compare", "compare", "structures.c:17:7", &compare, &talent_td_cmp, 0 },
    { "ops", "ops", "structures.c:21:11", ops, &talent_td_op3, 0 },
    { "structures.c:text", "text", "structures.c:22:13", text, &talent_td_char_arr, 0 },
};
/* every allocation site whose element type the compiler inferred */
static const talent_alloc_site talent_alloc_sites_structures[] = {
    { "structures.c:21:90", &talent_td_item },
    { "structures.c:26:25", &talent_td_tree },
    { "structures.c:40:22", &talent_td_node },
    { "structures.c:46:13", &talent_td_int },
    { "structures.c:52:16", &talent_td_vertex },
    { "structures.c:56:23", &talent_td_vertex_ptr },
    { "structures.c:65:13", &talent_td_char_ptr },
    { "structures.c:71:26", &talent_td_cell },
    { "structures.c:76:28", &talent_td_op },
    { "structures.c:85:11", &talent_td_char },
};
const talent_unit talent_unit_structures = {
    "structures.c", talent_globals_structures, sizeof talent_globals_structures / sizeof talent_globals_structures[0],
    talent_alloc_sites_structures, sizeof talent_alloc_sites_structures / sizeof talent_alloc_sites_structures[0], 0, 0,
};

/* ---------------------------------------------------------------- talent_program.c */
static const talent_unit *const talent_units[] = { &talent_unit_structures };
static const talent_function talent_functions[] = {
    { "add", "structures.c:18:12", (void (*)(void))add },
    { "sub", "structures.c:19:12", (void (*)(void))sub },
    { "mul", "structures.c:20:12", (void (*)(void))mul },
    { "hash", "structures.c:20:17", 0 },
    { "find", "structures.c:21:21", 0 },
    { "insert", "structures.c:21:13", 0 },
    { "build", "structures.c:22:21", 0 },
    { "tree_sum", "structures.c:28:13", 0 },
    { "by_length", "structures.c:29:12", (void (*)(void))by_length },
    { "list_push", "structures.c:39:13", 0 },
    { "grow_push", "structures.c:44:13", 0 },
    { "make_graph", "structures.c:50:23", 0 },
    { "collect", "structures.c:61:15", 0 },
    { "print_state", "structures.c:69:13", 0 },
    { "main", "structures.c:70:5", 0 },
    { "strcmp", "", (void (*)(void))strcmp },
};
static const talent_point talent_points[] = {
    { 3, 1, "structures.c:20:62" },     /* 0: site, loop in hash */
    { 5, 0, "structures.c:21:53" },     /* 1: chain call hash(key) */
    { 6, 1, "structures.c:24:1" },      /* 2: site, #pragma talent checkpoint in build */
    { 6, 0, "structures.c:27:15" },     /* 3: chain call build(lo, mid - 1) */
    { 6, 0, "structures.c:27:46" },     /* 4: chain call build(mid + 1, hi) */
    { 8, 1, "structures.c:31:26" },     /* 5: site, loop in by_length */
    { 14, 1, "structures.c:87:38" },    /* 6: site, loop in main */
    { 14, 0, "structures.c:91:9" },     /* 7: chain call insert(word) */
    { 14, 0, "structures.c:93:29" },    /* 8: chain call build(1, 15) */
};
static int talent_invoke_main(int argc, char **argv)
{
    return talent_user_main(argc, argv);
}
const talent_program talent_the_program = {
    "7b3e91c0d2a84f56b1e0c9d8a7f6e5d4", "structures", talent_units, 1, talent_functions, 16, talent_points, 9,
    talent_invoke_main,
};
