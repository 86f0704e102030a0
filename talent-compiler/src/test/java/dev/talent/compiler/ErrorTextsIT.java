package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.toolchain.Isa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * glibc's texts of errno values and signals on every platform (the runtime's strerror.c): musl's differ for most of
 * them, so a program moved from glibc to musl printed other texts with exit 0. The program prints them through
 * strerror, strerror_r, printf's %m, perror, warn, err, strsignal and psignal; its stdout and stderr, leg after leg,
 * must equal plain gcc's (glibc) run, through chains that pass musl.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ErrorTextsIT {
    @TempDir
    Path work;

    /**
     * Every errno value 0 to 134 and signal 0 to 66, a loop between them (the stops). Before, x86_64 -> x86_64-musl
     * printed musl's texts from the stop on ("Value too large for data type", "Child process status", "RT34"), and
     * strerror_r's result for an unknown value (0 for glibc's EINVAL), exit 2 as gcc's.
     */
    static final String TEXTS = """
            #include <err.h>
            #include <errno.h>
            #include <signal.h>
            #include <stdio.h>
            #include <string.h>
            static unsigned work(unsigned n) {
              unsigned h = n;
              for (unsigned i = 0; i < 50; i++) h = h * 31u + i;
              return h;
            }
            int main(void) {
              unsigned h = 0;
              for (int e = 0; e <= 134; e++) {
                h += work((unsigned)e);
                char buf[24];
                int r = strerror_r(e, buf, sizeof buf);
                printf("%d %s | %d [%s] | %u\\n", e, strerror(e), r, buf, h % 1000);
                errno = e;
                printf("%%m: %m\\n");
                errno = e;
                if (e % 3 == 0) perror("perror");
                else if (e % 3 == 1) warn("warn %d", e);
                else warnx("warnx %d", e);
                if (e <= 66) {
                  printf("signal %d %s\\n", e, strsignal(e));
                  psignal(e, e % 2 ? "psignal" : NULL);
                }
              }
              errno = EOVERFLOW;
              err(2, "done %u", h);
            }
            """;

    private static Target musl() {
        Assumptions.assumeTrue(MigratesLikeGcc.onPath("musl-gcc"), "musl-gcc is installed by talent's packages");
        return new Target("x86_64-musl", "musl-gcc", Isa.X86_64.requiredCFlags(), List.of());
    }

    @Test
    void everyTextIsGlibcsThroughMuslAndEveryIsa() throws Exception {
        List<Target> chain = List.of(Target.of(Isa.X86_64), musl(), Target.of(Isa.S390X), Target.of(Isa.I686));
        // warn and err print the program's name: every build is called "texts", each in a directory of its own
        Run built = MigratesLikeGcc.plainGcc(work, "texts", TEXTS);
        assertThat(built.rc()).isEqualTo(2);
        Path orig = Files.createDirectories(work.resolve("gcc")).resolve("texts");
        Files.move(work.resolve("texts.orig"), orig);
        Run plain = run(List.of(orig.toString()), Map.of(), null);
        assertThat(plain.rc()).isEqualTo(2);
        assertThat(plain.out()).contains("75 Value too large for defined data type").contains("signal 17 Child exited");
        assertThat(plain.err()).contains("texts: done ").contains("psignal: Unknown signal 35");
        CompileResult program = MigratesLikeGcc.compiled(work, "texts");
        List<Path> exes = new ArrayList<>();
        for (Target t : chain) exes.add(link(t, program, Files.createDirectories(work.resolve(t.name())).resolve("texts")));
        // uninterrupted on musl: glibc's texts wherever the program starts
        Run onMusl = run(command(chain.get(1), exes.get(1)), Map.of(), null);
        assertThat(onMusl.out()).isEqualTo(plain.out());
        assertThat(onMusl.err()).isEqualTo(plain.err());
        assertThat(onMusl.rc()).isEqualTo(2);
        MigratesLikeGcc.chainEqualsGccWithStderr(work, chain, exes, new int[][] {{40, 60, 30}, {130, 5, 2}}, plain);
    }
}
