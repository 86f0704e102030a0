package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CheckpointCommandTest {

    /** A process that ends only when killed: a signal whose default action ends it shows in its exit status. */
    private static Process sleeper() throws Exception {
        return new ProcessBuilder("sleep", "60").start();
    }

    private static int exitStatusAfter(Process process) throws Exception {
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the signalled process ended").isTrue();
        return process.exitValue();
    }

    /** {@code talent checkpoint ARGS} with processes judged by {@code programs}: status, ":", stderr. */
    private static String run(TalentProgram programs, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err));
        ((CheckpointCommand) cli.getSubcommands().get("checkpoint").getCommandSpec().userObject()).programs = programs;
        return cli.execute(args) + ":" + err;
    }

    /** A /proc in which process {@code pid} is a talent program (an executable with the marker, both handlers). */
    static TalentProgram talentProc(Path dir, long pid) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc"));
        Path self = Files.createDirectories(proc.resolve("self"));
        Files.writeString(self.resolve("status"), "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\n");
        Path process = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(process.resolve("status"), "Name:\tapp\nUid:\t1000\t1000\t1000\t1000\nSigCgt:\t0000000000000a00\n");
        Path binary = dir.resolve("app.x86_64");
        Files.write(binary, elfWith(TalentProgram.MARKER, 5000));
        Files.createSymbolicLink(process.resolve("exe"), binary);
        return new TalentProgram(proc);
    }

    /** An ELF header, {@code before} bytes of padding, then {@code payload} and some more padding. */
    static byte[] elfWith(byte[] payload, int before) {
        byte[] bytes = new byte[4 + before + payload.length + 100];
        bytes[0] = 0x7f;
        bytes[1] = 'E';
        bytes[2] = 'L';
        bytes[3] = 'F';
        System.arraycopy(payload, 0, bytes, 4 + before, payload.length);
        return bytes;
    }

    @Test
    void aProcessThatIsNotATalentProgramIsNotSignalled() throws Exception {
        // sleep has no handler: a SIGUSR1/SIGUSR2 would have killed it.
        Process sleep = sleeper();
        Process trapping = new ProcessBuilder("bash", "-c", "trap 'echo caught' USR1 USR2; while :; do sleep 0.05; done").start();
        try {
            Thread.sleep(300);   // bash installs its traps
            assertThat(BuildCommandTest.run("checkpoint", Long.toString(sleep.pid())))
                    .startsWith("69:talent checkpoint: process " + sleep.pid() + " is not a talent program: its executable ")
                    .contains("is not a program built by talent; not signalled");
            assertThat(BuildCommandTest.run("checkpoint", "--stop", Long.toString(trapping.pid())))
                    .startsWith("69:").contains("is not a talent program");
            Thread.sleep(200);
            assertThat(sleep.isAlive()).isTrue();
            assertThat(trapping.isAlive()).isTrue();
            assertThat(new String(trapping.getInputStream().readNBytes(trapping.getInputStream().available()), StandardCharsets.UTF_8)).doesNotContain("caught");
        } finally {
            sleep.destroyForcibly();
            trapping.destroyForcibly();
        }
    }

    @Test
    void theLauncherStillPreparingTheRunIsRefusedWithAHint(@TempDir Path dir) throws Exception {
        Path launcher = Files.writeString(dir.resolve("talent"), "sleep 30\n");
        Process bash = new ProcessBuilder("bash", launcher.toString(), "exec", "--isa", "x86_64", "build/app").start();
        try {
            Thread.sleep(200);
            assertThat(BuildCommandTest.run("checkpoint", Long.toString(bash.pid())))
                    .startsWith("69:talent checkpoint: process " + bash.pid() + " is not a talent program")
                    .contains("./talent exec still preparing the run");
            assertThat(bash.isAlive()).isTrue();
        } finally {
            bash.descendants().forEach(ProcessHandle::destroyForcibly);
            bash.destroyForcibly();
        }
    }

    @Test
    void aTalentProgramIsSignalledWithSigusr2ToContinueAndSigusr1ToStop(@TempDir Path dir) throws Exception {
        // Processes the fake /proc calls talent programs; being sleeps, they die of the signal, which shows which one.
        Process a = sleeper();
        Process b = sleeper();
        try {
            assertThat(run(talentProc(dir.resolve("a"), a.pid()), "checkpoint", Long.toString(a.pid()))).isEqualTo("0:");
            assertThat(run(talentProc(dir.resolve("b"), b.pid()), "checkpoint", "--stop", Long.toString(b.pid()))).isEqualTo("0:");
            assertThat(exitStatusAfter(a)).isEqualTo(128 + 12);   // SIGUSR2
            assertThat(exitStatusAfter(b)).isEqualTo(128 + 10);   // SIGUSR1
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    @Test
    void judgesFromTheKernelsViewOfTheProcess(@TempDir Path dir) throws Exception {
        TalentProgram programs = talentProc(dir, 42);
        Path status = dir.resolve("proc/42/status");
        assertThat(programs.callerUid()).isEqualTo(1000);
        assertThat(programs.examine(42, 1000)).isEqualTo(new TalentProgram.Verdict.Talent());
        assertThat(programs.examine(43, 1000)).isEqualTo(new TalentProgram.Verdict.Gone());
        // another user's process is refused before anything else; root may signal it
        assertThat(programs.examine(42, 1001)).isEqualTo(new TalentProgram.Verdict.OtherUser(1000));
        assertThat(programs.examine(42, 0)).isEqualTo(new TalentProgram.Verdict.Talent());
        // a talent program that has not installed its handlers yet would die of the signal
        Files.writeString(status, "Uid:\t1000\t1000\t1000\t1000\nSigCgt:\t0000000000000200\n");
        assertThat(programs.examine(42, 1000)).isInstanceOf(TalentProgram.Verdict.NotTalent.class)
                .hasToString("NotTalent[why=it does not handle SIGUSR1/SIGUSR2 (yet): a talent program that is still starting "
                        + "would end of the signal]");
        // handlers alone do not make a talent program
        Files.writeString(status, "Uid:\t1000\t1000\t1000\t1000\nSigCgt:\t0000000000000a00\n");
        Files.write(dir.resolve("app.x86_64"), elfWith("talent-program: something else".getBytes(StandardCharsets.UTF_8), 10));
        assertThat(programs.examine(42, 1000)).isInstanceOf(TalentProgram.Verdict.NotTalent.class);
    }

    @Test
    void underQemuTheGuestBinaryTheKernelMappedIsExamined(@TempDir Path dir) throws Exception {
        TalentProgram programs = talentProc(dir, 7);
        Path qemu = Files.write(dir.resolve("qemu-s390x-static"), elfWith("qemu".getBytes(StandardCharsets.UTF_8), 10));
        Path exe = dir.resolve("proc/7/exe");
        Files.delete(exe);
        Files.createSymbolicLink(exe, qemu);
        Path guest = dir.resolve("app with spaces.s390x");
        Files.move(dir.resolve("app.x86_64"), guest);
        assertThat(programs.examine(7, 1000)).isInstanceOf(TalentProgram.Verdict.NotTalent.class);

        Files.writeString(dir.resolve("proc/7/maps"), String.join("\n",
                "00400000-00452000 r-xp 00000000 08:02 173521     " + qemu,
                "4000000000-4000100000 r--p 00000000 08:02 173522     " + guest,
                "7ffd0000-7ffd1000 rw-p 00000000 00:00 0          [stack]", ""));
        assertThat(programs.examine(7, 1000)).isEqualTo(new TalentProgram.Verdict.Talent());
    }

    @Test
    void theMarkerIsFoundAcrossReadsAndOnlyInElfFiles(@TempDir Path dir) throws Exception {
        // straddles the 1 MiB read buffer
        Path straddling = Files.write(dir.resolve("a"), elfWith(TalentProgram.MARKER, (1 << 20) - 20));
        assertThat(TalentProgram.carriesMarker(straddling)).isTrue();
        byte[] script = elfWith(TalentProgram.MARKER, 10);
        script[0] = '#';
        assertThat(TalentProgram.carriesMarker(Files.write(dir.resolve("b"), script))).isFalse();
        assertThat(TalentProgram.carriesMarker(dir.resolve("missing"))).isFalse();
        // a FIFO is never opened (it would block)
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThat(TalentProgram.carriesMarker(fifo)).isFalse();
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
        // the class path through CLASSPATH, not -cp: the JDK reads at most 4 KiB of a process's command line, and the
        // test class path (every module's dependencies, the fleet's included) is longer than that
        ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "dev.talent.cli.Main", "exec", "--isa", "x86_64", dir + "/app");
        launch.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        Process jvm = launch.start();
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

        CommandLine cli = Main.commandLine(new PrintWriter(out), new PrintWriter(err));
        ((CheckpointCommand) cli.getSubcommands().get("checkpoint").getCommandSpec().userObject()).programs =
                talentProc(dir.resolve("fake"), p.pid());
        Path ck = Files.createDirectories(dir.resolve("ck"));
        int status = cli.execute("checkpoint", "--stop", "--wait", ck.toString(), Long.toString(p.pid()));

        assertThat(status).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("no new checkpoint in " + ck + ": process " + p.pid() + " ended without writing one");
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
