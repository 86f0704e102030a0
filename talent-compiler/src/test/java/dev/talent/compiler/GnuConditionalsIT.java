package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.toolchain.Isa;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GNU C as people write it (issue 11): the binary conditional {@code a ?: b} with calls that may checkpoint in either
 * operand, a statement expression in a loop's header holding a {@code break} or {@code continue} of the loop around it,
 * and a {@code ?:} whose arms have two types that make it {@code long} on x86_64 and {@code unsigned long} on i686.
 * Each was refused at build time before. Stopped inside the rewritten expressions (nearly every site visit is in a
 * call made from one) on x86_64, restarted on s390x, stopped again and finished on i686: plain gcc's output.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class GnuConditionalsIT {
    @TempDir
    Path work;

    private static final List<Target> CHAIN = List.of(Target.of(Isa.X86_64), Target.of(Isa.S390X), Target.of(Isa.I686));

    private void migratesLikeGcc(String name, String source, int[][] stops) throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, name, source);
        List<Path> exes = MigratesLikeGcc.linkedFor(work, name, CHAIN, plain);
        MigratesLikeGcc.chainEqualsGcc(work, CHAIN, exes, stops, plain);
    }

    /** {@code a ?: b}: a evaluated once (a side effect, a call), b only when a is zero; in a macro too. */
    static final String ELVIS = """
            #include <stdio.h>
            #include <stdlib.h>
            #define OR_ELSE(a, b) ((a) ?: (b))
            static long calls;
            static long work(int n) { long s = 0; for (int k = 0; k < n; k++) s += (k * 7) % 13; return s; }
            static long read_more(int r) { calls++; return r % 3 == 0 ? 0 : work(r % 9 + 1); }
            static long fallback(int r) { calls += 100; return work(r % 5 + 2) + 1; }
            static const char *name(int r) { return work(r % 4) > 7 ? "big" : NULL; }
            int main(void) {
              long total = 0;
              int side = 0;
              const char *home = getenv("TALENT_NO_SUCH_VARIABLE") ?: "default";
              for (int r = 0; r < 50; r++) {
                long n = read_more(r) ?: fallback(r);
                total += n;
                total += side++ % 4 ?: work(r % 6 + 1);
                total += OR_ELSE(r % 5 ? 0 : read_more(r + 1), fallback(r + 2));
                const char *s = name(r) ?: home;
                total += (unsigned)(r % 7) ?: work(r % 3 + 2);
                printf("r=%d n=%ld total=%ld calls=%ld side=%d s=%s\\n", r, n, total, calls, side, s);
                fflush(stdout);
              }
              return 0;
            }
            """;

    @Test
    void theGnuBinaryConditionalMigratesLikeAnUninterruptedRun() throws Exception {
        migratesLikeGcc("elvis", ELVIS, new int[][] {{1, 5, 40}, {33, 71, 12}, {150, 9, 3}});
    }

    /**
     * A statement expression in a while condition, a for condition, a for increment and a do-while condition that
     * leaves the loop around the loop ({@code break}, {@code continue}; GCC binds them to that loop), and one that jumps
     * out with a {@code goto}.
     */
    static final String JUMPS = """
            #include <stdio.h>
            static long work(int n) { long s = 0; for (int k = 0; k < n; k++) s += (k * 7) % 13; return s; }
            int main(void) {
              long total = 0;
              for (int r = 0; r < 24; r++) {
                for (int pass = 0; pass < 3; pass++) {
                  int i = 0;
                  while (({ long t = work(i % 5 + 1); if (t > 15 && pass == r % 3) break; i < 6; })) i++;
                  total += i * 10 + pass;
                }
                for (int pass = 0; pass < 3; pass++) {
                  int j;
                  for (j = 0; ({ long t = work(j % 4 + 1); if (t == 16 && pass == 1) continue; j < 5; }); j++) total += j;
                  total += 1000 * j;
                }
                int d = r % 5 + 2;
                switch (r % 3) {
                case 0:
                  do total += d; while (({ long t = work(d); if (t > 16) break; --d > 0; }));
                  total += 7;
                  break;
                default:
                  for (int k = 0; k < 4; k += ({ long t = work(k + 2); if (k == r % 4) continue; t > 7 ? 1 : 2; })) total += k;
                  total += 11;
                }
                for (int q = 0; ({ long t = work(q + 1); if (q == 3 && r % 4 == 1 && t > 0) goto out; q < 5; }); q++) total += q;
                total += 13;
              out:
                printf("r=%d total=%ld\\n", r, total);
                fflush(stdout);
              }
              return 0;
            }
            """;

    @Test
    void breakAndContinueInALoopHeadersStatementExpressionMigrateLikeAnUninterruptedRun() throws Exception {
        migratesLikeGcc("jumps", JUMPS, new int[][] {{1, 7, 50}, {60, 111, 25}, {300, 40, 6}});
    }

    /**
     * {@code ?:} arms of {@code unsigned int} and {@code long} (the operator is {@code long} on x86_64 and s390x, {@code
     * unsigned long} on i686), one of them a statement expression with a call that may checkpoint; and with {@code
     * int64_t} and {@code unsigned}.
     */
    static final String MIXED = """
            #include <stdint.h>
            #include <stdio.h>
            static long work(int n) { long s = 0; for (int k = 0; k < n; k++) s += (k * 7) % 13; return s; }
            static int64_t big(int n) { int64_t b = 0; for (int k = 0; k <= n % 3; k++) b += (int64_t)5 << 32; return b; }
            int main(void) {
              long total = 0;
              int64_t wide = 0;
              for (int r = 0; r < 40; r++) {
                long x = r % 2 ? ({ unsigned u = (unsigned)work(r % 9); u + 1; }) : 1L;
                total += x;
                total += r % 3 ? ({ long t = work(r % 7 + 1); t * 2; }) : 7u;
                wide += r % 4 ? ({ int64_t b = big(r); b + 3; }) : (unsigned)r;
                printf("r=%d x=%ld total=%ld wide=%lld\\n", r, x, total, (long long)wide);
                fflush(stdout);
              }
              return 0;
            }
            """;

    @Test
    void aConditionalOfTwoTypesThatDifferPerIsaMigratesLikeAnUninterruptedRun() throws Exception {
        migratesLikeGcc("mixed", MIXED, new int[][] {{1, 5, 30}, {45, 80, 9}, {120, 3, 2}});
        assertThat(MigratesLikeGcc.plainGcc(work, "mixed-again", MIXED).out()).contains("r=39 ");
    }
}
