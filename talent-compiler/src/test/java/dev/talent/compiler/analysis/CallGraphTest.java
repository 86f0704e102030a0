package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CallGraphTest {
    @TempDir
    Path dir;

    @Test
    void chainFunctionsAreAFixedPointAcrossFiles() {
        CProgram p = CProgram.in(dir)
                .file("lib.h", "int leaf(int);\nint middle(int);\nint pure(int);\n")
                .file("a.c", """
                        #include "lib.h"
                        int leaf(int n) { int s = 0; while (n--) s += n; return s; }
                        int pure(int n) { return n * 2; }
                        """)
                .file("b.c", """
                        #include "lib.h"
                        int middle(int n) { return leaf(n) + pure(n); }
                        static int top(int n) { return middle(n); }
                        int main(void) { return top(3) + pure(1); }
                        """).analyze();
        assertThat(p.function("leaf").chain).isTrue();
        assertThat(p.function("middle").chain).isTrue();
        assertThat(p.function("top").chain).isTrue();
        assertThat(p.function("main").chain).isTrue();
        assertThat(p.function("pure").chain).isFalse();
        // ids: file order, then source order
        assertThat(p.function("leaf").id).isZero();
        assertThat(p.function("pure").id).isEqualTo(1);
        assertThat(p.function("main").id).isEqualTo(4);
    }

    @Test
    void recursionWithoutLoopsIsAChainThroughItsEntrySite() {
        CProgram p = CProgram.in(dir).file("a.c", """
                long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
                int main(void) { return (int)fib(10); }
                """).analyze();
        assertThat(p.function("fib").chain).isTrue();
        assertThat(p.function("fib").sites).hasSize(1);
        assertThat(p.function("main").chain).isTrue();
    }

    @Test
    void aHeaderFunctionThatCallsAChainFunctionIsOnTheChainItself() {
        CProgram p = CProgram.in(dir)
                .file("h.h", "int work(int);\nstatic inline int helper(int x) { return work(x); }\n")
                .file("a.c", """
                        #include "h.h"
                        int work(int n) { for (int i = 0; i < n; i++) n--; return n; }
                        int main(void) { return helper(3); }
                        """).analyze();
        assertThat(p.function("helper").chain).isTrue();
        assertThat(p.function("main").chain).isTrue();
        assertThat(p.function("helper").points).hasSize(1);
    }
}
