package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapCallsTest {
    @TempDir
    Path dir;

    @Test
    void allocationsAreTrackedWithTheInferredElementType() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                #include <string.h>
                struct node { int v; struct node *next; };
                static struct node *make(void) { return malloc(sizeof(struct node)); }
                int main(void) {
                  struct node *n = malloc(sizeof *n);
                  double *d;
                  d = calloc(4, sizeof *d);
                  long *l = (long *)realloc(0, 16);
                  void *raw = malloc(10);
                  char *s = strdup("x");
                  n = realloc(n, 2 * sizeof *n);
                  free(n); free(d); free(l); free(raw); free(s); free(make());
                  return 0;
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(3)).contains("return talent_malloc(sizeof(struct node), &talent_td_").contains(", \"a.c:4:41\");");
        assertThat(lines.get(5)).contains("struct node *n = talent_malloc(sizeof *n, &talent_td_").endsWith(", \"a.c:6:20\");");
        assertThat(lines.get(7)).contains("d = talent_calloc(4, sizeof *d, &talent_td_");
        assertThat(lines.get(8)).contains("(long *)talent_realloc(0, 16, &talent_td_");
        assertThat(lines.get(9)).isEqualTo("  void *raw = talent_malloc(10, 0, \"a.c:10:15\");");
        assertThat(lines.get(10)).isEqualTo("  char *s = talent_strdup(\"x\", \"a.c:11:13\");");
        assertThat(lines.get(12)).isEqualTo("  talent_free(n); talent_free(d); talent_free(l); talent_free(raw); talent_free(s); talent_free(make());");
        assertThat(out).contains("static const talent_alloc_site talent_unit_0_alloc_sites[] = {\n  { \"a.c:4:41\", &talent_td_")
                .contains("TALENT_STRUCT_TYPE(struct node, \"struct node\"")
                .contains("TALENT_FLOAT_TYPE(double, \"double\")")
                .contains("TALENT_INT_TYPE(long, \"long\")")
                .doesNotContain("{ \"a.c:10:15\"");
    }

    @Test
    void aUserFunctionNamedLikeTheAllocatorIsLeftAlone() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stddef.h>
                static char pool[64];
                void *malloc(size_t n) { (void)n; return pool; }
                int main(void) { char *p = malloc(4); return p != 0; }
                """).instrumented("a.c");
        assertThat(CProgram.originalLines(out).get(3)).isEqualTo("int talent_user_main(void) { char *p = malloc(4); return p != 0; }");
    }
}
