package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found 2026-12-03: the program's {@code errno} was not kept across a checkpoint that keeps running. The program
 * below printed {@code errno=0} after the first periodic checkpoint (plain gcc: 34 throughout): the runtime's own
 * work while writing the checkpoint and rebuilding the call chain left its errno to the program. The site now saves
 * the program's errno when it takes the checkpoint and sets it back just before the program's code runs again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ErrnoIT {
    @TempDir
    Path work;

    static final String SOURCE = """
            #include <stdio.h>
            #include <errno.h>
            static int work(int i) { return i * 3 + 1; }
            int main(void) {
                long s = 0; errno = 34;
                printf("start errno=%d\\n", errno);
                for (int i = 0; i < 2000; i++) {
                    s += work(i);
                    if (i % 500 == 0) printf("i=%d errno=%d\\n", i, errno);
                }
                printf("end s=%ld errno=%d\\n", s, errno);
                return 0;
            }
            """;

    @Test
    void errnoIsKeptAcrossCheckpointsThatKeepRunning() throws Exception {
        Path src = work.resolve("e.c");
        Files.writeString(src, SOURCE);
        Path orig = work.resolve("e.orig");
        Run gcc = run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        assertThat(expected).contains("end s=5999000 errno=34");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "e"));
        Path exe = link(HOPS.getFirst(), r, work.resolve("e." + HOPS.getFirst().name()));
        for (int every : new int[] {7, 300, 1100}) {
            Path ck = Files.createDirectories(work.resolve("ck-" + every));
            Files.setPosixFilePermissions(ck, PosixFilePermissions.fromString("rwx------"));
            Run periodic = run(command(HOPS.getFirst(), exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_EVERY_VISITS", String.valueOf(every), "TALENT_KEEP", "2", "TALENT_VERBOSE", "1"), null);
            assertThat(periodic.err()).as("every %d visits", every).contains("the program keeps running");
            assertThat(periodic.out()).as("every %d visits\n%s", every, periodic.err()).isEqualTo(expected);
            assertThat(periodic.rc()).as(periodic.err()).isZero();
        }
    }
}
