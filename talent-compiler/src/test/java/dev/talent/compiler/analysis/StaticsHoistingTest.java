package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StaticsHoistingTest {
    @TempDir
    Path dir;

    @Test
    void functionStaticsMoveToFileScopeOnTheFunctionsLineAndAreRenamed() {
        String out = CProgram.in(dir).file("a.c", """
                int counter(void) {
                  static int calls = 0, *last = &calls;
                  calls++;
                  return *last;
                }
                int main(void) { return counter(); }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        assertThat(lines.get(0)).isEqualTo("static int __talent_s_counter_calls = 0, *__talent_s_counter_last = &__talent_s_counter_calls; int counter(void) {");
        assertThat(lines.get(1)).isBlank();
        assertThat(lines.get(2)).contains("__talent_s_counter_calls++;");
        assertThat(out).contains("{ \"a.c:__talent_s_counter_calls\", \"calls\", \"a.c:2:14\", (void *)&__talent_s_counter_calls,");
        assertThat(out).contains("{ \"a.c:__talent_s_counter_last\", \"last\",");
    }

    @Test
    void aStaticOfALocalTypeIsRejected() {
        var d = CProgram.in(dir).file("a.c", """
                int main(void) {
                  struct local { int v; };
                  static struct local keep;
                  return keep.v;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(e -> assertThat(e.line()).isEqualTo(3));
    }

    /**
     * clzip 1.13 (survey of 2026-12-03): {@code enum { bufsize = 16 }; static char buf[bufsize];} moved as written
     * made gcc reject the generated file ({@code 'bufsize' undeclared here}); it is now spelled from its type.
     */
    @Test
    void aStaticWhoseSizeIsALocalEnumConstantIsSpelledFromItsType() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                const char *format(unsigned n) {
                  enum { buffers = 2, bufsize = 16 };
                  static char buf[buffers][bufsize];
                  static int current = 0;
                  char *b = buf[current++]; current %= buffers;
                  snprintf(b, bufsize, "%u", n);
                  return b;
                }
                int main(void) { return format(7)[0] != '7'; }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        assertThat(lines.get(1)).startsWith("static char __talent_s_format_buf[2][16]; static int __talent_s_format_current = 0; ");
        assertThat(out).contains("{ \"a.c:__talent_s_format_buf\", \"buf\", \"a.c:4:15\"");
    }

    @Test
    void aStaticWhoseInitialiserNamesALocalIsRejectedNamingIt() {
        var d = CProgram.in(dir).file("a.c", """
                int main(void) {
                  enum { start = 3 };
                  static int n = start;
                  return n++;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.message()).contains("'n' refers to 'start'");
        });
    }

    @Test
    void namesInStringsAndMemberDesignatorsAreNotLocalReferences() {
        String out = CProgram.in(dir).file("a.c", """
                struct p { int len; const char *s; };
                int main(void) {
                  int len = 2;
                  static struct p keep = { .len = 4, .s = "len" };
                  return keep.len - len - 2;
                }
                """).instrumented("a.c");
        assertThat(CProgram.originalLines(out).get(1))
                .startsWith("static struct p __talent_s_main_keep = { .len = 4, .s = \"len\" }; ");
    }
}
