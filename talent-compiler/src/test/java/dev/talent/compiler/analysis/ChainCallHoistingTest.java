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
class ChainCallHoistingTest {
    @TempDir
    Path dir;

    private static final String CHAIN = "int f(int n) { for (int i = 0; i < 2; i++) n++; return n; }\n"
            + "void g(int n) { while (n) n--; }\n";

    @Test
    void shapesFollowWhereTheCallIs() {
        CProgram p = CProgram.in(dir).file("a.c", CHAIN + """
                int main(void) {
                  int a = 1;
                  f(a);
                  a = f(a);
                  int y = f(a) + f(f(2));
                  while (f(a) < 10) a++;
                  for (int i = 0; f(i) < 5; i++) a += i;
                  if (a > 3) return f(a);
                  return 0;
                }
                """).analyze();
        List<Hoist> hs = p.function("main").hoists;
        assertThat(hs).extracting(Hoist::shape).containsExactly(Hoist.Shape.DIRECT, Hoist.Shape.DIRECT,
                Hoist.Shape.BEFORE_STATEMENT, Hoist.Shape.WHILE_CONDITION, Hoist.Shape.FOR_CONDITION,
                Hoist.Shape.BEFORE_STATEMENT);
        // evaluation order: f(a), then the inner f(2) before the outer f(...)
        Hoist decl = hs.get(2);
        assertThat(decl.calls()).extracting(Hoist.ChainCall::temp).containsExactly("__talent_t1", "__talent_t2", "__talent_t3");
        var innerArg = dev.talent.compiler.ast.Ast.strip(dev.talent.compiler.ast.Ast.callArguments(decl.calls().get(1).call()).getFirst());
        assertThat(innerArg.attr("value")).isEqualTo("2");
        var outerArg = dev.talent.compiler.ast.Ast.strip(dev.talent.compiler.ast.Ast.callArguments(decl.calls().get(2).call()).getFirst());
        assertThat(outerArg).isSameAs(decl.calls().get(1).call());
        // 8 chain calls and the sites of the while and for loops
        assertThat(p.function("main").points).hasSize(10);
    }

    @Test
    void rewrittenStatementsEvaluateCallsIntoTemporaries() {
        String out = CProgram.in(dir).file("a.c", CHAIN + """
                int main(void) {
                  int a = 1;
                  int y = f(a) + f(f(2));
                  return y;
                }
                """).instrumented("a.c");
        String line = CProgram.originalLines(out).get(4);
        assertThat(line).contains("__typeof__(f(a)) __talent_t1; __typeof__(f(2)) __talent_t2; __typeof__(f(__talent_t2)) __talent_t3;");
        assertThat(line.indexOf("__talent_t1 = f(a);")).isLessThan(line.indexOf("__talent_t2 = f(2);"));
        assertThat(line.indexOf("__talent_t2 = f(2);")).isLessThan(line.indexOf("__talent_t3 = f(__talent_t2);"));
        assertThat(line).endsWith("int y = __talent_t1 + __talent_t3;");
    }

    @Test
    void unhoistableCallsAreErrorsWithRemedies() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", CHAIN + """
                int main(void) {
                  int a = 1, b = 0;
                  b = a && f(a);
                  b = a ? f(a) : 0;
                  do { a--; } while (f(a) > 0);
                  for (int i = 0; i < 3; i = f(i)) b++;
                  b = f(a++);
                  b = (a = 2, f(a));
                  return b;
                }
                """).rejection();
        assertThat(d).filteredOn(x -> x.severity() == Diagnostic.Severity.ERROR).extracting(Diagnostic::line)
                .containsExactly(5, 6, 7, 8, 9, 10);
        assertThat(d).allSatisfy(x -> assertThat(x.remedy()).isNotBlank());
    }

    @Test
    void voidCallsInsideExpressionsNeedNoTemporary() {
        CProgram p = CProgram.in(dir).file("a.c", CHAIN + """
                int main(void) {
                  int a = 3;
                  a = (g(a), a + 1);
                  return a;
                }
                """).analyze();
        Hoist h = p.function("main").hoists.getFirst();
        assertThat(h.shape()).isEqualTo(Hoist.Shape.BEFORE_STATEMENT);
        assertThat(h.calls()).singleElement().satisfies(c -> {
            assertThat(c.isVoid()).isTrue();
            assertThat(c.temp()).isNull();
        });
    }
}
