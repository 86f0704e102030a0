package dev.talent.it;

import static dev.talent.it.EnvApp.records;
import static dev.talent.it.EnvApp.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code talent run --precopy}: a program with 16 MiB of state that changes a little at every step is migrated
 * across ISAs with pre-copy (copy-on-write images while it runs, the newest handed to the destination, a delta at
 * the stop); its stdout must equal an uninterrupted run's, every record must show the pre-copy (rounds, base and
 * delta bytes, the delta smaller than the base), and a failure after the delta was written rolls back to the source
 * from the accepted delta and its base with nothing lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PrecopyMigrationIT {
    private static final List<String> PLATFORMS = List.of("x86_64", "aarch64", "s390x");
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final int STEPS = 600;
    private static final long STATE_BYTES = 16L << 20;

    private Path root;
    private Path program;
    private String reference;

    @BeforeAll
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void build() throws IOException {
        assumeTrue(Isa.onPath("runc").isPresent() || Files.isExecutable(Path.of("/usr/sbin/runc")),
                "runc is not installed (apt-get install runc)");
        assumeTrue("0".equals(uid()), "talent run needs root (runc without a user namespace)");
        Isa.X86_64.assumeAvailable();
        Isa.AARCH64.assumeAvailable();
        Isa.S390X.assumeAvailable();
        root = ItPaths.workRoot().resolve("precopy-migration");
        ItPaths.deleteRecursively(root);
        Files.createDirectories(root);
        Path source = root.resolve("bigstate.c");
        try (var in = PrecopyMigrationIT.class.getResourceAsStream("/migration/bigstate.c")) {
            Files.copy(in, source);
        }
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(4), List.of("build", "-o", "build", "--isa",
                String.join(",", PLATFORMS), source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        program = root.resolve("build/bigstate");
        ProcessResult ref = Processes.run(List.of(root.resolve("build/bigstate.x86_64").toString(),
                Integer.toString(STEPS), "10"), root, Duration.ofSeconds(30));
        assertThat(ref.exitCode()).withFailMessage(ref::describe).isZero();
        reference = ref.stdoutText();
        assertThat(reference).contains("sum ");
    }

    /**
     * Two pre-copy migrations, the second from aarch64 (qemu): 25 ms steps (15 s natively), since on CI's loaded
     * machine the first one's pre-copy took 2.9 s and the program ended before the second one came (stop 50).
     */
    @Test
    void migrationsAcrossIsasWithPrecopyChangeNothingTheProgramDoes() throws IOException {
        Path log = root.resolve("moves.jsonl");
        ProcessResult run = run("moves", List.of("--platforms", String.join(",", PLATFORMS), "--every", "500ms..700ms",
                "--migrations", "2", "--precopy", "--log", log.toString(), "--seed", "3"), 25);
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout of the migrated run").isEqualTo(reference);
        List<JsonNode> records = records(log);
        assertThat(records).as("migration records\n" + run.describe()).hasSize(2)
                .allSatisfy(r -> assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue());
        for (JsonNode r : records) {
            JsonNode p = r.get("precopy");
            assertThat(p.isObject()).as("precopy in " + r).isTrue();
            assertThat(p.get("rounds").asInt()).as(r.toString()).isBetween(1, 3);
            assertThat(p.get("base_bytes").asLong()).as(r.toString()).isGreaterThan(STATE_BYTES);
            // the program rewrites 1/4000 of its state per 25 ms step: the stop moves what changed since the image
            // (a few hundred ms of steps), far less than the state even on a loaded machine
            assertThat(p.get("delta_bytes").asLong()).as("the stop moved a delta, not the whole state: " + r)
                    .isPositive().isLessThan(p.get("base_bytes").asLong() / 2);
            assertThat(r.get("downtime_ms").asDouble()).as(r.toString()).isPositive();
        }
        assertThat(records.get(1).get("from").asText()).isEqualTo(records.get(0).get("to").asText());
    }

    /**
     * x86_64 to s390x (qemu) with a delta: the destination of the other byte order and pointer layout rebuilds the
     * stop's image from the round's image and the delta (in the base's mapping where the delta allows) and the run
     * prints what an uninterrupted one prints.
     */
    @Test
    void aPrecopyMigrationToS390xWithADeltaChangesNothing() throws IOException {
        Path log = root.resolve("s390x.jsonl");
        ProcessResult run = run("s390x", List.of("--platforms", "x86_64,s390x", "--every", "500ms..600ms",
                "--migrations", "1", "--precopy", "--log", log.toString()));
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout of the migrated run").isEqualTo(reference);
        List<JsonNode> records = records(log);
        assertThat(records).as("migration records\n" + run.describe()).hasSize(1);
        JsonNode r = records.getFirst();
        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.get("from").asText()).as(r.toString()).contains("x86_64");
        assertThat(r.get("to").asText()).as(r.toString()).contains("s390x");
        assertThat(r.get("precopy").get("delta_bytes").asLong()).as("the stop moved a delta: " + r).isPositive()
                .isLessThan(r.get("precopy").get("base_bytes").asLong() / 2);
    }

    @Test
    void aFailureAfterTheDeltaRollsBackWithNothingLost() throws IOException {
        Path log = root.resolve("fault.jsonl");
        ProcessResult run = run("fault", List.of("--platforms", "x86_64,s390x", "--every", "500ms..600ms",
                "--migrations", "1", "--precopy", "--log", log.toString(), "--inject-fault", "restore"));
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout").isEqualTo(reference);
        List<JsonNode> records = records(log);
        assertThat(records).as("records\n" + run.describe()).isNotEmpty();
        JsonNode first = records.getFirst();
        assertThat(first.get("ok").asBoolean()).as(first.toString()).isFalse();
        assertThat(first.get("failed_step").asText()).isEqualTo("restore");
        assertThat(first.get("precopy").get("delta_bytes").asLong()).as("the stop wrote a delta: " + first).isPositive();
        assertThat(run.stderrText()).as("the source went on").contains("running again on x86_64");
    }

    private ProcessResult run(String label, List<String> options) throws IOException {
        return run(label, options, 10);
    }

    /** {@code stepMs}: the program's pause per step; its output depends on the steps only. */
    private ProcessResult run(String label, List<String> options, int stepMs) throws IOException {
        Path work = root.resolve(label + "-work");
        Files.createDirectories(work);
        List<String> args = new ArrayList<>(List.of("run", "--name", "bigstate-" + label, "--state-dir",
                root.resolve(label + "-state").toString(), "--workdir", work.toString()));
        args.addAll(options);
        args.addAll(List.of(program.toString(), "--", Integer.toString(STEPS), Integer.toString(stepMs)));
        return TalentCli.get().run(root, RUN_TIMEOUT, args);
    }
}
