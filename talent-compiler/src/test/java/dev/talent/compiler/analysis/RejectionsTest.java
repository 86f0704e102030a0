package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** What is not refused; the refusals themselves are marked in src/test/resources/diagnostics (DiagnosticMarkersTest). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RejectionsTest {
    @TempDir
    Path dir;

    @Test
    void allocaOutsideChainFunctionsIsAllowed() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <alloca.h>
                int leaf(int n) { char *p = alloca(n + 1); p[0] = 1; return p[0]; }
                int main(void) { return leaf(3); }
                """).analyze();
        assertThat(p.function("leaf").chain).isFalse();
    }
}
