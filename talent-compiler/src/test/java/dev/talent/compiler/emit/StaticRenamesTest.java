package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** StaticRenames and StaticMoves alone and in the order UnitRewriter runs them (OneEmitter). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StaticRenamesTest {
    @TempDir
    Path dir;

    private static final String COUNTER = """
            int next(void) {
              static int n = 5, *p = &n;
              n++;
              return *p;
            }
            int main(void) { return next(); }
            """;

    @Test
    void aHoistedStaticTakesItsFileScopeNameInItsDeclarationAndEveryReference() {
        var e = OneEmitter.of(dir, COUNTER);
        new StaticRenames(e.unit.tu(), e.plan, e.unit.diags()).emit(e.unit.statics(), e.unit.functions());
        assertThat(e.lines()).containsExactly(
                "int next(void) {",
                "  static int __talent_s_next_n = 5, *__talent_s_next_p = &__talent_s_next_n;",
                "  __talent_s_next_n++;",
                "  return *__talent_s_next_p;",
                "}",
                "int main(void) { return next(); }");
        assertThat(e.unit.diags().all()).isEmpty();
    }

    @Test
    void theDeclarationMovesBeforeItsFunctionOnTheFunctionsLineLeavingItsLineBlank() {
        var e = OneEmitter.of(dir, COUNTER);
        new StaticMoves(e.plan).emit(e.unit.statics(), new GlobalGaps(e.unit.tu(), e.plan));
        assertThat(e.lines()).containsExactly(
                "static int n = 5; TALENT_GAP(__talent_gap0) static int *p = &n; TALENT_GAP(__talent_gap1) int next(void) {",
                "  ",
                "  n++;",
                "  return *p;",
                "}",
                "int main(void) { return next(); }");
    }

    @Test
    void renamedThenMovedTheDeclarationMovesWithItsNewNames() {
        var e = OneEmitter.of(dir, COUNTER);
        new StaticRenames(e.unit.tu(), e.plan, e.unit.diags()).emit(e.unit.statics(), e.unit.functions());
        new StaticMoves(e.plan).emit(e.unit.statics(), new GlobalGaps(e.unit.tu(), e.plan));
        assertThat(e.lines().get(0))
                .isEqualTo("static int __talent_s_next_n = 5; TALENT_GAP(__talent_gap0) static int *__talent_s_next_p = "
                        + "&__talent_s_next_n; TALENT_GAP(__talent_gap1) int next(void) {");
        assertThat(e.lines().get(2)).isEqualTo("  __talent_s_next_n++;");
    }

    /** gperf's shape (GNU indent's lexi.c): {@code #line} directives between the elements of a function's static table. */
    private static final String GPERF = """
            static const char *name(int k) {
              static const char *words[] =
                {
            #line 10 "words.list"
                  "alpha",
            #line 11 "words.list"
                  "beta"
                };
              return words[k % 2];
            }
            int main(void) { return *name(1); }
            """;

    /**
     * Before, the moved declaration was joined onto the function's line, directives included: a stray {@code #} for
     * gcc. Its line breaks are kept, and #line directives give the moved text its old lines, the function its own
     * line, and the rest of the function the lines and file that follow the declaration in the source. (The unit's
     * text is clang's preprocessed one: a line after a directive starts with one blank.)
     */
    @Test
    void aDeclarationWithLineDirectivesMovesWithItsLinesAndLeavesTheirNumbering() {
        var e = OneEmitter.of(dir, GPERF);
        new StaticMoves(e.plan).emit(e.unit.statics(), new GlobalGaps(e.unit.tu(), e.plan));
        String file = "\"" + e.unit.tu().origin(1).file() + "\"";
        assertThat(e.lines()).containsExactly(
                "",
                "#line 2 " + file,
                "  static const char *words[] =",
                "    {",
                "#line 10 \"words.list\"",
                " \"alpha\",",
                "#line 11 \"words.list\"",
                " \"beta\"",
                "    }; TALENT_GAP(__talent_gap0) ",
                "#line 1 " + file,
                "static const char *name(int k) {",
                "  ",
                "#line 12 \"words.list\"",
                "      ",
                "  return words[k % 2];",
                "}",
                "int main(void) { return *name(1); }");
    }
}
