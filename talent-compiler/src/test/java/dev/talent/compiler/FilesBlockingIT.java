package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.RUNTIME;
import static dev.talent.compiler.MigrationHops.run;

import dev.talent.compiler.analysis.LibraryCalls;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.PendingWait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Open files and blocking calls migrated hop after hop (x86_64, s390x, i686, aarch64, riscv64):
 * src/test/resources/files-blocking/report.c reads a file with fgets and writes a "w" and an "a" file
 * progressively; each hop stops after some site visits and the next ISA restarts in the same working
 * directory. sleeper.c sleeps with nanosleep; each hop is interrupted by SIGUSR1 while it sleeps (a blocking
 * site). Stdout and the files must equal those of the original program compiled by gcc without talent.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class FilesBlockingIT {
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path SAMPLES = MODULE.resolve("src/test/resources/files-blocking");
    private static final int[] VISITS = {53, 41, 67, 29};
    private static final String LOG_SEED = "earlier run: 3 lines\n";

    @TempDir
    Path work;

    /** Every wrapper the compiler emits must be defined by the runtime: name the missing ones rather than fail to link. */
    @BeforeAll
    static void runtimeDefinesEveryWrapper() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> s = Files.list(RUNTIME)) {
            for (Path c : s.filter(p -> p.toString().endsWith(".c")).toList()) all.append(Files.readString(c));
        }
        TreeSet<String> wanted = new TreeSet<>(LibraryCalls.FILE_CALLS);
        wanted.addAll(LibraryCalls.BLOCKING_CALLS);
        List<String> missing = new ArrayList<>();
        for (String name : wanted) {
            Pattern definition = Pattern.compile("(?m)^[a-z][^;{}()]*\\btalent_" + name + "\\s*\\([^;]*\\)\\s*\\{");
            if (!definition.matcher(all).find()) missing.add("talent_" + name);
        }
        if (!Pattern.compile("(?m)^int\\s+talent_blocking_retry\\s*\\(").matcher(all).find()) missing.add("talent_blocking_retry");
        assertThat(missing).as("wrappers of talent.h (issue 4) that " + RUNTIME + " does not define yet").isEmpty();
    }

    @Test
    void aReportWrittenWhileReadingMigratesWithItsOpenFiles() throws Exception {
        Path source = SAMPLES.resolve("report.c");
        StringBuilder input = new StringBuilder();
        for (int i = 1; i <= 140; i++) {
            input.append("line ").append(i).append(" has").append(" word".repeat(i % 7)).append(" end\n");
        }
        Path originalDir = workDir("orig", input.toString());
        Path original = work.resolve("report.orig");
        Run cc = run(List.of("gcc", "-O2", "-fsigned-char", "-ffp-contract=off", "-o", original.toString(), source.toString()),
                Map.of(), null);
        assertThat(cc.rc()).as(cc.err()).isZero();
        Run expected = run(List.of(original.toString()), Map.of(), originalDir);
        assertThat(expected.rc()).as(expected.err()).isZero();

        List<Path> exes = build(source, "report");
        Path uninterruptedDir = workDir("plain", input.toString());
        Run uninterrupted = run(command(HOPS.getFirst(), exes.getFirst()), Map.of(), uninterruptedDir);
        assertThat(uninterrupted.rc()).as(uninterrupted.err()).isZero();
        assertThat(uninterrupted.out()).isEqualTo(expected.out());
        assertSameFiles(uninterruptedDir, originalDir);

        Path dir = workDir("hops", input.toString());
        Path ck = Files.createDirectories(work.resolve("ck-report"));
        StringBuilder out = new StringBuilder();
        for (int hop = 0; hop < HOPS.size(); hop++) {
            Target t = HOPS.get(hop);
            boolean last = hop == HOPS.size() - 1;
            Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", ck.toString()));
            if (hop > 0) env.put("TALENT_RESTART", "1");
            if (!last) env.put("TALENT_STOP_AFTER", String.valueOf(VISITS[hop]));
            Run step = run(command(t, exes.get(hop)), env, dir);
            out.append(step.out());
            assertThat(step.rc()).as("hop " + hop + " on " + t.name() + ":\n" + step.err()).isEqualTo(last ? 0 : 75);
        }
        assertThat(out.toString()).as("stdout of the five hops").isEqualTo(expected.out());
        assertSameFiles(dir, originalDir);
    }

    @Test
    void aSleepInterruptedByACheckpointRequestMigratesAndResumes() throws Exception {
        Path source = SAMPLES.resolve("sleeper.c");
        Path original = work.resolve("sleeper.orig");
        Run cc = run(List.of("gcc", "-O2", "-fsigned-char", "-ffp-contract=off", "-o", original.toString(), source.toString()),
                Map.of(), null);
        assertThat(cc.rc()).as(cc.err()).isZero();
        String expected = run(List.of(original.toString()), Map.of(), null).out();

        List<Path> exes = build(source, "sleeper");
        Path ck = Files.createDirectories(work.resolve("ck-sleeper"));
        StringBuilder out = new StringBuilder();
        for (int hop = 0; hop < HOPS.size(); hop++) {
            Target t = HOPS.get(hop);
            boolean last = hop == HOPS.size() - 1;
            Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", ck.toString()));
            if (hop > 0) env.put("TALENT_RESTART", "1");
            Path stdout = work.resolve("sleeper-" + hop + ".out");
            Path stderr = work.resolve("sleeper-" + hop + ".err");
            ProcessBuilder pb = new ProcessBuilder(command(t, exes.get(hop))).redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile()).directory(work.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!last) {
                // a tick printed means the runtime's handlers are installed; the program then mostly sleeps
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (Files.size(stdout) == 0 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
                assertThat(p.isAlive()).as("hop " + hop + " still sleeping when the request is sent").isTrue();
                Thread.sleep(60);
                Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start();
                assertThat(kill.waitFor()).isZero();
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(stderr, StandardCharsets.ISO_8859_1);
            assertThat(p.exitValue()).as("hop " + hop + " on " + t.name() + ":\n" + err).isEqualTo(last ? 0 : 75);
            out.append(Files.readString(stdout, StandardCharsets.ISO_8859_1));
        }
        assertThat(out.toString()).as("stdout of the five hops").isEqualTo(expected);
    }

    /**
     * Judged from what the checkpoints record, not from wall-clock times of qemu runs (which a loaded machine
     * stretches): the request is sent 2 s into the 6 s sleep, so a checkpoint taken while nanosleep blocks
     * records less than 6 s left, and one taken only after the sleep returned would record none. The
     * restart (s390x) is interrupted again as soon as it reports ready: re-issuing the whole 6 s instead of the
     * rest would record more than the first checkpoint; the last hop (i686) then sleeps the rest and wakes.
     */
    @Test
    void aLongSleepIsInterruptedAtItsBlockingSiteAndOnlyTheRestIsSleptAfterRestart() throws Exception {
        List<Path> exes = build(SAMPLES.resolve("long_nap.c"), "long_nap");
        Path ck = Files.createDirectories(work.resolve("ck-nap"));
        Map<String, String> env = Map.of("TALENT_CHECKPOINT_DIR", ck.toString());

        Process first = start(command(HOPS.getFirst(), exes.getFirst()), env, "nap-0");
        awaitOutput(first, work.resolve("nap-0.out"));
        Thread.sleep(2000);
        signal(first);
        assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as(Files.readString(work.resolve("nap-0.err"))).isEqualTo(75);
        assertThat(Files.readString(work.resolve("nap-0.out"))).isEqualTo("start\n");
        PendingWait left = newestWait(ck, 1);
        assertThat(left.interrupted()).as("checkpoint taken while nanosleep blocks").isTrue();
        assertThat(left.remainingNanos()).as("some of the 6 s slept, some left").isPositive()
                .isLessThan(TimeUnit.SECONDS.toNanos(6));

        Map<String, String> restart = new HashMap<>(env);
        restart.put("TALENT_RESTART", "1");
        Path events = work.resolve("nap-1.events");
        restart.put("TALENT_EVENT_FILE", events.toString());
        Process second = start(command(HOPS.get(1), exes.get(1)), restart, "nap-1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(events) && Files.readString(events).contains("ready 1 ")) && second.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(second.isAlive()).as("restart still sleeping when the request is sent: %s",
                Files.readString(work.resolve("nap-1.err"))).isTrue();
        signal(second);
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(Files.readString(work.resolve("nap-1.err"))).isEqualTo(75);
        assertThat(Files.readString(work.resolve("nap-1.out"))).isEmpty();
        PendingWait rest = newestWait(ck, 2);
        assertThat(rest.interrupted()).as("the re-issued sleep was interrupted too").isTrue();
        assertThat(rest.remainingNanos()).as("only the rest of the sleep was re-issued").isPositive()
                .isLessThanOrEqualTo(left.remainingNanos());

        Map<String, String> last = new HashMap<>(env);
        last.put("TALENT_RESTART", "1");
        Run end = run(command(HOPS.get(2), exes.get(2)), last, work);
        assertThat(end.rc()).as(end.err()).isZero();
        assertThat(end.out()).isEqualTo("woke 0\n");
    }

    // ------------------------------------------------------------------ helpers

    private Path workDir(String name, String input) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("input.txt"), input);
        Files.writeString(dir.resolve("log.txt"), LOG_SEED);
        return dir;
    }

    private static void assertSameFiles(Path actualDir, Path expectedDir) throws IOException {
        for (String f : List.of("report.txt", "log.txt", "input.txt")) {
            assertThat(Files.readString(actualDir.resolve(f))).as(f).isEqualTo(Files.readString(expectedDir.resolve(f)));
        }
    }

    private Process start(List<String> command, Map<String, String> env, String name) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile()).directory(work.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Waits until the program printed something (its handlers are installed by then). */
    private static void awaitOutput(Process p, Path stdout) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.size(stdout) == 0 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(Files.size(stdout)).as("the program started").isPositive();
    }

    private static void signal(Process p) throws Exception {
        assertThat(new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor()).isZero();
    }

    /** The WAIT section of the newest valid checkpoint in ck, which must be number sequence. */
    private static PendingWait newestWait(Path ck, long sequence) throws IOException {
        CheckpointDirectory.Selection selection = CheckpointDirectory.newestValid(ck);
        assertThat(selection.damaged()).isEmpty();
        assertThat(selection.newest()).isPresent();
        assertThat(selection.newest().get().checkpoint().meta().sequence()).isEqualTo(sequence);
        return selection.newest().get().checkpoint().pendingWait();
    }

    private List<Path> build(Path source, String name) throws Exception {
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(source), List.of(),
                work.resolve("out-" + name), name));
        List<Path> exes = new ArrayList<>();
        for (Target t : HOPS) exes.add(link(t, r, work.resolve(name + "." + t.name())));
        return exes;
    }
}
