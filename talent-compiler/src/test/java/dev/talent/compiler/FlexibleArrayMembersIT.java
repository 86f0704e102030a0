package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * compiler saw the allocation, or when the last member is a flexible array member (no array of such structs exists
 * in C99); with the struct hack, typed only by pointers at the checkpoint, it is refused, never read as two.
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

    /**
     * The 32-byte block of struct quad (a flexible array member) from an untyped allocator, an int * into its array
     * live at the stop: 32 bytes are 2 x sizeof(struct quad), but C99 6.7.2.1 forbids an array of a struct with a
     * flexible array member, so the block is one struct with 4 trailing ints (before: refused as a guess).
     */
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
    void aFlexibleArrayBlockOfAWholeNumberOfStructsTypedOnlyByPointersIsOneStruct() throws Exception {
        String expected = MigratesLikeGcc.checkEveryStop(work, "quad", QUAD_UNTYPED, 3, 1, 50, 333);
        assertThat(expected).isEqualTo("50500\n");
    }

    /**
     * The same with the struct hack ({@code int d[1]}, which may be an element of an array): 48 bytes are 2 x
     * sizeof(struct quad) on x86_64, typed only by pointers to its start, so it stays a guess and is refused, never
     * read as two.
     */
    static final String QUAD_HACK_UNTYPED = """
            #include <stdio.h>
            #include <stdlib.h>
            struct quad { size_t n; long s; int d[1]; };
            static void *(*allocf)(void *, size_t) = realloc;
            int main(void) {
              void *m = allocf(NULL, 2 * sizeof(struct quad));
              struct quad *q = m;
              q->n = 4; q->s = 0;
              for (int i = 0; i < 4; i++) q->d[i] = i + 1;
              for (int r = 0; r < 100; r++) {
                int *p = &q->d[0];
                for (int i = 0; i < 4; i++) q->s += q->d[i] * r + *p;
              }
              printf("%ld\\n", q->s);
              return 0;
            }
            """;

    @Test
    void aStructHackBlockOfAWholeNumberOfStructsTypedOnlyByPointersIsRefusedNotSplit() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "quadhack", QUAD_HACK_UNTYPED, 50);
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block").contains("(48 bytes, allocated where talent "
                + "does not see its type)");
    }

    /**
     * The forms the issue names: {@code malloc(sizeof(struct msg) + len + 1)} with a {@code char data[]} and
     * {@code malloc(sizeof *t + n * sizeof t->data[0])} with an array of structs holding pointers (into a static
     * table), pointers into both trailing arrays live; then blocks from {@code calloc} and from a wrapper
     * ({@code xmalloc}) whose size is a whole number of the struct (8 + 6 x 8 = 7 x 8 bytes), typed at the call.
     */
    static final String MSG = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            struct msg { struct msg *next; unsigned short len; char data[]; };
            struct item { const char *name; long count; };
            struct table { size_t n; struct msg *first; struct item data[]; };
            typedef struct { size_t n; double v[]; } dvec;
            static void *xmalloc(size_t n) { void *p = malloc(n); if (!p) abort(); return p; }
            static struct msg *post(struct msg *next, const char *text) {
              size_t len = strlen(text);
              struct msg *m = malloc(sizeof(struct msg) + len + 1);
              m->next = next; m->len = (unsigned short)len;
              memcpy(m->data, text, len + 1);
              return m;
            }
            int main(void) {
              static const char *names[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"};
              size_t n = 7;
              struct table *t = malloc(sizeof *t + n * sizeof t->data[0]);
              struct msg *c0 = calloc(1, sizeof(struct msg) + 13);
              dvec *v = xmalloc(sizeof(dvec) + 6 * sizeof(double));
              t->n = n; t->first = NULL; v->n = 6;
              for (size_t i = 0; i < n; i++) { t->data[i].name = names[i]; t->data[i].count = 0; }
              for (int i = 0; i < 6; i++) v->v[i] = i;
              unsigned h = 7;
              char buf[40];
              double *dp = &v->v[3];
              for (int r = 0; r < 120; r++) {
                struct item *it = &t->data[(r * 5) % t->n];
                it->count += r;
                snprintf(buf, sizeof buf, "%s#%d", it->name, r);
                t->first = post(t->first, buf);
                c0->data[r % 12] = (char)('a' + r % 26);
                v->v[r % 6] = v->v[r % 6] * 0.5 + r + *dp;
                char *c = &t->first->data[t->first->len / 2];
                for (struct msg *m = t->first; m; m = m->next) h = h * 31 + (unsigned char)m->data[m->len - 1] + (unsigned char)*c;
              }
              printf("h=%u", h);
              for (size_t i = 0; i < t->n; i++) printf(" %s=%ld", t->data[i].name, t->data[i].count);
              printf(" last=%s/%u %.12s", t->first->data, t->first->len, c0->data);
              for (int i = 0; i < 6; i++) printf(" %.3f", v->v[i]);
              printf("\\n");
              return 0;
            }
            """;

    @Test
    void theCommonFlexibleArrayAllocationsMigrate() throws Exception {
        String expected = MigratesLikeGcc.checkEveryStop(work, "msg", MSG, 3, 1, 40, 900, 4000, 7000);
        assertThat(expected).startsWith("h=").contains(" alpha=1071 ").contains(" last=alpha#119/9 ");
    }

    /**
     * A Lua-shaped string from an untyped allocator, typed at the first checkpoint (x86_64) by its {@code str *},
     * grown through the same allocator after the restart on s390x to 72 bytes (3 x sizeof on both ISAs), stopped again
     * there with a {@code char *} into it live and restarted on x86_64: the grown block stays one struct.
     */
    static final String GROW = """
            #include <stddef.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef struct str { struct str *next; unsigned char len; unsigned hash; char s[1]; } str;
            static void *(*allocf)(void *, size_t) = realloc;
            static str *one;
            int main(void) {
              unsigned h = 7;
              one = allocf(NULL, offsetof(str, s) + 6);
              one->next = NULL; one->len = 5; memcpy(one->s, "hello", 6);
              for (int r = 0; r < 300; r++) {
                if (r == 150) {
                  one = allocf(one, offsetof(str, s) + 56);
                  strcpy(one->s, "the quick brown fox jumps over the lazy dog 0123456789");
                  one->len = 54;
                }
                for (const char *c = one->s; *c; c++) h = h * 31 + (unsigned char)*c;
                one->hash += h;
              }
              printf("%u %u %s\\n", h, one->hash, one->s);
              return 0;
            }
            """;

    @Test
    void aStructHackBlockReallocatedAfterARestartKeepsItsShape() throws Exception {
        Path src = work.resolve("grow.c");
        Files.writeString(src, GROW);
        Path orig = work.resolve("grow.orig");
        assertThat(run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null).rc()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out-grow"), "grow"));
        Path x86 = link(HOPS.get(0), r, work.resolve("grow." + HOPS.get(0).name()));
        Path s390x = link(HOPS.get(1), r, work.resolve("grow." + HOPS.get(1).name()));
        Path ck = checkpointDir(work.resolve("grow-ck"));
        String dir = ck.toString();
        Run first = run(command(HOPS.get(0), x86), Map.of("TALENT_CHECKPOINT_DIR", dir, "TALENT_STOP_AFTER", "100"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(HOPS.get(1), s390x), Map.of("TALENT_CHECKPOINT_DIR", dir, "TALENT_RESTART", "1",
                "TALENT_STOP_AFTER", "4000"), null);
        assertThat(second.rc()).as(second.err()).isEqualTo(75);
        Run third = run(command(HOPS.get(0), x86), Map.of("TALENT_CHECKPOINT_DIR", dir, "TALENT_RESTART", "1"), null);
        assertThat(third.rc()).as(third.err()).isZero();
        assertThat(first.out() + second.out() + third.out()).isEqualTo(expected)
                .startsWith("2296368275 2428869514 the quick brown fox");
    }
}
