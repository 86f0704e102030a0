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
}
