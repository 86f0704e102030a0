package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, cause 8: functions on a cycle of the call graph get a site at entry. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RecursionSitesTest {
    @TempDir
    Path dir;

    @Test
    void functionsOnACycleGetAnEntrySiteAndTheirCallersBecomeChainFunctions() {
        CProgram p = CProgram.in(dir).file("a.c", """
                static int even(int n);
                static int odd(int n) { return n == 0 ? 0 : even(n - 1); }
                static int even(int n) { return n == 0 ? 1 : odd(n - 1); }
                static int fact(int n) { return n < 2 ? 1 : n * fact(n - 1); }
                static int twice(int n) { return 2 * n; }
                int main(void) { return odd(3) + fact(4) + twice(1) - 27; }
                """);
        String out = p.instrumented("a.c");
        p.compilesWithGcc("a.c");
        p.analyze();
        assertThat(p.function("odd").sites).singleElement().satisfies(s -> {
            assertThat(s.loop()).isNull();
            assertThat(s.pragma()).isNull();
        });
        assertThat(p.function("even").sites).hasSize(1);
        assertThat(p.function("fact").sites).hasSize(1);
        assertThat(p.function("twice").sites).isEmpty();
        assertThat(p.function("twice").chain).isFalse();
        assertThat(p.function("main").chain).isTrue();
        List<String> l = CProgram.originalLines(out);
        // after the prologue, before the body's first statement: n is saved, the resume label restores it
        assertThat(l.get(3)).startsWith("static int fact(int n) { static __typeof__(fact(n)) __talent_zret; if (__builtin_expect(talent_restoring, 0)) "
                        + "switch (talent_resume_point(2)) { case 4: goto __talent_r4; case 5: goto __talent_r5; default: break; } "
                        + "if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(4)) { talent_frame_begin(2, 4); "
                        + "TALENT_SAVE_INT(0, \"n\", \"a.c:4:21\", n, &talent_td_0); talent_frame_end(); return __talent_zret; } "
                        + "if (0) { __talent_r4: ; TALENT_RESTORE_INT(0, n, &talent_td_0); talent_frame_restored(); } } __typeof__(fact(n - 1)) __talent_t1; ");
    }
}
