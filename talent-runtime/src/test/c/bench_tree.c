/* Hand-written in the shape of generated code (docs/CODEGEN.md), for bench-heap.sh: a balanced binary tree
 * of N nodes (default 1000000, argv[1]) built recursively, then a loop whose site takes the checkpoint. The
 * time to build the tree from scratch goes to stderr ("bench: built N nodes in X ms"), to compare with
 * restoring it.
 *
 * source:
 *   struct tree { long key; struct tree *left, *right; };
 *   static struct tree *build(long lo, long hi) {
 *       struct tree *t; long mid;
 *       if (lo > hi) return NULL;
 *       mid = lo + (hi - lo) / 2; t = malloc(sizeof *t); t->key = mid;
 *       t->left = build(lo, mid - 1); t->right = build(mid + 1, hi); return t;
 *   }
 *   static long sum(const struct tree *t, long depth) { ... recursive ... }
 *   int main(int argc, char **argv) {
 *       long n = argc > 1 ? atol(argv[1]) : 1000000, total = 0; struct tree *root; int round;
 *       root = build(1, n);
 *       for (round = 0; round < 3; round++) { total += sum(root, 1) % 1000003 + round; printf(...); }
 *       return 0;
 *   }
 *
 * build and sum have no loop: they are not chain functions. Function ids: 0 build, 1 sum, 2 main.
 * Points: 0 site in main. main variables: 0 argc, 1 argv, 2 n, 3 total, 4 root, 5 round.
 */
#define _POSIX_C_SOURCE 200809L
#include "talent.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const talent_type talent_td_int, talent_td_long, talent_td_tree, talent_td_tree_ptr;

struct tree { long key; struct tree *left, *right; };

static struct tree *build(long lo, long hi)
{
    struct tree *t;
    long mid;
    if (lo > hi)
        return NULL;
    mid = lo + (hi - lo) / 2;
    t = talent_malloc(sizeof *t, &talent_td_tree, "bench_tree.c:11:39");
    t->key = mid;
    t->left = build(lo, mid - 1);
    t->right = build(mid + 1, hi);
    return t;
}

static long sum(const struct tree *t, long depth)
{
    if (!t)
        return 0;
    return (t->key % 97) * depth + sum(t->left, depth + 1) + sum(t->right, depth + 1);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int talent_user_main(int argc, char **argv)
{
    static __typeof__(talent_user_main(argc, argv)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(2)) {
        case 0: goto __talent_r0;
    }
    long n = argc > 1 ? atol(argv[1]) : 1000000, total = 0;
    struct tree *root;
    int round;
    double t0 = now_ms();
    root = build(1, n);
    fprintf(stderr, "bench: built %ld nodes in %.1f ms\n", n, now_ms() - t0);
    for (round = 0; round < 3; round++) {
        if (__builtin_expect(talent_pending, 0)) {
            if (talent_site_slow(0)) {
                talent_frame_begin(2, 0);
                TALENT_SAVE_INT(2, "n", "bench_tree.c:15:10", n, &talent_td_long);
                TALENT_SAVE_INT(3, "total", "bench_tree.c:15:52", total, &talent_td_long);
                talent_save_ptr(4, "root", "bench_tree.c:15:77", root, &talent_td_tree_ptr);
                TALENT_SAVE_INT(5, "round", "bench_tree.c:15:88", round, &talent_td_int);
                talent_frame_end();
                return __talent_zret;
            }
            if (0) {
            __talent_r0: ;
                TALENT_RESTORE_INT(2, n, &talent_td_long);
                TALENT_RESTORE_INT(3, total, &talent_td_long);
                root = (__typeof__(root))talent_restore_ptr(4, &talent_td_tree_ptr);
                TALENT_RESTORE_INT(5, round, &talent_td_int);
                talent_frame_restored();
            }
        }
        total += sum(root, 1) % 1000003 + round;
        printf("round %d total %ld\n", round, total);
    }
    return 0;
}

static const talent_type talent_td_int = TALENT_INT_TYPE(int, "int");
static const talent_type talent_td_long = TALENT_INT_TYPE(long, "long");
static const talent_field talent_fields_tree[] = {
    TALENT_FIELD(struct tree, key, &talent_td_long),
    TALENT_FIELD(struct tree, left, &talent_td_tree_ptr),
    TALENT_FIELD(struct tree, right, &talent_td_tree_ptr),
};
static const talent_type talent_td_tree = TALENT_STRUCT_TYPE(struct tree, "struct tree", talent_fields_tree);
static const talent_type talent_td_tree_ptr = TALENT_PTR_TYPE(struct tree *, "struct tree *", "struct tree");
static const talent_alloc_site talent_alloc_sites_bench_tree[] = {
    { "bench_tree.c:11:39", &talent_td_tree },
};
const talent_unit talent_unit_bench_tree = { "bench_tree.c", 0, 0, talent_alloc_sites_bench_tree, 1, 0, 0 };

/* ---------------------------------------------------------------- talent_program.c */
static const talent_unit *const talent_units[] = { &talent_unit_bench_tree };
static const talent_function talent_functions[] = {
    { "build", "bench_tree.c:8:21", 0 },
    { "sum", "bench_tree.c:13:13", 0 },
    { "main", "bench_tree.c:14:5", 0 },
};
static const talent_point talent_points[] = {
    { 2, 1, "bench_tree.c:17:42" },
};
static int talent_invoke_main(int argc, char **argv)
{
    return talent_user_main(argc, argv);
}
const talent_program talent_the_program = {
    "c1d2e3f4a5b60718293a4b5c6d7e8f90", "bench_tree", talent_units, 1, talent_functions, 3, talent_points, 1,
    talent_invoke_main,
};
