package dev.talent.compiler;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Variable-length arrays in scope at checkpoint sites and chain calls (issue 11, cause 6): a function
 * declares a {@code double w[n]} for its whole body and a {@code long long tmp[m]} per round with a length
 * that changes between rounds; stopped at many visits inside both scopes and restarted on other ISAs, the
 * arrays are declared again with their saved lengths and the program prints what plain gcc's build prints.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class VariableLengthArraysIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            static unsigned long long mix(unsigned long long h, long long x) {
              for (int i = 0; i < 2; i++) h = h * 1099511628211ull + (unsigned long long)x + (unsigned)i;
              return h;
            }
            static long long smooth(int n, int rounds) {
              double w[n];
              long long acc = 0;
              for (int i = 0; i < n; i++) w[i] = i * 0.5 + n;
              for (int r = 0; r < rounds; r++) {
                int m = n / 2 + r % 3;
                long long tmp[m];
                for (int i = 0; i < m; i++) tmp[i] = (long long)(w[i] * 3) + r;
                for (int i = 1; i < n - 1; i++) w[i] = (w[i - 1] + w[i] + w[i + 1]) / 3.0;
                for (int i = 0; i < m; i++) acc = (long long)(mix((unsigned long long)acc, tmp[i]) % 1000000007ull);
                acc += (long long)sizeof tmp / (long long)sizeof tmp[0];
              }
              return acc + (long long)(w[n / 2] * 1000);
            }
            int main(void) {
              long long total = 0;
              for (int k = 5; k < 12; k++) total += smooth(k, k + 3);
              printf("total=%lld\\n", total);
              return 0;
            }
            """;

    @Test
    void arraysWithRunTimeLengthsAreDeclaredAgainOnRestoreAcrossIsas() throws Exception {
        MigratesLikeGcc.check(work, "vla", PROGRAM, 3, 1, 5, 20, 77, 150, 500, 1000, 2117);
    }
}
