package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** docs/CODEGEN.md "Strip-mined loops": which counted loops test talent_pending once per strip, and the code. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StripMiningTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
            "for (int i = 0; i < n; i++)",
            "for (i = 1; i <= n * 2 + 1; ++i)",
            "for (int i = n; i >= 0; i--)",
            "for (int i = n; i > -5; --i)",
            "for (int i = 0; n > i; i++)",
            "for (k = 0; k < (int) sizeof(long) * 100; k++)",
            "for (unsigned u = 0; u < (unsigned) n; u++)",
            // longer than a short nest (16 iterations)
            "for (int i = 0; i < 17; i++)",
            "for (int i = 0, x = 1; i < 4; i++)",
    })
    void countedLoopsWithAnInvariantBoundAreStripMined(String header) {
        assertThat(LoopForm.of(dir, header, "")).isEqualTo(LoopForm.Form.STRIP_MINED);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // the bound changes in the body, or is a global, or needs a conversion of the counter
            "for (int i = 0; i < n; i++)     | n--;",
            "for (int i = 0; i < g; i++)     | ",
            "for (int i = 0; i < 100L; i++)  | ",
            "for (int i = 0; i < *p; i++)    | ",
            "for (int i = 0; i < n + k; i++) | k = 1;",
            // a break would leave only the strip
            "for (int i = 0; i < n; i++)     | if (s > 9) break;",
            // the header calls a function, or steps by more than one
            "for (int i = f(0, 0); i < n; i++) | ",
            "for (int i = 0; i < n; i += 2)  | ",
            // the counter is written in the body
            "for (int i = 0; i < n; i++)     | i += 0;",
            // a call outside the inner loop could block or run long: a strip would wait for 64 of them
            "for (int i = 0; i < n; i++)     | extern int ext(int); k = ext(i);",
    })
    void otherLoopsAreNot(String header, String extra) {
        assertThat(LoopForm.of(dir, header.strip(), extra == null ? "" : extra.strip())).isEqualTo(LoopForm.Form.INNER_LOOP_VERSIONED);
    }

    @Test
    void builtinsAndCallsInsideTheInnerLoopAreFine() {
        assertThat(LoopForm.of(dir, "for (int i = 0; i < n; i++)", "k = __builtin_popcount(i); while (k) { extern int ext(int); k = ext(k); }"))
                .isEqualTo(LoopForm.Form.STRIP_MINED);
    }

    @Test
    void aBreakOfAnInnerLoopOrSwitchAndAContinueAreFine() {
        assertThat(LoopForm.of(dir, "for (int i = 0; i < n; i++)",
                "switch (i) { case 1: break; } if (i == 2) continue; while (k) { if (s) break; k--; }"))
                .isEqualTo(LoopForm.Form.STRIP_MINED);
    }

    @Test
    void theStripKeepsTheLeafLoopsVersionedWithoutLabelsAndTheOtherBranchRunsOneIterationWithTheSite() {
        String out = CProgram.in(dir).file("a.c", """
                long count(const unsigned char *c, long limit) {
                  long n = 0;
                  for (long i = 2; i <= limit; i++) {
                    if (!c[i]) { n++; for (long j = i * i; j <= limit; j += i) n--; }
                  }
                  return n;
                }
                int main(void) { static unsigned char c[100]; return (int) count(c, 99); }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines).hasSize(8);
        String id = offsetOfFor(out);
        String e = "__talent_e" + id;
        assertThat(lines.get(2)).isEqualTo("  for (long i = 2; i <= limit; ) { if (__builtin_expect(!talent_pending, 1)) { "
                // gcc cannot see that i only grows from 2: told, it keeps its value ranges
                + "if (!(i >= (2))) __builtin_unreachable(); __typeof__(i) " + e + "; if (__builtin_sub_overflow((limit), i, &" + e
                + ") || " + e + " >= 64) " + e + " = i + (__typeof__(i)) 63; else " + e + " = (limit); for (; i <= " + e + "; i++) {");
        // the strip: the inner loop versioned, its instrumented copy with its site but without its label
        String strip = lines.get(3);
        assertThat(strip).startsWith("    if (!c[i]) { n++; if (__builtin_expect(!talent_pending, 1)) { for (long j = i * i; j <= limit; j += i) n--; } else { ")
                .contains("talent_site_slow(1)").doesNotContain("talent_site_slow(0)").doesNotContain("__talent_r");
        String last = lines.get(4);
        int copy = last.indexOf("} if (0) { for (long i = 2; i <= limit; )");
        assertThat(copy).as("the loop's resume copy follows it").isPositive();
        String asRun = last.substring(0, copy);
        assertThat(asRun).startsWith("  } } else { int __talent_o" + id + "; for (__talent_o" + id + " = 1; __talent_o" + id + "; __talent_o" + id + " = 0, i++) { ")
                .contains("talent_site_slow(0)").contains("talent_site_slow(1)").doesNotContain("__talent_r");
        assertThat(asRun.indexOf("talent_site_slow(0)")).as("the loop's site first").isLessThan(asRun.indexOf("if (!c[i])"));
        // the labels are in the resume copy's one-iteration branch only
        String resume = last.substring(copy);
        assertThat(resume).contains("__talent_r0: ;").contains("__talent_r1: ;");
        assertThat(resume.indexOf("__talent_r1: ;")).isGreaterThan(resume.indexOf("} else { int __talent_o"));
    }

    @Test
    void theStartOfTheCounterIsToldToGccUnlessAnUnsignedCounterMayWrap() {
        String out = CProgram.in(dir).file("a.c", """
                long f(int n, unsigned m) {
                  long s = 0;
                  for (int i = n; i > -3; i--) { for (int j = 0; j < i; j++) s += j; }
                  for (unsigned u = 1; u <= m; u++) { for (unsigned j = 0; j < u; j++) s += j; }
                  for (unsigned u = 1; u < m; u++) { for (unsigned j = 0; j < u; j++) s += j; }
                  return s;
                }
                int main(void) { return (int) f(3, 4); }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(2)).contains("if (!(i <= (n))) __builtin_unreachable();");
        assertThat(lines.get(3)).contains("__talent_e").doesNotContain("__builtin_unreachable");
        assertThat(lines.get(4)).contains("if (!(u >= (1))) __builtin_unreachable();");
    }

    /** The temporaries are named after the loop's offset in the file. */
    private static String offsetOfFor(String out) {
        int i = out.indexOf("__talent_e");
        int j = i + "__talent_e".length();
        while (Character.isDigit(out.charAt(j))) j++;
        return out.substring(i + "__talent_e".length(), j);
    }
}
