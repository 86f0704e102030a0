/* alloca_lists.c: frame_alloca.c's checks of restored lists of alloca blocks (AllocaListsIT). A restore rebuilds
 * the lists from a checkpoint, which is hostile input; this builds such lists by hand and runs the check:
 *   alloca_lists CASE   with CASE one of valid, duplicate, interior, foreign, shared, notalist
 * prints "ok" and exits 0 when the lists are accepted; the runtime exits 65 naming the fault otherwise. */
#include "talent_internal.h"

#include <stdio.h>
#include <string.h>

static const talent_type ptr_type = TALENT_PTR_TYPE(void *, "void *", "void");
static const talent_type char_type = TALENT_INT_TYPE(char, "char");

static const talent_unit *const units[1];
static const talent_function functions[1];
static const talent_point points[1];
const talent_point_vars talent_the_point_vars[1];

static int no_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

const talent_program talent_the_program = {
    "0123456789abcdef0123456789abcdef", "alloca_lists", units, 0, functions, 0, points, 0, no_main,
};

static void **list_of(void *a, void *b)
{
    void **list = talent_calloc(4, sizeof(void *), &ptr_type, "talent:alloca blocks");
    list[0] = a;
    list[1] = b;
    return list;
}

int main(int argc, char **argv)
{
    const char *c = argc == 2 ? argv[1] : "";
    char *a = talent_malloc(16, &char_type, "alloca:m.c:3:9");
    char *b = talent_malloc(16, &char_type, "alloca:m.c:4:9");
    char *m = talent_malloc(16, &char_type, "m.c:5:9");
    void *slot1, *slot2;
    tl_platform = tl_default_platform();
    if (strcmp(c, "valid") == 0) {
        list_of(a, 0);
        list_of(b, 0);
        tl_alloca_check_restored();
        /* a frame rebuilt with its list adopts it at its next alloca, and frees it at its return */
        slot1 = list_of(talent_malloc(8, &char_type, "alloca:m.c:6:9"), 0);
        tl_alloca_check_restored();
        talent_alloca(&slot1, 8, &char_type, "alloca:m.c:7:9");
        talent_alloca_release(&slot1);
        if (slot1)
            return 1;
    } else if (strcmp(c, "duplicate") == 0) {
        list_of(a, 0);
        list_of(b, a);
        tl_alloca_check_restored();
    } else if (strcmp(c, "interior") == 0) {
        list_of(a + 4, 0);
        tl_alloca_check_restored();
    } else if (strcmp(c, "foreign") == 0) {
        list_of(m, 0);
        tl_alloca_check_restored();
    } else if (strcmp(c, "shared") == 0) {
        /* two frames whose __talent_al point to one list */
        slot1 = list_of(a, 0);
        slot2 = slot1;
        talent_alloca(&slot1, 8, &char_type, "alloca:m.c:8:9");
        talent_alloca(&slot2, 8, &char_type, "alloca:m.c:9:9");
    } else if (strcmp(c, "notalist") == 0) {
        slot1 = m;
        talent_alloca_release(&slot1);
    } else {
        return 2;
    }
    printf("ok\n");
    return 0;
}
