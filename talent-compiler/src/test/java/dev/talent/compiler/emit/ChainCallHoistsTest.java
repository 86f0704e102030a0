package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ChainCallHoists alone (OneEmitter), with the site code it is given; the normalisation of expressions around
 * chain calls in whole programs: ExpressionNormalisationTest.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChainCallHoistsTest {
    @TempDir
    Path dir;

    private static final String UNWIND = "if (__builtin_expect(talent_unwinding, 0)) { talent_frame_begin(";

    @Test
    void aCallStatementAnInitialiserAndAWhileCondition() {
        var e = OneEmitter.of(dir, """
                int g;
                void tick(void) { while (g < 100) g++; }
                int two(void) { tick(); return 2; }
                int main(void) {
                  tick();
                  int x = two() + g;
                  while (two() < x) x--;
                  return x;
                }
                """);
        ChainCallHoists hoists = new ChainCallHoists(e.plan, e.unit.types(), e.siteCode());
        for (var f : e.unit.functions()) if (f.chain) hoists.emit(f);
        var lines = e.lines();
        assertThat(lines.get(1)).isEqualTo("void tick(void) { while (g < 100) g++; }");
        // a call that is a whole statement: its resume label before it, its unwind check after it
        assertThat(lines.get(2)).isEqualTo("int two(void) { if (0) { __talent_r1: ; talent_frame_restored(); } tick(); "
                + UNWIND + "1, 1); talent_frame_end(); return __talent_zret; }  return 2; }");
        assertThat(lines.get(4)).isEqualTo("  if (0) { __talent_r2: ; talent_frame_restored(); } tick(); "
                + UNWIND + "2, 2); talent_frame_end(); return __talent_zret; } ");
        // a call inside an expression: evaluated before the statement into a temporary that takes its place
        assertThat(lines.get(5)).isEqualTo("  __typeof__(two()) __talent_t1; if (0) { __talent_r3: ; talent_frame_restored(); } "
                + "__talent_t1 = two(); " + UNWIND + "2, 3); talent_frame_end(); return __talent_zret; } int x = __talent_t1 + g;");
        // in a while condition: the loop becomes for (;;) with the call and the test at the top of its body; x is
        // live there, so saved and restored
        assertThat(lines.get(6)).isEqualTo("  for (;;) { __typeof__(two()) __talent_t2; if (0) { __talent_r4: ; "
                + "TALENT_RESTORE_INT(1, x, &talent_td_0); talent_frame_restored(); } __talent_t2 = two(); " + UNWIND
                + "2, 4); TALENT_SAVE_INT(1, \"x\", \"a.c:6:7\", x, &talent_td_0); talent_frame_end(); return __talent_zret; } "
                + "if (!(__talent_t2 < x)) break; x--; }");
        assertThat(lines.get(7)).isEqualTo("  return x;");
    }
}
