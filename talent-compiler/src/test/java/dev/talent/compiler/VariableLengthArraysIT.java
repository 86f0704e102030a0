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

    /**
     * A VLA of VLAs for a whole function ({@code double m[n][k]}), one per round with a varying outer length
     * ({@code long long t[h][k]}), pointers to VLA types in scope at sites ({@code double (*row)[k]}, re-aimed
     * between rounds; {@code long long (*tp)[k]}), a plain pointer into the 2-D array, and a chain call whose
     * parameter has a VLA type ({@code double a[n][k]}, a pointer to {@code double[k]}) with a loop inside.
     */
    static final String VLAS_OF_VLAS = """
            #include <stdio.h>
            static unsigned long long mix(unsigned long long h, long long x) {
              for (int i = 0; i < 2; i++) h = h * 1099511628211ull + (unsigned long long)x + (unsigned)i;
              return h;
            }
            static double sum(int n, int k, double a[n][k]) {
              double s = 0;
              for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) s += a[i][j] * (j + 1);
              return s;
            }
            static long long grid(int n, int k, int rounds) {
              double m[n][k];
              long long acc = 0;
              for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) m[i][j] = i * 0.25 + j + n;
              double (*row)[k] = m + 1;
              double *cell = &m[n - 1][k / 2];
              for (int r = 0; r < rounds; r++) {
                int h = 2 + r % 3;
                long long t[h][k];
                long long (*tp)[k] = t;
                for (int i = 0; i < h; i++) for (int j = 0; j < k; j++) tp[i][j] = (long long)(m[i % n][j] * 4) + r;
                for (int j = 1; j < k - 1; j++) row[0][j] = (row[0][j - 1] + row[0][j] + row[0][j + 1]) / 3.0;
                *cell += 0.5;
                acc += (long long)sum(n, k, m);
                for (int i = 0; i < h; i++) for (int j = 0; j < k; j++) acc = (long long)(mix((unsigned long long)acc, t[i][j]) % 1000000007ull);
                acc += (long long)(sizeof t / sizeof t[0][0]) + (long long)sizeof *row;
                row = (r % 2) ? m + (r % n) : row;
              }
              return acc + (long long)(m[n / 2][k / 2] * 1000) + (long long)(*cell);
            }
            int main(void) {
              long long total = 0;
              for (int n = 3; n < 7; n++) total += grid(n, n + 2, n + 3);
              printf("total=%lld\\n", total);
              return 0;
            }
            """;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void vlasOfVlasAndPointersToVlasAreDeclaredAgainWithTheirSavedLengths() throws Exception {
        MigratesLikeGcc.check(work, "vla2", VLAS_OF_VLAS, 3, 1, 4, 9, 33, 120, 250, 401, 588, 777, 1200);
    }
}
