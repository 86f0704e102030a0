package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RejectionsTest {
    @TempDir
    Path dir;

    @Test
    void unportableConstructsAreRejectedWithFileLineAndRemedy() {
        var d = CProgram.in(dir).file("a.c", """
                #include <setjmp.h>
                #include <alloca.h>
                #include <pthread.h>
                static void *env[5];
                static void *run(void *a) { return a; }
                int main(int argc, char **argv) {
                  pthread_t t;
                  if (__builtin_setjmp(env)) return 1;
                  pthread_create(&t, 0, run, 0);
                  __asm__ volatile("" ::: "memory");
                  char *p = alloca(16);
                  int vla[argc];
                  static void *where = &&out;
                  goto *where;
                out:
                  for (int i = 0; i < argc; i++) p[i] = (char)vla[0];
                  (void)argv;
                  return 0;
                }
                """).rejection();
        // the variable-length array (line 12) is reported once the resume points are known (VariableLengthArraysTest)
        assertThat(d).extracting(Diagnostic::line).containsExactlyInAnyOrder(8, 9, 10, 11, 13, 14);
        assertThat(d).allSatisfy(x -> {
            assertThat(x.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(x.file()).endsWith("a.c");
            assertThat(x.remedy()).isNotBlank();
        });
    }

    @Test
    void allocaOutsideChainFunctionsIsAllowed() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <alloca.h>
                int leaf(int n) { char *p = alloca(n + 1); p[0] = 1; return p[0]; }
                int main(void) { return leaf(3); }
                """).analyze();
        assertThat(p.function("leaf").chain).isFalse();
    }
}
