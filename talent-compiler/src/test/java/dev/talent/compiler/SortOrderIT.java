package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.toolchain.Isa;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * qsort in one order on every platform (the runtime's sort.c): glibc's merge sort keeps elements that compare equal in
 * their order, musl's smoothsort does not, so a program that went on sorting after a move from glibc to musl printed
 * another order with exit 0. Each program is compared with plain gcc's (glibc) build, through chains that pass musl.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SortOrderIT {
    @TempDir
    Path work;

    /**
     * Records with keys that repeat, sorted each round (48-byte records, which glibc sorts through pointers, and 4-byte
     * ones sorted in place), the order and the comparator's count of calls printed. Before, x86_64 -> x86_64-musl
     * printed other ids from the first round sorted on musl (its count of calls too).
     */
    static final String TIES = """
            #include <stdio.h>
            #include <stdlib.h>
            struct rec { int key; int id; char note[40]; };
            struct small { short key; short id; };
            static long calls;
            static int by_key(const void *a, const void *b) {
              const struct rec *x = a, *y = b;
              calls++;
              return (x->key > y->key) - (x->key < y->key);
            }
            static int by_small(const void *a, const void *b) {
              const struct small *x = a, *y = b;
              calls++;
              return x->key - y->key;
            }
            int main(void) {
              static struct rec r[300];
              static struct small s[300];
              unsigned v = 7;
              for (int round = 0; round < 30; round++) {
                for (int i = 0; i < 300; i++) {
                  v = v * 1103515245u + 12345u;
                  r[i].key = (int)((v >> 16) % 5);
                  r[i].id = i;
                  s[i].key = (short)((v >> 8) % 3);
                  s[i].id = (short)i;
                }
                qsort(r, 300, sizeof r[0], by_key);
                qsort(s, 300, sizeof s[0], by_small);
                unsigned h = 0;
                for (int i = 0; i < 300; i++) h = h * 31u + (unsigned)r[i].id * 7u + (unsigned)s[i].id;
                printf("round %d %u calls %ld first %d %d\\n", round, h, calls, r[0].id, s[0].id);
              }
              return 0;
            }
            """;

    private static Target musl() {
        Assumptions.assumeTrue(MigratesLikeGcc.onPath("musl-gcc"), "musl-gcc is installed by talent's packages");
        return MigratesLikeGcc.musl();
    }

    @Test
    void equalKeysKeepGlibcsOrderThroughMuslAndEveryIsa() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "ties", TIES);
        assertThat(plain.out()).contains("round 29 ");
        List<Target> chain = List.of(Target.of(Isa.X86_64), musl(), Target.of(Isa.S390X), Target.of(Isa.I686));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "ties", chain, plain);
        // uninterrupted on musl too: one order wherever the program starts
        Run onMusl = run(command(chain.get(1), exes.get(1)), Map.of(), null);
        assertThat(onMusl.out()).as(onMusl.err()).isEqualTo(plain.out());
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{700, 2500, 4000}, {9000, 300, 6000}}, plain);
    }

    /** A program that defines qsort itself keeps its own (here a sort that puts equal keys last-first). */
    static final String OWN_QSORT = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
              unsigned char *b = base, t[64];
              for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && cmp(b + (j - 1) * size, b + j * size) >= 0; j--) {
                  memcpy(t, b + j * size, size);
                  memcpy(b + j * size, b + (j - 1) * size, size);
                  memcpy(b + (j - 1) * size, t, size);
                }
            }
            struct e { int key, id; };
            static int cmp(const void *a, const void *b) {
              const struct e *x = a, *y = b;
              return (x->key > y->key) - (x->key < y->key);
            }
            int main(void) {
              struct e v[50];
              for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 50; i++) { v[i].key = (i * 7 + round) % 4; v[i].id = i; }
                qsort(v, 50, sizeof v[0], cmp);
                for (int i = 0; i < 6; i++) printf("%d ", v[i].id);
                printf("\\n");
              }
              return 0;
            }
            """;

    @Test
    void aProgramsOwnQsortIsItsOwn() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "ownsort", OWN_QSORT);
        List<Target> chain = List.of(Target.of(Isa.X86_64), musl(), Target.of(Isa.S390X));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "ownsort", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{200, 300}}, plain);
    }
}
