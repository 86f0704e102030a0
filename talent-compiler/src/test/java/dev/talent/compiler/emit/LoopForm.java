package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.List;

/** How a loop with a leaf loop inside it is emitted, for tests of the header rules (ShortLoops, StripMining). */
final class LoopForm {
    enum Form { SHORT_NEST, STRIP_MINED, INNER_LOOP_VERSIONED }

    private LoopForm() {}

    /**
     * Instruments {@code header { extraInBody; for (j < n) s += j; }} in a function with locals s (address
     * taken), k, parameters n, i and a global g, and says which form the outer loop took.
     */
    static Form of(Path dir, String header, String extraInBody) {
        String out = CProgram.in(dir).file("a.c", """
                int g;
                int f(int n, int i) {
                  int s = 0, k, *p = &s;
                  %s {
                    %s
                    for (int j = 0; j < n; j++) s += j;
                  }
                  return s + *p;
                }
                int main(void) { return f(3, 0); }
                """.formatted(header, extraInBody)).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        boolean nest = lines.get(3).contains("if (__builtin_expect(!talent_pending, 1)) { " + header.strip());
        boolean strip = lines.get(3).contains("; ) { if (__builtin_expect(!talent_pending, 1)) { ") && lines.get(3).contains("__talent_e");
        // a strip keeps its inner loop versioned too
        boolean inner = !strip && lines.get(5).contains("!talent_pending");
        assertThat((nest ? 1 : 0) + (strip ? 1 : 0) + (inner ? 1 : 0)).as("exactly one form:\n" + out).isEqualTo(1);
        return nest ? Form.SHORT_NEST : strip ? Form.STRIP_MINED : Form.INNER_LOOP_VERSIONED;
    }
}
