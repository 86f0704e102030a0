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
 * {@code talent run --precopy} with destinations started ahead restoring the pre-copy image ahead ({@code --ahead
 * base}, the default): the newest image is named on the destination's go FIFO as soon as it is there, its runtime
 * decodes the large globals from it while the program still runs on the source, and at the go decodes only what the
 * stop's delta changed. A program with 9 MiB of large numeric globals (doubles, ints, structs laid out differently on
 * i686) changing a few random elements per step is migrated across x86_64, s390x (big-endian) and i686 (32-bit); its
 * stdout must equal plain gcc's uninterrupted run, and every record must say how many bytes the destination restored
 * ahead. A destination told a base that is not the stop's (injected) must not use it, and a destination that fails
 * after restoring its base ahead is given up: the source goes on from the accepted delta with nothing lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AheadBaseMigrationIT {
    private static final List<String> PLATFORMS = List.of("x86_64", "s390x", "i686");
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);
    private static final int STEPS = 1500;
    /** The encoding of the 8 MiB array of doubles alone: what a base restored ahead holds at least. */
    private static final long BIG_BYTES = 8L << 20;

    private Path root;
    private Path program;
    private String reference;

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void build() throws IOException {
        assumeTrue(Isa.onPath("runc").isPresent() || Files.isExecutable(Path.of("/usr/sbin/runc")),
                "runc is not installed (apt-get install runc)");
        assumeTrue("0".equals(uid()), "talent run needs root (runc without a user namespace)");
        Isa.X86_64.assumeAvailable();
        Isa.S390X.assumeAvailable();
        Isa.I686.assumeAvailable();
        root = ItPaths.workRoot().resolve("ahead-base-migration");
        ItPaths.deleteRecursively(root);
        Files.createDirectories(root);
        Path source = root.resolve("aheadstate.c");
        try (var in = AheadBaseMigrationIT.class.getResourceAsStream("/migration/aheadstate.c")) {
            Files.copy(in, source);
        }
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("build", "-o", "build", "--isa",
                String.join(",", PLATFORMS), source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        program = root.resolve("build/aheadstate");
        Path plain = root.resolve("aheadstate-gcc");
        ProcessResult compiled = Processes.run(List.of("gcc", "-std=c99", "-O2", "-Wno-unknown-pragmas", "-o",
                plain.toString(), source.toString()), root, Duration.ofSeconds(60));
        assertThat(compiled.exitCode()).withFailMessage(compiled::describe).isZero();
        ProcessResult ref = Processes.run(List.of(plain.toString(), Integer.toString(STEPS), "0"), root,
                Duration.ofSeconds(30));
        assertThat(ref.exitCode()).withFailMessage(ref::describe).isZero();
        reference = ref.stdoutText();
        assertThat(reference).contains("digest ");
    }

    @Test
    void migrationsAcrossX86S390xAndI686RestoreTheirBaseAheadAndChangeNothing() throws IOException {
        Path log = root.resolve("moves.jsonl");
        ProcessResult run = run("moves", List.of("--platforms", String.join(",", PLATFORMS), "--every", "600ms..800ms",
                "--migrations", "3", "--precopy", "--log", log.toString(), "--seed", "5"));
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout of the migrated run against gcc's").isEqualTo(reference);
        List<JsonNode> records = records(log);
        assertThat(records).as("migration records\n" + run.describe()).hasSize(3)
                .allSatisfy(r -> assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue());
        assertThat(records).extracting(r -> r.get("to").asText()).as("the moves reach both foreign ISAs")
                .anyMatch(t -> t.contains("s390x")).anyMatch(t -> t.contains("i686"));
        for (JsonNode r : records) {
            JsonNode p = r.get("precopy");
            assertThat(p.isObject()).as("precopy in " + r).isTrue();
            assertThat(p.get("delta_bytes").asLong()).as("the stop moved a delta: " + r).isPositive()
                    .isLessThan(p.get("base_bytes").asLong() / 2);
            assertThat(p.has("ahead_bytes")).as("the destination said what it restored ahead: " + r).isTrue();
            assertThat(p.get("ahead_bytes").asLong()).as("the large globals were decoded ahead: " + r)
                    .isGreaterThanOrEqualTo(BIG_BYTES).isLessThanOrEqualTo(p.get("base_bytes").asLong());
        }
    }

    /**
     * The first migration's destination restores one round's image ahead, then gets the next round's image without
     * being told (injected): the stop's delta is against that one, so the runtime must not take anything it decoded
     * ahead; the output is gcc's all the same.
     */
    @Test
    void aBaseThatIsNotTheStopsIsNotUsed() throws IOException {
        Path log = root.resolve("stale.jsonl");
        ProcessResult run = run("stale", List.of("--platforms", "x86_64,s390x", "--every", "600ms..800ms",
                "--migrations", "1", "--precopy", "--log", log.toString(), "--inject-fault", "precopy"));
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout against gcc's").isEqualTo(reference);
        List<JsonNode> records = records(log);
        assertThat(records).as("records\n" + run.describe()).hasSize(1);
        JsonNode r = records.getFirst();
        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.get("precopy").get("ahead_bytes").asLong()).as("a base was restored ahead: " + r)
                .isGreaterThanOrEqualTo(BIG_BYTES);
        assertThat(r.get("precopy").get("rounds").asInt()).as("one more round after it: " + r).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aDestinationThatFailsAfterRestoringItsBaseAheadRollsBackWithNothingLost() throws IOException {
        Path log = root.resolve("fault.jsonl");
        ProcessResult run = run("fault", List.of("--platforms", "x86_64,i686", "--every", "600ms..800ms",
                "--migrations", "1", "--precopy", "--log", log.toString(), "--inject-fault", "restore"));
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout against gcc's").isEqualTo(reference);
        List<JsonNode> records = records(log);
        assertThat(records).as("records\n" + run.describe()).isNotEmpty();
        JsonNode first = records.getFirst();
        assertThat(first.get("ok").asBoolean()).as(first.toString()).isFalse();
        assertThat(first.get("failed_step").asText()).isEqualTo("restore");
        assertThat(first.get("precopy").get("ahead_bytes").asLong()).as("restored ahead before it failed: " + first)
                .isGreaterThanOrEqualTo(BIG_BYTES);
        assertThat(run.stderrText()).as("the source went on").contains("running again on x86_64");
    }

    private ProcessResult run(String label, List<String> options) throws IOException {
        Path work = root.resolve(label + "-work");
        Files.createDirectories(work);
        List<String> args = new ArrayList<>(List.of("run", "--name", "aheadstate-" + label, "--state-dir",
                root.resolve(label + "-state").toString(), "--workdir", work.toString()));
        args.addAll(options);
        args.addAll(List.of(program.toString(), "--", Integer.toString(STEPS), "10"));
        return TalentCli.get().run(root, RUN_TIMEOUT, args);
    }
}
