package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SiteCode alone: the text of a site, an unwind check and a resume label (docs/CODEGEN.md "A site"). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SiteCodeTest {
    @TempDir
    Path dir;

    @Test
    void siteUnwindCheckAndResumeLabel() {
        var e = OneEmitter.of(dir, """
                int g;
                void tick(void) { while (g < 100) g++; }
                int two(int k) { tick(); return 2 + k; }
                int main(void) { return two(1); }
                """);
        SiteCode code = e.siteCode();
        var tick = e.function("tick");
        var two = e.function("two");
        // a void function returns nothing while unwinding; its resume label is a marker until ResumeCopies places it
        String site = code.site(tick, tick.points.get(0));
        assertThat(e.resumeCopies.strip(site)).isEqualTo("if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(0)) { "
                + "talent_frame_begin(0, 0); talent_frame_end(); return; } }");
        assertThat(e.resumeCopies.expand(site)).isEqualTo("if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(0)) { "
                + "talent_frame_begin(0, 0); talent_frame_end(); return; } if (0) { __talent_r0: ; talent_frame_restored(); } }");
        // k is live after the call: saved while unwinding, restored at the label
        assertThat(code.unwindCheck(two, two.points.get(0))).isEqualTo("if (__builtin_expect(talent_unwinding, 0)) { "
                + "talent_frame_begin(1, 1); TALENT_SAVE_INT(0, \"k\", \"a.c:3:13\", k, &talent_td_0); talent_frame_end(); "
                + "return __talent_zret; } ");
        assertThat(e.resumeCopies.expand(code.restoreLabel(two.points.get(0)))).isEqualTo("if (0) { __talent_r1: ; "
                + "TALENT_RESTORE_INT(0, k, &talent_td_0); talent_frame_restored(); } ");
        assertThat(SiteCode.returnsVoid(tick)).isTrue();
        assertThat(SiteCode.returnsVoid(two)).isFalse();
    }
}
