package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expression normalisation (docs/CODEGEN.md; issue 11, cause 1): input C to the instrumented C of the
 * statement, which gcc must also compile without a warning.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExpressionNormalisationTest {
    @TempDir
    Path dir;

    private static final String WORK = "int work(int n) { for (int i = 0; i < n; i++) n--; return n; }\n";

    private static String save(int point, String vars) {
        return "if (__builtin_expect(talent_unwinding, 0)) { talent_frame_begin(1, " + point + "); " + vars
                + "talent_frame_end(); return __talent_zret; } ";
    }

    private static final String SAVE_I = "TALENT_SAVE_INT(0, \"i\", \"a.c:3:7\", i, &talent_td_0); ";
    private static final String RESTORE_I = "TALENT_RESTORE_INT(0, i, &talent_td_0); ";

    private List<String> lines(String main) {
        CProgram p = CProgram.in(dir).file("a.c", WORK + main);
        List<String> out = CProgram.originalLines(p.instrumentedWithoutCloneChoices("a.c"));
        p.compilesWithGcc("a.c");
        return out;
    }

    @Test
    void theRightOperandOfAndRunsUnderAnIf() {
        List<String> l = lines("""
                int main(void) {
                  int i = 3, r = 0;
                  if (i % 2 && work(i) > 10) r = 1;
                  return r;
                }
                """);
        assertThat(l.get(3)).isEqualTo("  int __talent_t1; __typeof__(work(i)) __talent_t2; __talent_t1 = (i % 2) != 0; if (__talent_t1) { "
                + "if (0) { __talent_r1: ; " + RESTORE_I + "TALENT_RESTORE_INT(1, r, &talent_td_0); talent_frame_restored(); } "
                + "__talent_t2 = work(i); " + save(1, SAVE_I + "TALENT_SAVE_INT(1, \"r\", \"a.c:3:14\", r, &talent_td_0); ")
                + "__talent_t1 = (__talent_t2 > 10) != 0; } if (__talent_t1) r = 1;");
    }

    @Test
    void aForConditionWithACallInTheRightOperandOfAndMovesIntoTheBody() {
        // Lua's luaV_concat loop, reduced: the normalisation replaces the whole condition, which then moves into
        // the body; this was an internal error (a second replacement of the condition's range)
        List<String> l = lines("""
                int main(void) {
                  int a[4] = {1, 0, 1, 0}, n, s = 0;
                  for (n = 1; n < 4 && (a[n] || (work(n), 1)); n++) s += n;
                  for (n = 0; n < 4 && work(n) >= 0; n++) s += n;
                  return s;
                }
                """);
        assertThat(l.get(3)).startsWith("  for (n = 1; ; n++) { int __talent_t1; int __talent_t2; __talent_t1 = (n < 4) != 0; "
                + "if (__talent_t1) { __talent_t2 = (a__talent_w.__talent_o[n]) != 0; if (!__talent_t2) { work(n); ")
                .contains("__talent_t1 = ((__talent_t2)) != 0; } if (!(__talent_t1)) break; ");
        assertThat(l.get(4)).startsWith("  for (n = 0; ; n++) { ").contains("= work(n); ").contains(" break; ");
    }

    @Test
    void theRightOperandOfOrRunsWhenTheLeftIsFalse() {
        List<String> l = lines("""
                int main(void) {
                  int i = 3;
                  int d = i || work(i);
                  return d;
                }
                """);
        assertThat(l.get(3)).startsWith("  int __talent_t1; __typeof__(work(i)) __talent_t2; __talent_t1 = (i) != 0; if (!__talent_t1) { ")
                .endsWith("__talent_t1 = (__talent_t2) != 0; } int d = __talent_t1;");
    }

    @Test
    void eachArmOfAConditionalHoldsItsOwnCall() {
        List<String> l = lines("""
                int main(void) {
                  int i = 3, r;
                  r = i ? work(i) : work(-i);
                  return i > 1 ? work(r) : 0;
                }
                """);
        assertThat(l.get(3)).startsWith("  __typeof__(work(i)) __talent_t1; __typeof__(work(-i)) __talent_t2; "
                        + "__typeof__(((void)0, (i ? __talent_t1 : __talent_t2))) __talent_t3; if (i) { if (0) { __talent_r1: ;")
                .contains("__talent_t1 = work(i); ").contains("__talent_t3 = (__talent_t1); } else { if (0) { __talent_r2: ;")
                .endsWith("__talent_t3 = (__talent_t2); } r = __talent_t3;");
        assertThat(l.get(4)).contains("if (i > 1) {").contains("} else { __talent_t5 = (0); } return __talent_t5;");
    }

    /** GNU a ?: b: refused until 2026-12-06 (h/elvis) ("is an operand of the GNU 'a ?: b' operator"). */
    @Test
    void theGnuBinaryConditionalEvaluatesItsFirstOperandOnceAndTheSecondOnlyWhenItIsZero() {
        List<String> l = lines("""
                int main(void) {
                  int i = 3, r;
                  r = work(i) ?: work(-i);
                  r += i++ ?: work(r);
                  return r;
                }
                """);
        assertThat(l.get(3)).startsWith("  __typeof__(work(i)) __talent_t1; __typeof__(work(-i)) __talent_t2; "
                        + "__typeof__(((void)0, (__talent_t1 ?: __talent_t2))) __talent_t3; if (0) { __talent_r1: ;")
                .contains("__talent_t1 = work(i); ").contains("if (__talent_t1) { __talent_t3 = (__talent_t1); } else { if (0) { __talent_r2: ;")
                .contains("__talent_t2 = work(-i); ").endsWith("__talent_t3 = (__talent_t2); } r = __talent_t3;");
        // i++ once, into a temporary that is the test and the value
        assertThat(l.get(4)).startsWith("  __typeof__(((void)0, (i++))) __talent_t4; __typeof__(work(r)) __talent_t5; "
                        + "__typeof__(((void)0, (__talent_t4 ?: __talent_t5))) __talent_t6; __talent_t4 = (i++); "
                        + "if (__talent_t4) { __talent_t6 = (__talent_t4); } else {")
                .endsWith("__talent_t6 = (__talent_t5); } r += __talent_t6;");
        assertThat(l.get(4).split("i\\+\\+", -1)).hasSize(3);
    }

    @Test
    void anArgumentWithASideEffectIsEvaluatedOnceAndSaved() {
        List<String> l = lines("""
                int main(void) {
                  int i = 3, r;
                  r = work(i++);
                  return r;
                }
                """);
        assertThat(l.get(3)).isEqualTo("  __typeof__(((void)0, (i++))) __talent_t1; __typeof__(work(__talent_t1)) __talent_t2; __talent_t1 = (i++); "
                + "if (0) { __talent_r1: ; " + RESTORE_I + "TALENT_RESTORE_INT(2, __talent_t1, &talent_td_0); talent_frame_restored(); } "
                + "__talent_t2 = work(__talent_t1); " + save(1, SAVE_I + "TALENT_SAVE_INT(2, \"__talent_t1\", \"a.c:4:12\", __talent_t1, &talent_td_0); ")
                + "r = __talent_t2;");
    }

    @Test
    void aCommaOperandWithASideEffectIsAStatementBeforeTheCall() {
        List<String> l = lines("""
                int main(void) {
                  int i = 3, r;
                  r = (i++, work(i));
                  return r;
                }
                """);
        assertThat(l.get(3)).startsWith("  __typeof__(work(i)) __talent_t1; (void)(i++); if (0) { __talent_r1: ;")
                .endsWith("r = (((void)0), __talent_t1);");
    }

    @Test
    void aDoWhileConditionMovesToTheEndOfTheBodyAndContinueJumpsThere() {
        List<String> l = lines("""
                int main(void) {
                  int i = 3;
                  do { i--; if (i == 2) continue; } while (work(i) > 0);
                  return i;
                }
                """);
        assertThat(l.get(3)).startsWith("  for (;;) { __label__ __talent_c2; { if (__builtin_expect(talent_pending, 0))")
                .contains("i--; if (i == 2) goto __talent_c2; } __talent_c2: ; __typeof__(work(i)) __talent_t1; __talent_t1 = work(i); ")
                .contains("if (!(__talent_t1 > 0)) break; } if (0) { for (;;) { __label__ __talent_c2;");
    }

    @Test
    void aForIncrementMovesToTheEndOfTheBody() {
        List<String> l = lines("""
                int main(void) {
                  int r = 0;
                  for (int k = 0; k < 3; k = work(k) + 1) r++;
                  return r;
                }
                """);
        assertThat(l.get(3)).startsWith("  for (int k = 0; k < 3; ) { { if (__builtin_expect(talent_pending, 0))")
                .contains(" r++; } __typeof__(work(k)) __talent_t1; __talent_t1 = work(k); ")
                .contains("(void)(k = __talent_t1 + 1); }");
    }

    @Test
    void callsNestedInArgumentsAreHoistedInnermostFirst() {
        List<String> l = lines("""
                static int add(int a, int b) { return a + b; }
                int main(void) {
                  int r = add(work(1), work(2));
                  return r;
                }
                """);
        assertThat(l.get(3)).contains("__talent_t1 = work(1);").contains("__talent_t2 = work(2);").endsWith("int r = add(__talent_t1, __talent_t2);");
        assertThat(l.get(3).indexOf("__talent_t1 = work(1);")).isLessThan(l.get(3).indexOf("__talent_t2 = work(2);"));
    }

    /** Found by Csmith (seeds 4, 7): a struct with a const member cannot be assigned to a temporary. */
    @Test
    void aStructResultWithAConstMemberIsCopiedOrNotKeptWhenUnused() {
        List<String> l = lines("""
                struct S { const int a; int b; };
                static struct S make(int n) { struct S s = { n, 0 }; for (int i = 0; i < n; i++) s.b += i; return s; }
                int main(void) {
                  int i = 3;
                  int x = (make(i), 0);
                  int y = i > 1 ? make(i).b : 0;
                  return x + y;
                }
                """);
        // the value of the first call is not read: no temporary at all
        assertThat(l.get(5)).contains("make(i); if (__builtin_expect(talent_unwinding, 0))").endsWith("int x = (((void)0), 0);");
        // the second is copied through memory into its temporary
        assertThat(l.get(6)).contains("{ __typeof__(make(i)) __talent_v = make(i); __builtin_memcpy((void *)&__talent_t1, "
                + "(const void *)&__talent_v, sizeof __talent_t1); }").endsWith("int y = __talent_t2;");
    }
}
