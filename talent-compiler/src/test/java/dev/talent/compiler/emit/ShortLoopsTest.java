package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * docs/CODEGEN.md "Short loop nests": which loop headers bound a loop to at most 16 iterations, so that the loop
 * and the leaf loops inside it are versioned as a whole (one test of talent_pending for the nest).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ShortLoopsTest {
    @TempDir
    Path dir;

    /** True when the loop is versioned as a whole (a short nest), false for any other form (LoopForm). */
    private boolean versionedAsAWhole(String header, String extraInBody) {
        return LoopForm.of(dir, header, extraInBody) == LoopForm.Form.SHORT_NEST;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "for (int i = 0; i < 16; i++)",
            "for (int i = 0; i <= 15; ++i)",
            "for (int i = 16; i > 0; i--)",
            "for (int i = 15; i >= 0; --i)",
            "for (int i = 8; i > 0; i -= 2)",
            "for (long i = -3; i < 12; i += 1)",
            "for (int i = 0; i != 16; i++)",
            "for (int i = 0; i != 30; i += 2)",
            "for (unsigned i = 0; 16 > i; i++)",
            "for (k = 0; k < 4; k++)",
            "for (i = 0; i < 4; i++)",
    })
    void aHeaderBoundingTheLoopToSixteenIterationsMakesAShortNest(String header) {
        assertThat(versionedAsAWhole(header, "")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "for (int i = 0; i < 17; i++)",
            "for (int i = 0; i <= 16; i++)",
            "for (int i = 0; i < n; i++)",
            "for (int i = 0; i > 4; i++)",
            "for (int i = 0; i < 4; i--)",
            "for (int i = 0; i != 7; i += 2)",
            "for (int i = 0; i < 4; i *= 2)",
            "for (g = 0; g < 4; g++)",
            "for (s = 0; s < 4; s++)",
            "for (int i = 0, x = 1; i < 4; i++)",
            "for (int i = 0; i < 4;)",
            "while (n < 4)",
    })
    void otherHeadersDoNotMakeAShortNest(String header) {
        assertThat(versionedAsAWhole(header, "n++;")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"i++;", "i = 2;", "i += 1;", "p = &i;", "--i;"})
    void aCounterChangedInTheBodyDoesNotBoundTheLoop(String change) {
        assertThat(versionedAsAWhole("for (int i = 0; i < 4; i++)", change.replace("p = &i;", "int *q = &i; *q = 0;"))).isFalse();
    }
}
