/* Checks heap_layout.c alone (HeapLayoutIT builds it with heap_layout.c for several ISAs and runs it): which typed
 * pointers into a block of a struct type are interior pointers consistent with that type, on the target's own
 * layout. Prints "ok N checks" and exits 0, or names every failed check and exits 1. */
#include "talent.h"
#include "heap_layout.h"

#include <stddef.h>
#include <stdio.h>

typedef unsigned short ush;
typedef struct ct { union { ush freq; ush code; } fc; union { ush dad; ush len; } dl; } ct;
struct st {
    int status;
    ct ltree[5];
    int limit[3][4];
    long long big;
    char tag;
    double ratio;
    struct { short a; int b; } inner;
};

static const talent_type td_int = TALENT_INT_TYPE(int, "int");
static const talent_type td_uint = TALENT_INT_TYPE(unsigned, "unsigned int");
static const talent_type td_ush = TALENT_INT_TYPE(ush, "ush");
static const talent_type td_short = TALENT_INT_TYPE(short, "short");
static const talent_type td_ll = TALENT_INT_TYPE(long long, "long long");
static const talent_type td_char = TALENT_INT_TYPE(char, "char");
static const talent_type td_double = TALENT_FLOAT_TYPE(double, "double");
static const talent_type td_float = TALENT_FLOAT_TYPE(float, "float");
static const talent_field f_fc[] = { TALENT_FIELD(__typeof__(((ct *)0)->fc), freq, &td_ush),
                                     TALENT_FIELD(__typeof__(((ct *)0)->fc), code, &td_ush) };
static const talent_field f_dl[] = { TALENT_FIELD(__typeof__(((ct *)0)->dl), dad, &td_ush),
                                     TALENT_FIELD(__typeof__(((ct *)0)->dl), len, &td_ush) };
static const talent_type td_fc = TALENT_UNION_TYPE(__typeof__(((ct *)0)->fc), "union fc", f_fc);
static const talent_type td_dl = TALENT_UNION_TYPE(__typeof__(((ct *)0)->dl), "union dl", f_dl);
static const talent_field f_ct[] = { TALENT_FIELD(ct, fc, &td_fc), TALENT_FIELD(ct, dl, &td_dl) };
static const talent_type td_ct = TALENT_STRUCT_TYPE(ct, "ct", f_ct);
/* the same struct under another name (a typedef and its tag): its own descriptor and field table */
static const talent_field f_ct2[] = { TALENT_FIELD(ct, fc, &td_fc), TALENT_FIELD(ct, dl, &td_dl) };
static const talent_type td_ct2 = TALENT_STRUCT_TYPE(ct, "struct ct", f_ct2);
static const talent_type td_ltree = TALENT_ARRAY_TYPE(ct[5], "ct[5]", ct, &td_ct);
static const talent_type td_row = TALENT_ARRAY_TYPE(int[4], "int[4]", int, &td_int);
static const talent_type td_limit = TALENT_ARRAY_TYPE(int[3][4], "int[3][4]", int[4], &td_row);
static const talent_field f_inner[] = { TALENT_FIELD(__typeof__(((struct st *)0)->inner), a, &td_short),
                                        TALENT_FIELD(__typeof__(((struct st *)0)->inner), b, &td_int) };
static const talent_type td_inner = TALENT_STRUCT_TYPE(__typeof__(((struct st *)0)->inner), "struct inner", f_inner);
static const talent_field f_st[] = {
    TALENT_FIELD(struct st, status, &td_int), TALENT_FIELD(struct st, ltree, &td_ltree),
    TALENT_FIELD(struct st, limit, &td_limit), TALENT_FIELD(struct st, big, &td_ll),
    TALENT_FIELD(struct st, tag, &td_char), TALENT_FIELD(struct st, ratio, &td_double),
    TALENT_FIELD(struct st, inner, &td_inner),
};
static const talent_type td_st = TALENT_STRUCT_TYPE(struct st, "struct st", f_st);
/* a header spelled out at the start of larger structs (Lua's CommonHeader): a common initial sequence of each */
struct gco { struct gco *next; unsigned char tt, marked; };
struct table { struct gco *next; unsigned char tt, marked; unsigned char flags; double vals[2]; };
struct other { struct gco *next; unsigned char tt; short marked; };
struct holder { int n; struct table t; };
static const talent_type td_uchar = TALENT_INT_TYPE(unsigned char, "unsigned char");
static const talent_type td_gcop = TALENT_PTR_TYPE(struct gco *, "struct gco *", 0);
static const talent_field f_gco[] = { TALENT_FIELD(struct gco, next, &td_gcop), TALENT_FIELD(struct gco, tt, &td_uchar),
                                      TALENT_FIELD(struct gco, marked, &td_uchar) };
static const talent_type td_gco = TALENT_STRUCT_TYPE(struct gco, "struct gco", f_gco);
static const talent_type td_vals = TALENT_ARRAY_TYPE(double[2], "double[2]", double, &td_double);
static const talent_field f_table[] = { TALENT_FIELD(struct table, next, &td_gcop),
                                        TALENT_FIELD(struct table, tt, &td_uchar),
                                        TALENT_FIELD(struct table, marked, &td_uchar),
                                        TALENT_FIELD(struct table, flags, &td_uchar),
                                        TALENT_FIELD(struct table, vals, &td_vals) };
static const talent_type td_table = TALENT_STRUCT_TYPE(struct table, "struct table", f_table);
static const talent_field f_other[] = { TALENT_FIELD(struct other, next, &td_gcop),
                                        TALENT_FIELD(struct other, tt, &td_uchar),
                                        TALENT_FIELD(struct other, marked, &td_short) };
static const talent_type td_other = TALENT_STRUCT_TYPE(struct other, "struct other", f_other);
static const talent_field f_holder[] = { TALENT_FIELD(struct holder, n, &td_int), TALENT_FIELD(struct holder, t, &td_table) };
static const talent_type td_holder = TALENT_STRUCT_TYPE(struct holder, "struct holder", f_holder);

static int checks, failed;

static void expect(int got, int want, const char *what)
{
    checks++;
    if (got != want) {
        failed++;
        printf("FAIL %s: %d, expected %d\n", what, got, want);
    }
}

#define OFF(m) offsetof(struct st, m)

int main(void)
{
    size_t one = sizeof(struct st), three = 3 * sizeof(struct st);
    /* the struct itself, and a typedef of it */
    expect(tl_layout_holds(&td_st, 0, &td_st), 1, "st at 0");
    expect(tl_layout_compatible(&td_ct, &td_ct2), 1, "ct and struct ct (two descriptors of one layout)");
    expect(tl_layout_compatible(&td_int, &td_uint), 1, "int and unsigned (one size)");
    expect(tl_layout_compatible(&td_ush, &td_uint), 0, "ush and unsigned");
    expect(tl_layout_compatible(&td_float, &td_int), 0, "float and int");
    expect(tl_layout_compatible(&td_ct, &td_inner), 0, "ct and struct inner");
    /* interior pointers: a member array's elements, through nested arrays and structs, the first union member */
    expect(tl_layout_holds(&td_st, OFF(ltree), &td_ct), 1, "ct * at ltree");
    expect(tl_layout_holds(&td_st, OFF(ltree) + 3 * sizeof(ct), &td_ct2), 1, "struct ct * at ltree[3]");
    expect(tl_layout_holds(&td_st, OFF(ltree) + 3 * sizeof(ct), &td_ush), 1, "ush * at ltree[3].fc.freq");
    expect(tl_layout_holds(&td_st, OFF(ltree) + 3 * sizeof(ct) + offsetof(ct, dl), &td_ush), 1, "ush * at ltree[3].dl");
    expect(tl_layout_holds(&td_st, OFF(ltree), &td_ltree), 1, "ct (*)[5] at ltree");
    expect(tl_layout_holds(&td_st, OFF(limit) + 4 * sizeof(int), &td_row), 1, "int (*)[4] at limit[1]");
    expect(tl_layout_holds(&td_st, OFF(limit) + 6 * sizeof(int), &td_int), 1, "int * at limit[1][2]");
    expect(tl_layout_holds(&td_st, OFF(limit) + 6 * sizeof(int), &td_uint), 1, "unsigned * at limit[1][2]");
    expect(tl_layout_holds(&td_st, OFF(inner) + offsetof(__typeof__(((struct st *)0)->inner), b), &td_int), 1,
           "int * at inner.b");
    expect(tl_layout_holds(&td_st, OFF(ratio), &td_double), 1, "double * at ratio");
    /* conflicts: another type at a member, the middle of a scalar, padding, past the end */
    expect(tl_layout_holds(&td_st, OFF(ltree), &td_int), 0, "int * at ltree (ush members)");
    expect(tl_layout_holds(&td_st, OFF(limit) + 2, &td_ush), 0, "ush * into the middle of an int");
    expect(tl_layout_holds(&td_st, OFF(limit), &td_ush), 0, "ush * at an int");
    expect(tl_layout_holds(&td_st, OFF(ratio), &td_ll), 0, "long long * at a double");
    expect(tl_layout_holds(&td_st, OFF(tag) + 1, &td_char), 0, "char * into the padding after tag");
    expect(tl_layout_holds(&td_st, one, &td_int), 0, "int * one past the struct");
    expect(tl_layout_holds(&td_st, OFF(status), &td_ct), 0, "ct * at status");
    /* a block of three structs */
    expect(tl_layout_block_holds(&td_st, three, 2 * one + OFF(ltree) + sizeof(ct), &td_ct), 1, "ct * into block[2]");
    expect(tl_layout_block_holds(&td_st, three, three, &td_st), 1, "st * one past the block's last element");
    expect(tl_layout_block_holds(&td_st, three, one, &td_st), 1, "st * at block[1]");
    expect(tl_layout_block_holds(&td_st, three, three, &td_int), 0, "int * one past the block");
    expect(tl_layout_block_holds(&td_st, three, three + 4, &td_int), 0, "int * beyond the block");
    expect(tl_layout_block_holds(&td_uint, 64, 8, &td_int), 1, "int * into an unsigned block");
    expect(tl_layout_block_holds(&td_uint, 64, 6, &td_ush), 0, "ush * into an unsigned block (two types, bzip2)");
    expect(tl_layout_block_holds(&td_uint, 64, 6, &td_uint), 0, "unsigned * at a misaligned offset");
    /* a common initial sequence: the header's members are the first ones of the larger struct */
    expect(tl_layout_holds(&td_table, 0, &td_gco), 1, "gco * at the start of a table");
    expect(tl_layout_block_holds(&td_table, 3 * sizeof(struct table), sizeof(struct table), &td_gco), 1,
           "gco * at block[1] of tables");
    expect(tl_layout_holds(&td_holder, offsetof(struct holder, t), &td_gco), 1, "gco * at a table member");
    expect(tl_layout_holds(&td_table, 0, &td_other), 0, "other * at a table (marked: short, not unsigned char)");
    expect(tl_layout_holds(&td_gco, 0, &td_table), 0, "table * at a gco (the larger one is not a header)");
    expect(tl_layout_holds(&td_holder, 0, &td_gco), 0, "gco * at an int member");
    if (failed) {
        printf("%d of %d checks failed\n", failed, checks);
        return 1;
    }
    printf("ok %d checks\n", checks);
    return 0;
}
