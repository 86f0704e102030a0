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

/** docs/CODEGEN.md "Strip-mined loops": which counted loops test talent_pending once per strip, and the code. */
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
    })
    void otherLoopsAreNot(String header, String extra) {
        assertThat(LoopForm.of(dir, header.strip(), extra == null ? "" : extra.strip())).isEqualTo(LoopForm.Form.INNER_LOOP_VERSIONED);
    }

    @Test
    void aBreakOfAnInnerLoopOrSwitchAndAContinueAreFine() {
        assertThat(LoopForm.of(dir, "for (int i = 0; i < n; i++)",
                "switch (i) { case 1: break; } if (i == 2) continue; while (k) { if (s) break; k--; }"))
                .isEqualTo(LoopForm.Form.STRIP_MINED);
    }

    @Test
    void theStripRunsTheBodyAsWrittenAndTheOtherBranchOneIterationWithItsSites() {
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
        assertThat(lines.get(2)).isEqualTo("  { long __talent_k" + id + " = 64; unsigned long long __talent_t" + id + " = 0; "
                + "for (long i = 2; i <= limit; ) { if (__builtin_expect(!talent_pending, 1)) { "
                + "long __talent_n" + id + " = __talent_t" + id + " ? talent_strip_next(&__talent_k" + id + ", &__talent_t" + id
                + ") : (__talent_t" + id + " = 1, 64L); __typeof__(i) __talent_e" + id + "; if (__builtin_sub_overflow((limit), i, &__talent_e" + id
                + ") || __talent_e" + id + " >= __talent_n" + id + ") __talent_e" + id + " = i + (__typeof__(i)) (__talent_n" + id
                + " - 1); else __talent_e" + id + " = (limit); for (; i <= __talent_e" + id + "; i++) {");
        // the body as written: the inner loop is not versioned, no site
        assertThat(lines.get(3)).isEqualTo("    if (!c[i]) { n++; for (long j = i * i; j <= limit; j += i) n--; }");
        String last = lines.get(4);
        int copy = last.indexOf("} if (0) { { long __talent_k");
        assertThat(copy).as("the loop's resume copy follows it").isPositive();
        String asRun = last.substring(0, copy);
        assertThat(asRun).startsWith("  } } else { for (int __talent_o").contains("; __talent_o" + offsetOfFor(out) + " = 0, i++) { ")
                .contains("talent_site_slow(0)").contains("talent_site_slow(1)").doesNotContain("!talent_pending")
                .doesNotContain("__talent_r").endsWith(" } } } ");
        // the labels are in the resume copy only
        assertThat(last.substring(copy)).contains("__talent_r0: ;").contains("__talent_r1: ;");
    }

    /** The temporaries are named after the loop's offset in the file. */
    private static String offsetOfFor(String out) {
        int i = out.indexOf("__talent_e");
        int j = i + "__talent_e".length();
        while (Character.isDigit(out.charAt(j))) j++;
        return out.substring(i + "__talent_e".length(), j);
    }
}
