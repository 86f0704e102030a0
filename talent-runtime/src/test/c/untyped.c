/* Hand-written in the shape of generated code (docs/CODEGEN.md): an allocation whose element type the
 * compiler could not infer (elem = 0: the block is carried as raw bytes) next to a typed list. Restoring
 * works where byte order and pointer width equal the writer's, and is refused (exit 65, naming the
 * allocation site) elsewhere. The bytes of the untyped block are printed one by one, so a restore that
 * copied them to a platform of the other byte order would show.
 *
 * source:
 *   struct rec { int id; double x; struct rec *next; };
 *   int main(void) {
 *       void *raw = malloc(24);
 *       struct rec *head = NULL;
 *       int i;
 *       for (i = 0; i < 6; i++) {
 *           struct rec *r;
 *           ((unsigned *)raw)[i] = 0x01020304u * (unsigned)(i + 1);
 *           r = malloc(sizeof *r); r->id = i; r->x = i / 4.0; r->next = head; head = r;
 *           print(raw, head);
 *       }
 *       return 0;
 *   }
 *
 * Function ids: 0 main.  Points: 0 site in main.  main variables: 0 raw, 1 head, 2 i, 3 r.
 */
#include "talent.h"
#include <stdio.h>

static const talent_type talent_td_int, talent_td_double, talent_td_void_ptr, talent_td_rec, talent_td_rec_ptr;

struct rec { int id; double x; struct rec *next; };

int talent_user_main(void)
{
    static __typeof__(talent_user_main()) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(0)) {
        case 0: goto __talent_r0;
    }
    void *raw = talent_malloc(24, 0, "untyped.c:9:17");
    struct rec *head = NULL;
    int i;
    for (i = 0; i < 6; i++) {
        if (__builtin_expect(talent_pending, 0)) {
            if (talent_site_slow(0)) {
                talent_frame_begin(0, 0);
                talent_save_ptr(0, "raw", "untyped.c:9:11", raw, &talent_td_void_ptr);
                talent_save_ptr(1, "head", "untyped.c:10:17", head, &talent_td_rec_ptr);
                TALENT_SAVE_INT(2, "i", "untyped.c:11:9", i, &talent_td_int);
                talent_frame_end();
                return __talent_zret;
            }
            if (0) {
            __talent_r0: ;
                raw = (__typeof__(raw))talent_restore_ptr(0, &talent_td_void_ptr);
                head = (__typeof__(head))talent_restore_ptr(1, &talent_td_rec_ptr);
                TALENT_RESTORE_INT(2, i, &talent_td_int);
                talent_frame_restored();
            }
        }
        struct rec *r;
        const unsigned char *bytes = raw;
        int k;
        double sum = 0;
        ((unsigned *)raw)[i] = 0x01020304u * (unsigned)(i + 1);
        r = talent_malloc(sizeof *r, &talent_td_rec, "untyped.c:16:13");
        r->id = i;
        r->x = i / 4.0;
        r->next = head;
        head = r;
        printf("i=%d raw:", i);
        for (k = 0; k < 4 * (i + 1); k++)
            printf(" %02x", bytes[k]);
        for (r = head; r; r = r->next)
            sum += r->id + r->x;
        printf(" list sum %.2f\n", sum);
    }
    return 0;
}

static const talent_type talent_td_int = TALENT_INT_TYPE(int, "int");
static const talent_type talent_td_double = TALENT_FLOAT_TYPE(double, "double");
static const talent_type talent_td_void_ptr = TALENT_PTR_TYPE(void *, "void *", "void");
static const talent_field talent_fields_rec[] = {
    TALENT_FIELD(struct rec, id, &talent_td_int),
    TALENT_FIELD(struct rec, x, &talent_td_double),
    TALENT_FIELD(struct rec, next, &talent_td_rec_ptr),
};
static const talent_type talent_td_rec = TALENT_STRUCT_TYPE(struct rec, "struct rec", talent_fields_rec);
static const talent_type talent_td_rec_ptr = TALENT_PTR_TYPE(struct rec *, "struct rec *", "struct rec");
static const talent_alloc_site talent_alloc_sites_untyped[] = {
    { "untyped.c:16:13", &talent_td_rec },
};
const talent_unit talent_unit_untyped = { "untyped.c", 0, 0, talent_alloc_sites_untyped, 1, 0, 0 };

/* ---------------------------------------------------------------- talent_program.c */
static const talent_unit *const talent_units[] = { &talent_unit_untyped };
static const talent_function talent_functions[] = {
    { "main", "untyped.c:8:5", 0 },
};
static const talent_point talent_points[] = {
    { 0, 1, "untyped.c:12:30" },
};
static int talent_invoke_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return talent_user_main();
}
const talent_program talent_the_program = {
    "4a9c2e7f1b3d5a6c8e0f2a4b6c8d0e1f", "untyped", talent_units, 1, talent_functions, 1, talent_points, 1,
    talent_invoke_main,
};
