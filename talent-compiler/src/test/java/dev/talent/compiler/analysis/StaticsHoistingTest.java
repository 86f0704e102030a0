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
}
