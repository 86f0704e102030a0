package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.ToolchainProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints on demand through the user's path: {@code ./talent exec} (which replaces itself with the program,
 * so the PID it was started as is the program's) and {@code talent checkpoint PID}. Needs the runtime's
 * SIGUSR1/SIGUSR2 handling (talent-runtime/src/main/c/signals.c): without it the signals end the program and
 * these tests fail.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SignalIT {

    static final Path LAUNCHER = Path.of("..", "talent").toAbsolutePath().normalize();
    static final int ROUNDS = 60;
    /** Under qemu a round takes about 0.3 s. */
    static final int EMULATED_ROUNDS = 20;

    private static final String SPIN = """
            #include <stdio.h>
            #include <stdlib.h>

            /* "ready", then ROUNDS rounds of integer arithmetic (about 80 ms each natively), a line per round. */
            int main(int argc, char **argv) {
                long rounds = atol(argv[1]);
                unsigned long x = 88172645463325252UL, acc = 0;
                printf("ready\\n");
                fflush(stdout);
                for (long r = 0; r < rounds; r++) {
                    for (long i = 0; i < 30000000; i++) {
                        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                        acc += x >> 40;
                    }
                    printf("round %ld: %lu\\n", r, acc);
                    fflush(stdout);
                }
                printf("done\\n");
                return 0;
            }
            """;

    @TempDir static Path dir;
    /** The platform the SIGUSR2 test runs on: an emulated one when the host has one, so qemu's delivery is tested. */
    static Platform emulated;
    static String reference;

    @BeforeAll
    static void build() throws Exception {
        assertThat(LAUNCHER).isRegularFile();
        Files.writeString(dir.resolve("spin.c"), SPIN);
        emulated = ToolchainProbe.ofHost().probe(List.of(Platform.parse("aarch64"), Platform.parse("s390x"))).stream()
                .filter(s -> s.isBuildable() && s.isRunnable()).map(PlatformSupport::platform).findFirst()
                .orElse(Platform.parse("x86_64"));
        CapturedRun build = TalentJar.run(dir, "build", "-o", "build", "--isa", "x86_64," + emulated.name(), "spin.c");
        assertThat(build.exitCode()).as(build.stderr()).isZero();
        CapturedRun plain = TalentJar.run(dir, "exec", "--isa", "x86_64", "build/spin", "--", Integer.toString(ROUNDS));
        assertThat(plain.exitCode()).as(plain.stderr()).isZero();
        reference = plain.stdout();
        assertThat(reference).startsWith("ready\nround 0: ").endsWith("round " + (ROUNDS - 1) + ": 15099341207813102\ndone\n");
    }

    /** The uninterrupted output of a run of the given rounds: its round lines are the reference's first ones. */
    static String referenceFor(int rounds) {
        List<String> lines = reference.lines().toList();
        return String.join("\n", lines.subList(0, rounds + 1)) + "\ndone\n";
    }

    /** {@code ./talent exec ARGS} started as a user would, once its program said "ready". */
    record Launched(Process process, BufferedReader stdout, Path stderr) {
        String rest() throws Exception { return String.join("", stdout.lines().map(l -> l + "\n").toList()); }

        int exitStatus() throws Exception {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the program ended").isTrue();
            return process.exitValue();
        }
    }

    static Launched launch(String... execArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString(), "exec"));
        command.addAll(List.of(execArgs));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        RuntimeEnvironment.ALL.forEach(builder.environment()::remove);
        builder.environment().put("TALENT_JAR", TalentJar.JAR.toString());
        builder.environment().put("TALENT_CACHE_DIR", TalentJar.CACHE.toString());
        // left in the caller's environment: the launcher must not pass it on (the program would stop at once)
        builder.environment().put("TALENT_EARLY_REQUEST", "stop");
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        Process process = builder.redirectError(stderr.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(first).as("first line (stderr: %s)", Files.readString(stderr)).isEqualTo("ready");
        return new Launched(process, out, stderr);
    }

    /**
     * The launcher passes the program descriptors 0-2 only: a pipe its caller leaked (8, its stdin's copy) and a
     * file (7) would otherwise be inherited, and the runtime refuses a checkpoint while it holds an inherited pipe.
     */
    @Test
    void theLauncherClosesDescriptorsItsCallerLeakedSoStopsAreTaken() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                "exec bash \"$0\" exec --isa x86_64 --checkpoint-dir fd-ck --stop-after 3 build/spin -- 5 7<spin.c 8<&0",
                LAUNCHER.toString()).directory(dir.toFile());
        RuntimeEnvironment.ALL.forEach(builder.environment()::remove);
        builder.environment().put("TALENT_JAR", TalentJar.JAR.toString());
        builder.environment().put("TALENT_CACHE_DIR", TalentJar.CACHE.toString());
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        Process process = builder.redirectError(stderr.toFile()).start();
        String first = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("stopped at visit 3 (stderr: %s)", Files.readString(stderr)).isEqualTo(75);
        assertThat(Files.readString(stderr)).doesNotContain("inherited");

        CapturedRun restart = TalentJar.run(dir, "exec", "--isa", "x86_64", "--checkpoint-dir", "fd-ck", "--restart", "build/spin");
        assertThat(restart.exitCode()).as(restart.stderr()).isZero();
        assertThat(first + restart.stdout()).isEqualTo(referenceFor(5));
    }

    @Test
    void sigusr1ThroughTalentCheckpointStopsTheProgramWithACheckpointAndItRestarts() throws Exception {
        Launched run = launch("--isa", "x86_64", "--checkpoint-dir", "stop-ck", "build/spin", "--", Integer.toString(ROUNDS));
        // The launcher replaced itself with the program: the PID it was started as is the program's.
        assertThat(run.process().info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/build/spin.x86_64"));

        CapturedRun request = TalentJar.run(dir, "checkpoint", "--stop", "--wait", "stop-ck", Long.toString(run.process().pid()));

        String before = "ready\n" + run.rest();
        assertThat(run.exitStatus()).as("exit status (stderr: %s)", Files.readString(run.stderr())).isEqualTo(75);
        assertThat(request.exitCode()).as(request.stderr()).isZero();
        assertThat(request.stdout()).matches("stop-ck/ckpt-[0-9]{6,}\\.tck\n");
        assertThat(dir.resolve(request.stdout().strip())).isRegularFile();
        assertThat(before).as("stopped before the end").doesNotContain("done");
        CapturedRun restart = TalentJar.run(dir, "exec", "--isa", "x86_64", "--checkpoint-dir", "stop-ck", "--restart", "build/spin");
        assertThat(restart.exitCode()).as(restart.stderr()).isZero();
        assertThat(before + restart.stdout()).isEqualTo(reference);
    }

    @Test
    void sigusr2WritesACheckpointAndTheProgramGoesOn() throws Exception {
        Launched run = launch("--isa", emulated.name(), "--checkpoint-dir", "go-ck", "build/spin", "--",
                Integer.toString(EMULATED_ROUNDS));

        CapturedRun request = TalentJar.run(dir, "checkpoint", "--wait", "go-ck", "--timeout", "60", Long.toString(run.process().pid()));

        assertThat(request.exitCode()).as(request.stderr()).isZero();
        String output = "ready\n" + run.rest();
        assertThat(run.exitStatus()).as("exit status (stderr: %s)", Files.readString(run.stderr())).isZero();
        assertThat(output).isEqualTo(referenceFor(EMULATED_ROUNDS));
        // The checkpoint holds the state at some round: restarting it (on x86_64) prints the rest of the run.
        CapturedRun restart = TalentJar.run(dir, "exec", "--isa", "x86_64", "--checkpoint-dir", "go-ck", "--restart", "build/spin");
        assertThat(restart.exitCode()).as(restart.stderr()).isZero();
        assertThat(restart.stdout()).endsWith("done\n").doesNotContain("ready");
        assertThat(referenceFor(EMULATED_ROUNDS)).endsWith(restart.stdout());
    }

    /**
     * {@code ./talent exec} started as a user would, and the given signal sent to its PID while the JVM that
     * prepares the run is still running (before the program exists).
     */
    static Launched launchAndSignalEarly(String signal, String... execArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString(), "exec"));
        command.addAll(List.of(execArgs));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        RuntimeEnvironment.ALL.forEach(builder.environment()::remove);
        builder.environment().put("TALENT_JAR", TalentJar.JAR.toString());
        builder.environment().put("TALENT_CACHE_DIR", TalentJar.CACHE.toString());
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        Process process = builder.redirectError(stderr.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (process.children().noneMatch(c -> c.info().command().orElse("").endsWith("/java"))) {
            assertThat(System.nanoTime()).as("the launcher started the JVM").isLessThan(deadline);
            assertThat(process.isAlive()).as("the launcher runs").isTrue();
            Thread.sleep(5);
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(process.children()).as("the JVM was still running when the signal was sent")
                .anyMatch(c -> c.info().command().orElse("").endsWith("/java"));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        return new Launched(process, out, stderr);
    }

    @Test
    void sigusr1DuringStartUpIsHeldAndStopsTheProgramAtItsFirstSite() throws Exception {
        Launched run = launchAndSignalEarly("USR1", "--isa", "x86_64", "--checkpoint-dir", "early-stop-ck", "build/spin", "--",
                Integer.toString(ROUNDS));

        String before = run.rest();
        assertThat(run.exitStatus()).as("exit status (stderr: %s)", Files.readString(run.stderr())).isEqualTo(75);
        assertThat(Files.readString(run.stderr())).contains("a checkpoint request (stop) arrived before the program started");
        // the first site is the loop head of the first round: nothing of the rounds ran
        assertThat(before).isEqualTo("ready\n");
        try (var files = Files.list(dir.resolve("early-stop-ck"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("ckpt-000001.tck");
        }
        CapturedRun restart = TalentJar.run(dir, "exec", "--isa", "x86_64", "--checkpoint-dir", "early-stop-ck", "--restart",
                "build/spin", "--", Integer.toString(ROUNDS));
        assertThat(restart.exitCode()).as(restart.stderr()).isZero();
        assertThat(before + restart.stdout()).isEqualTo(reference);
    }

    @Test
    void sigusr2DuringStartUpIsHeldAndWritesACheckpointTheProgramGoesOn() throws Exception {
        Launched run = launchAndSignalEarly("USR2", "--isa", "x86_64", "--checkpoint-dir", "early-go-ck", "build/spin", "--", "3");

        String output = run.rest();
        assertThat(run.exitStatus()).as("exit status (stderr: %s)", Files.readString(run.stderr())).isZero();
        assertThat(output).isEqualTo(referenceFor(3));
        try (var files = Files.list(dir.resolve("early-go-ck"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("ckpt-000001.tck");
        }
        CapturedRun restart = TalentJar.run(dir, "exec", "--isa", "x86_64", "--checkpoint-dir", "early-go-ck", "--restart", "build/spin");
        assertThat(restart.exitCode()).as(restart.stderr()).isZero();
        assertThat(restart.stdout()).isEqualTo(referenceFor(3).substring("ready\n".length()));
    }

    @Test
    void anEarlyRequestWithoutAProgramIsReportedDropped() throws Exception {
        Launched run = launchAndSignalEarly("USR1", "--isa", "x86_64", "--checkpoint-dir", "early-none-ck", "build/absent");

        assertThat(run.exitStatus()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(Files.readString(run.stderr())).contains("dropped a checkpoint request (stop)");
    }

    @Test
    void sigtermReachesTheProgram() throws Exception {
        Launched run = launch("--isa", "x86_64", "--checkpoint-dir", "term-ck", "build/spin", "--", Integer.toString(ROUNDS));

        run.process().destroy();   // SIGTERM to the PID ./talent exec was started as

        assertThat(run.exitStatus()).isEqualTo(128 + 15);
        assertThat(dir.resolve("term-ck")).isEmptyDirectory();
    }

    @Test
    void launcherPassesTalentsOwnErrorsThrough() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", LAUNCHER.toString(), "exec", "--isa", "x86_64", "--every-seconds", "0",
                "build/spin").directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("TALENT_JAR", TalentJar.JAR.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isEqualTo(64);
        assertThat(output).contains("--every-seconds must be from 0.001");
    }
}
