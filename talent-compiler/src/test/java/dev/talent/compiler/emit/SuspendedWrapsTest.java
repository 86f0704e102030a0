package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SuspendedWraps alone (OneEmitter); calls through pointers and callbacks: IndirectCallsTest. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SuspendedWrapsTest {
    @TempDir
    Path dir;

    @Test
    void onlyChainCallsOfAFunctionThatDoesNotCheckpointRunSuspended() {
        var e = OneEmitter.of(dir, """
                int work(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }
                void tick(int n) { for (int i = 0; i < n; i++) work(i); }
                #pragma talent nocheckpoint
                int quiet(void) { tick(2); return work(2); }
                int main(void) { tick(1); return quiet() + work(3); }
                """);
        SuspendedWraps wraps = new SuspendedWraps(e.unit.tu(), e.unit.graph(), e.plan, e.unit.diags());
        for (var f : e.unit.functions()) wraps.emit(f);
        assertThat(e.lines()).containsExactly(
                "int work(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }",
                "void tick(int n) { for (int i = 0; i < n; i++) work(i); }",
                "#pragma talent nocheckpoint",
                // a void call is a statement expression of its own; a value is kept in __talent_sv
                "int quiet(void) { ({ talent_suspended++; tick(2); talent_suspended--; }); return ({ talent_suspended++; "
                        + "__auto_type __talent_sv = work(2); talent_suspended--; __talent_sv; }); }",
                // main may checkpoint: its calls are resume points, not suspended
                "int main(void) { tick(1); return quiet() + work(3); }");
        assertThat(e.unit.diags().all()).isEmpty();
    }
}
