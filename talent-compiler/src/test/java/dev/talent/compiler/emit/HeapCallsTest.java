package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
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
                static void *malloc(size_t n) { (void)n; return pool; }
                int main(void) { char *p = malloc(4); return p != 0; }
                """).instrumented("a.c");
        assertThat(CProgram.originalLines(out).get(3)).isEqualTo("int talent_user_main(void) { char *p = malloc(4); return p != 0; }");
    }

    @Test
    void eachInferenceSourceGivesTheElementType() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                typedef struct { int a; } pair;
                struct node { struct node *next; };
                int main(void) {
                  void *p1 = malloc(10 * sizeof(pair));
                  void *p2 = calloc(3, sizeof(short));
                  struct node *n = malloc(64);
                  void *p3 = (struct node **)malloc(64);
                  void *p4 = malloc(sizeof *n);
                  free(p1); free(p2); free(n); free(p3); free(p4);
                  return 0;
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        String pair = descriptorNamed(out, "TALENT_STRUCT_TYPE(pair, \"pair\"");
        String shortT = descriptorNamed(out, "TALENT_INT_TYPE(short, \"short\")");
        String node = descriptorNamed(out, "TALENT_STRUCT_TYPE(struct node, \"struct node\"");
        String nodePtr = descriptorNamed(out, "TALENT_PTR_TYPE_TO(struct node *, \"struct node *\"");
        assertThat(lines.get(4)).as("n * sizeof(T)").isEqualTo("  void *p1 = talent_malloc(10 * sizeof(pair), &" + pair + ", \"a.c:5:14\");");
        assertThat(lines.get(5)).as("sizeof(T) in calloc").isEqualTo("  void *p2 = talent_calloc(3, sizeof(short), &" + shortT + ", \"a.c:6:14\");");
        assertThat(lines.get(6)).as("initialised pointer").isEqualTo("  struct node *n = talent_malloc(64, &" + node + ", \"a.c:7:20\");");
        assertThat(lines.get(7)).as("cast").isEqualTo("  void *p3 = (struct node **)talent_malloc(64, &" + nodePtr + ", \"a.c:8:30\");");
        assertThat(lines.get(8)).as("sizeof *p").isEqualTo("  void *p4 = talent_malloc(sizeof *n, &" + node + ", \"a.c:9:14\");");
        assertThat(out).contains("{ \"a.c:5:14\", &" + pair + " },").contains("{ \"a.c:8:30\", &" + nodePtr + " },");
    }

    /**
     * The value of {@code ?:} and of a comma is the call's, so its context types the block: tinycdb's
     * {@code buf = (unsigned char*)(buf ? realloc(buf, len) : malloc(len));} was untyped (a false refusal at the
     * restore on another layout); the condition of a {@code ?:} is no such context.
     */
    @Test
    void theContextTypesABlockThroughConditionalsAndCommas() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                int main(int argc, char **argv) {
                  unsigned char *buf = 0;
                  buf = (unsigned char *)(buf ? realloc(buf, 8) : malloc(8));
                  long *l = argc > 1 ? (argv, malloc(16)) : 0;
                  int ok = malloc(4) ? 1 : 0;
                  free(buf); free(l);
                  return ok;
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        String uchar = descriptorNamed(out, "TALENT_INT_TYPE(unsigned char, \"unsigned char\")");
        String longT = descriptorNamed(out, "TALENT_INT_TYPE(long, \"long\")");
        assertThat(lines.get(3)).as("both branches under the cast").isEqualTo("  buf = (unsigned char *)(buf ? talent_realloc(buf, 8, &"
                + uchar + ", \"a.c:4:33\") : talent_malloc(8, &" + uchar + ", \"a.c:4:51\"));");
        assertThat(lines.get(4)).as("the right of a comma in a branch").contains("(argv, talent_malloc(16, &" + longT + ", \"a.c:5:31\"))");
        assertThat(lines.get(5)).as("a condition is no context").contains("talent_malloc(4, 0, ");
    }

    /** The name of the shared descriptor whose definition starts with the given initialiser. */
    private static String descriptorNamed(String out, String initialiser) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("static const talent_type (talent_td_\\d+) = "
                + java.util.regex.Pattern.quote(initialiser)).matcher(out);
        assertThat(m.find()).as("descriptor " + initialiser + " in\n" + out).isTrue();
        return m.group(1);
    }

    /**
     * {@code malloc(sizeof(struct s) + n)} with a struct ending in an array is one struct whose array runs on past its
     * end (the struct hack), not an array of structs: typed as the struct and allocated through the runtime's
     * {@code _trailing} entry points, which cut the array to the block (docs/FORMAT.md "HEAP"). A struct with a
     * flexible array member is one whatever the size (and its member is described as an array of no elements); an
     * array of structs whose last array has a declared length is not one.
     */
    @Test
    void theStructHackAndFlexibleArrayMembersAreOneStructWithATrailingArray() throws Exception {
        CProgram program = CProgram.in(dir).file("a.c", """
                #include <stddef.h>
                #include <stdlib.h>
                struct s { int n; char c; char d[1]; };
                struct t { int n; char d[4]; int last; };
                struct f { long n; double v[]; };
                int main(int argc, char **argv) {
                  struct s *a = malloc(sizeof(struct s) + 16);
                  struct s *b = malloc(offsetof(struct s, d) + 9);
                  struct s *c = malloc(4 * sizeof *c);
                  struct t *e = malloc(sizeof(struct t) + 8);
                  struct f *g = malloc(sizeof *g + argc * sizeof g->v[0]);
                  struct f *h = malloc((size_t)argc * 8 + 8);
                  g = realloc(g, sizeof *g + 2 * argc * sizeof g->v[0]);
                  (void)argv;
                  free(a); free(b); free(c); free(e); free(g); free(h);
                  return 0;
                }
                """);
        CompileResult r = program.compile();
        String out = Files.readString(r.instrumentedSources().getFirst());
        List<String> lines = CProgram.originalLines(out);
        assertThat(r.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.WARNING).isEmpty();
        String s = descriptorNamed(out, "TALENT_STRUCT_TYPE(struct s, \"struct s\"");
        String f = descriptorNamed(out, "TALENT_STRUCT_TYPE(struct f, \"struct f\"");
        assertThat(lines.get(6)).contains("talent_malloc_trailing(sizeof(struct s) + 16, &" + s + ", ");
        assertThat(lines.get(7)).contains("talent_malloc_trailing(offsetof(struct s, d) + 9, &" + s + ", ");
        assertThat(lines.get(8)).as("an array of them").contains("talent_malloc(4 * sizeof *c, &" + s + ", ");
        assertThat(lines.get(9)).as("the last member is not an array: one struct followed by other data")
                .contains("talent_malloc_head(sizeof(struct t) + 8, &");
        assertThat(lines.get(10)).contains("talent_malloc_trailing(sizeof *g + argc * sizeof g->v[0], &" + f + ", ");
        assertThat(lines.get(11)).as("a flexible array member, any size").contains("talent_malloc_trailing((size_t)argc * 8 + 8, &" + f + ", ");
        assertThat(lines.get(12)).contains("talent_realloc_trailing(g, sizeof *g + 2 * argc * sizeof g->v[0], &" + f + ", ");
        assertThat(out).as("the flexible array member: an array of no elements")
                .containsPattern("static const talent_type talent_td_\\d+_fam = \\{ TALENT_K_ARRAY, \"double\\[\\]\", 0, &talent_td_\\d+, 0, 0, 0, 0 \\};");
    }

    /**
     * A size {@code sizeof(T) + n}, n not a whole number of {@code T} the compiler can see, of a struct or union that
     * does not end in an array: one {@code T} followed by other data (lhasa's {@code calloc(1, sizeof(LHADecoder) +
     * extra_size)}), allocated through the {@code _head} entry points, whose blocks a checkpoint refuses rather than
     * convert the data as more {@code T}s (docs/CODEGEN.md "A struct followed by other data"). Arrays of {@code T}, a
     * sum of multiples of it, scalars and a struct ending in an array are allocated as before.
     */
    @Test
    void aStructFollowedByOtherDataIsOneStructThenUntypedData() throws Exception {
        CProgram program = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                struct d { int kind; size_t extra; };
                struct z { double s; };
                union u { int i; float f; };
                struct f { int n; char v[]; };
                int main(int argc, char **argv) {
                  size_t extra = (size_t)argc * 3;
                  struct d *a = calloc(1, sizeof(struct d) + extra);
                  struct d *b = malloc(extra + sizeof *b);
                  struct d *c = malloc(sizeof(struct d) + sizeof(struct z) + 4);
                  union u *e = malloc(sizeof(union u) + 1);
                  b = realloc(b, (sizeof(struct d)) + 2 * extra);
                  struct d *g = malloc(sizeof(struct d) + (size_t)argc * sizeof(struct d));
                  struct d *h = malloc(sizeof(struct d) * 2 + sizeof(struct d));
                  struct d *i = malloc((size_t)argc * sizeof(struct d));
                  int *j = malloc(sizeof(int) + extra);
                  struct f *k = malloc(sizeof(struct f) + extra);
                  struct d *l = calloc(sizeof(struct d) + 0, 1);
                  (void)argv;
                  free(a); free(b); free(c); free(e); free(g); free(h); free(i); free(j); free(k); free(l);
                  return 0;
                }
                """);
        CompileResult r = program.compile();
        String out = Files.readString(r.instrumentedSources().getFirst());
        List<String> lines = CProgram.originalLines(out);
        assertThat(r.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.WARNING).isEmpty();
        String d = descriptorNamed(out, "TALENT_STRUCT_TYPE(struct d, \"struct d\"");
        assertThat(lines.get(7)).contains("talent_calloc_head(1, sizeof(struct d) + extra, &" + d + ", ");
        assertThat(lines.get(8)).contains("talent_malloc_head(extra + sizeof *b, &" + d + ", ");
        assertThat(lines.get(9)).contains("talent_malloc_head(sizeof(struct d) + sizeof(struct z) + 4, &" + d + ", ");
        assertThat(lines.get(10)).as("a union too").contains("talent_malloc_head(sizeof(union u) + 1, &");
        assertThat(lines.get(11)).contains("talent_realloc_head(b, (sizeof(struct d)) + 2 * extra, &" + d + ", ");
        assertThat(lines.get(12)).as("a whole number of them").contains("talent_malloc(sizeof(struct d) + (size_t)argc * sizeof(struct d), &");
        assertThat(lines.get(13)).as("a whole number of them").contains("talent_malloc(sizeof(struct d) * 2 + sizeof(struct d), &");
        assertThat(lines.get(14)).as("an array").contains("talent_malloc((size_t)argc * sizeof(struct d), &");
        assertThat(lines.get(15)).as("not a struct").contains("talent_malloc(sizeof(int) + extra, &");
        assertThat(lines.get(16)).as("a flexible array member").contains("talent_malloc_trailing(sizeof(struct f) + extra, &");
        assertThat(lines.get(17)).as("plus nothing").contains("talent_calloc(sizeof(struct d) + 0, 1, &");
    }

    @Test
    void anUninferableAllocationIsAWarningNamingTheSiteAndAPragmaSaysTheType() throws Exception {
        CProgram program = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                struct cell { int w; struct cell *next; };
                static void *grab(size_t n) { return malloc(n); }
                static void *grab2(size_t n) {
                #pragma talent alloc_type(struct cell)
                  void *b = malloc(n);
                  return b;
                }
                int main(void) { free(grab(8)); free(grab2(8)); return 0; }
                """);
        CompileResult r = program.compile();
        String out = Files.readString(r.instrumentedSources().getFirst());
        List<String> lines = CProgram.originalLines(out);
        assertThat(r.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.WARNING)
                .singleElement().satisfies(d -> {
                    assertThat(d.line()).isEqualTo(3);
                    assertThat(d.message()).contains("malloc").contains("untracked bytes").contains("cannot be inferred");
                    assertThat(d.remedy()).contains("#pragma talent alloc_type(T)");
                });
        assertThat(lines.get(2)).contains("return talent_malloc(n, 0, \"a.c:3:38\");");
        assertThat(lines.get(4)).as("the pragma line is blanked").isEmpty();
        String cell = descriptorNamed(out, "TALENT_STRUCT_TYPE(struct cell, \"struct cell\"");
        assertThat(lines.get(5)).isEqualTo("  void *b = talent_malloc(n, &" + cell + ", \"a.c:6:13\");");
        assertThat(out).contains("{ \"a.c:6:13\", &" + cell + " },").doesNotContain("{ \"a.c:3:38\"");
    }

    @Test
    void aPragmaNamingNoKnownTypeIsAnErrorAndAnUnusedOneAWarning() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                int main(void) {
                #pragma talent alloc_type(struct nowhere)
                  void *b = malloc(8);
                #pragma talent alloc_type(int)
                  free(b);
                  return 0;
                }
                """).rejection();
        assertThat(d).filteredOn(x -> x.severity() == Diagnostic.Severity.ERROR).singleElement()
                .satisfies(x -> assertThat(x.line()).isEqualTo(3)).satisfies(x -> assertThat(x.message()).contains("struct nowhere"));
        assertThat(d).filteredOn(x -> x.severity() == Diagnostic.Severity.WARNING)
                .anySatisfy(x -> assertThat(x.line()).isEqualTo(5)).anySatisfy(x -> assertThat(x.message()).contains("not followed by"));
    }

    @Test
    void pragmasInInactivePreprocessorBranchesAreIgnored() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                int main(void) {
                #if 0
                #pragma talent alloc_type(double)
                #endif
                  void *b = malloc(8);
                  free(b);
                  int s = 0;
                #ifdef NOT_DEFINED
                #pragma talent checkpoint
                #else
                #pragma talent checkpoint
                #endif
                  return s;
                }
                """).compile();
        String out = Files.readString(r.instrumentedSources().getFirst());
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(5)).isEqualTo("  void *b = talent_malloc(8, 0, \"a.c:6:13\");");
        assertThat(lines.get(9)).isEmpty();   // the unit is preprocessed: the inactive branch is gone
        assertThat(lines.get(11)).startsWith("if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(0))");
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.line()).isEqualTo(6));
    }
}
