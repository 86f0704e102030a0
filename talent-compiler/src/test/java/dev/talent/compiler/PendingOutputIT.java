package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes stdout and stderr hold unwritten at a checkpoint are carried in it and put back into the streams when the
 * program resumes (the runtime's pending.c, the global {@code <libc>:pending}), not flushed. A checkpoint used to flush
 * every stream: a program mixing buffered stdout with direct writes to the same file (write(1, ...), or stderr into the
 * same file as stdout) printed in another order than gcc's uninterrupted run, exit 0, at a stop, at a periodic
 * checkpoint it went on after, and at a refused one. Every run's stdout is a file (fully buffered, as gcc's run's).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PendingOutputIT {
    @TempDir
    Path work;

    /**
     * printf's pieces buffered beside write(2)s on stdout's descriptor: gcc's run prints the w's first (the issue's
     * reproducer, its hash made 32-bit so that a checkpoint restores on i686).
     */
    static final String INTERLEAVED = """
            #include <stdio.h>
            #include <unistd.h>
            static unsigned spin(unsigned h) { for (int i = 0; i < 50; i++) h = h * 31 + (unsigned)i; return h; }
            int main(void) {
              unsigned h = 0;
              for (int i = 0; i < 5; i++) {
                printf("p%d ", i);
                h = spin(h + (unsigned)i);
                if (write(1, "w", 1) != 1) return 1;
              }
              printf("%u\\n", h % 1000);
              return 0;
            }
            """;

    /**
     * stderr made a copy of stdout's descriptor (as {@code > out 2>&1} does): stdout's lines stay buffered while
     * stderr's (unbuffered) are written at once, so gcc's run prints every err line before the out lines.
     */
    static final String TWO_STREAMS = """
            #include <stdio.h>
            #include <unistd.h>
            static unsigned spin(unsigned h) { for (int i = 0; i < 40; i++) h = h * 33 + (unsigned)i; return h; }
            int main(void) {
              unsigned h = 7;
              if (dup2(1, 2) != 2) return 3;
              for (int i = 0; i < 6; i++) {
                h = spin(h + (unsigned)i);
                printf("out %d h=%u\\n", i, h % 10000);
                fprintf(stderr, "err %d\\n", i);
                printf("half %d ", i);
              }
              printf("end\\n");
              return 0;
            }
            """;

    @Test
    void interleavedWritesMigrateLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "il", INTERLEAVED);
        assertThat(plain.out()).startsWith("wwwwwp0 p1 p2 p3 p4 ");
        // x86_64 -> s390x -> i686 -> x86_64 with musl, stopped on each
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "il", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{60, 60, 40}, {130, 30, 20}}, plain);
        // and on the same ISA, a stop in every round
        MigratesLikeGcc.checkEveryStop(work, "il1", INTERLEAVED, 1, 10, 60, 110, 160, 210);
    }

    @Test
    void stdoutAndStderrIntoOneFileMigrateLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "two", TWO_STREAMS);
        assertThat(plain.out()).startsWith("err 0\nerr 1\nerr 2\nerr 3\nerr 4\nerr 5\nout 0 h=").endsWith("half 5 end\n");
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "two", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{50, 50, 50}, {100, 20, 60}}, plain);
        MigratesLikeGcc.checkEveryStop(work, "two1", TWO_STREAMS, 1, 5, 45, 130, 200);
    }

    /** Periodic checkpoints the program goes on after (an in-process restore each): its output is gcc's. */
    @Test
    void periodicCheckpointsKeepGccsOrder() throws Exception {
        for (String name : List.of("il", "two")) {
            String source = name.equals("il") ? INTERLEAVED : TWO_STREAMS;
            Run plain = MigratesLikeGcc.plainGcc(work, name, source);
            Path exe = MigrationHops.link(HOPS.getFirst(), MigratesLikeGcc.compiled(work, name),
                    work.resolve(name + "." + HOPS.getFirst().name()));
            Path ck = checkpointDir(work.resolve(name + "-every"));
            Run every = run(command(HOPS.getFirst(), exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_EVERY_VISITS", "23"), null);
            assertThat(every.out()).as(name + "\n" + every.err()).isEqualTo(plain.out());
            assertThat(every.rc()).as(every.err()).isEqualTo(plain.rc());
            try (var files = Files.list(ck)) {
                assertThat(files.toList()).as("checkpoints written").isNotEmpty();
            }
            // and a restart from the newest of them ends as gcc's run: stdout had written nothing at that checkpoint
            // (its bytes were pending), the restarted process writes them
            Run again = run(command(HOPS.getFirst(), exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_RESTART", "1"), null);
            assertThat(again.rc()).as(again.err()).isEqualTo(plain.rc());
            assertThat(again.out()).as(name + "\n" + again.err()).isNotEmpty();
            assertThat(plain.out()).as(name + "\n" + again.err()).endsWith(again.out());
        }
    }

    /**
     * Checkpoints that fail and let the program go on: one refused by name (a stream with a buffer of the program's own
     * in an array of long, whose size differs across ISAs: nothing encoded, the program goes on as it is) and one that cannot be written (a pipe: the image is restored in
     * this process); either way the output is gcc's.
     */
    @Test
    void aFailedCheckpointKeepsGccsOrder() throws Exception {
        Run refused = MigratesLikeGcc.refusedAt(work, "own", INTERLEAVED.replace("int main(void) {\n", """
                static long buf[8];
                int main(void) {
                  FILE *f = fopen("/dev/null", "w");
                  if (!f || setvbuf(f, (char *)buf, _IOFBF, sizeof buf) != 0) return 4;
                """), 70);
        assertThat(refused.err()).contains("the program gave open stream 0 with setvbuf cannot be carried");
        String source = INTERLEAVED.replace("int main(void) {\n", """
                int main(void) {
                  int pf[2];
                  if (pipe(pf) != 0) return 4;
                """);
        Run plain = MigratesLikeGcc.plainGcc(work, "pipe", source);
        Path exe = MigrationHops.link(HOPS.getFirst(), MigratesLikeGcc.compiled(work, "pipe"),
                work.resolve("pipe." + HOPS.getFirst().name()));
        for (int stop : new int[] {10, 70, 170}) {
            Path ck = checkpointDir(work.resolve("pipe-ck-" + stop));
            Run run = run(command(HOPS.getFirst(), exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_STOP_AFTER", String.valueOf(stop)), null);
            assertThat(run.err()).contains("could not be written: cannot checkpoint: descriptor 3")
                    .contains("the program continues");
            assertThat(run.out()).as("stop " + stop + "\n" + run.err()).isEqualTo(plain.out());
            assertThat(run.rc()).as(run.err()).isEqualTo(plain.rc());
        }
    }
}
