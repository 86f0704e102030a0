package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls that may checkpoint in conditionally evaluated and re-evaluated positions (issue 11, cause 1): the
 * instrumented program, stopped at many points inside them and restarted on other ISAs, prints what plain gcc's
 * build prints.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ExpressionNormalisationIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            static unsigned long long acc = 0;
            static int calls = 0;
            int work(int n) {
              int s = 0;
              for (int i = 0; i < n % 7 + 1; i++) s += i * 3 + n;
              calls++;
              acc += (unsigned long long)s * (unsigned)s + 7; /* commutative: argument order is unspecified */
              return s;
            }
            void vwork(int n) { for (int i = 0; i < n % 3 + 1; i++) acc += (unsigned)(i + n); }
            int f2(int a, int b) { return a * 7 + b; }
            static int pick(int x) { return x > 2 ? work(x) : (x < 0 ? -work(-x) : 0); }
            int main(void) {
              unsigned h = 0;
              int i = 0, k;
              for (i = 0; i < 20; i++) {
                if (i % 2 && work(i) > 10) h += 1;
                if (i % 3 == 0 || work(i + 1) < 30) h += 2;
                h += (i & 1) ? work(i) : work(i * 2) + 1;
                h += (i > 5 ? (vwork(i), 3) : 4);
                k = (h++, work((int)(h % 50)));
                h += k;
                h += work(i++); i--;
                h += f2(work(i), work(i + 3));
                int d = i > 3 && work(i) ? work(i + 1) : 0;
                h += d + pick(i - 3);
              }
              int j = 0;
              do { j++; if (j == 3) continue; h += j; } while (work(j) < 40 && j < 12);
              for (int m = 0; m < 50; m = work(m) % 7 + m + 1) { if (m == 4) continue; h ^= m; }
              while (j > 0 && work(j) >= 0) j -= 2;
              printf("h=%u acc=%llu calls=%d\\n", h, acc, calls);
              return h > 0 ? (work(1) & 0) : 1;
            }
            """;

    @Test
    void conditionalAndReEvaluatedCallsMigrateLikeAnUninterruptedRun() throws Exception {
        String out = MigratesLikeGcc.check(work, "cexpr", PROGRAM, 3, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 500, 610);
        assertThat(out).startsWith("h=");
    }
}
