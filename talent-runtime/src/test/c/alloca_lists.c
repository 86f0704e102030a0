/* alloca_lists.c: frame_alloca.c's checks of restored lists of alloca blocks (AllocaListsIT). A restore rebuilds
 * the lists from a checkpoint, which is hostile input; this builds such lists by hand and runs the check:
 *   alloca_lists CASE   with CASE one of valid, aligned, duplicate, interior, foreign, shared, notalist, badalign
 * prints "ok" and exits 0 when the lists are accepted; the runtime exits 65 naming the fault otherwise. */
#include "talent_internal.h"
#include "heap_track.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* tl_alloca_site_align or tl_heap_site_align (align) on positions as a checkpoint could carry them (len bytes, not
 * necessarily terminated) */
static int parses_by(size_t (*align)(const char *, size_t), const char *pos, size_t len, size_t want)
{
    size_t got = align(pos, len);
    if (got != want)
        fprintf(stderr, "alignment of '%.*s': %lu, expected %lu\n", (int)len, pos, (unsigned long)got, (unsigned long)want);
    return got == want;
}

static int parses(const char *pos, size_t len, size_t want)
{
    return parses_by(tl_alloca_site_align, pos, len, want);
}

/* over-aligned heap blocks' positions (posix_memalign & co.): the same rules under their own prefix */
static int heap_parses(const char *pos, size_t len, size_t want)
{
    return parses_by(tl_heap_site_align, pos, len, want);
}

static int positions_parse(void)
{
    static const char cut[] = "alloca@64:m.c:1:1";
    return parses("alloca@32:m.c:1:1", 17, 32) && parses("alloca@4096:m.c:1:1", 19, 4096) && parses("alloca@1:m.c:1:1", 16, 1) &&
           parses("alloca:m.c:1:1", 14, 0) && parses("m.c:1:1", 7, 0) && parses("alloca@", 7, (size_t)-1) &&
           parses("alloca@:m.c:1:1", 15, (size_t)-1) && parses("alloca@0:m.c:1:1", 16, (size_t)-1) &&
           parses("alloca@48:m.c:1:1", 17, (size_t)-1) && parses("alloca@8192:m.c:1:1", 19, (size_t)-1) &&
           parses("alloca@18446744073709551680:m.c:1:1", 35, (size_t)-1) && parses("alloca@0004096:m.c", 18, (size_t)-1) &&
           parses("alloca@-64:m.c:1:1", 18, (size_t)-1) && parses(cut, 9, (size_t)-1) && parses(cut, 10, 64) &&
           heap_parses("aligned@64:?", 12, 64) && heap_parses("aligned@4096:?", 14, 4096) && heap_parses("?", 1, 0) &&
           heap_parses("alloca@64:?", 11, 0) && heap_parses("aligned@over:?", 14, (size_t)-1) &&
           heap_parses("aligned@0064:?", 14, (size_t)-1) && heap_parses("aligned@8192:?", 14, (size_t)-1) &&
           heap_parses("aligned@96:?", 12, (size_t)-1) && heap_parses("aligned@64", 10, (size_t)-1);
}

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
    } else if (strcmp(c, "aligned") == 0) {
        /* aligned blocks: aligned as asked, accepted in a restored list, freed with their frame's list */
        char *p32, *p64, *p4k;
        slot1 = NULL;
        p32 = talent_alloca_align(&slot1, 24, 32, &char_type, "alloca@32:m.c:10:9");
        p64 = talent_alloca_align(&slot1, 0, 64, &char_type, "alloca@64:m.c:11:9");
        p4k = talent_alloca_align(&slot1, 100, 4096, &char_type, "alloca@4096:m.c:12:9");
        if ((uintptr_t)p32 % 32 || (uintptr_t)p64 % 64 || (uintptr_t)p4k % 4096 || p32[23] || p4k[99])
            return 3;
        tl_alloca_check_restored();
        talent_alloca_release(&slot1);
        if (slot1 || !positions_parse())
            return 4;
    } else if (strcmp(c, "badalign") == 0) {
        /* a block whose position names an alignment no aligned alloca can have */
        list_of(talent_malloc(16, &char_type, "alloca@48:m.c:3:9"), 0);
        tl_alloca_check_restored();
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
