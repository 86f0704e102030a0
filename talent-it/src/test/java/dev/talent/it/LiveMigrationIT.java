package dev.talent.it;

import static dev.talent.it.EnvApp.read;
import static dev.talent.it.EnvApp.records;
import static dev.talent.it.EnvApp.tree;
import static dev.talent.it.EnvApp.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.it.EnvApp.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code talent run} as an operator uses it: envapp (state in variables, an open output file, files and a
 * directory it creates) runs in runc containers and is live-migrated between platforms; its stdout and the final
 * content of its working directory must equal those of one uninterrupted run, also when a step of a migration
 * fails on purpose ({@code --inject-fault}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class LiveMigrationIT {
    private static final List<String> ALL_PLATFORMS = List.of("x86_64", "aarch64", "s390x", "riscv64", "i686", "x86_64-musl");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path root;
    private Path program;

    @BeforeAll
    void build() throws IOException {
        assumeTrue(Isa.onPath("runc").isPresent() || Files.isExecutable(Path.of("/usr/sbin/runc")),
                "runc is not installed (apt-get install runc)");
        assumeTrue("0".equals(uid()), "talent run needs root (runc without a user namespace)");
        for (Isa isa : Isa.values()) isa.assumeAvailable();
        assumeTrue(Isa.onPath("musl-gcc").isPresent(), "musl-gcc is not installed (apt-get install musl-tools)");
        root = ItPaths.workRoot().resolve("live-migration");
        ItPaths.deleteRecursively(root);
        Files.createDirectories(root);
        Path source = root.resolve("envapp.c");
        try (var in = LiveMigrationIT.class.getResourceAsStream("/migration/envapp.c")) {
            Files.copy(in, source);
        }
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa",
                String.join(",", ALL_PLATFORMS), source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        program = root.resolve("build/envapp");
    }

    @Test
    void tenMigrationsOverEveryPlatformChangeNothingTheProgramDoes() throws IOException {
        Reference ref = reference("ten", 1200, 10);
        Path workdir = inputDir("ten");
        Path log = root.resolve("ten.jsonl");
        ProcessResult run = run("ten", List.of("--platforms", String.join(",", ALL_PLATFORMS), "--every", "150ms..300ms",
                "--migrations", "10", "--workdir", workdir.toString(), "--log", log.toString(), "--seed", "5"), 1200, 10);
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout of the migrated run").isEqualTo(ref.stdout());
        assertThat(tree(workdir)).as("the working directory after the run").isEqualTo(ref.files());

        List<JsonNode> records = records(log);
        assertThat(records).as("migration records\n" + run.describe()).hasSize(10)
                .allSatisfy(r -> assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue());
        Set<String> visited = new HashSet<>();
        for (JsonNode r : records) {
            visited.add(r.get("from").asText());
            visited.add(r.get("to").asText());
            assertThat(r.get("to").asText()).isNotEqualTo(r.get("from").asText());
            for (String phase : List.of("downtime_ms", "safe_point_ms", "checkpoint_ms", "sync_ms", "start_ms", "restore_ms")) {
                assertThat(r.get(phase).isNumber()).as(phase + " in " + r).isTrue();
                assertThat(r.get(phase).asDouble()).as(phase + " in " + r).isNotNegative();
            }
            assertThat(r.get("sync_mode").asText()).isEqualTo("journal");
        }
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).get("from").asText()).as("record %d starts where %d ended", i, i - 1)
                    .isEqualTo(records.get(i - 1).get("to").asText());
        }
        assertThat(visited).as("platforms the program ran on").containsExactlyInAnyOrderElementsOf(ALL_PLATFORMS);
    }

    @ParameterizedTest(name = "a failure at step {0} loses nothing")
    @ValueSource(strings = {"checkpoint", "sync", "start", "restore"})
    void aFailedStepLeavesTheProgramRunningWithNothingLost(String step) throws IOException {
        Reference ref = reference("fault-" + step, 300, 10);
        Path workdir = inputDir("fault-" + step);
        Path log = root.resolve("fault-" + step + ".jsonl");
        ProcessResult run = run("fault-" + step, List.of("--platforms", "x86_64,aarch64", "--every", "200ms..300ms",
                "--migrations", "1", "--workdir", workdir.toString(), "--log", log.toString(), "--inject-fault", step), 300, 10);
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout").isEqualTo(ref.stdout());
        assertThat(tree(workdir)).as("the working directory after the run").isEqualTo(ref.files());

        List<JsonNode> records = records(log);
        assertThat(records).as("records\n" + run.describe()).isNotEmpty();
        JsonNode first = records.getFirst();
        assertThat(first.get("ok").asBoolean()).as(first.toString()).isFalse();
        assertThat(first.get("failed_step").asText()).isEqualTo(step);
        assertThat(first.get("error").asText()).isNotBlank();
        assertThat(run.stderrText()).as("talent run reports the failed step").contains("failed at step " + step);
        if (step.equals("restore")) {
            // the destination's own message is in the error (its log tail)
            assertThat(first.get("error").asText()).contains("TALENT_FAULT=restore");
        }
        if (!step.equals("checkpoint")) {
            // the fault was one-off: a later migration succeeds (a checkpoint fault stays with that process)
            assertThat(records).as("records\n" + run.describe()).anySatisfy(r -> assertThat(r.get("ok").asBoolean()).isTrue());
        }
    }

    @Test
    void migrateAndStatusTalkToTheRunningApp() throws Exception {
        Reference ref = reference("control", 1500, 10);
        Path workdir = inputDir("control");
        String app = "envapp-control-" + ProcessHandle.current().pid();
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--platforms", "x86_64,s390x,x86_64-musl",
                "--workdir", workdir.toString(), "--state-dir", root.resolve("control-state").toString(), program.toString(),
                "--", "1500", "10"));
        Path out = root.resolve("control.stdout");
        Path err = root.resolve("control.stderr");
        Process process = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            JsonNode status = awaitStatus(app);
            assertThat(status.get("platform").asText()).isEqualTo("x86_64");
            assertThat(status.get("pid").asLong()).isEqualTo(process.pid());

            ProcessResult migrated = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "s390x"));
            assertThat(migrated.exitCode()).withFailMessage(migrated::describe).isZero();
            assertThat(migrated.stdoutText()).contains("x86_64 -> s390x ok");

            ProcessResult after = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("status", app, "--json"));
            assertThat(after.exitCode()).withFailMessage(after::describe).isZero();
            JsonNode now = JSON.readTree(after.stdout());
            assertThat(now.get("platform").asText()).isEqualTo("s390x");
            assertThat(now.get("migrationsDone").asInt()).isEqualTo(1);

            ProcessResult refused = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("migrate", app, "--to", "riscv64"));
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderrText() + refused.stdoutText()).contains("riscv64").contains("not one of this run's platforms");

            assertThat(process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("talent run ends").isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).withFailMessage(() -> read(err)).isZero();
        assertThat(read(out)).isEqualTo(ref.stdout());
        assertThat(tree(workdir)).isEqualTo(ref.files());
        ProcessResult gone = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("status", app));
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.stderrText()).contains("no app named " + app);
    }

    @Test
    void badInputsAreRefusedWithTheReason() throws IOException {
        Path workdir = inputDir("bad");
        Path notADir = Files.writeString(root.resolve("not-a-dir"), "x");
        assertRefused(List.of("run", "--platforms", "x86_64,sparc", program.toString()), 64, "unknown platform 'sparc'");
        assertRefused(List.of("run", "--platforms", "x86_64,aarch64", "--every", "5..20", program.toString()), 64,
                "--every", "expected MIN..MAX");
        assertRefused(List.of("run", "--platforms", "x86_64", "--workdir", notADir.toString(), program.toString()), 64,
                "not a directory");
        assertRefused(List.of("run", "--platforms", "x86_64", "--workdir", workdir.toString(),
                root.resolve("build/nothing").toString()), 69, "nothing.x86_64");
        // (runc missing: refused with exit 69 and "apt-get install runc" before anything starts -- RunCommand checks
        // Runc.find(), which also looks in /usr/sbin, so it cannot be hidden from a test on a machine that has it)
    }

    private void assertRefused(List<String> args, int status, String... messages) {
        ProcessResult r = TalentCli.get().run(root, Duration.ofMinutes(1), args);
        assertThat(r.exitCode()).withFailMessage(r::describe).isEqualTo(status);
        assertThat(r.stderrText()).contains(messages);
        assertThat(r.stdout()).as("nothing on stdout").isEmpty();
    }

    private JsonNode awaitStatus(String app) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        ProcessResult last = null;
        while (System.nanoTime() < deadline) {
            last = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("status", app, "--json"));
            if (last.exitCode() == 0) {
                JsonNode s = JSON.readTree(last.stdout());
                if (s.hasNonNull("platform")) return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("talent status never answered\n" + (last == null ? "" : last.describe()));
    }

    private ProcessResult run(String label, List<String> options, int steps, int ms) {
        List<String> args = new ArrayList<>(List.of("run", "--name", "envapp-" + label, "--state-dir",
                root.resolve(label + "-state").toString()));
        args.addAll(options);
        args.addAll(List.of(program.toString(), "--", Integer.toString(steps), Integer.toString(ms)));
        return TalentCli.get().run(root, RUN_TIMEOUT, args);
    }

    private Path inputDir(String label) throws IOException {
        return EnvApp.inputDir(root.resolve(label + "-work"));
    }

    /** One uninterrupted run of the x86_64 build, in a fresh copy of the input. */
    private Reference reference(String label, int steps, int ms) throws IOException {
        return EnvApp.reference(root.resolve("build/envapp.x86_64"), inputDir(label + "-reference"), steps, ms);
    }
}
