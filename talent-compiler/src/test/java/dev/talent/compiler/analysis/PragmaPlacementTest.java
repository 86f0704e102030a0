package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PragmaPlacementTest {
    @TempDir
    Path dir;

    @Test
    void checkpointPragmaBetweenStatementsBecomesASite() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int work(int n) {
                  int s = n;
                  #pragma talent checkpoint
                  s++;
                  if (s) {
                    #pragma talent checkpoint
                  }
                  return s;
                }
                int main(void) { return work(2); }
                """).analyze();
        FunctionModel work = p.function("work");
        assertThat(work.sites).hasSize(2).allMatch(s -> s.pragma() != null);
        assertThat(work.sites.get(0).anchor().kind()).isEqualTo("UnaryOperator");
        assertThat(work.sites.get(1).anchor()).isNull();
        assertThat(work.chain).isTrue();
        assertThat(p.function("main").chain).isTrue();
    }

    /** A pragma closing a block has no statement after it: its point is placed at the block (it crashed the table). */
    @Test
    void aCheckpointPragmaAtTheEndOfABlockCompilesAndIsPlacedAtTheBlock() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int work(int n) {
                  int s = n;
                  s++;
                  if (s) {
                    #pragma talent checkpoint
                  }
                  return s;
                }
                int main(void) { return work(2); }
                """);
        p.compile();
        p.compilesWithGcc("a.c").analyze();
        assertThat(p.points()).anySatisfy(pt -> assertThat(pt.positionNode.kind()).isEqualTo("CompoundStmt"));
    }

    @Test
    void misplacedPragmasAreErrorsAtTheirLine() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                #pragma talent checkpoint
                int f(int x) {
                  return x +
                  #pragma talent checkpoint
                    1;
                }
                #pragma talent nocheckpoint
                int g;
                int main(void) { return f(g); }
                """).rejection();
        assertThat(d).extracting(Diagnostic::line).containsExactly(1, 4, 7);
        assertThat(d).allMatch(x -> x.severity() == Diagnostic.Severity.ERROR && !x.remedy().isEmpty());
    }

    @Test
    void nocheckpointBeforeAFunctionOrALoopExcludesIt() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #pragma talent nocheckpoint
                static int quiet(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }
                int main(void) {
                  int s = 0;
                  #pragma talent nocheckpoint
                  for (int i = 0; i < 3; i++) s += quiet(i);
                  while (s > 100) s--;
                  return s;
                }
                """).analyze();
        assertThat(p.function("quiet").noCheckpoint).isTrue();
        assertThat(p.function("quiet").chain).isFalse();
        assertThat(p.function("quiet").sites).isEmpty();
        assertThat(p.function("main").sites).singleElement().satisfies(s -> assertThat(s.loop().kind()).isEqualTo("WhileStmt"));
    }
}
