/*
 * pointers.c -- talent migration corpus.
 * Exercises pointers kept live across sites: to globals (scalar, array element, struct member, one past
 * the end of a global array), to locals of outer frames (an int, an array element, a struct member, a
 * pointer-to-pointer to an outer frame's pointer), string literals held in `const char *` and walked
 * character by character across sites (pointer into the middle of a literal), a pointer walking through
 * main's argv[1], NULL pointers, pointer differences and comparisons.
 * Run with arguments: migrate-me
 * Output: values reached through every pointer at each step.
 */
#include <stdio.h>
#include <string.h>

struct pair { int left; int right; };

int table[10] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
struct pair global_pair = {11, 22};
static long scalar = 1000;

static const char *const words[] = {"zero", "one", "two", "three"};

/* cursor points into an outer frame's array, total into an outer frame's int, side at a member of an
 * outer frame's struct, slot at an outer frame's pointer variable */
static void accumulate(int *cursor, int *end, int *total, int *side, int **slot) {
    const char *note = "accumulate: walking the caller's array";
    const char *walker = note + 12;       /* points into the middle of a string literal */
    while (cursor < end) {
        *total += *cursor;
        *side -= *cursor;
        *slot = cursor;                   /* the outer frame's pointer now points into its own array */
        printf("  acc %d total=%d side=%d letter=%c\n", *cursor, *total, *side, *walker ? *walker : '$');
        if (*walker) walker++;
        cursor++;
    }
    printf("  %s (%d chars left)\n", note, (int)strlen(walker));
}

static int *pick(int *base, int which) {
    return which < 0 ? NULL : base + which;
}

int main(int argc, char **argv) {
    const char *arg = argc > 1 ? argv[1] : "none";
    const char *greeting = "hello, migrating world";
    int local_values[6] = {10, 20, 30, 40, 50, 60};
    int total = 0;
    struct pair local_pair = {0, 500};
    int *last_seen = NULL;
    int *global_cursor = &table[0];
    int *global_end = table + 10;         /* one past the end of a global array */
    int *member = &global_pair.right;
    long *scalar_ptr = &scalar;
    int *nothing = pick(local_values, -1);

    for (int round = 0; round < 6; round++) {
        accumulate(local_values + round, local_values + 6, &total, &local_pair.right, &last_seen);
        printf("round %d total=%d right=%d last_seen=local[%d] greeting@%d=%c arg=%s\n", round, total,
               local_pair.right, (int)(last_seen - local_values), round * 3,
               greeting[round * 3], arg);
        local_values[round] *= -2;
    }
    int steps = 0;
    while (global_cursor != global_end) {
        *member += *global_cursor;
        *scalar_ptr = *scalar_ptr * 2 + *global_cursor;
        printf("global %d member=%d scalar=%ld word=%s\n", *global_cursor, global_pair.right, scalar,
               words[*global_cursor % 4]);
        global_cursor++;
        steps++;
    }
    const char *p = arg;
    unsigned checksum = 0;
    while (*p) {                           /* walks main's argv string across sites */
        checksum = checksum * 31u + (unsigned char)*p;
        printf("arg char %c at %d checksum %u\n", *p, (int)(p - arg), checksum);
        p++;
    }
    int *chosen = pick(local_values, 2);
    for (int k = 0; k < 4; k++) {
        *chosen += k;
        printf("chosen=%d nothing=%s words=%s\n", *chosen, nothing == NULL ? "null" : "set", words[k]);
    }
    printf("steps=%d total=%d left=%d scalar=%ld greeting=%s\n", steps, total, local_pair.left, scalar, greeting);
    return 0;
}
