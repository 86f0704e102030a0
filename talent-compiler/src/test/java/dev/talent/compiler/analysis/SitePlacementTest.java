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
class SitePlacementTest {
    @TempDir
    Path dir;

    @Test
    void everyLoopBodyGetsASiteEvenALoopWrittenByAMacro() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #define REPEAT(n) for (int r_ = 0; r_ < (n); r_++)
                int main(void) {
                  int s = 0;
                  for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++) s += i * j;
                  while (s > 10) { s -= 3; }
                  do s++; while (s < 5);
                  REPEAT(2) s++;
                  return s;
                }
                """).analyze();
        // the unit is preprocessed: REPEAT's loop is an ordinary loop of the text
        assertThat(p.function("main").sites).extracting(s -> s.loop().kind())
                .containsExactly("ForStmt", "ForStmt", "WhileStmt", "DoStmt", "ForStmt");
        assertThat(p.diagnostics()).noneSatisfy(d -> assertThat(d.severity()).isEqualTo(Diagnostic.Severity.NOTE));
    }

    @Test
    void nonCompoundBodiesAreBraced() {
        String out = CProgram.in(dir).file("a.c", """
                int main(void) {
                  int s = 0;
                  for (int i = 0; i < 3; i++) if (i) s++; else s--;
                  return s;
                }
                """).instrumented("a.c");
        String loopLine = out.lines().filter(l -> l.contains("for (int i")).findFirst().orElseThrow();
        // the instrumented copy of the leaf loop: braces around site + original body, else-branch kept inside
        assertThat(loopLine).contains("talent_site_slow(0)").contains("s++; else s--; }");
        assertThat(CProgram.originalLines(out)).hasSize(5);
    }
}
