package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCommandTest {

    /** A process that ends only when killed: a signal whose default action ends it shows in its exit status. */
    private static Process sleeper() throws Exception {
        return new ProcessBuilder("sleep", "60").start();
    }

    private static int exitStatusAfter(Process process) throws Exception {
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the signalled process ended").isTrue();
        return process.exitValue();
    }

    @Test
    void sendsSigusr2ToContinueAndSigusr1ToStop() throws Exception {
        // sleep has no handler, so it dies of the signal: Java reports 128 + the signal's number.
        Process a = sleeper();
        Process b = sleeper();
        try {
            assertThat(BuildCommandTest.run("checkpoint", Long.toString(a.pid()))).isEqualTo("0:");
            assertThat(BuildCommandTest.run("checkpoint", "--stop", Long.toString(b.pid()))).isEqualTo("0:");
            assertThat(exitStatusAfter(a)).isEqualTo(128 + 12);   // SIGUSR2
            assertThat(exitStatusAfter(b)).isEqualTo(128 + 10);   // SIGUSR1
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    @Test
    void missingProcessIsNamed() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();

        assertThat(BuildCommandTest.run("checkpoint", Long.toString(ended.pid())))
                .isEqualTo("69:talent checkpoint: no process " + ended.pid() + "\n");
    }

    @Test
    void talentsOwnJvmIsRefusedWithTheProgramsPid(@TempDir Path dir) throws Exception {
        Path program = Files.writeString(dir.resolve("app.x86_64"), "#!/bin/sh\nexec sleep 60\n");
        program.toFile().setExecutable(true);
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.talent.cli.Main", "exec", "--isa", "x86_64",
                dir + "/app").start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (jvm.children().findAny().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
            long child = jvm.children().findFirst().orElseThrow().pid();

            assertThat(BuildCommandTest.run("checkpoint", Long.toString(jvm.pid())))
                    .startsWith("64:talent checkpoint: " + jvm.pid() + " is talent's own Java process (")
                    .contains("signal the program it runs instead: " + child);
            assertThat(jvm.isAlive()).isTrue();
        } finally {
            jvm.descendants().forEach(ProcessHandle::destroyForcibly);
            jvm.destroyForcibly();
        }
    }

    @Test
    void killsMessagesBecomeOutcomes() {
        assertThat(CheckpointRequest.outcome(0, "", true)).isInstanceOf(CheckpointRequest.Outcome.Sent.class);
        assertThat(CheckpointRequest.outcome(1, "/usr/bin/kill: (1): Operation not permitted", true))
                .isInstanceOf(CheckpointRequest.Outcome.PermissionDenied.class);
        assertThat(CheckpointRequest.outcome(1, "/usr/bin/kill: (9): No such process", true))
                .isInstanceOf(CheckpointRequest.Outcome.NoSuchProcess.class);
        assertThat(CheckpointRequest.outcome(1, "", false)).isInstanceOf(CheckpointRequest.Outcome.NoSuchProcess.class);
        assertThat(CheckpointRequest.outcome(2, "kill: weird", true))
                .isEqualTo(new CheckpointRequest.Outcome.Failed("kill: weird"));
    }

    @Test
    void badCommandLinesAreUsageErrors(@TempDir Path dir) {
        assertThat(BuildCommandTest.run("checkpoint", "0")).startsWith("64:").contains("PID must be a positive process id");
        assertThat(BuildCommandTest.run("checkpoint", "abc")).startsWith("64:").contains("'abc'");
        assertThat(BuildCommandTest.run("checkpoint", "--wait", dir.resolve("none").toString(), "1"))
                .startsWith("64:").contains("--wait " + dir.resolve("none") + ": no such directory");
        assertThat(BuildCommandTest.run("checkpoint", "--timeout", "3", "1")).startsWith("64:").contains("--timeout needs --wait");
    }

    @Test
    void waitingEndsWhenTheProcessEndsWithoutACheckpoint(@TempDir Path dir) throws Exception {
        Process p = sleeper();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = Main.run(new PrintWriter(out), new PrintWriter(err), "checkpoint", "--stop", "--wait", dir.toString(),
                Long.toString(p.pid()));

        assertThat(status).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("no new checkpoint in " + dir + ": process " + p.pid() + " ended without writing one");
    }

    @Test
    void watcherSeesNewAndReplacedCheckpointsOnly(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ckpt-000001.tck"), "old");
        Files.writeString(dir.resolve("ckpt-000002.tck"), "old");
        CheckpointWatcher watcher = CheckpointWatcher.watch(dir);

        Files.writeString(dir.resolve(".ckpt-000003.tck.tmp"), "partial");
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.delete(dir.resolve("ckpt-000001.tck"));
        assertThat(watcher.newCheckpoint()).isEmpty();

        // a restarted program rewrites a name its abandoned history used: rename installs a new file
        Files.writeString(dir.resolve(".tmp"), "new");
        Files.move(dir.resolve(".tmp"), dir.resolve("ckpt-000002.tck"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        assertThat(watcher.newCheckpoint()).contains(dir.resolve("ckpt-000002.tck"));

        CheckpointWatcher next = CheckpointWatcher.watch(dir);
        Files.writeString(dir.resolve("ckpt-000003.tck"), "new");
        assertThat(next.await(ProcessHandle.current(), Duration.ofSeconds(5))).contains(dir.resolve("ckpt-000003.tck"));
    }

    @Test
    void waitingGivesUpAfterTheTimeout(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        assertThat(CheckpointWatcher.watch(dir).await(ProcessHandle.current(), Duration.ofMillis(300))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
}
