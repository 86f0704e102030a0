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
 * GNU statement expressions as macros write them (issue 11): calls that may checkpoint as a macro's arguments
 * ({@code MAX_OF(work(i), work(j))}), a {@code return} inside ({@code TRY}), loops inside (sites), shadowing, a
 * {@code goto} out of one, nesting, loop conditions. Stopped at many visits (many inside the statement expressions'
 * loops) and restarted on other ISAs, the program prints what plain gcc's build prints. Before, talent refused to build
 * it ("call of 'work', which may checkpoint, is inside a statement expression").
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StatementExpressionsIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdint.h>
            #include <stdio.h>
            #include <string.h>
            #define MAX_OF(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
            #define TRY(e) ({ int _r = (e); if (_r < 0) return _r; _r; })
            #define SUM_TO(n) ({ long _s = 0; for (int _k = 0; _k < (n); _k++) _s += work(_k % 7 + 1); _s; })
            static long work(int n) { long s = 0; for (int k = 0; k < n; k++) s += (k * 7) % 13; return s; }
            static int check(int v) { int c = 0; for (int k = 0; k < 3; k++) c += k; return v % 23 == 22 ? -v : v + c; }
            static int64_t big(int n) { int64_t b = 0; for (int k = 0; k <= n % 5; k++) b += (int64_t)3 << 33; return b + n; }
            static const char *name(int i) {
              int n = 0;
              for (int k = 0; k <= i % 3; k++) n++;
              return n == 1 ? "one" : n == 2 ? "two" : "three";
            }
            static int run(int rounds, long *out) {
              long total = 0;
              int i = 100;
              for (int step = 0; step < rounds; step++) {
                int j = step * 3 % 11;
                long m = MAX_OF(work(step), work(j));
                int64_t w64 = MAX_OF(big(step), big(j)) + SUM_TO(1);
                total += (long)(w64 >> 33) + (long)(w64 & 0xff);
                int c = TRY(check(step));
                total += m + c + SUM_TO(step % 4 + 1);
                int i = step;
                total += ({ int i = j; long w = work(i); w + i; });
                const char *s = ({ const char *_n = name(i); strlen(_n) > 3 ? _n : "short"; });
                total += (long)strlen(s) * (s[0] == 's' ? 2 : 3);
                ({ if (step % 5 == 4) { total -= work(2); } });
                if (({ long q = work(j); q % 2 == 0; })) total ^= 3;
                while (({ long w = work(1); total < 0 && w >= 0; })) total++;
                for (int k = 0; ({ long z = work(k + 1); k < 2 && z >= 0; }); k++) total += k;
                total += ({ long inner = MAX_OF(SUM_TO(2), work(3)); inner * 2; });
                total = ({ long t0 = total + work(1); if (t0 > 1200) goto clamp; t0; });
                continue;
              clamp:
                total %= 1000;
              }
              *out = total + i;
              return 0;
            }
            int main(void) {
              long t = 0;
              int r = run(30, &t);
              printf("r=%d t=%ld\\n", r, t);
              r = run(21, &t);
              printf("r=%d t=%ld\\n", r, t);
              return 0;
            }
            """;

    @Test
    void statementExpressionsThatMayCheckpointMigrateLikeAnUninterruptedRun() throws Exception {
        String out = MigratesLikeGcc.check(work, "stmtexpr", PROGRAM, 3, 1, 2, 3, 5, 8, 13, 40, 77, 150, 333, 600, 1000,
                1500, 2200, 3000);
        assertThat(out).contains("r=-22").contains("r=0");
    }

    @Test
    void aStopInsideAStatementExpressionsLoopGoesThroughFourPlatforms() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "stmtexpr", PROGRAM);
        List<Target> chain = List.of(Target.of(Isa.X86_64), Target.of(Isa.S390X), Target.of(Isa.AARCH64),
                Target.of(Isa.X86_64));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "stmtexpr", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{4, 9, 30}, {57, 100, 11}, {700, 321, 250}}, plain);
    }

    /**
     * Statement expressions evaluated only in some cases or again each round: the right operand of {@code &&} and
     * {@code ||}, an arm of {@code ?:}, after a comma's side effect, a do-while condition (with a {@code continue} in
     * the body), a for increment (with a {@code continue}). Before, each was refused at build time ("... is inside a
     * statement expression that talent cannot move out of its expression: it is the right operand of '&&' ...").
     */
    static final String CONDITIONAL = """
            #include <stdio.h>
            #define MAX_OF(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
            static long work(int n) { long s = 0; for (int k = 0; k < n; k++) s += (k * 7) % 13; return s; }
            static long calls;
            static long counted(int n) { calls++; return work(n); }
            int main(void) {
              long total = 0;
              for (int r = 0; r < 40; r++) {
                int ok = r % 3 != 0;
                if (ok && MAX_OF(counted(r % 7), 3) > 2) total += 5;
                if (!ok || MAX_OF(counted(r % 5), 4) > 9) total += 7;
                long x = r % 2 ? ({ long t = counted(r % 9); t + 1; }) : 0;
                total += x;
                total += r % 4 ? (calls++, ({ long t = counted(r % 3); t * 2; })) : -1;
                int d = r % 6;
                do { total += d; if (d == 3) continue; total ^= 1; } while (({ long t = counted(d); d--; t > 3 && d > 0; }));
                int i = 0;
                for (long s = 0; i < 30; i = MAX_OF(i + 1, (int)counted(i % 4))) { s += i; if (i % 5 == 2) continue; total += s % 11; }
                total += r % 5 == 0 ? MAX_OF(counted(2), counted(3)) : ok && ({ long q = counted(r % 4); q > 2; });
                printf("r=%d total=%ld calls=%ld\\n", r, total, calls);
              }
              return 0;
            }
            """;

    @Test
    void statementExpressionsInConditionalPositionsMigrateLikeAnUninterruptedRun() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "cond", CONDITIONAL, 3, 1, 7, 30, 120, 450, 900, 2000, 3100);
        assertThat(out).contains("r=39 total=5540 calls=1312");
    }
}
