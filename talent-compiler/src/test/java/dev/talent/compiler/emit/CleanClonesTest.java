package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** docs/CODEGEN.md "Clean clones": which functions get an uninstrumented copy, and how their calls choose it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CleanClonesTest {
    @TempDir
    Path dir;

    private static final String CHOOSE = "(" + CleanClones.CHOOSE + " ? mix__talent_clean : mix)";

    @Test
    void aFunctionWhoseOnlyLoopIsALeafLoopGetsACloneItsCallChooses() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                static unsigned long mix(long rounds) {
                  unsigned long h = 1469598103934665603UL;
                  int *scratch = malloc(4 * sizeof *scratch);
                  for (long i = 0; i < rounds; i++) { h ^= (unsigned long)i; h *= 1099511628211UL; }
                  free(scratch);
                  return h;
                }
                int main(int argc, char **argv) {
                  unsigned long h = mix(argc > 1 ? atol(argv[1]) : 10);
                  return (int)(h & 1);
                }
                """);
        String out = p.instrumented("a.c");
        // the instrumented function stays, out of line, declares its clone after it, and main's call chooses
        assertThat(out).contains("__attribute__((noinline)) static unsigned long mix(long rounds)")
                .contains("static __typeof__(mix) mix__talent_clean;")
                .containsPattern("__talent_t\\d+ = " + java.util.regex.Pattern.quote(CHOOSE) + "\\(__talent_t\\d+\\);");
        // the clone: the original text (its allocation already typed), under a #line giving its original lines
        int at = out.indexOf("\n#line 2 \"");
        assertThat(at).isPositive();
        String clone = out.substring(at + 1);
        assertThat(clone).contains("static unsigned long mix__talent_clean(long rounds) {")
                .contains("talent_malloc(").doesNotContain("talent_pending").doesNotContain("talent_site_slow")
                .doesNotContain("__talent_zret");
        assertThat(clone.lines().toList().get(4)).contains("for (long i = 0; i < rounds; i++)");
        p.compilesWithGcc("a.c");
    }

    @Test
    void functionsThatWouldChangeMeaningOrWaitLongerAsACloneGetNone() throws java.io.IOException {
        String twoLoops = """
                static long mix(long n) { long s = 0; for (long i = 0; i < n; i++) s += i; for (long i = 0; i < n; i++) s ^= i; return s; }
                int main(void) { return (int)mix(5); }
                """;
        String staticLocal = """
                static long mix(long n) { static long calls; calls++; long s = 0; for (long i = 0; i < n; i++) s += i; return s + calls; }
                int main(void) { return (int)mix(5); }
                """;
        String macroAfter = """
                static long mix(long n) { long s = 0; for (long i = 0; i < n; i++) s += i * K; return s; }
                #define K 3
                int main(void) { return (int)mix(5); }
                """.replace("i * K", "i * 2");
        String func = """
                #include <string.h>
                static long mix(long n) { long s = 0; for (long i = 0; i < n; i++) s += i; return s + (long)strlen(__func__); }
                int main(void) { return (int)mix(5); }
                """;
        String chainCall = """
                static long leaf(long n) { long s = 0; for (long i = 0; i < n; i++) s += i; return s; }
                static long mix(long n) { long s = leaf(n); for (long i = 0; i < n; i++) s += i; return s; }
                int main(void) { return (int)mix(5); }
                """;
        int k = 0;
        for (String source : new String[] {twoLoops, staticLocal, macroAfter, func, chainCall}) {
            Path sub = java.nio.file.Files.createDirectories(dir.resolve("p" + k++));
            String out = CProgram.in(sub).file("a.c", source).instrumented("a.c");
            assertThat(out).as(source).doesNotContain("mix__talent_clean");
        }
    }

    @Test
    void aCallBeforeTheDefinitionKeepsCallingTheInstrumentedFunction() {
        String out = CProgram.in(dir).file("a.c", """
                static long mix(long n);
                int main(void) { return (int)mix(5); }
                static long mix(long n) { long s = 0; for (long i = 0; i < n; i++) s += i; return s; }
                """).instrumented("a.c");
        // no call can choose: no clone (gcc would warn about an unused one)
        assertThat(out).doesNotContain("mix__talent_clean").doesNotContain("noinline");
    }
}
