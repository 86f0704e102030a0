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
 * A live va_list is never saved: the regions where one is live are bracketed with the runtime's no-checkpoint
 * counter, and what lies in them is no resume point (docs/CODEGEN.md "va_list regions"; issue 11).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VaListBracketsTest {
    @TempDir
    Path dir;

    /** Lua's shapes: a printf-like helper over a va_list parameter, callers with va_start/va_end around it. */
    private static final String PRINTF_LIKE = """
            #include <stdarg.h>
            #include <stdio.h>
            static long work(int n) { long s = 0; for (int i = 0; i < n; i++) s += i % 7; return s; }
            static int vfmt(char *out, const char *f, va_list ap) {
              int n = 0;
              for (const char *p = f; *p; p++) n += sprintf(out + n, "%ld", va_arg(ap, int) + work(5));
              return n;
            }
            static int fmt(char *out, const char *f, ...) {
              va_list ap;
              work(3);
              va_start(ap, f);
              int n = vfmt(out, f, ap);
              if (n > 100) { va_end(ap); return -1; }
              va_end(ap);
              return n + (int)work(2);
            }
            static int twice(char *out, const char *f, ...) {
              va_list ap, aq;
              int n = 0;
              for (int r = 0; r < 2; r++) {
                work(r);
                va_start(ap, f);
                va_copy(aq, ap);
                n += vfmt(out, f, aq);
                va_end(aq);
                va_end(ap);
              }
              return n;
            }
            int main(void) { char b[64]; long t = 0; for (int i = 0; i < 9; i++) t += fmt(b, "ab", i, i) + twice(b, "a", i);
              printf("%ld\\n", t); return 0; }
            """;

    @Test
    void aFunctionWithAVaListParameterIsOneRegionAndNoChainFunction() {
        CProgram p = CProgram.in(dir).file("m.c", PRINTF_LIKE).analyze();
        FunctionModel vfmt = p.function("vfmt");
        assertThat(vfmt.vaRegions).hasSize(1);
        // its loop gets no site and its call of work() is no chain call: it never checkpoints, so no caller's
        // call of it is a resume point either
        assertThat(vfmt.chain).isFalse();
        assertThat(vfmt.sites).isEmpty();
        assertThat(p.function("work").chain).isTrue();
    }

    @Test
    void pointsOutsideTheRegionsStayAndSaveNoVaList() {
        CProgram p = CProgram.in(dir).file("m.c", PRINTF_LIKE).analyze();
        FunctionModel fmt = p.function("fmt");
        assertThat(fmt.chain).isTrue();
        // work(3) before va_start and work(2) after va_end are resume points; vfmt(...) between them is none
        assertThat(fmt.points).hasSize(2);
        for (int i = 0; i < fmt.points.size(); i++) assertThat(p.saved("fmt", i)).doesNotContain("ap");
        // va_start writes ap: not live before it, although the call reads its argument
        assertThat(p.saved("fmt", 0)).contains("__talent_vas");
        FunctionModel twice = p.function("twice");
        assertThat(twice.points).isNotEmpty();
        for (int i = 0; i < twice.points.size(); i++) assertThat(p.saved("twice", i)).doesNotContain("ap", "aq");
    }

    @Test
    void theBracketsAreOnTheOriginalLinesAndCompileWithoutWarnings() {
        CProgram p = CProgram.in(dir).file("m.c", PRINTF_LIKE);
        String out = p.instrumented("m.c");
        List<String> lines = CProgram.originalLines(out);
        // the parameter's function adds 1 at entry; the cleanup puts the entry value back at every return
        assertThat(lines.get(3)).contains("int __talent_vas __attribute__((cleanup(talent_va_leave))) = talent_va_enter(&__talent_vas, 1);");
        assertThat(lines.get(8)).contains("talent_va_enter(&__talent_vas, 0); unsigned char __talent_vo_1 = 0;");
        assertThat(lines.get(11)).contains("(va_start(ap, f), __talent_vo_1 = 1, talent_suspended = __talent_vas + 0 + __talent_vo_1);");
        // an early return leaves through the cleanup; each va_end clears its flag
        assertThat(lines.get(13)).contains("(va_end(ap), __talent_vo_1 = 0, talent_suspended = __talent_vas + 0 + __talent_vo_1); return -1;");
        assertThat(lines.get(14)).contains("(va_end(ap), __talent_vo_1 = 0,");
        // two va_lists: the counter is the entry value plus the open ones, whatever the order
        assertThat(out).contains("(va_copy(aq, ap), __talent_vo_2 = 1, talent_suspended = __talent_vas + 0 + __talent_vo_1 + __talent_vo_2)");
        // vfmt is no chain function: no prologue, no resume label
        assertThat(lines.get(3)).doesNotContain("talent_resume_point");
        p.compilesWithGcc("m.c");
    }

    @Test
    void aVaListLiveWhereNoRegionCanBeDelimitedIsStillRefusedByName() {
        List<Diagnostic> d = CProgram.in(dir).file("m.c", """
                #include <stdarg.h>
                #include <stdio.h>
                static long work(int n) { long s = 0; for (int i = 0; i < n; i++) s += i % 7; return s; }
                static int first(int n, ...) {
                  va_list ap;
                  int t = 0;
                  if (n > 0) va_start(ap, n);
                  t += (int)work(n);
                  if (n > 0) { t += va_arg(ap, int); va_end(ap); }
                  return t;
                }
                int main(void) { printf("%d\\n", first(2, 5)); return 0; }
                """).rejection();
        // va_start in an if's branch starts no region: the stop at work(n) would need ap
        assertThat(d).anySatisfy(x -> assertThat(x.message()).contains("variable 'ap' is a va_list needed after a point"));
    }

    @Test
    void aCheckpointPragmaInsideARegionIsIgnoredWithAWarning() {
        CProgram p = CProgram.in(dir).file("m.c", """
                #include <stdarg.h>
                static long work(int n) { long s = 0; for (int i = 0; i < n; i++) s += i % 7; return s; }
                static long sum(int n, ...) {
                  va_list ap;
                  long t = 0;
                  va_start(ap, n);
                  for (int i = 0; i < n; i++) {
                #pragma talent checkpoint
                    t += va_arg(ap, int) + work(i);
                  }
                  va_end(ap);
                  return t;
                }
                int main(void) { return (int)sum(3, 1, 2, 3) == 0; }
                """).analyze();
        assertThat(p.diagnostics()).anySatisfy(x -> assertThat(x.message())
                .contains("checkpoint pragma where a va_list is live"));
        assertThat(p.function("sum").chain).isFalse();
    }
}
