package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ScopeAnalysisTest {
    @TempDir
    Path dir;

    @Test
    void onlyDeclarationsVisibleAtThePointAreSaved() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int main(void) {
                  int buf[4] = {0};
                  for (int i = 0; i < 4; i++) {
                    int inner[2] = {0};
                    buf[i] = inner[0];
                  }
                  int after[3] = {0};
                  return buf[0] + after[0];
                }
                """).analyze();
        // arrays are address-taken; inner and after are not in scope at the loop head
        assertThat(p.saved("main", 0)).containsExactly("buf", "i");
    }

    @Test
    void aShadowedVariableThatIsNeededIsSavedAndTheHidingOneRenamed() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int main(void) {
                  int x = 1;
                  {
                    int x = 2;
                    while (x < 5) x++;
                  }
                  return x;
                }
                """).analyze();
        assertThat(p.saved("main", 0)).containsExactly("x", "x");
        assertThat(p.function("main").variables).extracting(v -> v.cName).containsExactly("x", "x__talent_v1");
    }

    @Test
    void variableIdsArePositionalWithTemporariesBeforeTheirStatement() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int f(int n) { while (n > 1) n--; return n; }
                int main(int argc, char **argv) {
                  int a = argc;
                  int y = f(a) + f(2);
                  static int s;
                  int z = y;
                  return z + s;
                }
                """).analyze();
        assertThat(p.variables("main")).containsExactly("argc", "argv", "a", "__talent_t1", "__talent_t2", "y", "z");
    }
}
