package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** Input C to expected instrumented C, line by line (the original lines keep their numbers). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnitRewriterTest {
    @TempDir
    Path dir;

    @Test
    void siteCallAndPrologueOfASmallProgram() {
        String out = CProgram.in(dir).file("a.c", """
                int count(int n) {
                  int s = 0;
                  while (s < n) {
                    s++;
                  }
                  return s;
                }
                int main(void) {
                  int r;
                  r = count(3);
                  return r;
                }
                """).instrumented("a.c");
        assertThat(out).startsWith("#include \"talent.h\"\nstatic const talent_type talent_td_0;\n#line 1 \"" + dir.resolve("a.c") + "\"\n");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines).containsExactly(
                // count's one loop is versioned: it has a clean clone, which main's call chooses (CleanClonesTest)
                "__attribute__((noinline)) int count(int n) { static __typeof__(count(n)) __talent_zret; if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(0)) { case 0: goto __talent_r0; default: break; }",
                "  int s = 0;",
                "  if (__builtin_expect(!talent_pending, 1)) { while (s < n) {",
                "    s++;",
                "  } } else { while (s < n) { if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(0)) { talent_frame_begin(0, 0); "
                        + "TALENT_SAVE_INT(0, \"n\", \"a.c:1:15\", n, &talent_td_0); TALENT_SAVE_INT(1, \"s\", \"a.c:2:7\", s, &talent_td_0); "
                        + "talent_frame_end(); return __talent_zret; } if (0) { __talent_r0: ; TALENT_RESTORE_INT(0, n, &talent_td_0); "
                        + "TALENT_RESTORE_INT(1, s, &talent_td_0); talent_frame_restored(); } }     s++;   } }",
                "  return s;",
                "} static __typeof__(count) count__talent_clean;",
                "int talent_user_main(void) { static __typeof__(talent_user_main()) __talent_zret; if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(1)) { case 1: goto __talent_r1; default: break; }",
                "  int r;",
                // r is assigned by the call's statement: not live at the call, nothing to save
                "  if (0) { __talent_r1: ; talent_frame_restored(); } r = (" + CleanClones.CHOOSE + " ? count__talent_clean : count)(3); if (__builtin_expect(talent_unwinding, 0)) { talent_frame_begin(1, 1); "
                        + "talent_frame_end(); return __talent_zret; } ",
                "  return r;",
                "}");
        assertThat(out).contains("static const talent_type talent_td_0 = TALENT_INT_TYPE(int, \"int\");\n");
        assertThat(out).contains("const talent_unit talent_unit_0 = { \"a.c\", 0, 0, 0, 0, 0, 0 };\n");
        // the clone last, under a #line that gives it its original lines
        assertThat(out).endsWith("\n#line 1 \"" + dir.resolve("a.c") + "\"\nstatic int count__talent_clean(int n) {\n  int s = 0;\n"
                + "  while (s < n) {\n    s++;\n  }\n  return s;\n}\n");
    }

    @Test
    void whileConditionWithAChainCallBecomesAForLoop() {
        String out = CProgram.in(dir).file("a.c", """
                struct st { int pos; };
                int step(struct st *s) { for (int k = 0; k < 2; k++) s->pos++; return s->pos < 10; }
                int main(void) {
                  struct st s = { 0 };
                  int n = 0;
                  while (step(&s))
                    n++;
                  return n;
                }
                """).instrumentedWithoutCloneChoices("a.c");
        String line = CProgram.originalLines(out).get(5);
        // the loop as run (no resume label: those are in the resume copy after the loop)
        assertThat(line).startsWith("  for (;;) { __typeof__(step(&s__talent_w.__talent_o)) __talent_t1; __talent_t1 = step(&s__talent_w.__talent_o); "
                + "if (__builtin_expect(talent_unwinding, 0)) {");
        assertThat(line).endsWith("if (!(__talent_t1)) break;");
        String last = CProgram.originalLines(out).get(6);
        assertThat(last).startsWith("    { if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(2))")
                .contains(" n++; } } if (0) { for (;;) { __typeof__(step(&s__talent_w.__talent_o)) __talent_t1; if (0) { __talent_r1: ;")
                .endsWith(" n++; } } }");
    }

    @Test
    void libraryCallsGivenACallbackAreSuspendedAndCallsThroughPointersAreChainCalls() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                static int cmp(const void *a, const void *b) {
                  for (int i = 0; i < 1; i++) { }
                  return *(const int *)a - *(const int *)b;
                }
                int main(void) {
                  int v[3] = { 3, 1, 2 };
                  int (*f)(const void *, const void *) = cmp;
                  qsort(v, 3, sizeof v[0], cmp);
                  return f(&v[0], &v[1]) + abs(v[0]);
                }
                """).instrumentedWithoutCloneChoices("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(8)).isEqualTo("  ({ talent_suspended++; qsort(v__talent_w.__talent_o, 3, sizeof v__talent_w.__talent_o[0], cmp); talent_suspended--; });");
        // issue 11, cause 7: the call through f may reach cmp, which may checkpoint: a chain call (IndirectCallsTest)
        assertThat(lines.get(9)).startsWith("  __typeof__(((void)0, (f))) __talent_t1; __typeof__(__talent_t1(&v__talent_w.__talent_o[0], &v__talent_w.__talent_o[1])) "
                        + "__talent_t2; __talent_t1 = (f); if (0) { __talent_r1: ;")
                .contains("__talent_t2 = __talent_t1(&v__talent_w.__talent_o[0], &v__talent_w.__talent_o[1]); if (__builtin_expect(talent_unwinding, 0))")
                .endsWith("return __talent_t2 + abs(v__talent_w.__talent_o[0]);");
    }

    @Test
    void projectHeadersAreInlinedBetweenLineDirectivesAndSystemHeadersStayIncludes() {
        String out = CProgram.in(dir).file("h.h", "#define ONE 1\n").file("a.c", """
                #include "h.h"
                #include <stdio.h>
                int main(void) { return ONE; }
                """).instrumentedWithoutCloneChoices("a.c");
        // the unit is preprocessed: the program's macro ONE is expanded (its #define stays for the C library's headers)
        assertThat(CProgram.originalLines(out).subList(0, 5)).containsExactly(
                "#line 1 \"" + dir.resolve("h.h") + "\"", "#define ONE 1", "#line 2 \"" + dir.resolve("a.c") + "\"",
                "#include <stdio.h>", "int talent_user_main(void) { return 1; }");
    }

    /** Found by Csmith (seed 115, --max-funcs 1): gcc refused 'l = talent_c;' for a struct with a const member. */
    @Test
    void aStructLocalWithAConstMemberIsRestoredThroughMemory() {
        String out = CProgram.in(dir).file("a.c", """
                struct S { unsigned a : 16; const unsigned b : 30; };
                int main(void) {
                  struct S l = {89, 8326};
                  unsigned h = 0;
                  for (int i = 0; i < 10; i++) h += l.a + l.b;
                  return (int)h;
                }
                """).instrumentedWithoutCloneChoices("a.c");
        assertThat(out).contains("talent_bind(0, (void *)&l, ").contains("talent_save_mem(0, \"l\", \"a.c:3:12\", (const void *)&l, ")
                .doesNotContain("l = talent_c");
    }

    /** Csmith seed 131: a union with a member of a const typedef'd type. */
    @Test
    void aUnionLocalWithAConstTypedefMemberIsRestoredThroughMemory() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stdint.h>
                union U { const int32_t f0; uint32_t f2; };
                int main(void) {
                  union U u = {7};
                  unsigned h = 0;
                  for (int i = 0; i < 10; i++) h += (unsigned)u.f0;
                  return (int)h;
                }
                """).instrumentedWithoutCloneChoices("a.c");
        assertThat(out).contains("talent_bind(0, (void *)&u, ").doesNotContain("u = talent_c");
    }
}
