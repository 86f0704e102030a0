package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls that may checkpoint inside the C library's macros (assert, isfinite) run with the macro suspended: a stop
 * requested while one runs (after 300 and 2000 visits the count falls inside them) is taken at the next site
 * outside, and every stop, restarted on s390x, ends with plain gcc's output.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LibraryMacroCallsIT {
    @TempDir
    Path work;

    @Test
    void aStopDuringACallInsideAssertOrIsfiniteWaitsForTheNextSiteOutside() throws Exception {
        String expected = MigratesLikeGcc.check(work, "macros", MacroExpansionTest.LIBRARY_MACROS_C, 2, 7, 300, 2000, 9000);
        assertThat(expected).isEqualTo("total=58902 fin=200\n");
    }

    /**
     * The same through a function pointer, in main (a chain function) and in a helper without a loop. Before, such a
     * call was only warned about and not deferred: a stop inside it unwound into a frame that does not resume, and
     * the run stopped after 2000 visits ended with total=58912, exit 0.
     */
    @Test
    void aCallThroughAPointerInsideAssertIsDeferredToo() throws Exception {
        String expected = MigratesLikeGcc.check(work, "pointer", """
                #include <assert.h>
                #include <stdio.h>
                static long work(long n) { long s = 0; for (long i = 0; i < n; i++) s += i % 7; return s; }
                static long (*fp)(long) = work;
                static int check(long n) { assert(fp(n) >= 0); return 1; }
                int main(void) {
                  long total = 0; int checked = 0;
                  for (int r = 0; r < 200; r++) {
                    assert(fp(r + 5) >= 0);
                    checked += check(r);
                    total += work(r);
                  }
                  printf("total=%ld checked=%d\\n", total, checked);
                  return 0;
                }
                """, 2, 300, 2000, 5000, 20000);
        assertThat(expected).isEqualTo("total=58902 checked=200\n");
    }
}
