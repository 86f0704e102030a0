package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program's own {@code bool} (GNU ed 1.19's {@code ed.h}: {@code typedef enum Bool bool;}, 4 bytes) was described
 * as C's one-byte {@code _Bool}: an address-taken {@code bool} local was saved and restored as its first byte, so a
 * restart on s390x read {@code true} as 16777216, and a frame rebuilt after a refused checkpoint kept three bytes of
 * stack garbage (ed printed "Newline appended" for a file that ends in one).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EnumNamedBoolIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            enum Bool { false = 0, true = 1 };
            typedef enum Bool bool;
            static long work(long n)
            {
                long s = 0;
                for (long i = 0; i < n; i++) s += i % 7;
                return s;
            }
            static void set(bool *b, bool v) { *b = v; }
            int main(void)
            {
                bool seen = true;
                long total = 0;
                for (int r = 0; r < 12; r++) {
                    total += work(1000);
                    if (r == 4) set(&seen, false);
                    if (r == 8) set(&seen, true);
                    printf("r=%d seen=%d total=%ld\\n", r, (int)seen, total);
                }
                return seen ? 0 : 3;
            }
            """;

    /** Older C's {@code typedef int bool;} holding a count: a saved value was cut to 0 or 1 as a {@code _Bool}. */
    static final String COUNTER = """
            #include <stdio.h>
            typedef int bool;
            static long work(long n)
            {
                long s = 0;
                for (long i = 0; i < n; i++) s += i % 7;
                return s;
            }
            int main(void)
            {
                bool hits = 0;
                long total = 0;
                for (int r = 0; r < 12; r++) {
                    total += work(1000);
                    if (r % 3 == 0) hits += 2;
                    printf("r=%d hits=%d total=%ld\\n", r, hits, total);
                }
                return hits;
            }
            """;

    @Test
    void anIntTypedefNamedBoolKeepsItsValue() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "intbool", COUNTER, 3, 1, 2500, 6500, 9500, 11000);
        assertThat(out).contains("r=11 hits=8 total=35964");
    }

    @Test
    void anEnumTypedefNamedBoolKeepsItsWidthAcrossIsas() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "enumbool", PROGRAM, 3, 1, 2500, 6500, 9500, 11000);
        assertThat(out).contains("r=11 seen=1 total=35964");
    }
}
