/* Hand-written in the shape docs/CODEGEN.md gives for generated code (the talent compiler is written
 * concurrently; this file tests the runtime on its own). The original program is shown in the comments
 * marked "source:"; everything else is what instrumentation adds.
 *
 * Function ids: 0 depth_sum, 1 main.  Point ids: 0 site in depth_sum, 1 chain call in depth_sum,
 * 2 site in main, 3 chain call in main.
 * depth_sum variables: 0 n, 1 acc, 2 i, 3 r, 4 local, 5 lp, 6 __talent_t1
 * main variables: 0 argc, 1 argv, 2 acc, 3 u, 4 ch, 5 sh, 6 l, 7 llv, 8 b, 9 col, 10 f, 11 d, 12 ld, 13 o,
 *                 14 msg, 15 cell, 16 k, 17 __talent_t2
 */
#include "talent.h"
#include <stdio.h>

static const talent_type talent_td_int, talent_td_unsigned, talent_td_char, talent_td_short, talent_td_long,
    talent_td_llong, talent_td_bool, talent_td_color, talent_td_float, talent_td_double, talent_td_ldouble,
    talent_td_int_ptr, talent_td_const_int_ptr, talent_td_const_char_ptr, talent_td_char_ptr_ptr, talent_td_int4,
    talent_td_grid, talent_td_int3, talent_td_inner, talent_td_num, talent_td_char4, talent_td_outer;

/* source: */
enum color { RED, GREEN = 5, BLUE };
struct inner { unsigned flags : 3; int sflag : 4; short s; };
union num { long long ll; double d; };
struct outer { int id; struct inner in; union num u; char tag[4]; };

int grid[3][4];
long long total = 0;
int *cursor = &grid[1][2];
const char *greeting = "hello, talent";
static double scale = 1.5;
int *watch;
static const int limits[3] = {10, 20, 30};
const int *lim = &limits[2];
static int __talent_s_depth_sum_calls = 0;      /* source: static int calls = 0; inside depth_sum */

static long depth_sum(int n, int *acc)
{
    static __typeof__(depth_sum(n, acc)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(0)) {
        case 0: goto __talent_r0; case 1: goto __talent_r1;
    }
    int i;
    long r = 0;
    int local[2] = { n, -n };
    static const talent_type talent_td_int_local =
        TALENT_ARRAY_TYPE(__typeof__(local), "int[2]", __typeof__(local[0]), &talent_td_int);
    int *lp = &local[1];
    __talent_s_depth_sum_calls++;
    if (n == 0)
        return 0;
    for (i = 0; i < 3; i++) {
        if (__builtin_expect(talent_pending, 0)) {
            if (talent_site_slow(0)) {
                talent_frame_begin(0, 0);
                TALENT_SAVE_INT(0, "n", "recurse.c:34:22", n, &talent_td_int);
                talent_save_ptr(1, "acc", "recurse.c:34:30", acc, &talent_td_int_ptr);
                TALENT_SAVE_INT(2, "i", "recurse.c:39:9", i, &talent_td_int);
                TALENT_SAVE_INT(3, "r", "recurse.c:40:10", r, &talent_td_long);
                talent_save_mem(4, "local", "recurse.c:41:9", &local, &talent_td_int_local, 1);
                talent_save_ptr(5, "lp", "recurse.c:42:10", lp, &talent_td_int_ptr);
                talent_frame_end();
                return __talent_zret;
            }
            if (0) {
            __talent_r0: ;
                talent_bind(4, &local, &talent_td_int_local);
                TALENT_RESTORE_INT(0, n, &talent_td_int);
                acc = (__typeof__(acc))talent_restore_ptr(1, &talent_td_int_ptr);
                TALENT_RESTORE_INT(2, i, &talent_td_int);
                TALENT_RESTORE_INT(3, r, &talent_td_long);
                talent_restore_mem(4, &local, &talent_td_int_local);
                lp = (__typeof__(lp))talent_restore_ptr(5, &talent_td_int_ptr);
                talent_frame_restored();
            }
        }
        *acc += n * i;
        r += i;
        *lp -= 1;
        printf("  depth %d i=%d acc=%d r=%ld local={%d,%d} calls=%d cursor=%d\n", n, i, *acc, r, local[0], local[1],
               __talent_s_depth_sum_calls, *cursor);
        *cursor += n;
    }
    __typeof__(depth_sum(n - 1, acc)) __talent_t1;
    if (0) {
    __talent_r1: ;
        talent_bind(4, &local, &talent_td_int_local);
        TALENT_RESTORE_INT(0, n, &talent_td_int);
        acc = (__typeof__(acc))talent_restore_ptr(1, &talent_td_int_ptr);
        TALENT_RESTORE_INT(3, r, &talent_td_long);
        talent_restore_mem(4, &local, &talent_td_int_local);
        lp = (__typeof__(lp))talent_restore_ptr(5, &talent_td_int_ptr);
        talent_frame_restored();
    }
    __talent_t1 = depth_sum(n - 1, acc);
    if (__builtin_expect(talent_unwinding, 0)) {
        talent_frame_begin(0, 1);
        TALENT_SAVE_INT(0, "n", "recurse.c:34:22", n, &talent_td_int);
        talent_save_ptr(1, "acc", "recurse.c:34:30", acc, &talent_td_int_ptr);
        TALENT_SAVE_INT(3, "r", "recurse.c:40:10", r, &talent_td_long);
        talent_save_mem(4, "local", "recurse.c:41:9", &local, &talent_td_int_local, 1);
        talent_save_ptr(5, "lp", "recurse.c:42:10", lp, &talent_td_int_ptr);
        talent_frame_end();
        return __talent_zret;
    }
    r += __talent_t1;       /* source: r += depth_sum(n - 1, acc); */
    return r * 100 + n + *lp;
}

/* source: int main(int argc, char **argv) */
int talent_user_main(int argc, char **argv)
{
    static __typeof__(talent_user_main(argc, argv)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(1)) {
        case 2: goto __talent_r2; case 3: goto __talent_r3;
    }
    int acc = 0;
    unsigned u = 7;
    char ch = 'x';
    short sh = -12;
    long l = -100000;
    long long llv = 1LL << 40;
    _Bool b = 1;
    enum color col = BLUE;
    float f = 0.25f;
    double d = 3.0 / 7.0;
    long double ld = 1.0L / 3.0L;
    struct outer o = { 42, { 5, -3, -7 }, { -1234567890123LL }, "abc" };
    const char *msg = greeting + 7;
    int *cell = &grid[2][3];
    int k;
    watch = &acc;
    for (k = 0; k < 2; k++) {
        if (__builtin_expect(talent_pending, 0)) {
            if (talent_site_slow(2)) {
                talent_frame_begin(1, 2);
                TALENT_SAVE_INT(0, "argc", "recurse.c:82:26", argc, &talent_td_int);
                talent_save_ptr(1, "argv", "recurse.c:82:39", argv, &talent_td_char_ptr_ptr);
                talent_save_mem(2, "acc", "recurse.c:88:9", &acc, &talent_td_int, 1);
                TALENT_SAVE_INT(3, "u", "recurse.c:89:14", u, &talent_td_unsigned);
                TALENT_SAVE_INT(4, "ch", "recurse.c:90:10", ch, &talent_td_char);
                TALENT_SAVE_INT(5, "sh", "recurse.c:91:11", sh, &talent_td_short);
                TALENT_SAVE_INT(6, "l", "recurse.c:92:10", l, &talent_td_long);
                TALENT_SAVE_INT(7, "llv", "recurse.c:93:15", llv, &talent_td_llong);
                TALENT_SAVE_INT(8, "b", "recurse.c:94:11", b, &talent_td_bool);
                TALENT_SAVE_INT(9, "col", "recurse.c:95:16", col, &talent_td_color);
                talent_save_f64(10, "f", "recurse.c:96:11", f, &talent_td_float);
                talent_save_f64(11, "d", "recurse.c:97:12", d, &talent_td_double);
                talent_save_ldouble(12, "ld", "recurse.c:98:17", ld, &talent_td_ldouble);
                { __typeof__(o) c = o; talent_save_mem(13, "o", "recurse.c:99:18", &c, &talent_td_outer, 0); }
                talent_save_ptr(14, "msg", "recurse.c:100:17", msg, &talent_td_const_char_ptr);
                talent_save_ptr(15, "cell", "recurse.c:101:10", cell, &talent_td_int_ptr);
                TALENT_SAVE_INT(16, "k", "recurse.c:102:9", k, &talent_td_int);
                talent_frame_end();
                return __talent_zret;
            }
            if (0) {
            __talent_r2: ;
                talent_bind(2, &acc, &talent_td_int);
                TALENT_RESTORE_INT(0, argc, &talent_td_int);
                argv = (__typeof__(argv))talent_restore_ptr(1, &talent_td_char_ptr_ptr);
                talent_restore_mem(2, &acc, &talent_td_int);
                TALENT_RESTORE_INT(3, u, &talent_td_unsigned);
                TALENT_RESTORE_INT(4, ch, &talent_td_char);
                TALENT_RESTORE_INT(5, sh, &talent_td_short);
                TALENT_RESTORE_INT(6, l, &talent_td_long);
                TALENT_RESTORE_INT(7, llv, &talent_td_llong);
                TALENT_RESTORE_INT(8, b, &talent_td_bool);
                TALENT_RESTORE_INT(9, col, &talent_td_color);
                f = talent_restore_f64(10, &talent_td_float);
                d = talent_restore_f64(11, &talent_td_double);
                ld = talent_restore_ldouble(12, &talent_td_ldouble);
                { __typeof__(o) c; talent_restore_mem(13, &c, &talent_td_outer); o = c; }
                msg = (__typeof__(msg))talent_restore_ptr(14, &talent_td_const_char_ptr);
                cell = (__typeof__(cell))talent_restore_ptr(15, &talent_td_int_ptr);
                TALENT_RESTORE_INT(16, k, &talent_td_int);
                talent_frame_restored();
            }
        }
        printf("main k=%d argc=%d argv[1]=%s acc=%d u=%u ch=%c sh=%d l=%ld llv=%lld b=%d col=%d\n", k, argc,
               argc > 1 ? argv[1] : "-", acc, u, ch, sh, l, llv, (int)b, (int)col);
        printf("  f=%.9g d=%.17g ld=%.15Lg msg=%s cell=%d *cursor=%d *lim=%d scale=%g\n", f, d, ld, msg, *cell,
               *cursor, *lim, scale);
        printf("  o={%d,{%u,%d,%d},%lld,%s} greeting=%s watch=%d\n", o.id, o.in.flags, o.in.sflag, o.in.s, o.u.ll,
               o.tag, greeting, *watch);
        __typeof__(depth_sum(3, &acc)) __talent_t2;
        if (0) {
        __talent_r3: ;
            talent_bind(2, &acc, &talent_td_int);
            TALENT_RESTORE_INT(0, argc, &talent_td_int);
            argv = (__typeof__(argv))talent_restore_ptr(1, &talent_td_char_ptr_ptr);
            talent_restore_mem(2, &acc, &talent_td_int);
            TALENT_RESTORE_INT(3, u, &talent_td_unsigned);
            TALENT_RESTORE_INT(4, ch, &talent_td_char);
            TALENT_RESTORE_INT(5, sh, &talent_td_short);
            TALENT_RESTORE_INT(6, l, &talent_td_long);
            TALENT_RESTORE_INT(7, llv, &talent_td_llong);
            TALENT_RESTORE_INT(8, b, &talent_td_bool);
            TALENT_RESTORE_INT(9, col, &talent_td_color);
            f = talent_restore_f64(10, &talent_td_float);
            d = talent_restore_f64(11, &talent_td_double);
            ld = talent_restore_ldouble(12, &talent_td_ldouble);
            { __typeof__(o) c; talent_restore_mem(13, &c, &talent_td_outer); o = c; }
            msg = (__typeof__(msg))talent_restore_ptr(14, &talent_td_const_char_ptr);
            cell = (__typeof__(cell))talent_restore_ptr(15, &talent_td_int_ptr);
            TALENT_RESTORE_INT(16, k, &talent_td_int);
            talent_frame_restored();
        }
        __talent_t2 = depth_sum(3, &acc);
        if (__builtin_expect(talent_unwinding, 0)) {
            talent_frame_begin(1, 3);
            TALENT_SAVE_INT(0, "argc", "recurse.c:82:26", argc, &talent_td_int);
            talent_save_ptr(1, "argv", "recurse.c:82:39", argv, &talent_td_char_ptr_ptr);
            talent_save_mem(2, "acc", "recurse.c:88:9", &acc, &talent_td_int, 1);
            TALENT_SAVE_INT(3, "u", "recurse.c:89:14", u, &talent_td_unsigned);
            TALENT_SAVE_INT(4, "ch", "recurse.c:90:10", ch, &talent_td_char);
            TALENT_SAVE_INT(5, "sh", "recurse.c:91:11", sh, &talent_td_short);
            TALENT_SAVE_INT(6, "l", "recurse.c:92:10", l, &talent_td_long);
            TALENT_SAVE_INT(7, "llv", "recurse.c:93:15", llv, &talent_td_llong);
            TALENT_SAVE_INT(8, "b", "recurse.c:94:11", b, &talent_td_bool);
            TALENT_SAVE_INT(9, "col", "recurse.c:95:16", col, &talent_td_color);
            talent_save_f64(10, "f", "recurse.c:96:11", f, &talent_td_float);
            talent_save_f64(11, "d", "recurse.c:97:12", d, &talent_td_double);
            talent_save_ldouble(12, "ld", "recurse.c:98:17", ld, &talent_td_ldouble);
            { __typeof__(o) c = o; talent_save_mem(13, "o", "recurse.c:99:18", &c, &talent_td_outer, 0); }
            talent_save_ptr(14, "msg", "recurse.c:100:17", msg, &talent_td_const_char_ptr);
            talent_save_ptr(15, "cell", "recurse.c:101:10", cell, &talent_td_int_ptr);
            TALENT_SAVE_INT(16, "k", "recurse.c:102:9", k, &talent_td_int);
            talent_frame_end();
            return __talent_zret;
        }
        total += __talent_t2;   /* source: total += depth_sum(3, &acc); */
        printf("main k=%d total=%lld acc=%d grid[1][2]=%d\n", k, total, acc, grid[1][2]);
        u = u * 3 + 1;
        ch = (char)(ch + 1);
        sh = (short)(sh * 2);
        l = l * 7 - 1;
        llv += 12345;
        b = !b;
        col = col == BLUE ? RED : BLUE;
        f = f * 1.5f;
        d = d / 3.0 + scale;
        ld = ld + 0.5L;
        o.id += 1;
        o.in.flags = (o.in.flags + 3) & 7;
        o.in.sflag = o.in.sflag + 2;
        o.in.s = (short)(o.in.s - 100);
        o.u.ll *= 3;
        o.tag[0] = (char)(o.tag[0] + 1);
        msg = msg + 1;
        cell = cell - 1;
        scale = scale * 2;
        *cell = k + 100;
    }
    printf("done total=%lld acc=%d calls=%d argc=%d\n", total, acc, __talent_s_depth_sum_calls, argc);
    return 0;
}

/* ---------------------------------------------------------------- tables appended by the compiler */
static unsigned long long talent_get_inner_flags(const void *obj) { return (unsigned long long)((const struct inner *)obj)->flags; }
static void talent_set_inner_flags(void *obj, unsigned long long v) { ((struct inner *)obj)->flags = (unsigned)v; }
static unsigned long long talent_get_inner_sflag(const void *obj) { return (unsigned long long)(long long)((const struct inner *)obj)->sflag; }
static void talent_set_inner_sflag(void *obj, unsigned long long v) { ((struct inner *)obj)->sflag = (int)(long long)v; }

static const talent_type talent_td_int = TALENT_INT_TYPE(int, "int");
static const talent_type talent_td_unsigned = TALENT_INT_TYPE(unsigned, "unsigned int");
static const talent_type talent_td_char = TALENT_INT_TYPE(char, "char");
static const talent_type talent_td_short = TALENT_INT_TYPE(short, "short");
static const talent_type talent_td_long = TALENT_INT_TYPE(long, "long");
static const talent_type talent_td_llong = TALENT_INT_TYPE(long long, "long long");
static const talent_type talent_td_bool = TALENT_BOOL_TYPE(_Bool, "_Bool");
static const talent_type talent_td_color = TALENT_INT_TYPE(enum color, "enum color");
static const talent_type talent_td_float = TALENT_FLOAT_TYPE(float, "float");
static const talent_type talent_td_double = TALENT_FLOAT_TYPE(double, "double");
static const talent_type talent_td_ldouble = TALENT_LDOUBLE_TYPE(long double, "long double");
static const talent_type talent_td_int_ptr = TALENT_PTR_TYPE(int *, "int *", "int");
static const talent_type talent_td_const_int_ptr = TALENT_PTR_TYPE(const int *, "const int *", "const int");
static const talent_type talent_td_const_char_ptr = TALENT_PTR_TYPE(const char *, "const char *", "const char");
static const talent_type talent_td_char_ptr_ptr = TALENT_PTR_TYPE(char **, "char **", "char *");
static const talent_type talent_td_int4 = TALENT_ARRAY_TYPE(int[4], "int[4]", int, &talent_td_int);
static const talent_type talent_td_grid = TALENT_ARRAY_TYPE(int[3][4], "int[3][4]", int[4], &talent_td_int4);
static const talent_type talent_td_int3 = TALENT_ARRAY_TYPE(const int[3], "const int[3]", const int, &talent_td_int);
static const talent_field talent_fields_inner[] = {
    TALENT_BITFIELD(flags, &talent_td_unsigned, 3, talent_get_inner_flags, talent_set_inner_flags),
    TALENT_BITFIELD(sflag, &talent_td_int, 4, talent_get_inner_sflag, talent_set_inner_sflag),
    TALENT_FIELD(struct inner, s, &talent_td_short),
};
static const talent_type talent_td_inner = TALENT_STRUCT_TYPE(struct inner, "struct inner", talent_fields_inner);
static const talent_field talent_fields_num[] = {
    TALENT_FIELD(union num, ll, &talent_td_llong),
    TALENT_FIELD(union num, d, &talent_td_double),
};
static const talent_type talent_td_num = TALENT_UNION_TYPE(union num, "union num", talent_fields_num);
static const talent_type talent_td_char4 = TALENT_ARRAY_TYPE(char[4], "char[4]", char, &talent_td_char);
static const talent_field talent_fields_outer[] = {
    TALENT_FIELD(struct outer, id, &talent_td_int),
    TALENT_FIELD(struct outer, in, &talent_td_inner),
    TALENT_FIELD(struct outer, u, &talent_td_num),
    TALENT_FIELD(struct outer, tag, &talent_td_char4),
};
static const talent_type talent_td_outer = TALENT_STRUCT_TYPE(struct outer, "struct outer", talent_fields_outer);

static const talent_global talent_globals_recurse[] = {
    { "grid", "grid", "recurse.c:25:5", grid, &talent_td_grid, 0 },
    { "total", "total", "recurse.c:26:11", &total, &talent_td_llong, 0 },
    { "cursor", "cursor", "recurse.c:27:6", &cursor, &talent_td_int_ptr, 0 },
    { "greeting", "greeting", "recurse.c:28:13", &greeting, &talent_td_const_char_ptr, 0 },
    { "recurse.c:scale", "scale", "recurse.c:29:15", &scale, &talent_td_double, 0 },
    { "watch", "watch", "recurse.c:30:6", &watch, &talent_td_int_ptr, 0 },
    { "recurse.c:limits", "limits", "recurse.c:31:18", (void *)limits, &talent_td_int3, 1 },
    { "lim", "lim", "recurse.c:32:12", &lim, &talent_td_const_int_ptr, 0 },
    { "recurse.c:__talent_s_depth_sum_calls", "calls", "recurse.c:36:16", &__talent_s_depth_sum_calls, &talent_td_int, 0 },
};
const talent_unit talent_unit_recurse = { "recurse.c", talent_globals_recurse,
                                          sizeof talent_globals_recurse / sizeof talent_globals_recurse[0], 0, 0, 0, 0 };
