package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.ast.Ast;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** LoopVersioning alone (OneEmitter): a loop and its plain copy, and which loops are short nests. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoopVersioningTest {
    @TempDir
    Path dir;

    private static final String LOOPS = """
            int g, a[64];
            void spin(void) { while (g < 100) g++; }
            void nest(void) { for (int i = 0; i < 4; i++) { for (int j = 0; j < g; j++) a[j] += i; } }
            void wide(int n) { for (int i = 0; i < n; i++) { for (int j = 0; j < g; j++) a[j] += i; } }
            int main(void) { spin(); nest(); wide(g); return g; }
            """;

    @Test
    void theLoopAsRewrittenIsTheCopyThatRunsWhileARequestIsPending() {
        var e = OneEmitter.of(dir, LOOPS);
        LoopVersioning versioning = new LoopVersioning(e.plan, e.unit.graph());
        var loop = OneEmitter.loops(e.function("spin")).getFirst();
        String plain = versioning.asWritten(loop);
        assertThat(plain).isEqualTo("while (g < 100) g++;");
        // as a site does: an edit inside the loop, after its text as written was taken
        e.plan.insert(Ast.loopBody(loop).begin().offset(), "(void)0, ");
        versioning.version(loop, plain);
        assertThat(e.lines().get(1)).isEqualTo("void spin(void) { if (__builtin_expect(!talent_pending, 1)) { while (g < 100) g++; } "
                + "else { while (g < 100) (void)0, g++; } }");
    }

    /** gcc -Wall warns of a dangling else on an unbraced if whose branch holds an if/else. */
    @Test
    void aLoopThatIsTheBranchOfAnIfIsVersionedInBraces() {
        var e = OneEmitter.of(dir, """
                int g;
                void spin(int c) { if (c) while (g < 100) g++; else g = 7; }
                int main(void) { spin(1); return g; }
                """);
        LoopVersioning versioning = new LoopVersioning(e.plan, e.unit.graph());
        var loop = OneEmitter.loops(e.function("spin")).getFirst();
        versioning.version(loop, versioning.asWritten(loop));
        assertThat(e.lines().get(1)).isEqualTo("void spin(int c) { if (c) { if (__builtin_expect(!talent_pending, 1)) "
                + "{ while (g < 100) g++; } else { while (g < 100) g++; } } else g = 7; }");
    }

    @Test
    void anOuterSiteGoesBeforeTheInstrumentedCopy() {
        var e = OneEmitter.of(dir, LOOPS);
        LoopVersioning versioning = new LoopVersioning(e.plan, e.unit.graph());
        var loop = OneEmitter.loops(e.function("spin")).getFirst();
        versioning.putBeforeInstrumentedCopy(loop, "OUTER_SITE;");
        versioning.version(loop, versioning.asWritten(loop));
        assertThat(e.lines().get(1)).isEqualTo("void spin(void) { if (__builtin_expect(!talent_pending, 1)) { while (g < 100) g++; } "
                + "else { OUTER_SITE; while (g < 100) g++; } }");
    }

    @Test
    void aLoopOfAtMostSixteenIterationsAroundASiteIsAShortNest() {
        var e = OneEmitter.of(dir, LOOPS);
        LoopVersioning versioning = new LoopVersioning(e.plan, e.unit.graph());
        assertThat(versioning.shortNestsAsWritten(e.function("nest")).values())
                .containsExactly("for (int i = 0; i < 4; i++) { for (int j = 0; j < g; j++) a[j] += i; }");
        assertThat(versioning.shortNestsAsWritten(e.function("wide"))).isEmpty();
        assertThat(versioning.shortNestsAsWritten(e.function("spin"))).isEmpty();
    }
}
