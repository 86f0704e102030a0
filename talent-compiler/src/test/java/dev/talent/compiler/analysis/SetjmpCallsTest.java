package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** setjmp call sites rewritten so that a restore re-arms their buffers (docs/CODEGEN.md "setjmp and longjmp"). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SetjmpCallsTest {
    @TempDir
    Path dir;

    static final String LUA_PATTERN = """
            #include <setjmp.h>
            struct lj { struct lj *previous; jmp_buf b; volatile int status; };
            struct state { struct lj *errorJmp; long acc; };
            #define LUAI_TRY(c, a) if (setjmp((c)->b) == 0) { a }
            static long work(struct state *L, int n) {
              long s = 0;
              for (int i = 0; i < n; i++) s += i;
              if (n == 3) longjmp(L->errorJmp->b, 1);
              return s;
            }
            static int protected_call(struct state *L, int n) {
              int label = n * 10;
              struct lj lj;
              lj.status = 0;
              lj.previous = L->errorJmp;
              L->errorJmp = &lj;
              LUAI_TRY(&lj, L->acc += work(L, n););
              L->errorJmp = lj.previous;
              return lj.status ? label : 0;
            }
            int main(void) { struct state L = { 0, 0 }; return protected_call(&L, 4); }
            """;

    @Test
    void theLuaPatternIsRewrittenOnItsLinesAndReArmedAtTheResumePoint() {
        CProgram p = CProgram.in(dir).file("a.c", LUA_PATTERN);
        p.compile();
        String out = p.instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines).hasSize((int) LUA_PATTERN.lines().count());
        String call = lines.get(16);
        // the buffer's address, the arming order, the call on the saved address, the landing label, the condition
        assertThat(call).contains("__talent_sjb_1 = ((&lj__talent_w.__talent_o)->b); __talent_sja_1 = ++__talent_sjn;")
                .contains("__talent_sjv_1 = setjmp(__talent_sjb_1); __talent_sjl_1: __attribute__((unused)); talent_suspended = __talent_sju_1;")
                .contains("if (__talent_sjv_1 == 0)")
                // the resume point of work() re-arms the buffer on the rebuilt stack before it calls work() again
                .contains("talent_frame_restored(); if (__talent_sja_1 && talent_sj_valid(__talent_sjb_1)) { __talent_sjv_1 ="
                        + " setjmp(__talent_sjb_1); if (__talent_sjv_1) goto __talent_sjl_1; }");
        // the variables of the site are declared right after the local that holds the buffer
        assertThat(lines.get(12)).contains("struct { struct lj __talent_o; char __talent_g; } lj__talent_w; struct __jmp_buf_tag *__talent_sjb_1 __attribute__((unused)) = 0;");
        // a jump buffer is described without members: nothing of it is saved
        assertThat(out).contains("{ TALENT_K_STRUCT, \"struct __jmp_buf_tag\", sizeof(");
        p.compilesWithGcc("a.c");
    }

    /**
     * mujs's {@code if (js_try(J))} ({@code setjmp(js_savetry(J))}) in a recursive function: the site at its entry
     * (RecursionSites) comes before the declarations of the setjmp variables and re-arms nothing (no setjmp of the
     * activation has run). Before, gcc rejected the generated code ("'__talent_sja_1' undeclared").
     */
    @Test
    void aRecursiveFunctionsEntrySiteReArmsNoSetjmp() throws IOException {
        CProgram p = CProgram.in(dir).file("a.c", Files.readString(
                Path.of(System.getProperty("user.dir")).resolve("src/test/resources/setjmp/recursive-try.c")));
        p.compile();
        p.compilesWithGcc("a.c");
    }

    @Test
    void aVariableReadOnlyAfterALongjmpIsSavedAtThePoints() {
        CProgram p = CProgram.in(dir).file("a.c", LUA_PATTERN).analyze();
        // 'label' is read only when the call returns through the longjmp, 'lj' holds the buffer
        assertThat(p.saved("protected_call", 0)).contains("label", "lj", "L", "__talent_sjb_1", "__talent_sja_1", "__talent_sjn");
    }

    @Test
    void everyFormCAllowsIsRewrittenAndCompiles() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <setjmp.h>
                #include <stdio.h>
                static jmp_buf g;
                static sigjmp_buf s;
                static int work(int n) { int t = 0; for (int i = 0; i < n; i++) t += i; if (t > 100) longjmp(g, 2); return t; }
                int main(void) {
                  int r, acc = 0;
                  if (!setjmp(g)) acc += work(3);
                  switch (sigsetjmp(s, 1)) { case 0: acc += work(4); break; default: acc++; }
                  r = setjmp(g);
                  if (r == 0) acc += work(5);
                  int q = _setjmp(g);
                  (void)setjmp(g);
                  setjmp(g);
                  if (acc > 1000) acc = 0; else if (2 != setjmp(g)) acc += work(6);
                  if (acc < 0) setjmp(g);
                  printf("%d %d\\n", acc, q);
                  return 0;
                }
                """);
        p.compile();
        String out = p.instrumented("a.c");
        assertThat(out).contains("__talent_sjv_1 = setjmp(__talent_sjb_1)").contains("if (!__talent_sjv_1)")
                .contains("__talent_sjs_2 = (1) != 0; __talent_sjm_2 = __talent_sjs_2 ? talent_sj_mask_get() : 0;"
                        + " __talent_sjv_2 = sigsetjmp(__talent_sjb_2, __talent_sjs_2);")
                .contains("switch (__talent_sjv_2)").contains("r = __talent_sjv_3;").contains("int q = __talent_sjv_4;")
                .contains("__talent_sjv_4 = _setjmp(__talent_sjb_4)").contains("(void)__talent_sjv_5;")
                // a statement in an else branch is wrapped in braces with its setup
                .contains("else { __talent_sjb_7 = (g);").contains("if (2 != __talent_sjv_7)")
                .contains("if (acc < 0) { __talent_sjb_8 = (g);")
                // sigsetjmp's mask is the original call's while it is executed again
                .contains("talent_sj_mask_swap(__talent_sjm_2, __talent_sjs_2)");
        // several sites: re-armed in the order they were armed
        assertThat(out).contains("if (__talent_sja_1 > __talent_sjq && (!__talent_sjw || __talent_sja_1 < __talent_sjx))");
        assertThat(CProgram.originalLines(out)).hasSize(19);
        p.compilesWithGcc("a.c");
    }

    @Test
    void aBufferOfABlockIsNotReArmedAfterTheBlockAndAFunctionThatNeverCheckpointsCompilesCleanly() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <setjmp.h>
                static int work(int n) { int t = 0; for (int i = 0; i < n; i++) t += i; return t; }
                static int quiet(void);
                int main(void) {
                  int acc = 0;
                  {
                    jmp_buf inner;
                    if (setjmp(inner) == 0) acc += work(3);
                  }
                  acc += work(4);
                  return acc + quiet();
                }
                static int quiet(void) {
                  jmp_buf b;
                  sigjmp_buf s;
                  if (sigsetjmp(s, 0)) return 1;
                  if (setjmp(b)) return 2;
                  return 0;
                }
                """);
        p.compile();
        List<String> lines = CProgram.originalLines(p.instrumented("a.c"));
        assertThat(lines.get(6)).contains("struct { jmp_buf __talent_o; char __talent_g; } inner__talent_w; struct __jmp_buf_tag *__talent_sjb_1 __attribute__((unused)) = 0;");
        assertThat(lines.get(7)).contains("goto __talent_sjl_1");
        assertThat(lines.get(9)).doesNotContain("__talent_sjb_1").doesNotContain("__talent_sjl_1");
        p.compilesWithGcc("a.c");
    }

    @Test
    void formsCDoesNotAllowAreRefusedWithTheReason() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                #include <setjmp.h>
                static jmp_buf g;
                static int use(int v) { return v; }
                int main(void) {
                  int r = 0;
                  while (setjmp(g) == 0) r++;
                  r = setjmp(g) + 1;
                  r += use(setjmp(g));
                  if (r > 3 && setjmp(g)) r++;
                  return setjmp(g);
                }
                """).rejection();
        assertThat(d).extracting(Diagnostic::line).containsExactly(6, 7, 8, 9, 10);
        assertThat(d.getFirst().message()).contains("condition of a loop");
        assertThat(d.get(1).message()).contains("inside a larger expression").contains("C11 7.13.1.1");
        assertThat(d).allSatisfy(x -> assertThat(x.remedy()).isNotBlank());
    }

    @Test
    void gccBuiltinJumpsStayRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                static void *buf[5];
                int main(void) {
                  if (__builtin_setjmp(buf)) return 1;
                  return 0;
                }
                """).rejection();
        assertThat(d).extracting(Diagnostic::line).containsExactly(3);
        assertThat(d.getFirst().message()).contains("__builtin_setjmp");
    }
}
