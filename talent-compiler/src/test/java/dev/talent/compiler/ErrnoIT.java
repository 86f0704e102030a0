package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointReader;
import java.util.HashMap;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program's errno across checkpoints. Found 2026-12-03: the program's {@code errno} was not kept across a checkpoint that keeps running. The program
 * below printed {@code errno=0} after the first periodic checkpoint (plain gcc: 34 throughout): the runtime's own
 * work while writing the checkpoint and rebuilding the call chain left its errno to the program. The site now saves
 * the program's errno when it takes the checkpoint and sets it back just before the program's code runs again. A
 * restart resumed with errno 0 (a different result, exit 0): the checkpoint now carries it (ERRN, docs/FORMAT.md).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
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
            Path ck = checkpointDir(work.resolve("ck-" + every));
            Run periodic = run(command(HOPS.getFirst(), exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_EVERY_VISITS", String.valueOf(every), "TALENT_KEEP", "2", "TALENT_VERBOSE", "1"), null);
            assertThat(periodic.err()).as("every %d visits", every).contains("the program keeps running");
            assertThat(periodic.out()).as("every %d visits\n%s", every, periodic.err()).isEqualTo(expected);
            assertThat(periodic.rc()).as(periodic.err()).isZero();
        }
    }

    /**
     * errno set by the C library (ERANGE from strtol, ENOENT from a failed open) or to 0 before a loop of sites, read
     * after it: each value is read into a variable before printf, which may change errno itself (glibc's ENOTTY).
     */
    static final String RESTART_SOURCE = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <errno.h>
            #include <fcntl.h>
            static int work(int i) { return i * 3 + 1; }
            static const char *name(int e) {
                return e == 0 ? "0" : e == ERANGE ? "ERANGE" : e == ENOENT ? "ENOENT" : "other";
            }
            static long loop(long s) {
                for (int i = 0; i < 300; i++) s += work(i);
                return s;
            }
            int main(void) {
                long s = 0;
                errno = 0;
                int positive = strtol("99999999999999999999", 0, 10) > 0;   /* LONG_MAX: no long of i686 */
                s = loop(s);
                int e = errno;
                printf("strtol %s (%d) %s\\n", name(e), e, e == ERANGE ? "overflow" : "ok"); fflush(stdout);
                errno = 0;
                int fd = open("/nonexistent-talent-errno/f", O_RDONLY);
                s = loop(s);
                e = errno;
                printf("open %d %s (%d)\\n", fd, name(e), e); fflush(stdout);
                errno = 0;
                s = loop(s);
                e = errno;
                printf("zero %s (%d)\\n", name(e), e); fflush(stdout);
                printf("end s=%ld positive=%d\\n", s, positive);
                return 0;
            }
            """;

    /**
     * Stopped on x86_64 (glibc) at visits in each of the three loops, restarted on x86_64, s390x, i686 and x86_64 with
     * musl: the output of both processes together equals plain gcc's, and the checkpoint holds the errno code (the
     * file is version 2.0 with ERRN, 1.0 without it when errno is 0).
     */
    @Test
    void errnoIsCarriedByARestartOnTheSameAndOtherIsas() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "r", RESTART_SOURCE);
        String expected = plain.out();
        assertThat(expected).isEqualTo("strtol ERANGE (34) overflow\nopen -1 ENOENT (2)\nzero 0 (0)\nend s=404550 positive=1\n");
        List<Target> targets = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        assertThat(targets.subList(0, 3)).extracting(Target::name).containsExactly("x86_64", "s390x", "i686");
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "r", targets, plain);

        // stops in each of the three loops, whatever the number of sites per round: a stop past the end is skipped; the
        // errno the checkpoint must hold follows from the lines printed before it (a format code; 0: no ERRN section)
        int[] errnoAfterLines = {34, 2, 0};
        java.util.Set<Integer> covered = new java.util.TreeSet<>();
        for (int stop : new int[] {40, 450, 800, 1200, 1700, 2500}) {
            for (int i = 0; i < targets.size(); i++) {
                Target dest = targets.get(i);
                String what = "stopped at visit " + stop + ", restarted on " + dest.name();
                Path ck = checkpointDir(work.resolve("ck-" + stop + "-" + dest.name()));
                Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_VERBOSE", "1"));
                env.put("TALENT_STOP_AFTER", String.valueOf(stop));
                Run first = run(command(targets.getFirst(), exes.getFirst()), env, null);
                if (first.rc() == 0 && first.out().equals(expected)) break;     // fewer visits than that
                assertThat(first.rc()).as(what + "\n" + first.err()).isEqualTo(75);
                int lines = (int) first.out().chars().filter(ch -> ch == '\n').count();
                assertThat(lines).as(what).isLessThan(3);
                int code = errnoAfterLines[lines];
                covered.add(code);
                Path file;
                try (Stream<Path> s = Files.list(ck)) {
                    file = s.filter(p -> p.getFileName().toString().endsWith(".tck")).findFirst().orElseThrow();
                }
                Checkpoint c = CheckpointReader.read(file);
                assertThat(c.errno()).as(what).isEqualTo(code);
                byte[] bytes = Files.readAllBytes(file);
                assertThat(bytes[9]).as("major version of " + what).isEqualTo((byte) (code == 0 ? 1 : 2));
                env.remove("TALENT_STOP_AFTER");
                env.put("TALENT_RESTART", "1");
                Run second = run(command(dest, exes.get(i)), env, null);
                assertThat(second.rc()).as(what + "\n" + second.err()).isZero();
                assertThat(first.out() + second.out()).as(what + "\n" + second.err()).isEqualTo(expected);
            }
        }
        assertThat(covered).as("errno values carried by the stops").containsExactly(0, 2, 34);
    }

    /** An errno no E-constant of the format's list has: the checkpoint is refused by its value, the program goes on. */
    @Test
    void anErrnoTheFormatHasNoNameForRefusesTheCheckpoint() throws Exception {
        Path src = work.resolve("u.c");
        Files.writeString(src, """
                #include <stdio.h>
                #include <errno.h>
                static int work(int i) { return i * 3 + 1; }
                int main(void) {
                    long s = 0;
                    errno = 12345;
                    for (int i = 0; i < 300; i++) s += work(i);
                    int e = errno;
                    printf("s=%ld errno=%d\\n", s, e);
                    return 0;
                }
                """);
        Path orig = work.resolve("u.orig");
        Run gcc = run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        assertThat(expected).isEqualTo("s=134850 errno=12345\n");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "u"));
        Path exe = link(HOPS.getFirst(), r, work.resolve("u." + HOPS.getFirst().name()));
        Path ck = checkpointDir(work.resolve("ck-u"));
        Run stop = run(command(HOPS.getFirst(), exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "50",
                "TALENT_VERBOSE", "1"), null);
        assertThat(stop.err()).contains("refused").contains("cannot checkpoint: the program's errno is 12345, which is none");
        assertThat(stop.out()).as(stop.err()).isEqualTo(expected);
        assertThat(stop.rc()).as(stop.err()).isZero();
        try (Stream<Path> s = Files.list(ck)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tck")).toList()).as("nothing written").isEmpty();
        }
    }
}
