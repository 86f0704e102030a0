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

/**
 * GNU statement expressions that may checkpoint are moved out of their expression (docs/CODEGEN.md "Statement
 * expressions"): their statements become a block before the statement, their value a temporary. Before, every call of a
 * function that may checkpoint inside one was refused at build time.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StatementExpressionsTest {
    @TempDir
    Path dir;

    private static final String WORK = """
            #define MAX_OF(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
            #define TRY(e) ({ int _r = (e); if (_r < 0) return _r; _r; })
            long work(int n) { long s = 0; for (int k = 0; k < n; k++) s += k; return s; }
            """;

    @Test
    void macroStatementExpressionsBecomeBlocksBeforeTheirStatement() {
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                int run(int i, int j) {
                  long m = MAX_OF(work(i), work(j));
                  int c = TRY((int)work(i) - 3);
                  while (({ long w = work(j); w < 0; })) j++;
                  for (int k = 0; ({ long z = work(k); k < 2 && z >= 0; }); k++) m += k;
                  if (i)
                    m += ({ long acc = 0; for (int q = 0; q < i; q++) acc += work(q); acc; });
                  return (int)m + c;
                }
                int main(void) { return run(3, 4) > 0 ? 0 : 1; }
                """);
        List<String> lines = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        // each statement keeps its line; the statement expression's statements are on it, before the statement
        assertThat(lines).hasSize(13);
        assertThat(lines.get(4)).contains("long __talent_se1; {").contains("__talent_se1 = (_a > _b ? _a : _b); }")
                .endsWith("long m = __talent_se1;").doesNotContain("({");
        assertThat(lines.get(5)).contains("if (_r < 0) return _r; __talent_se2 = (_r); }").endsWith("int c = __talent_se2;");
        // a loop condition is evaluated at the top of the loop's body, so that continue still reaches it
        assertThat(lines.get(6)).startsWith("  for (;;) {").contains("if (!(__talent_se3)) break;");
        assertThat(lines.get(7)).startsWith("  for (int k = 0; ; k++) {").contains("if (!(__talent_se4)) break;");
        // an if's branch that is not a block gets braces around the moved block and the statement
        assertThat(lines.get(9)).startsWith("    { long __talent_se5; {").endsWith("m += __talent_se5; }");
        // the loop inside the statement expression is a site of run
        assertThat(p.analyze().unit("a.c").function("run").sites).hasSizeGreaterThanOrEqualTo(3);
    }

    /**
     * Statement expressions evaluated only in some cases or again each round: their operator becomes an {@code if}, the
     * loop evaluates its do-while condition or for increment at the top of its body; the next round moves them as above.
     * Before, each was refused ("... it is the right operand of '&&' ...").
     */
    @Test
    void conditionalPositionsBecomeIfsAndLoopHeadersMoveIntoTheBody() {
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                int main(void) {
                  int a = 1; long b = 0;
                  b = a && ({ long t = work(a); t + 1; });
                  b = a ? ({ long t = work(a); t; }) : 0;
                  b += (a++, ({ long t = work(a); t; }));
                  do { a--; if (a == 2) continue; } while (({ long t = work(a); t > 5; }));
                  for (int k = 0; k < 3; k += ({ int t = (int)work(k); t + 1; })) { if (k == 1) continue; b++; }
                  if (a > 0 || MAX_OF(work(a), 3) > 2) b--;
                  return (int)b;
                }
                """);
        List<String> lines = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        assertThat(lines).hasSize(13);
        for (int i = 5; i <= 10; i++) assertThat(lines.get(i)).as("line " + (i + 1)).doesNotContain("({");
        // the right operand of && runs in the if's branch
        assertThat(lines.get(5)).containsPattern("int (__talent_se\\d+) = 0; if \\(a \\) \\{.*long t = __talent_t\\d+;.*\\1 = \\(\\(");
        assertThat(lines.get(6)).containsPattern("if \\(a \\) \\{.*long t = __talent_t\\d+;.*\\} else \\{");
        // do-while: the condition at the top of the body from the second round on
        assertThat(lines.get(8)).containsPattern("for \\(int (__talent_se\\d+) = 0; ; \\1 = 1\\) \\{.* if \\(\\1\\) \\{.*\\) break; \\}  \\{ a--;");
        // for: the increment, then the condition, at the top of the body from the second round on
        assertThat(lines.get(9)).containsPattern("\\{ int (__talent_se\\d+) = 0; for \\(int k = 0; +; \\1 = 1\\) \\{.* if \\(\\1\\) \\{.*\\} if \\(!\\(k < 3\\)\\) break; \\{ if \\(k == 1\\) continue;");
        assertThat(lines.get(10)).containsPattern("int (__talent_se\\d+) = 1; if \\(!\\(a > 0 \\)\\) \\{");
    }

    @Test
    void whatCannotMoveIsRefusedWithTheReason() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", WORK + """
                int main(void) {
                  int a = 1; long b = 0;
                  long x = 1, y = ({ long t = work(3); t + x; });
                  long z = a ? ({ long t = work(a); t; }) : 3000000000;
                  return (int)(b + y + z);
                }
                """).rejection();
        List<Diagnostic> errors = d.stream().filter(x -> x.severity() == Diagnostic.Severity.ERROR).toList();
        assertThat(errors).extracting(Diagnostic::line).containsExactly(6, 7);
        assertThat(errors.get(0).message()).contains("reads 'x', declared by the same declaration");
        // 3000000000 is a long on x86_64 and a long long on i686
        assertThat(errors.get(1).message()).contains("it is an arm of '?:', evaluated only when chosen, and talent cannot "
                + "name the type 'long' of the '?:' alike on every ISA");
        assertThat(d).allSatisfy(x -> assertThat(x.remedy()).isNotBlank());
    }

    /**
     * Refused until 2026-12-06 (h/elvis): a break or continue of the loop around a loop whose header holds it in a
     * statement expression (it becomes a goto to a label after that loop whose statement is the break or continue again),
     * a '?:' of unsigned int and long (long here, unsigned long on i686: typed by each ISA's gcc), GNU a ?: b with a
     * statement expression in b (a once, b only when a is zero).
     */
    @Test
    void loopHeaderJumpsTypesThatDifferPerIsaAndGnuConditionalsAreRewritten() {
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                int main(void) {
                  int a = 1; long b = 0;
                  while (a < 9) { while (({ long t = work(a); if (t > 100) break; t < 50; })) a++; a++; }
                  long z = a ? ({ unsigned u = (unsigned)work(a); u; }) : 1L;
                  while (a < 12) { do a++; while (({ long t = work(a); if (t > 100) continue; t < 50; })); }
                  b += a ?: ({ long t = work(a); t; });
                  return (int)(b + z);
                }
                """);
        List<String> lines = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        assertThat(lines).hasSize(11);
        for (int i = 5; i <= 8; i++) assertThat(lines.get(i)).as("line " + (i + 1)).doesNotContain("({");
        assertThat(lines.get(5)).containsPattern("\\{ __label__ (__talent_se\\d+b); .*if \\(t > 100\\) goto \\1;.* if \\(0\\) \\{ \\1: break; \\} \\}");
        assertThat(lines.get(6)).contains("__typeof__(1 ? (unsigned int)0 : (long)0)");
        assertThat(lines.get(7)).containsPattern("\\{ __label__ (__talent_se\\d+k); .*if \\(t > 100\\) goto \\1;.* if \\(0\\) \\{ \\1: continue; \\} \\}");
        assertThat(lines.get(8)).containsPattern("if \\(!\\((__talent_se\\d+) = \\(a \\)\\)\\) \\{.*long t = __talent_t\\d+;");
    }
}
