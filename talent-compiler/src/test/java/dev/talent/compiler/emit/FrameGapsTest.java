package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** FrameGaps alone: input, expected output; and the whole instrumented unit compiled with -Wall -Wextra -Werror. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FrameGapsTest {
    @TempDir
    Path dir;

    private String gapped(String source) {
        var e = OneEmitter.of(dir, source);
        FrameGaps gaps = new FrameGaps(e.unit.tu(), e.plan);
        for (var f : e.unit.functions()) gaps.emit(f);
        return e.text();
    }

    static final String WORK = """
            static int work(const int *p, int n) { int s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }
            """;

    @Test
    void eachLocalAPointerMayReachIsAMemberWithAGapAfterIt() {
        assertThat(gapped(WORK + """
                struct pt { int x, y; };
                int main(void) {
                  int a[4] = {1, 2}, n = 5, *pn = &n, k;
                  char s[] = "abc", *e;
                  const struct pt p = {1, 2}, q = p;
                  e = s + sizeof s;
                  k = work(a, 4) + *pn + (e - s) + work(&p.x, 2) + work(&q.y, 1);
                  return k;
                }
                """).lines().skip(3).limit(4)).containsExactly(
                "  struct { int __talent_o[4]; char __talent_g; } a__talent_w = { {1, 2}, 0 };"
                        + " struct { int __talent_o; char __talent_g; } n__talent_w = { 5, 0 };"
                        + " int *pn = &n__talent_w.__talent_o; int k;",
                "  struct { char __talent_o[4]; char __talent_g; } s__talent_w = { \"abc\", 0 }; char *e;",
                "  struct { const struct pt __talent_o; char __talent_g; } p__talent_w = { {1, 2}, 0 };"
                        + " struct { const struct pt __talent_o; char __talent_g; } q__talent_w = { p__talent_w.__talent_o, 0 };",
                "  e = s__talent_w.__talent_o + sizeof s__talent_w.__talent_o;");
    }

    @Test
    void whatCannotBeWrittenAgainAsAMemberStaysAsWritten() {
        String out = gapped(WORK + """
                #define FIRST(v) ((v)[0])
                int main(int argc, char **argv) {
                  int m[2] = {0};
                  int x = {3};
                  __attribute__((aligned(16))) int al[4] = {0};
                  struct { int v[2]; } anon = {{1, 2}};
                  register int r = 1;
                  int s = 0;
                  for (int f[2] = {1, 2}; s < 1; s++) s += work(f, 2);
                  return FIRST(m) + work(&x, 1) + work(al, 4) + work(anon.v, 2) + work(&argc, 1) + r + s + (argv == 0);
                }
                """);
        // a macro that names a local is expanded in the unit (docs/CODEGEN.md "Preprocessing"): m has its gap
        assertThat(out).contains("((m__talent_w.__talent_o)[0])", "  int x = {3};\n", "  __attribute__((aligned(16))) int al[4] = {0};\n",
                "  struct { int v[2]; } anon = {{1, 2}};\n", "for (int f[2] = {1, 2}; s < 1; s++)",
                "work(&x, 1) + work(al, 4) + work(anon.v, 2) + work(&argc__talent_w.__talent_o, 1)")
                .doesNotContain("x__talent_w", "al__talent_w", "anon__talent_w", "f__talent_w");
    }

    /** cJSON's parse_examples.c: a constant array's size names another local, which clang folds into the type. */
    @Test
    void aLocalNamedInAnotherArraysSizeKeepsItsDeclaration() {
        String out = gapped(WORK + """
                #include <stdio.h>
                #include <string.h>
                struct n { int n; };
                int main(void) {
                  const char text[] = "{\\"a\\":1}";
                  char copy[sizeof(text) - 1];
                  memcpy(copy, text, sizeof(text) - 1);
                  struct n m = {3}, *pm = &m;
                  int n[2] = {1, m.n + pm->n};
                  printf("n = %d, text: 'n' /* n */\\n", work(n, 2)); // n
                  return work((const int *)(const void *)copy, 1);
                }
                """);
        assertThat(out).contains("  const char text[] = ", "char __talent_o[sizeof(text) - 1]; char __talent_g; } copy__talent_w;",
                "memcpy(copy__talent_w.__talent_o, text, sizeof(text) - 1);", "work(n__talent_w.__talent_o, 2)")
                .doesNotContain("text__talent_w");
    }

    @Test
    void aParameterAPointerMayReachIsCopiedIntoAWrapperTheBodyUses() {
        String out = gapped(WORK + """
                static int twice(int n, int k) {
                  int *p = &n;
                  return work(p, 1) + work(&n, 1) + k;
                }
                int main(void) { return twice(1, 2); }
                """);
        assertThat(out).contains("static int twice(int n, int k) {"
                + " struct { __typeof__(n) __talent_o; char __talent_g; } n__talent_w = { n, 0 };\n",
                "  int *p = &n__talent_w.__talent_o;\n",
                "  return work(p, 1) + work(&n__talent_w.__talent_o, 1) + k;\n").doesNotContain("k__talent_w");
    }

    @Test
    void aFunctionThatNeverCheckpointsIsLeftAlone() {
        assertThat(gapped(WORK + """
                static int leaf(void) { int a[2] = {1, 2}; int *p = a; return p[1]; }
                int main(void) { return leaf() + work(0, 0); }
                """)).doesNotContain("__talent_w");
    }

    @Test
    void anUnwrittenPointerWithAGapStartsNullToo() {
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                static void set(int **out, int *v) { *out = v; }
                int main(void) {
                  int v[2] = {1, 2};
                  int *result;
                  set(&result, v);
                  return work(result, 2);
                }
                """);
        assertThat(p.instrumented("a.c")).contains(
                "struct { int *__talent_o; char __talent_g; } result__talent_w = { 0, 0 };");
        p.compilesWithGcc("a.c");
    }

    @Test
    void theInstrumentedProgramCompilesWithoutWarnings() {
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                #include <string.h>
                struct pt { int x, y; };
                static int twice(int *q, const int k) { const int *r = &k; return work(q, 1) + work(r, 1); }
                int main(void) {
                  int a[4] = {1, 2}, n = 5, *pn = &n;
                  char s[] = "abc", t[8];
                  struct pt p = {1, 2}, q = p, z;
                  double d;
                  memset(&z, 0, sizeof z);
                  z.y = twice(&z.x, 3);
                  memcpy(t, s, sizeof s);
                  d = 0.5;
                  return work(a, 4) + *pn + (int)strlen(t) + work(&q.y, 1) + z.x + (int)*(&d);
                }
                """);
        assertThat(p.instrumented("a.c")).contains("z__talent_w.__talent_o", "d__talent_w.__talent_o", "k__talent_w.__talent_o");
        p.compilesWithGcc("a.c");
    }
}
