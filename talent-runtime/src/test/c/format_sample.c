/* format_sample.c: hand-written in the shape of generated code (docs/CODEGEN.md). Run with
 * TALENT_STOP_AFTER=1 it writes ckpt-000001.tck holding one value of every kind of docs/FORMAT.md, so the
 * Java decoder can be checked against every ISA's encoder; restarted, it prints every value.
 *
 * source:
 *   enum level { LOW = -1, MID, HIGH };
 *   struct rec { signed char sc; unsigned short us; int bf_s : 5; unsigned bf_u : 3; long long ll;
 *                double dd; union { unsigned u32; float f; } un; _Bool flag; };
 *   int g_counter = -7;
 *   unsigned char g_bytes[3] = {1, 2, 255};
 *   struct rec g_rec = { -100, 65535, -9, 6, -1234567890123456789LL, 0.1, { 0xDEADBEEF }, 1 };
 *   const char *g_lit = "literal";
 *   FILE *g_out;                                  (set to stdout in main)
 *   int *g_ptr = &g_counter;
 *   unsigned char *g_byte_ptr = &g_bytes[2];
 *   unsigned char *g_end = g_bytes + 3;
 *   char *g_inside = (char *)&g_counter + 1;
 *   void (*g_fn)(void) = helper;
 *   void (*g_nofn)(void) = 0;
 *   long double g_ld = 1.5L;
 *   static const short g_table[2] = {-1, 1};      (const: in GLOB, never restored)
 *   void helper(void) { puts("helper called"); }
 *   static int sample(int *p) {
 *       int *q = p + 1; int i;
 *       for (i = 0; i < 2; i++) { <site> printf(...) }
 *       return *q;
 *   }
 *   int main(int argc, char **argv) {
 *       int m[2][2] = {{1, 2}, {3, 4}};
 *       char *arg0 = argv[0], *mid = argv[0] + 1;
 *       float fl = 0.5f; double db = -2.25; unsigned long long big = 18446744073709551615ULL;
 *       long long neg = -9223372036854775807LL - 1; short sh = -2; _Bool b = 1; enum level en = LOW;
 *       long double ld = -0.75L; const char *lit = g_lit + 3; FILE *err = stderr; void *nothing = 0;
 *       g_out = stdout;
 *       int r = sample(&m[1][0]);
 *       printf(... every value ...);
 *   }
 * Function ids: 0 sample, 1 main, 2 helper.  Points: 0 site in sample, 1 chain call in main.
 * sample variables: 0 p, 1 q, 2 i.
 * main variables: 0 argc, 1 argv, 2 m, 3 arg0, 4 mid, 5 fl, 6 db, 7 big, 8 neg, 9 sh, 10 b, 11 en, 12 ld,
 *                 13 lit, 14 err, 15 nothing, 16 r, 17 __talent_t1
 */
#include "talent.h"
#include <stdio.h>

static const talent_type talent_td_int, talent_td_uchar, talent_td_uchar3, talent_td_schar, talent_td_ushort,
    talent_td_uint, talent_td_llong, talent_td_double, talent_td_float, talent_td_bool, talent_td_rec,
    talent_td_un, talent_td_const_char_ptr, talent_td_char_ptr, talent_td_file_ptr, talent_td_int_ptr,
    talent_td_uchar_ptr, talent_td_fn, talent_td_ldouble, talent_td_short, talent_td_short2, talent_td_ullong,
    talent_td_level, talent_td_char_ptr_ptr, talent_td_void_ptr, talent_td_int2, talent_td_int22;

enum level { LOW = -1, MID, HIGH };
struct rec { signed char sc; unsigned short us; int bf_s : 5; unsigned bf_u : 3; long long ll;
             double dd; union { unsigned u32; float f; } un; _Bool flag; };
int g_counter = -7;
unsigned char g_bytes[3] = {1, 2, 255};
struct rec g_rec = { -100, 65535, -9, 6, -1234567890123456789LL, 0.1, { 0xDEADBEEF }, 1 };
const char *g_lit = "literal";
FILE *g_out;
int *g_ptr = &g_counter;
unsigned char *g_byte_ptr = &g_bytes[2];
unsigned char *g_end = g_bytes + 3;
char *g_inside = (char *)&g_counter + 1;
void helper(void);
void (*g_fn)(void) = helper;
void (*g_nofn)(void) = 0;
long double g_ld = 1.5L;
static const short g_table[2] = {-1, 1};

void helper(void) { puts("helper called"); }

static int sample(int *p)
{
    static __typeof__(sample(p)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(0)) {
        case 0: goto __talent_r0;
    }
    int *q = p + 1;
    int i;
    for (i = 0; i < 2; i++) {
        if (__builtin_expect(talent_pending, 0)) {
            if (talent_site_slow(0)) {
                talent_frame_begin(0, 0);
                talent_save_ptr(0, "p", "format_sample.c:26:24", p, &talent_td_int_ptr);
                talent_save_ptr(1, "q", "format_sample.c:27:10", q, &talent_td_int_ptr);
                TALENT_SAVE_INT(2, "i", "format_sample.c:27:26", i, &talent_td_int);
                talent_frame_end();
                return __talent_zret;
            }
            if (0) {
            __talent_r0: ;
                p = (__typeof__(p))talent_restore_ptr(0, &talent_td_int_ptr);
                q = (__typeof__(q))talent_restore_ptr(1, &talent_td_int_ptr);
                TALENT_RESTORE_INT(2, i, &talent_td_int);
                talent_frame_restored();
            }
        }
        printf("sample i=%d *p=%d *q=%d\n", i, *p, *q);
    }
    return *q;
}

int talent_user_main(int argc, char **argv)
{
    static __typeof__(talent_user_main(argc, argv)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(1)) {
        case 1: goto __talent_r1;
    }
    int m[2][2] = {{1, 2}, {3, 4}};
    char *arg0 = argv[0], *mid = argv[0] + 1;
    float fl = 0.5f;
    double db = -2.25;
    unsigned long long big = 18446744073709551615ULL;
    long long neg = -9223372036854775807LL - 1;
    short sh = -2;
    _Bool b = 1;
    enum level en = LOW;
    long double ld = -0.75L;
    const char *lit = g_lit + 3;
    FILE *err = stderr;
    void *nothing = 0;
    g_out = stdout;
    __typeof__(sample(&m[1][0])) __talent_t1;
    if (0) {
    __talent_r1: ;
        talent_bind(2, &m, &talent_td_int22);
        TALENT_RESTORE_INT(0, argc, &talent_td_int);
        argv = (__typeof__(argv))talent_restore_ptr(1, &talent_td_char_ptr_ptr);
        talent_restore_mem(2, &m, &talent_td_int22);
        arg0 = (__typeof__(arg0))talent_restore_ptr(3, &talent_td_char_ptr);
        mid = (__typeof__(mid))talent_restore_ptr(4, &talent_td_char_ptr);
        fl = talent_restore_f64(5, &talent_td_float);
        db = talent_restore_f64(6, &talent_td_double);
        TALENT_RESTORE_INT(7, big, &talent_td_ullong);
        TALENT_RESTORE_INT(8, neg, &talent_td_llong);
        TALENT_RESTORE_INT(9, sh, &talent_td_short);
        TALENT_RESTORE_INT(10, b, &talent_td_bool);
        TALENT_RESTORE_INT(11, en, &talent_td_level);
        ld = talent_restore_ldouble(12, &talent_td_ldouble);
        lit = (__typeof__(lit))talent_restore_ptr(13, &talent_td_const_char_ptr);
        err = (__typeof__(err))talent_restore_ptr(14, &talent_td_file_ptr);
        nothing = (__typeof__(nothing))talent_restore_ptr(15, &talent_td_void_ptr);
        talent_frame_restored();
    }
    __talent_t1 = sample(&m[1][0]);
    if (__builtin_expect(talent_unwinding, 0)) {
        talent_frame_begin(1, 1);
        TALENT_SAVE_INT(0, "argc", "format_sample.c:33:14", argc, &talent_td_int);
        talent_save_ptr(1, "argv", "format_sample.c:33:27", argv, &talent_td_char_ptr_ptr);
        talent_save_mem(2, "m", "format_sample.c:34:9", &m, &talent_td_int22, 1);
        talent_save_ptr(3, "arg0", "format_sample.c:35:11", arg0, &talent_td_char_ptr);
        talent_save_ptr(4, "mid", "format_sample.c:35:27", mid, &talent_td_char_ptr);
        talent_save_f64(5, "fl", "format_sample.c:36:11", fl, &talent_td_float);
        talent_save_f64(6, "db", "format_sample.c:36:28", db, &talent_td_double);
        TALENT_SAVE_INT(7, "big", "format_sample.c:36:62", big, &talent_td_ullong);
        TALENT_SAVE_INT(8, "neg", "format_sample.c:37:15", neg, &talent_td_llong);
        TALENT_SAVE_INT(9, "sh", "format_sample.c:37:57", sh, &talent_td_short);
        TALENT_SAVE_INT(10, "b", "format_sample.c:37:72", b, &talent_td_bool);
        TALENT_SAVE_INT(11, "en", "format_sample.c:37:91", en, &talent_td_level);
        talent_save_ldouble(12, "ld", "format_sample.c:38:17", ld, &talent_td_ldouble);
        talent_save_ptr(13, "lit", "format_sample.c:38:42", lit, &talent_td_const_char_ptr);
        talent_save_ptr(14, "err", "format_sample.c:38:66", err, &talent_td_file_ptr);
        talent_save_ptr(15, "nothing", "format_sample.c:38:87", nothing, &talent_td_void_ptr);
        talent_frame_end();
        return __talent_zret;
    }
    int r = __talent_t1;
    printf("r=%d argc=%d arg0-is-argv0=%d mid-is-arg0+1=%d m={%d,%d,%d,%d}\n", r, argc, arg0 == argv[0],
           mid == arg0 + 1, m[0][0], m[0][1], m[1][0], m[1][1]);
    printf("fl=%.9g db=%.17g big=%llu neg=%lld sh=%d b=%d en=%d ld=%.15Lg lit=%s err-is-stderr=%d nothing=%d\n",
           fl, db, big, neg, sh, (int)b, (int)en, ld, lit, err == stderr, nothing == 0);
    printf("g_counter=%d g_bytes={%u,%u,%u} g_rec={%d,%u,%d,%u,%lld,%.17g,%#x,%d} g_lit=%s\n", g_counter,
           g_bytes[0], g_bytes[1], g_bytes[2], g_rec.sc, g_rec.us, g_rec.bf_s, g_rec.bf_u, g_rec.ll, g_rec.dd,
           g_rec.un.u32, (int)g_rec.flag, g_lit);
    printf("g_out-is-stdout=%d *g_ptr=%d *g_byte_ptr=%u g_end-g_bytes=%d g_inside-is-counter+1=%d g_nofn=%d "
           "g_ld=%.15Lg g_table={%d,%d}\n", g_out == stdout, *g_ptr, *g_byte_ptr, (int)(g_end - g_bytes),
           g_inside == (char *)&g_counter + 1, g_nofn == 0, g_ld, g_table[0], g_table[1]);
    g_fn();
    return 0;
}

/* ---------------------------------------------------------------- tables appended by the compiler */
static unsigned long long talent_get_rec_bf_s(const void *o) { return (unsigned long long)(long long)((const struct rec *)o)->bf_s; }
static void talent_set_rec_bf_s(void *o, unsigned long long v) { ((struct rec *)o)->bf_s = (int)(long long)v; }
static unsigned long long talent_get_rec_bf_u(const void *o) { return (unsigned long long)((const struct rec *)o)->bf_u; }
static void talent_set_rec_bf_u(void *o, unsigned long long v) { ((struct rec *)o)->bf_u = (unsigned)v; }

static const talent_type talent_td_int = TALENT_INT_TYPE(int, "int");
static const talent_type talent_td_uchar = TALENT_INT_TYPE(unsigned char, "unsigned char");
static const talent_type talent_td_uchar3 = TALENT_ARRAY_TYPE(unsigned char[3], "unsigned char[3]", unsigned char, &talent_td_uchar);
static const talent_type talent_td_schar = TALENT_INT_TYPE(signed char, "signed char");
static const talent_type talent_td_ushort = TALENT_INT_TYPE(unsigned short, "unsigned short");
static const talent_type talent_td_uint = TALENT_INT_TYPE(unsigned, "unsigned int");
static const talent_type talent_td_llong = TALENT_INT_TYPE(long long, "long long");
static const talent_type talent_td_ullong = TALENT_INT_TYPE(unsigned long long, "unsigned long long");
static const talent_type talent_td_double = TALENT_FLOAT_TYPE(double, "double");
static const talent_type talent_td_float = TALENT_FLOAT_TYPE(float, "float");
static const talent_type talent_td_bool = TALENT_BOOL_TYPE(_Bool, "_Bool");
static const talent_type talent_td_short = TALENT_INT_TYPE(short, "short");
static const talent_type talent_td_short2 = TALENT_ARRAY_TYPE(const short[2], "const short[2]", const short, &talent_td_short);
static const talent_type talent_td_level = TALENT_INT_TYPE(enum level, "enum level");
static const talent_type talent_td_ldouble = TALENT_LDOUBLE_TYPE(long double, "long double");
static const talent_field talent_fields_un[] = {
    TALENT_FIELD(__typeof__(g_rec.un), u32, &talent_td_uint),
    TALENT_FIELD(__typeof__(g_rec.un), f, &talent_td_float),
};
static const talent_type talent_td_un = TALENT_UNION_TYPE(__typeof__(g_rec.un), "union (anonymous at format_sample.c:8:31)", talent_fields_un);
static const talent_field talent_fields_rec[] = {
    TALENT_FIELD(struct rec, sc, &talent_td_schar),
    TALENT_FIELD(struct rec, us, &talent_td_ushort),
    TALENT_BITFIELD(bf_s, &talent_td_int, 5, talent_get_rec_bf_s, talent_set_rec_bf_s),
    TALENT_BITFIELD(bf_u, &talent_td_uint, 3, talent_get_rec_bf_u, talent_set_rec_bf_u),
    TALENT_FIELD(struct rec, ll, &talent_td_llong),
    TALENT_FIELD(struct rec, dd, &talent_td_double),
    TALENT_FIELD(struct rec, un, &talent_td_un),
    TALENT_FIELD(struct rec, flag, &talent_td_bool),
};
static const talent_type talent_td_rec = TALENT_STRUCT_TYPE(struct rec, "struct rec", talent_fields_rec);
static const talent_type talent_td_const_char_ptr = TALENT_PTR_TYPE(const char *, "const char *", "const char");
static const talent_type talent_td_char_ptr = TALENT_PTR_TYPE(char *, "char *", "char");
static const talent_type talent_td_char_ptr_ptr = TALENT_PTR_TYPE(char **, "char **", "char *");
static const talent_type talent_td_file_ptr = TALENT_PTR_TYPE(FILE *, "FILE *", "FILE");
static const talent_type talent_td_int_ptr = TALENT_PTR_TYPE(int *, "int *", "int");
static const talent_type talent_td_uchar_ptr = TALENT_PTR_TYPE(unsigned char *, "unsigned char *", "unsigned char");
static const talent_type talent_td_void_ptr = TALENT_PTR_TYPE(void *, "void *", "void");
static const talent_type talent_td_fn = TALENT_FUNCPTR_TYPE(void (*)(void), "void (*)(void)");
static const talent_type talent_td_int2 = TALENT_ARRAY_TYPE(int[2], "int[2]", int, &talent_td_int);
static const talent_type talent_td_int22 = TALENT_ARRAY_TYPE(int[2][2], "int[2][2]", int[2], &talent_td_int2);

static const talent_global talent_globals_format_sample[] = {
    { "g_counter", "g_counter", "format_sample.c:9:5", &g_counter, &talent_td_int, 0 },
    { "g_bytes", "g_bytes", "format_sample.c:10:15", g_bytes, &talent_td_uchar3, 0 },
    { "g_rec", "g_rec", "format_sample.c:11:12", &g_rec, &talent_td_rec, 0 },
    { "g_lit", "g_lit", "format_sample.c:12:13", &g_lit, &talent_td_const_char_ptr, 0 },
    { "g_out", "g_out", "format_sample.c:13:7", &g_out, &talent_td_file_ptr, 0 },
    { "g_ptr", "g_ptr", "format_sample.c:14:6", &g_ptr, &talent_td_int_ptr, 0 },
    { "g_byte_ptr", "g_byte_ptr", "format_sample.c:15:16", &g_byte_ptr, &talent_td_uchar_ptr, 0 },
    { "g_end", "g_end", "format_sample.c:16:16", &g_end, &talent_td_uchar_ptr, 0 },
    { "g_inside", "g_inside", "format_sample.c:17:7", &g_inside, &talent_td_char_ptr, 0 },
    { "g_fn", "g_fn", "format_sample.c:18:8", &g_fn, &talent_td_fn, 0 },
    { "g_nofn", "g_nofn", "format_sample.c:19:8", &g_nofn, &talent_td_fn, 0 },
    { "g_ld", "g_ld", "format_sample.c:20:13", &g_ld, &talent_td_ldouble, 0 },
    { "format_sample.c:g_table", "g_table", "format_sample.c:21:20", (void *)g_table, &talent_td_short2, 1 },
};
const talent_unit talent_unit_format_sample = { "format_sample.c", talent_globals_format_sample,
    sizeof talent_globals_format_sample / sizeof talent_globals_format_sample[0], 0, 0, 0, 0 };

/* ---------------------------------------------------------------- talent_program.c */
static const talent_unit *const talent_units[] = { &talent_unit_format_sample };
static const talent_function talent_functions[] = {
    { "sample", "format_sample.c:25:12", 0 },
    { "main", "format_sample.c:33:5", 0 },
    { "helper", "format_sample.c:23:6", helper },
};
static const talent_point talent_points[] = {
    { 0, 1, "format_sample.c:28:31" },
    { 1, 0, "format_sample.c:40:13" },
};
static int talent_invoke_main(int argc, char **argv)
{
    return talent_user_main(argc, argv);
}
const talent_program talent_the_program = {
    "a1b2c3d4e5f60718293a4b5c6d7e8f90", "format_sample", talent_units, 1, talent_functions, 3, talent_points, 2,
    talent_invoke_main,
};
