package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Variable-length arrays in functions that may checkpoint (issue 11, cause 6; docs/CODEGEN.md). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class VariableLengthArraysTest {
    @TempDir
    Path dir;

    private static final String WORK = "int work(int n) { for (int i = 0; i < n; i++) n--; return n; }\n";

    @Test
    void aVlaWhoseScopeHoldsNoPointIsAcceptedAndNoJumpEntersItsScope() {
        CProgram p = CProgram.in(dir).file("a.c", "#include <string.h>\n" + WORK + """
                int main(int argc, char **argv) {
                  int s = work(argc);
                  {
                    int v[argc + 3];
                    memset(v, 0, sizeof v);
                    s += v[0] + (int)sizeof v;
                  }
                  (void)argv;
                  return s + work(2);
                }
                """);
        p.compile();
        p.compilesWithGcc("a.c").analyze();
        assertThat(p.function("main").chain).isTrue();
        assertThat(p.function("main").points).hasSize(2);
    }

    @Test
    void aVlaInScopeAtASiteIsRefusedNamingThePoint() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                int main(int argc, char **argv) {
                  int v[argc + 3];
                  for (int i = 0; i < argc + 3; i++) v[i] = i;
                  (void)argv;
                  return v[0];
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(2);
            assertThat(x.message()).contains("variable-length array 'v' is in scope at a checkpoint point (a.c:3:")
                    .contains("which C forbids");
            assertThat(x.remedy()).contains("fixed size");
        });
    }

    @Test
    void aPointerToAVlaInScopeAtAChainCallIsRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", WORK + """
                int main(int argc, char **argv) {
                  int (*rows)[argc] = (int (*)[argc])argv;
                  int r = work(argc);
                  return r + (rows != 0);
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(3);
            assertThat(x.message()).contains("variable-length array 'rows' is in scope at a checkpoint point (a.c:4:");
        });
    }

    @Test
    void aVlaInAFunctionThatCannotCheckpointIsAccepted() {
        CProgram p = CProgram.in(dir).file("a.c", """
                static int sum(int n) { int v[n + 1]; v[0] = n; return v[0]; }
                int main(void) { return sum(3); }
                """).analyze();
        assertThat(p.function("sum").chain).isFalse();
    }

    @Test
    void variablyModifiedTypesAreRecognisedThroughArraysAndPointers() {
        assertThat(VariableLengthArrays.isVariablyModified("int[n + 1]")).isTrue();
        assertThat(VariableLengthArrays.isVariablyModified("int (*)[n]")).isTrue();
        assertThat(VariableLengthArrays.isVariablyModified("double[4][m]")).isTrue();
        assertThat(VariableLengthArrays.isVariablyModified("int[16]")).isFalse();
        assertThat(VariableLengthArrays.isVariablyModified("char *")).isFalse();
    }
}
