package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap blocks of a struct whose last member is an array running on to the block's end: a C99 flexible array member
 * ({@code int data[]}, grown by {@code realloc}; {@code double v[]}), and the older struct hack ({@code char s[1]},
 * Lua's short strings: {@code offsetof + len + 1} bytes, smaller than, equal to or larger than the struct, from an
 * untyped allocator so that the type comes from the pointers at the checkpoint). Each is carried as one struct with
 * its last array cut to the block (docs/FORMAT.md "HEAP"), so it migrates across byte orders and pointer widths:
 * stopped on x86_64 with pointers into the trailing elements live, restarted on s390x and i686, every output equal
 * to plain gcc's. Before, such blocks were raw bytes and a restart on s390x or i686 was refused (exit 65). A block
 * of such a struct whose size happens to be a whole number of structs (here 32 bytes = 2 x 16) is one struct when the
 * compiler saw the allocation; typed only by pointers at the checkpoint it is refused, never read as two.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FlexibleArrayMembersIT {
    @TempDir
    Path work;

    static final String FLEX = """
            #include <stddef.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            struct vec { size_t n; int data[]; };
            struct samples { int n; char tag; double v[]; };
            typedef struct str { struct str *next; unsigned char len; unsigned hash; char s[1]; } str;
            struct quad { size_t n; long s; int d[]; };
            static void *(*allocf)(void *, size_t) = realloc;
            static struct vec *v;
            static struct samples *sm;
            static str *strs;
            static struct quad *q;
            static str *mkstr(const char *text, str *next) {
              size_t len = strlen(text);
              str *s = allocf(NULL, offsetof(str, s) + len + 1);
              s->next = next; s->len = (unsigned char)len; s->hash = 0;
              memcpy(s->s, text, len + 1);
              return s;
            }
            static void grow(size_t n) {
              size_t i;
              v = realloc(v, sizeof *v + n * sizeof v->data[0]);
              for (i = v->n; i < n; i++) v->data[i] = (int)(i * 7 % 13);
              v->n = n;
            }
            int main(void) {
              char buf[32];
              unsigned h = 5381;
              v = malloc(sizeof *v + 3 * sizeof v->data[0]);
              v->n = 0;
              grow(3);
              sm = malloc(offsetof(struct samples, v) + 5 * sizeof(double));
              sm->n = 5; sm->tag = 'd';
              for (int i = 0; i < 5; i++) sm->v[i] = i * 0.25;
              q = malloc(sizeof *q + 4 * sizeof q->d[0]);
              q->n = 4; q->s = 0;
              for (int i = 0; i < 4; i++) q->d[i] = i + 1;
              for (int i = 0; i < 30; i++) { snprintf(buf, sizeof buf, "w%d-%.*s", i, i % 11, "abcdefghijk"); strs = mkstr(buf, strs); }
              for (int r = 0; r < 60; r++) {
                if (r % 10 == 0) grow(v->n + 5);
                int *p = &v->data[r % v->n];
                for (size_t i = 0; i < v->n; i++) { v->data[i] = (v->data[i] * 5 + r) % 1000; h = h * 31 + (unsigned)*p; }
                double *dp = &sm->v[r % 5];
                for (int i = 0; i < sm->n; i++) sm->v[i] = sm->v[i] * 0.5 + r;
                *dp += 1.0;
                int *qd = &q->d[r % 4];
                for (int i = 0; i < 4; i++) q->s += q->d[i] * r + *qd;
                for (str *s = strs; s; s = s->next)
                  for (const char *c = s->s; *c; c++) { h = h * 33 + (unsigned char)*c; s->hash += h; }
              }
              printf("h=%u n=%zu last=%d tag=%c", h, v->n, v->data[v->n - 1], sm->tag);
              for (int i = 0; i < sm->n; i++) printf(" %.4f", sm->v[i]);
              printf(" q=%zu/%ld\\n", q->n, q->s);
              for (str *s = strs; s; s = s->next) printf("%s:%u:%u ", s->s, s->len, s->hash);
              printf("\\n");
              return 0;
            }
            """;

    @Test
    void flexibleArrayMembersAndTheStructHackMigrateAcrossByteOrdersAndWidths() throws Exception {
        String expected = MigratesLikeGcc.check(work, "flex", FLEX, 3, 20, 400, 2500, 7000);
        assertThat(expected).startsWith("h=420179260 n=33 last=524 tag=d").contains("w29-abcdefg:11:");
    }

    /** The 32-byte block of struct quad from an untyped allocator, an int * into its array live at the stop. */
    static final String QUAD_UNTYPED = """
            #include <stdio.h>
            #include <stdlib.h>
            struct quad { size_t n; long s; int d[]; };
            static void *(*allocf)(void *, size_t) = realloc;
            int main(void) {
              void *m = allocf(NULL, sizeof(struct quad) + 4 * sizeof(int));
              struct quad *q = m;
              q->n = 4; q->s = 0;
              for (int i = 0; i < 4; i++) q->d[i] = i + 1;
              for (int r = 0; r < 100; r++) {
                int *p = &q->d[r % 4];
                for (int i = 0; i < 4; i++) q->s += q->d[i] * r + *p;
              }
              printf("%ld\\n", q->s);
              return 0;
            }
            """;

    @Test
    void aBlockOfAWholeNumberOfStructsTypedOnlyByPointersIsRefusedNotSplit() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "quad", QUAD_UNTYPED, 50);
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block").contains("(32 bytes, allocated where talent "
                + "does not see its type)");
    }
}
