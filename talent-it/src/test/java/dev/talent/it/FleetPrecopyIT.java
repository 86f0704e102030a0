package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 13, pre-copy in the fleet ({@code talent deploy --precopy}): on {@code lab up --hosts 3 --protocol h3=4}, a
 * program with 16 MiB of state that changes a little at every step (PrecopyMigrationIT's) moves host to host across
 * ISAs (x86_64 to s390x) with pre-copy: the source's agent ships a round's image to the destination's agent while the
 * program runs, and only the delta at the stop; the record says the rounds, base and delta bytes. A migration failed
 * on purpose after the delta ({@code migrate --inject-fault restore}) rolls back: the program runs on at the source
 * and the destination keeps no base. A move to h3, whose agent speaks protocol 4, copies everything (no pre-copy in
 * its record) and succeeds. The output equals an uninterrupted plain gcc run's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(FleetLab.LOCK)
class FleetPrecopyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OLD = "h3";
    private static final long STATE_BYTES = 16L << 20;
    private static final List<String> ARGS = List.of("12000", "10");

    private TalentCli talent;
    private Path root;
    private FleetLab lab;

    @BeforeAll
    void labUp() throws IOException {
        FleetLab.assumeLab(false);
        Isa.S390X.assumeAvailable();
        talent = TalentCli.get();
        root = FleetLab.workRoot("fleet-precopy");
        lab = FleetLab.at(talent, root);
        // every controller honours migrate --inject-fault (the rollback after the delta)
        lab.up(List.of("TALENT_FLEET_FAULT=requests"), "--hosts", "3", "--protocol", OLD + "=4");
    }

    @Test
    void aBigStateMovesWithPrecopyAcrossIsasRollsBackCleanlyAndFallsBackForAnOldAgent() throws Exception {
        Path source = root.resolve("bigstate.c");
        try (var in = FleetPrecopyIT.class.getResourceAsStream("/migration/bigstate.c")) {
            Files.copy(in, source);
        }
        ProcessResult built = talent.run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa", "x86_64,s390x",
                source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        ProcessResult gcc = Processes.run(List.of("gcc", "-O2", "-ffp-contract=off", "-o", root.resolve("bigstate-gcc").toString(),
                source.toString()), root, Duration.ofMinutes(2));
        assertThat(gcc.exitCode()).withFailMessage(gcc::describe).isZero();
        ProcessResult reference = Processes.run(List.of(root.resolve("bigstate-gcc").toString(), ARGS.get(0), ARGS.get(1)), root,
                Duration.ofMinutes(3));
        assertThat(reference.exitCode()).withFailMessage(reference::describe).isZero();

        ProcessResult deployed = lab.run("deploy", "--name", "big", "--platforms", "x86_64,s390x", "--precopy", "3",
                root.resolve("build/bigstate").toString(), "--", ARGS.get(0), ARGS.get(1));
        assertThat(deployed.exitCode()).withFailMessage(deployed.describe()).isZero();
        String first = lab.status("big").get("host").asText();
        if (first.equals(OLD)) {
            // started on the old agent (without pre-copy): moved to a new one first, everything copied
            JsonNode r = lab.migrate("big", "h1/x86_64");
            assertThat(r.has("precopy")).as(r.toString()).isFalse();
            first = "h1";
        }
        String other = first.equals("h1") ? "h2" : "h1";

        // across ISAs with pre-copy: a base ahead, a delta at the stop
        JsonNode across = lab.migrate("big", other + "/s390x");
        JsonNode p = across.get("precopy");
        assertThat(p).as("pre-copy in " + across).isNotNull();
        assertThat(p.get("rounds").asInt()).as(across.toString()).isBetween(1, 3);
        assertThat(p.get("base_bytes").asLong()).as(across.toString()).isGreaterThan(STATE_BYTES);
        assertThat(p.get("delta_bytes").asLong()).as("the stop moved a delta, not the whole state: " + across)
                .isPositive().isLessThan(p.get("base_bytes").asLong() / 2);

        // a failure after the delta: rolled back, the program runs on at the source, the destination keeps no base
        ProcessResult failed = lab.run("migrate", "big", "--to", first + "/x86_64", "--inject-fault", "restore", "--json");
        String said = failed.describe() + "\nstdout: " + failed.stdoutText();
        assertThat(failed.exitCode()).withFailMessage(said).isEqualTo(1);
        JsonNode f = JSON.readTree(failed.stdout());
        assertThat(f.get("failed_step").asText()).withFailMessage(said).isEqualTo("restore");
        assertThat(f.get("precopy").get("delta_bytes").asLong()).as("the stop wrote a delta: " + f).isPositive();
        JsonNode after = lab.status("big");
        assertThat(after.get("host").asText()).as(after.toString()).isEqualTo(other);
        assertThat(after.get("platform").asText()).as(after.toString()).isEqualTo("s390x");
        assertThat(lab.precopyImages(first)).as("pre-copy images left on " + first).isEmpty();

        // to the agent of protocol 4: everything copied at the stop, and it works
        JsonNode old = lab.migrate("big", OLD + "/x86_64");
        assertThat(old.has("precopy")).as("no pre-copy with an agent of protocol 4: " + old).isFalse();

        ProcessResult waited = lab.run("wait", "big");
        assertThat(waited.exitCode()).withFailMessage(waited.describe()).isZero();
        ProcessResult logs = lab.run("logs", "big");
        assertThat(logs.stdoutText()).as("the output across hosts, ISAs and protocols\n" + logs.describe()).isEqualTo(reference.stdoutText());
        ProcessResult undeployed = lab.run("undeploy", "big");
        assertThat(undeployed.exitCode()).withFailMessage(undeployed.describe()).isZero();
    }

    @AfterAll
    void down() {
        if (lab != null) lab.down();
    }
}
