package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Prologue alone (OneEmitter): the dummy return value and the dispatch to each point's resume label. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PrologueTest {
    @TempDir
    Path dir;

    @Test
    void eachFunctionThatMayCheckpointDispatchesToItsPoints() {
        var e = OneEmitter.of(dir, """
                int g;
                int work(int n) { while (g < n) g++; return g; }
                void tick(void) { while (g < 100) g++; work(3); }
                int main(void) { tick(); return work(2); }
                """);
        Prologue prologue = new Prologue(e.plan);
        for (var f : e.unit.functions()) if (f.chain) prologue.emit(f);
        String dispatch = "if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(";
        assertThat(e.lines()).containsExactly(
                "int g;",
                // the dummy is the type of a call with the parameters as arguments
                "int work(int n) { static __typeof__(work(n)) __talent_zret; " + dispatch + "0)) { case 0: goto __talent_r0; "
                        + "default: break; } while (g < n) g++; return g; }",
                // a void function returns nothing while unwinding
                "void tick(void) { " + dispatch + "1)) { case 1: goto __talent_r1; case 2: goto __talent_r2; default: break; } "
                        + "while (g < 100) g++; work(3); }",
                // main is called talent_user_main by then (MainRename)
                "int main(void) { static __typeof__(talent_user_main()) __talent_zret; " + dispatch + "2)) { case 3: goto "
                        + "__talent_r3; case 4: goto __talent_r4; default: break; } tick(); return work(2); }");
    }
}
