package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** docs/CODEGEN.md "Resume labels and resume copies": where the prologue's jump targets end up. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ResumeCopiesTest {
    @TempDir
    Path dir;

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void anOutermostLoopWithResumeLabelsIsFollowedByItsCopyWhichAloneHasThem() {
        String out = CProgram.in(dir).file("a.c", """
                int lim = 40; int main(void) {
                  int s = 0;
                  for (int i = 0; i < lim; i++) {
                    s++;
                    for (int j = 0; j < i; j++) s += j;
                  }
                  return s;
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines).hasSize(8);
        assertThat(lines.get(0)).contains("case 0: goto __talent_r0; case 1: goto __talent_r1;");
        // the loops as run: sites and the versioned inner loop, no label
        assertThat(lines.get(2)).contains("talent_site_slow(0)").doesNotContain("__talent_r");
        assertThat(lines.get(4)).contains("if (__builtin_expect(!talent_pending, 1)) { for (int j = 0; j < i; j++) s += j; } else {")
                .contains("talent_site_slow(1)").doesNotContain("__talent_r");
        // the copy, on the loop's last line, never reached by falling through
        assertThat(lines.get(5)).startsWith("  } if (0) { for (int i = 0; i < lim; i++) { if (__builtin_expect(talent_pending, 0)) {")
                .contains("if (0) { __talent_r0: ;").contains("if (__builtin_expect(!talent_pending, 1)) { for (int j = 0;")
                .contains("if (0) { __talent_r1: ;").endsWith("s += j; } }   } }");
        assertThat(count(out, "__talent_r0: ;")).isEqualTo(1);
        assertThat(count(out, "__talent_r1: ;")).isEqualTo(1);
    }

    @Test
    void labelsOutsideLoopsAndInAVersionedLeafLoopStayWhereTheyAre() {
        String out = CProgram.in(dir).file("a.c", """
                int work(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }
                int main(void) {
                  int r = work(3);
                  return r;
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(0)).contains("} else { for (int i = 0; i < n; i++) {").contains("if (0) { __talent_r0: ;")
                .doesNotContain("if (0) { for");
        // (work has a clean clone: the call chooses it, CleanClonesTest)
        assertThat(lines.get(2)).startsWith("  __typeof__((" + CleanClones.CHOOSE + " ? work__talent_clean : work)(3))"
                + " __talent_t1; if (0) { __talent_r1: ;");
    }

    @Test
    void aLoopThatDeclaresALabelKeepsItsLabelsAndTheLoopInsideItIsCopied() {
        String out = CProgram.in(dir).file("a.c", """
                int lim = 40; int main(void) {
                  int s = 0;
                  for (int r = 0; r < 6; r++) {
                    if (r == 3) goto skip;
                    for (int i = 0; i < lim; i++) {
                      for (int j = 0; j < i; j++) s += j;
                    }
                  skip:
                    s++;
                  }
                  return s;
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(2)).contains("if (0) { __talent_r0: ;");
        assertThat(lines.get(4)).doesNotContain("__talent_r");
        assertThat(lines.get(6)).startsWith("    } if (0) { for (int i = 0; i < lim; i++) {")
                .contains("if (0) { __talent_r1: ;").contains("if (0) { __talent_r2: ;");
        assertThat(lines.get(9)).isEqualTo("  }");
        assertThat(count(out, "skip:")).isEqualTo(1);
    }

    @Test
    void aLoopCallingAStaticFunctionCalledOnlyThereKeepsItsLabels() {
        // a copy would give step a second call site: gcc inlines a static function called once, not twice
        String out = CProgram.in(dir).file("a.c", """
                static int step(int v) { for (int k = 0; k < 3; k++) v += k; return v; }
                static int twice(int v) { for (int k = 0; k < 2; k++) v *= 2; return v; }
                int main(void) {
                  int s = twice(1);
                  for (int i = 0; i < 9; i++) s += step(i);
                  for (int i = 0; i < 9; i++) s += twice(i);
                  return s;
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(4)).contains("if (0) { __talent_r4: ;").doesNotContain("if (0) { for");
        assertThat(lines.get(5)).contains("} if (0) { for (int i = 0; i < 9; i++) {");
    }

    @Test
    void aLoopHoldingCaseLabelsOfAnOuterSwitchKeepsItsLabels() {
        String out = CProgram.in(dir).file("a.c", CProgram.DUFFS_DEVICE).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(3)).contains("if (0) { __talent_r0: ;");
        assertThat(out).doesNotContain("if (0) { do");
    }

    @Test
    void aLoopThatIsTheBranchOfAnIfIsBracedTogetherWithItsCopy() {
        String out = CProgram.in(dir).file("a.c", """
                int main(int argc, char **argv) {
                  int s = 0;
                  (void)argv;
                  if (argc > 0)
                    while (s < 10) {
                      for (int j = 0; j < 2; j++) s += j + 1;
                    }
                  else
                    s = 1;
                  return s;
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(4)).startsWith("    { while (s < 10) {");
        assertThat(lines.get(6)).startsWith("    } if (0) { while (s < 10) {").endsWith("} } }");
        assertThat(lines.get(7)).isEqualTo("  else");
    }

    /** A raw control character in the program's text is never taken for a resume-label marker. */
    @Test
    void theMarkerIsACharacterTheSourceDoesNotHoldSoProgramTextLookingLikeOneSurvives() {
        String literal = "\u0001r0\u0001";
        String out = CProgram.in(dir).file("a.c", "int lim = 40; const char *tag = \"" + literal + "\";\n"
                + "int main(void) {\n  int s = 0;\n  for (int i = 0; i < lim; i++) {\n    s++;\n"
                + "    for (int j = 0; j < i; j++) s += j;\n  }\n  return s + tag[0];\n}\n").instrumented("a.c");

        assertThat(out).contains("\"" + literal + "\"");
        assertThat(count(out, "__talent_r")).isPositive();
        assertThat(ResumeCopies.markFor("a\u0001b")).isEqualTo('\u0002');
        assertThat(ResumeCopies.markFor("plain")).isEqualTo('\u0001');
    }
}
