package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** StripMinedLoops alone (OneEmitter); which loops are strip-mined and the strip's code: StripMiningTest. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StripMinedLoopsTest {
    @TempDir
    Path dir;

    private static final String STRIP = """
            int a[64];
            void strip(int n) { for (int i = 0; i < n; i++) { for (int j = 0; j < n; j++) a[j] += i; } }
            int main(void) { strip(3); return a[0]; }
            """;

    @Test
    void aDeferredLoopIsRewrittenWithItsSiteInTheOneIterationBranch() {
        var e = OneEmitter.of(dir, STRIP);
        var f = e.function("strip");
        var loop = OneEmitter.loops(f).getFirst();
        var header = StripMining.of(f, loop, e.unit.graph(), e.unit.tu().text()).orElseThrow();
        StripMinedLoops strips = new StripMinedLoops(e.unit.tu(), e.plan, e.resumeCopies);
        strips.defer(loop, header, "SITE;");
        assertThat(strips.loops()).containsExactly(loop);
        strips.emit();
        assertThat(strips.loops()).isEmpty();
        String body = StripMining.body(header, e.unit.tu().text(), "{ for (int j = 0; j < n; j++) a[j] += i; }",
                "{ SITE; { for (int j = 0; j < n; j++) a[j] += i; } }", loop.begin().offset());
        assertThat(e.lines().get(1)).isEqualTo("void strip(int n) { for (int i = 0; i < n; ) " + body + " }");
        assertThat(body).contains("{ SITE; { for (int j = 0; j < n; j++) a[j] += i; } }");
    }

    @Test
    void aHeaderAnotherPassRewroteIsAnInternalError() {
        var e = OneEmitter.of(dir, STRIP);
        var f = e.function("strip");
        var loop = OneEmitter.loops(f).getFirst();
        StripMinedLoops strips = new StripMinedLoops(e.unit.tu(), e.plan, e.resumeCopies);
        strips.defer(loop, StripMining.of(f, loop, e.unit.graph(), e.unit.tu().text()).orElseThrow(), "SITE;");
        e.plan.insert(loop.begin().offset() + 5, "/* edit */ ");
        assertThatThrownBy(strips::emit).isInstanceOf(IllegalStateException.class)
                .hasMessage("strip mining: the header of the loop at a.c:2:21 was rewritten by another pass");
    }
}
