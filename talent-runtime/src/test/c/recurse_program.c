/* Hand-written in the shape of the compiler's generated talent_program.c for recurse.c. */
#include "talent.h"

extern const talent_unit talent_unit_recurse;
int talent_user_main(int argc, char **argv);

static const talent_unit *const talent_units[] = { &talent_unit_recurse };

static const talent_function talent_functions[] = {
    { "depth_sum", "recurse.c:36:13", 0 },
    { "main", "recurse.c:84:5", 0 },
};

static const talent_point talent_points[] = {
    { 0, 1, "recurse.c:47:29" },    /* 0: site, loop in depth_sum */
    { 0, 0, "recurse.c:78:10" },    /* 1: chain call depth_sum(n - 1, acc) */
    { 1, 1, "recurse.c:104:29" },   /* 2: site, loop in main */
    { 1, 0, "recurse.c:150:18" },   /* 3: chain call depth_sum(3, &acc) */
};

static int talent_invoke_main(int argc, char **argv)
{
    return talent_user_main(argc, argv);
}

const talent_program talent_the_program = {
    "5f0c3a1e9b7d42c6a8e1f03b2d4c6e8a",
    "recurse",
    talent_units, 1,
    talent_functions, 2,
    talent_points, 4,
    talent_invoke_main,
};
