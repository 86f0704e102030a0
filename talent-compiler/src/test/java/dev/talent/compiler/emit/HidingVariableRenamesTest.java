package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HidingVariableRenames alone (OneEmitter); which variables FrameLiveness renames: ShadowedVariablesTest. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HidingVariableRenamesTest {
    @TempDir
    Path dir;

    @Test
    void theHidingVariableTakesItsCNameInItsDeclarationAndReferencesOnly() {
        var e = OneEmitter.of(dir, """
                int main(void) {
                  int i = 5, t = 0;
                  for (int k = 0; k < 3; k++) {
                    int i = k * 2;
                    while (i > k) t += i--;
                  }
                  return i + t;
                }
                """);
        HidingVariableRenames renames = new HidingVariableRenames(e.plan);
        for (var f : e.unit.functions()) renames.emit(f);
        assertThat(e.lines()).containsExactly(
                "int main(void) {",
                "  int i = 5, t = 0;",
                "  for (int k = 0; k < 3; k++) {",
                "    int i__talent_v3 = k * 2;",
                "    while (i__talent_v3 > k) t += i__talent_v3--;",
                "  }",
                "  return i + t;",
                "}");
    }

    @Test
    void aFunctionThatDoesNotCheckpointKeepsItsNames() {
        var e = OneEmitter.of(dir, """
                #pragma talent nocheckpoint
                int main(void) {
                  int i = 5, t = 0;
                  for (int k = 0; k < 3; k++) { int i = k; t += i; }
                  return i + t;
                }
                """);
        for (var f : e.unit.functions()) new HidingVariableRenames(e.plan).emit(f);
        assertThat(e.text()).isEqualTo(e.unit.tu().text());
    }
}
