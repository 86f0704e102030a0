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
}
