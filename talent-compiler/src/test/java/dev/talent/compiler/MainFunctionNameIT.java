package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code __func__}, {@code __FUNCTION__} and {@code __PRETTY_FUNCTION__} in {@code main} name {@code main}, though
 * talent renames main to {@code talent_user_main}: written directly, through a program's macro and inside glibc's
 * {@code assert} (its failure message). Found by hand: the program printed {@code talent_user_main} with exit 0,
 * uninterrupted too.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class MainFunctionNameIT {
    @TempDir
    Path work;

    static final String SOURCE = """
            #include <assert.h>
            #include <stdio.h>
            #define LOG(m) fprintf(stderr, "log %s: %s\\n", __func__, m)
            static long step(long n, int i) {
              if (i % 1000 == 0) printf("%s %d\\n", __func__, i);
              return n * 31 + i;
            }
            int main(void) {
              const char *kept = __func__;
              long n = 0;
              printf("%s %s %s %zu\\n", __func__, __FUNCTION__, __PRETTY_FUNCTION__, sizeof __func__);
              LOG("start");
              for (int i = 0; i < 5000; i++) {
                n = step(n, i) % 1000003;
                if (i % 1000 == 0) { printf("%s %s i=%d n=%ld\\n", kept, __func__, i, n); LOG("loop"); }
              }
              printf("%s n=%ld\\n", __FUNCTION__, n);
              LOG("end");
              fflush(stdout);
              assert(n < 0);
              return 0;
            }
            """;

    /** The lines of stderr that are the program's (its LOG lines and the assertion from its file name on). */
    private static String programErr(String err) {
        return err.lines().filter(l -> l.startsWith("log ") || l.contains("Assertion"))
                .map(l -> l.contains("Assertion") ? l.substring(l.indexOf("fn.c:")) : l)
                .collect(Collectors.joining("\n"));
    }

    @Test
    void mainsFunctionNamesAreMainUninterruptedAndAfterAMigration() throws Exception {
        Path src = work.resolve("fn.c");
        Run plain = MigratesLikeGcc.plainGcc(work, "fn", SOURCE);
        assertThat(plain.rc()).as(plain.err()).isEqualTo(134);
        assertThat(plain.out()).startsWith("main main main 5\n").contains("main main i=4000 ");
        assertThat(programErr(plain.err())).startsWith("log main: start\n").endsWith("fn.c:20: main: Assertion `n < 0' failed.");

        CompileResult program = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "fn"));
        Target x86 = HOPS.get(0), s390x = HOPS.get(1);
        assertThat(List.of(x86, s390x)).extracting(Target::name).containsExactly("x86_64", "s390x");
        Path exeX86 = link(x86, program, work.resolve("fn.x86_64"));
        Path exeS390x = link(s390x, program, work.resolve("fn.s390x"));

        Run straight = run(command(x86, exeX86), Map.of(), null);
        assertThat(straight.out()).isEqualTo(plain.out());
        assertThat(programErr(straight.err())).isEqualTo(programErr(plain.err()));
        assertThat(straight.rc()).isEqualTo(134);

        Path ck = checkpointDir(work.resolve("ck"));
        Run first = run(command(x86, exeX86), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "2500"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(s390x, exeS390x), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain.out());
        assertThat(programErr(first.err() + second.err())).isEqualTo(programErr(plain.err()));
        assertThat(second.rc()).as(second.err()).isEqualTo(134);
    }

    /**
     * A main that reaches its closing brace exits 0 (C99 5.1.2.2.3), under talent too: talent_user_main is an
     * ordinary function, whose value there was what a register held (the last printf's count: exit 7 for gcc's 0).
     */
    @Test
    void mainThatEndsWithoutAReturnExitsZeroUninterruptedAndAfterAMigration() throws Exception {
        Path src = work.resolve("noret.c");
        Files.writeString(src, """
                #include <stdio.h>
                int main(void) {
                  long s = 0;
                  for (int i = 0; i < 5000; i++) s = (s * 31 + i) % 1000003;
                  printf("%ld\\n", s);
                }
                """);
        Path orig = work.resolve("noret.orig");
        Run gcc = run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        Run plain = run(List.of(orig.toString()), Map.of(), null);
        assertThat(plain.rc()).isZero();
        CompileResult program = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out-noret"), "noret"));
        Target x86 = HOPS.get(0), s390x = HOPS.get(1);
        Path exeX86 = link(x86, program, work.resolve("noret.x86_64"));
        Path exeS390x = link(s390x, program, work.resolve("noret.s390x"));
        Run straight = run(command(x86, exeX86), Map.of(), null);
        assertThat(straight.out()).isEqualTo(plain.out());
        assertThat(straight.rc()).as(straight.err()).isZero();
        Path ck = checkpointDir(work.resolve("ck-noret"));
        Run first = run(command(x86, exeX86), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "2500"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(s390x, exeS390x), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain.out());
        assertThat(second.rc()).as(second.err()).isZero();
    }
}
