package dev.talent.compiler;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A struct local filled on one path only (pdlzip's {@code struct stat in_stats}, filled by {@code fstat} only for a
 * named file): on the other path it holds what the stack held, here what the previous call left: a 64-bit
 * {@code long} that does not fit in 32 bits and a pointer. A checkpoint saved them and the restore on i686 refused the {@code long}; the compiler now
 * zeroes such a saved local at its declaration (docs/CODEGEN.md "Locals not yet written"), and every stop restarts on
 * s390x and i686 with plain gcc's output.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class IndeterminateLocalsIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            struct info { long long size; long links; const char *name; };
            static char pool[64];
            static long run(int fill) {
                struct info in;
                if (fill) { in.size = 1LL << 40; in.links = (long) (~0UL >> 1); in.name = pool + 8; }
                long s = 0;
                for (int i = 0; i < 1000; i++) s += i % 7;
                if (fill) s += (long) (in.size >> 30) + (in.links > 1000) + (in.name - pool);
                return s;
            }
            int main(void) {
                long a = run(1);
                long b = run(0);
                printf("%ld %ld\\n", a, b);
                return 0;
            }
            """;

    @Test
    void aStructFilledOnOnePathOnlyMigrates() throws Exception {
        MigratesLikeGcc.checkEveryStop(work, "indeterminate", PROGRAM, 3, 1200, 1500, 1800, 1990);
    }
}
