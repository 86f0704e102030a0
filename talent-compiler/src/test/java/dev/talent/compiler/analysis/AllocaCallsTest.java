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

/** alloca in functions that may checkpoint becomes a tracked block of the frame (docs/CODEGEN.md "alloca"). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AllocaCallsTest {
    @TempDir
    Path dir;

    private static final String FORMS = """
            #include <alloca.h>
            #include <stdio.h>
            struct pt { int x; long y; };
            static long fill(char *buf, int n) { long h = 0; for (int i = 0; i < n; i++) { buf[i] = 'a'; h += buf[i]; } return h; }
            static long work(int n) {
              char *buf = alloca(n + 1);
              struct pt *a = (struct pt *) __builtin_alloca(n * sizeof(struct pt));
              long acc = 0;
              for (int r = 0; r < n; r++) {
                int *tmp = alloca (4 * sizeof *tmp);
                tmp[0] = r;
                acc += fill(buf, n) + a[r % n].y + tmp[0];
              }
              return acc;
            }
            static int leaf(int n) { char *p = alloca(n + 1); p[0] = 1; return p[0]; }
            int main(void) { printf("%ld %d %ld\\n", work(3), leaf(2), fill(alloca(4), 4)); return 0; }
            """;

    @Test
    void eachFormBecomesATypedTrackedBlockOfTheFrame() {
        CProgram p = CProgram.in(dir).file("m.c", FORMS);
        String out = p.instrumented("m.c");
        List<String> lines = CProgram.originalLines(out);
        // the frame's list: a variable freed by its cleanup when the function returns; the function is not inlined
        assertThat(lines.get(4)).contains("__attribute__((noinline)) static long work(int n)")
                .contains("void *__talent_al __attribute__((cleanup(talent_alloca_release))) = 0;");
        // typed from the pointer it initialises, from the cast, from sizeof; the position says alloca
        assertThat(lines.get(5)).containsPattern("char \\*buf = talent_alloca\\(&__talent_al, n \\+ 1, &talent_td_\\d+, \"alloca:m.c:6:15\"\\)");
        assertThat(lines.get(6)).containsPattern("\\(struct pt \\*\\) talent_alloca\\(&__talent_al, n \\* sizeof\\(struct pt\\), &talent_td_\\d+, \"alloca:m.c:7:32\"\\)");
        assertThat(lines.get(9)).containsPattern("talent_alloca\\(&__talent_al, 4 \\* sizeof \\*tmp, &talent_td_\\d+, \"alloca:m.c:10:16\"\\)");
        // the list is a frame variable like any other: saved at every point (its address is taken)
        assertThat(out).contains("talent_save_mem(1, \"__talent_al\"").contains("talent_restore_mem(1, (void *)&__talent_al");
        // a function that does not checkpoint gets the same tracked blocks (freed at its return)
        assertThat(lines.get(15)).contains("talent_alloca(&__talent_al, n + 1, &talent_td_");
        // typed from the parameter it is passed as (fill's char *), then hoisted out of the chain call's arguments
        assertThat(lines.get(16)).containsPattern("__talent_t\\d+ = \\(talent_alloca\\(&__talent_al, 4, &talent_td_\\d+, \"alloca:m.c:17:");
        assertThat(out).doesNotContain("__talent_alloca_call(&").doesNotContain("= alloca(");
        // no clean clone (it would be inlined, and the runtime orders the frames' lists by their addresses)
        assertThat(out).doesNotContain("work__talent_clean").contains("fill__talent_clean");
        assertThat(out).containsPattern("\\{ \"alloca:m.c:7:32\", &talent_td_\\d+ \\}");
        p.compilesWithGcc("m.c");
    }

    @Test
    void aBlockWhoseTypeIsUnknownIsAWarningNamingTheCall() {
        List<Diagnostic> d = CProgram.in(dir).file("m.c", """
                #include <alloca.h>
                #include <string.h>
                static int work(int n) {
                  void *raw = alloca(n);
                  int s = 0;
                  for (int i = 0; i < n; i++) { memset(raw, i, n); s += i; }
                  return s;
                }
                int main(void) { return work(3); }
                """).compile().diagnostics();
        assertThat(d).anySatisfy(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.message()).contains("the block allocated by this alloca is untracked bytes");
        });
    }

    @Test
    void alignedFormsBecomeAlignedTrackedBlocksWhoseAlignmentIsInTheirPosition() {
        CProgram p = CProgram.in(dir).file("m.c", """
                #include <stdint.h>
                #include <stdio.h>
                #define AL(n) __builtin_alloca_with_align(n, 512)
                static long work(int n) {
                  double *v = __builtin_alloca_with_align(n * sizeof(double), 256);
                  char *c = __builtin_alloca_with_align (n, 8 * 64);
                  long *m = AL(n * sizeof(long));
                  long acc = 0;
                  for (int r = 0; r < n; r++) { v[r] = r; c[r] = 1; m[r] = r; acc += (long)v[r] + c[r] + m[r]; }
                  return acc + (((uintptr_t)v | (uintptr_t)c | (uintptr_t)m) % 32 == 0);
                }
                static int leaf(int n) { char *q = __builtin_alloca_with_align(n, 128); q[0] = 2; return q[0]; }
                int main(void) { printf("%ld %d\\n", work(3), leaf(2)); return 0; }
                """);
        String out = p.instrumented("m.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(3)).contains("__attribute__((noinline)) static long work(int n)")
                .contains("void *__talent_al __attribute__((cleanup(talent_alloca_release))) = 0;");
        // bits become bytes (a constant written with literals too), the size stays as written; typed as for malloc
        assertThat(lines.get(4)).containsPattern("double \\*v = talent_alloca_align\\(&__talent_al, n \\* sizeof\\(double\\), 32, "
                + "&talent_td_\\d+, \"alloca@32:m.c:5:15\"\\)");
        assertThat(lines.get(5)).containsPattern("char \\*c = talent_alloca_align\\(&__talent_al, n, 64, &talent_td_\\d+, "
                + "\"alloca@64:m.c:6:13\"\\)");
        // a call the program's macro wrote is in the expanded text like any other
        assertThat(lines.get(6)).containsPattern("talent_alloca_align\\(&__talent_al, n \\* sizeof\\(long\\), 64, &talent_td_\\d+, \"alloca@64:m.c:7:");
        assertThat(lines.get(11)).contains("talent_alloca_align(&__talent_al, n, 16, ");
        assertThat(out).doesNotContain("= __builtin_alloca_with_align(").contains("talent_save_mem(1, \"__talent_al\"");
        assertThat(out).containsPattern("\\{ \"alloca@32:m.c:5:15\", &talent_td_\\d+ \\}");
        p.compilesWithGcc("m.c");
    }

    @Test
    void formsLeftInTheStackAreRefusedInAFunctionThatMayCheckpointAndAllowedElsewhere() {
        List<Diagnostic> d = CProgram.in(dir).file("m.c", """
                #include <alloca.h>
                #include <assert.h>
                static int work(int n, int a) {
                  char *p = __builtin_alloca_with_align(n, 65536);
                  char *r = __builtin_alloca_with_align(n, 8 * sizeof(long));
                  for (int i = 0; i < n; i++) p[i] = r[i] = (char)i;
                  assert(alloca(n) != 0);
                  return p[1] + a;
                }
                static int leaf(int n) { char *q = __builtin_alloca_with_align(n, 65536); q[0] = 2; return q[0]; }
                int main(void) { return work(3, 1) + leaf(2); }
                """).rejection();
        assertThat(d).filteredOn(x -> x.message().contains("alloca in")).extracting(Diagnostic::line).containsOnly(4, 5, 7);
        assertThat(d).anySatisfy(x -> assertThat(x.message()).contains("'__builtin_alloca_with_align'")
                .contains("not sizeof or _Alignof, which differ between ISAs) from 8 bits to 4096 bytes"));
        assertThat(d).anySatisfy(x -> assertThat(x.message()).contains("inside the arguments of a library macro"));
    }
}
