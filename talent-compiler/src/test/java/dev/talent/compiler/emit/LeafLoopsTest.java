package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LeafLoopsTest {
    @TempDir
    Path dir;

    @Test
    void flattenDropsCommentsAndNewlinesButKeepsLiterals() {
        assertThat(LeafLoops.flatten("a = 1; // one\nb = \"/* no */\"; /* two\n */ c = '\\'';"))
                .isEqualTo("a = 1;   b = \"/* no */\";   c = '\\'';");
    }

    @Test
    void onlyInnermostLoopsWithoutChainCallsOrPreprocessorLinesAreVersioned() {
        String out = CProgram.in(dir).file("a.c", """
                int g(int n) { for (int i = 0; i < n; i++) n--; return n; }
                int lim = 30; int main(void) {
                  int s = 0;
                  for (int i = 0; i < lim; i++) {
                    for (int j = 0; j < 3; j++) s += j;
                  }
                  for (int i = 0; i < 3; i++) s += g(i);
                  for (int i = 0; i < 3; i++) {
                #ifdef NEVER
                    s--;
                #endif
                  }
                  return s;
                }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        assertThat(lines.get(0)).contains("if (__builtin_expect(!talent_pending, 1)) { for (int i = 0; i < n; i++) n--; } else {");
        assertThat(lines.get(3)).doesNotContain("!talent_pending");
        assertThat(lines.get(4)).contains("if (__builtin_expect(!talent_pending, 1)) { for (int j = 0;");
        assertThat(lines.get(6)).doesNotContain("!talent_pending");
        // the unit is preprocessed: the #ifdef is decided and gone, so that loop is a leaf loop like the others
        assertThat(lines.get(7)).contains("if (__builtin_expect(!talent_pending, 1)) { for (int i = 0; i < 3; i++) {");
        assertThat(lines).hasSize(14);
    }

    @Test
    void theSiteOfALoopWhoseBodyStartsWithAVersionedLoopGoesIntoItsInstrumentedCopy() {
        String out = CProgram.in(dir).file("a.c", """
                int lim = 30; int main(void) {
                  int s = 0;
                  for (int i = 0; i < lim; i++) {
                    for (int j = 0; j < i; j++) s += j;
                    s--;
                  }
                  for (int i = 0; i < lim; i++)
                    for (int j = 0; j < i; j++) s += j;
                  return s;
                }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        // one test of talent_pending per outer iteration: the outer site (0) runs only when it is set
        assertThat(lines.get(2)).isEqualTo("  for (int i = 0; i < lim; i++) {");
        assertThat(lines.get(3)).startsWith("    if (__builtin_expect(!talent_pending, 1)) { for (int j = 0; j < i; j++) s += j; } else { "
                + "if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(0)) {")
                .contains("} } for (int j = 0; j < i; j++) { if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(1)) {");
        assertThat(lines.get(6)).isEqualTo("  for (int i = 0; i < lim; i++)");
        assertThat(lines.get(7)).startsWith("    if (__builtin_expect(!talent_pending, 1)) { for (int j = 0; j < i; j++) s += j; } else { "
                + "if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(2)) {");
    }

    @Test
    void aLoopHoldingCaseLabelsOfAnOuterSwitchIsNotVersioned() {
        // Duff's device: a copy of the loop would repeat the switch's case labels
        String out = CProgram.in(dir).file("a.c", CProgram.DUFFS_DEVICE).instrumented("a.c");
        assertThat(out).doesNotContain("!talent_pending, 1");
    }

    @Test
    void aShortNestIsVersionedAsAWholeAndItsInstrumentedCopyAloneHasSitesAndLabels() {
        String out = CProgram.in(dir).file("a.c", """
                int main(int argc, char **argv) {
                  int s = 0;
                  for (int i = 0; i < 5; i++) {
                    for (int j = i + 1; j < argc + 5; j++) s += j;
                    while (s > 100) s /= 3;
                  }
                  return s;
                }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        assertThat(lines.get(2)).isEqualTo("  if (__builtin_expect(!talent_pending, 1)) { for (int i = 0; i < 5; i++) {");
        assertThat(lines.get(3)).isEqualTo("    for (int j = i + 1; j < argc + 5; j++) s += j;");
        assertThat(lines.get(4)).isEqualTo("    while (s > 100) s /= 3;");
        assertThat(lines.get(5)).startsWith("  } } else { for (int i = 0; i < 5; i++) { if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(0)) {")
                .contains("__talent_r0: ;").contains("talent_site_slow(1)").contains("__talent_r1: ;")
                .contains("talent_site_slow(2)").contains("__talent_r2: ;").doesNotContain("!talent_pending").doesNotContain("if (0) { for");
    }
}
