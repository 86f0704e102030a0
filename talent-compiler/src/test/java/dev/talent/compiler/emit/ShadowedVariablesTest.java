package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, cause 11: a variable hidden at a point where it is needed; the hiding one is renamed. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ShadowedVariablesTest {
    @TempDir
    Path dir;

    @Test
    void theHidingVariableIsRenamedAndBothAreSaved() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int main(void) {
                  int i = 5, t = 0;
                  for (int k = 0; k < 3; k++) {
                    int i = k * 2;
                    while (i > k) t += i--;
                  }
                  return i + t;
                }
                """);
        String out = p.instrumented("a.c");
        List<String> l = CProgram.originalLines(out);
        p.compilesWithGcc("a.c");
        assertThat(l.get(3)).isEqualTo("    int i__talent_v3 = k * 2;");
        assertThat(l.get(4)).contains("while (i__talent_v3 > k) t += i__talent_v3--;");
        assertThat(out)
                .contains("TALENT_SAVE_INT(0, \"i\", \"a.c:2:7\", i, &talent_td_0);")
                .contains("TALENT_SAVE_INT(3, \"i\", \"a.c:4:9\", i__talent_v3, &talent_td_0);")
                .contains("TALENT_RESTORE_INT(0, i, &talent_td_0);").contains("TALENT_RESTORE_INT(3, i__talent_v3, &talent_td_0);");
        assertThat(l.get(6)).isEqualTo("  return i + t;");
    }

    @Test
    void aSiteInTheInnerScopeSavesTheRenamedVariableUnderItsOwnName() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int main(void) {
                  int i = 5, t = 0;
                  {
                    int i = 2;
                    for (int j = 0; j < 3; j++) t += i * j;
                  }
                  return i + t;
                }
                """);
        String out = p.instrumented("a.c");
        p.compilesWithGcc("a.c");
        // the checkpoint names the variable as written; the code names it by its new name
        assertThat(out).contains("TALENT_SAVE_INT(2, \"i\", \"a.c:4:9\", i__talent_v2, &talent_td_0);")
                .contains("TALENT_SAVE_INT(0, \"i\", \"a.c:2:7\", i, &talent_td_0);");
    }

    @Test
    void namesWrittenInMacrosOnBothSidesAreRenamedOnceExpanded() {
        // the unit is instrumented preprocessed (docs/CODEGEN.md, "Preprocessing"): both declarations are
        // ordinary text there, so the hiding one is renamed like any other
        CProgram p = CProgram.in(dir).file("a.c", """
                #define OUTER int i = 5
                #define INNER(x) int i = (x)
                int main(void) {
                  OUTER;
                  int t = 0;
                  { INNER(2); for (int j = 0; j < 3; j++) t += i * j; }
                  return i + t;
                }
                """);
        String out = p.instrumented("a.c");
        p.compilesWithGcc("a.c");
        assertThat(out).contains("i__talent_v").contains("TALENT_SAVE_INT(0, \"i\"");
    }
}
