package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap blocks allocated where talent does not see their type (here: {@code realloc} called through a function
 * pointer, as Lua's and zlib's allocators are) take a type at the checkpoint from the typed pointers into them. A
 * block of 48 bytes reached only through {@code struct hdr *} pointers (16 bytes) to its start may be three
 * {@code struct hdr} or one {@code struct big} that begins with one: saved as three headers, the doubles after the
 * first were converted as pointers and ints, and a restore printed other numbers with exit status 0. That block is
 * now refused with its type and pointer named; an array that a pointer to a later element shows to be one, a block
 * of exactly one element, and the refused program with the allocation assigned to a {@code struct big *} (as the
 * message suggests) migrate as plain gcc's build runs. The struct hack is not taken for an array of structs.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GuessedBlockTypesIT {
    @TempDir
    Path work;

    /** A list of struct big nodes, kept only as struct hdr pointers; printf("%d") of TAIL's values. */
    static final String PREFIX_OF_A_LARGER_STRUCT = """
            #include <stdio.h>
            #include <stdlib.h>
            struct hdr { struct hdr *next; int tag; };
            struct big { struct hdr *next; int tag; double vals[4]; };
            static void *(*allocf)(void *, size_t) = realloc;
            static struct hdr *list;
            static void add(int i) {
              ALLOCATE
              struct big *b = m;
              h->next = list;
              h->tag = i;
              for (int k = 0; k < 4; k++) b->vals[k] = i * 1.5 + k;
              list = h;
            }
            int main(void) {
              for (int i = 0; i < 50; i++) add(i);
              double s = 0;
              for (int r = 0; r < 200; r++)
                for (struct hdr *h = list; h; h = h->next) s += ((struct big *)h)->vals[r % 4] * 0.001;
              printf("%.6f\\n", s);
              return 0;
            }
            """;

    @Test
    void aBlockReachedOnlyAsThePrefixOfALargerStructIsRefusedNotMisconverted() throws Exception {
        String source = PREFIX_OF_A_LARGER_STRUCT.replace("ALLOCATE",
                "void *m = allocf(NULL, sizeof(struct big));\n  struct hdr *h = m;");
        Run stopped = MigratesLikeGcc.refusedAt(work, "prefix", source, 3000);
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block")
                .contains("(48 bytes, allocated where talent does not see its type)")
                .contains("reached only through pointers to its start of type 'struct hdr', as 'list'")
                .contains("it may be 3 of them or one larger object");
    }

    @Test
    void theSameBlockAssignedToAPointerOfItsTypeMigrates() throws Exception {
        String source = PREFIX_OF_A_LARGER_STRUCT.replace("ALLOCATE",
                "struct big *m = allocf(NULL, sizeof(struct big));\n  struct hdr *h = (struct hdr *)m;");
        MigratesLikeGcc.check(work, "typed", source, 3, 40, 3000, 9000);
    }

    /** An array of struct hdr from the same allocator, threaded through its elements: pointers to later ones. */
    static final String ARRAY = """
            #include <stdio.h>
            #include <stdlib.h>
            struct hdr { struct hdr *next; int tag; };
            static void *(*allocf)(void *, size_t) = realloc;
            static struct hdr *first, *one;
            int main(void) {
              void *m = allocf(NULL, 12 * sizeof(struct hdr));
              void *s = allocf(NULL, sizeof(struct hdr));
              first = m;
              one = s;
              for (int i = 0; i < 12; i++) { first[i].tag = i * 7; first[i].next = i < 11 ? &first[i + 1] : NULL; }
              one->tag = 5;
              one->next = first + 3;
              long sum = 0;
              for (int r = 0; r < 300; r++)
                for (struct hdr *h = first; h; h = h->next) { h->tag = (h->tag * 31 + r) % 10007; sum += h->tag + one->next->tag; }
              printf("%ld\\n", sum);
              return 0;
            }
            """;

    @Test
    void anArrayThatPointersShowAndASingleElementBlockMigrate() throws Exception {
        MigratesLikeGcc.check(work, "array", ARRAY, 3, 10, 500, 2500);
    }

    /**
     * The struct hack: {@code malloc(sizeof(struct s) + 13)}, the string in {@code d} running over the struct's
     * padding. Typed as {@code struct s} it was written as elements plus a tail, and the padding bytes ("hel" of
     * "hello world") were lost on any restart; then untyped (carried to the same ISA only). Now one struct whose last
     * array is cut to the block (FlexibleArrayMembersIT): it migrates to s390x, also with 16 more bytes (a whole
     * number of structs), which is not taken for two.
     */
    static final String STRUCT_HACK = """
            #include <stddef.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            struct s { int n; char c; char d[1]; };
            static struct s *g;
            int main(void) {
              g = malloc(sizeof(struct s) + EXTRA);
              g->n = 7;
              g->c = 'x';
              strcpy(g->d, "hello world");
              long sum = 0;
              for (int r = 0; r < 2000; r++) { g->n = (g->n * 31 + r) % 1000; sum += g->n + g->d[r % 11]; }
              printf("%ld %s\\n", sum, g->d);
              return 0;
            }
            """;

    @Test
    void theStructHackKeepsItsBytesAcrossByteOrders() throws Exception {
        MigratesLikeGcc.check(work, "hack", STRUCT_HACK.replace("EXTRA", "13"), 2, 5, 1500);
        MigratesLikeGcc.check(work, "hack16", STRUCT_HACK.replace("EXTRA", "16"), 2, 500);
    }
}
