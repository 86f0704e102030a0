/* Hand-written in the shape of generated code (docs/CODEGEN.md). A 64-bit long that holds 2500000000 at a
 * checkpoint: restoring on i686 (32-bit long) must be refused with exit 65; a 64-bit ISA restores it.
 *
 * source:
 *   static long sum_up(int rounds) {
 *       long total = 0; int i;
 *       for (i = 0; i < rounds; i++) { total += 500000000L; printf("round %d total %ld\n", i, total); }
 *       return total;
 *   }
 *   int main(void) { long t = sum_up(8); printf("result %ld\n", t); return 0; }
 *
 * Function ids: 0 sum_up, 1 main.  Points: 0 site in sum_up, 1 chain call in main.
 * sum_up variables: 0 rounds, 1 total, 2 i.   main variables: 0 t, 1 __talent_t1.
 */
#include "talent.h"
#include <stdio.h>

static const talent_type talent_td_int, talent_td_long;

static long sum_up(int rounds)
{
    static __typeof__(sum_up(rounds)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(0)) {
        case 0: goto __talent_r0;
    }
    long total = 0;
    int i;
    for (i = 0; i < rounds; i++) {
        if (__builtin_expect(talent_pending, 0)) {
            if (talent_site_slow(0)) {
                talent_frame_begin(0, 0);
                TALENT_SAVE_INT(0, "rounds", "narrow.c:1:24", rounds, &talent_td_int);
                TALENT_SAVE_INT(1, "total", "narrow.c:2:10", total, &talent_td_long);
                TALENT_SAVE_INT(2, "i", "narrow.c:2:25", i, &talent_td_int);
                talent_frame_end();
                return __talent_zret;
            }
            if (0) {
            __talent_r0: ;
                TALENT_RESTORE_INT(0, rounds, &talent_td_int);
                TALENT_RESTORE_INT(1, total, &talent_td_long);
                TALENT_RESTORE_INT(2, i, &talent_td_int);
                talent_frame_restored();
            }
        }
        total += 500000000L;
        printf("round %d total %ld\n", i, total);
    }
    return total;
}

int talent_user_main(void)
{
    static __typeof__(talent_user_main()) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(1)) {
        case 1: goto __talent_r1;
    }
    __typeof__(sum_up(8)) __talent_t1;
    if (0) {
    __talent_r1: ;
        talent_frame_restored();
    }
    __talent_t1 = sum_up(8);
    if (__builtin_expect(talent_unwinding, 0)) {
        talent_frame_begin(1, 1);
        talent_frame_end();
        return __talent_zret;
    }
    long t = __talent_t1;
    printf("result %ld\n", t);
    return 0;
}

static const talent_type talent_td_int = TALENT_INT_TYPE(int, "int");
static const talent_type talent_td_long = TALENT_INT_TYPE(long, "long");
const talent_unit talent_unit_narrow = { "narrow.c", 0, 0, 0, 0, 0, 0 };

/* ---------------------------------------------------------------- talent_program.c */
static const talent_unit *const talent_units[] = { &talent_unit_narrow };
static const talent_function talent_functions[] = {
    { "sum_up", "narrow.c:1:13", 0 },
    { "main", "narrow.c:6:5", 0 },
};
static const talent_point talent_points[] = {
    { 0, 1, "narrow.c:3:36" },
    { 1, 0, "narrow.c:6:27" },
};
static int talent_invoke_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return talent_user_main();
}
const talent_program talent_the_program = {
    "0d5e2a7c41b9f3860a1c2e4f6b8d0a2c", "narrow", talent_units, 1, talent_functions, 2, talent_points, 2,
    talent_invoke_main,
};
