package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.analysis.Globals.Global;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GlobalsTest {
    @TempDir
    Path dir;

    private List<Global> globals(CProgram.AnalysedUnit u, Diagnostics diags) {
        return Globals.find(u.tu(), u.types(), u.statics(), diags);
    }

    @Test
    void fileScopeVariablesThenHoistedStaticsEachOnceWithTheirKeys() {
        var u = CProgram.in(dir).file("a.c", """
                typedef const int cint;
                int shared = 1;
                static double own;
                int shared;
                extern int elsewhere;
                cint limit = 3;
                int counter(void) { static int calls; return ++calls + limit; }
                int main(void) { return counter() + shared + (int)own; }
                """).analyze().unit("a.c");
        Diagnostics diags = new Diagnostics();
        List<Global> g = globals(u, diags);
        // an extern variable is not this file's object; the tentative 'int shared;' is the same
        assertThat(g).extracting(Global::key).containsExactly("shared", "a.c:own", "limit", "a.c:__talent_s_counter_calls");
        assertThat(g).extracting(Global::name).containsExactly("shared", "own", "limit", "calls");
        assertThat(g).extracting(Global::addressOf).containsExactly("shared", "own", "limit", "__talent_s_counter_calls");
        assertThat(g).extracting(Global::pos).containsExactly("a.c:2:5", "a.c:3:15", "a.c:6:6", "a.c:7:32");
        // const through its typedef too
        assertThat(g).extracting(Global::isConst).containsExactly(false, false, true, false);
        assertThat(diags.all()).isEmpty();
    }

    @Test
    void anArrayDeclaredWithoutSizeIsTheObjectOfItsSizedDeclaration() {
        var u = CProgram.in(dir).file("a.c", """
                int later[];
                int later[4];
                int tentative[];
                int main(void) { return later[0] + tentative[0]; }
                """).analyze().unit("a.c");
        Diagnostics diags = new Diagnostics();
        // clang gives the unsized declaration no size and the sized one its own; 'tentative' is completed (int[1])
        List<Global> g = globals(u, diags);
        assertThat(g).extracting(Global::key).containsExactly("later", "tentative");
        assertThat(g).extracting(Global::pos).containsExactly("a.c:2:5", "a.c:3:5");
        assertThat(diags.all()).isEmpty();
    }
}
