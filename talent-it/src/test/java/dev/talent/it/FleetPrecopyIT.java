package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
    private static final Duration COMMAND = Duration.ofMinutes(4);
    private static final String OLD = "h3";
    private static final long STATE_BYTES = 16L << 20;
    private static final List<String> ARGS = List.of("12000", "10");

    private TalentCli talent;
    private Path root, dir, fleet;
    private boolean up;

    @BeforeAll
    void labUp() throws IOException {
        assumeTrue("0".equals(EnvApp.uid()), "talent lab needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcd")), "etcd is not installed (apt-get install etcd-server etcd-client)");
        assumeTrue(Isa.onPath("runc").isPresent() || Files.isExecutable(Path.of("/usr/sbin/runc")), "runc is not installed");
        Isa.S390X.assumeAvailable();
        talent = TalentCli.get();
        root = ItPaths.workRoot().resolve("fleet-precopy");
        ItPaths.deleteRecursively(root);
        Files.createDirectories(root);
        dir = root.resolve("lab");
        // every controller honours migrate --inject-fault (the rollback after the delta)
        List<String> labUp = new ArrayList<>(List.of("env", "TALENT_FLEET_FAULT=requests"));
        labUp.addAll(talent.commandLine(List.of("lab", "up", "--hosts", "3", "--dir", dir.toString(), "--protocol", OLD + "=4")));
        ProcessResult r = Processes.run(labUp, root, COMMAND);
        up = true;
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        fleet = dir.resolve("fleet.conf");
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

        ProcessResult deployed = fleetCommand("deploy", "--name", "big", "--platforms", "x86_64,s390x", "--precopy", "3",
                root.resolve("build/bigstate").toString(), "--", ARGS.get(0), ARGS.get(1));
        assertThat(deployed.exitCode()).withFailMessage(deployed.describe()).isZero();
        String first = status().get("host").asText();
        if (first.equals(OLD)) {
            // started on the old agent (without pre-copy): moved to a new one first, everything copied
            JsonNode r = migrate("h1/x86_64");
            assertThat(r.has("precopy")).as(r.toString()).isFalse();
            first = "h1";
        }
        String other = first.equals("h1") ? "h2" : "h1";

        // across ISAs with pre-copy: a base ahead, a delta at the stop
        JsonNode across = migrate(other + "/s390x");
        JsonNode p = across.get("precopy");
        assertThat(p).as("pre-copy in " + across).isNotNull();
        assertThat(p.get("rounds").asInt()).as(across.toString()).isBetween(1, 3);
        assertThat(p.get("base_bytes").asLong()).as(across.toString()).isGreaterThan(STATE_BYTES);
        assertThat(p.get("delta_bytes").asLong()).as("the stop moved a delta, not the whole state: " + across)
                .isPositive().isLessThan(p.get("base_bytes").asLong() / 2);

        // a failure after the delta: rolled back, the program runs on at the source, the destination keeps no base
        ProcessResult failed = fleetCommand("migrate", "big", "--to", first + "/x86_64", "--inject-fault", "restore", "--json");
        String said = failed.describe() + "\nstdout: " + failed.stdoutText();
        assertThat(failed.exitCode()).withFailMessage(said).isEqualTo(1);
        JsonNode f = JSON.readTree(failed.stdout());
        assertThat(f.get("failed_step").asText()).withFailMessage(said).isEqualTo("restore");
        assertThat(f.get("precopy").get("delta_bytes").asLong()).as("the stop wrote a delta: " + f).isPositive();
        JsonNode after = status();
        assertThat(after.get("host").asText()).as(after.toString()).isEqualTo(other);
        assertThat(after.get("platform").asText()).as(after.toString()).isEqualTo("s390x");
        assertThat(precopyImages(first)).as("pre-copy images left on " + first).isEmpty();

        // to the agent of protocol 4: everything copied at the stop, and it works
        JsonNode old = migrate(OLD + "/x86_64");
        assertThat(old.has("precopy")).as("no pre-copy with an agent of protocol 4: " + old).isFalse();

        ProcessResult waited = fleetCommand("wait", "big");
        assertThat(waited.exitCode()).withFailMessage(waited.describe()).isZero();
        ProcessResult logs = fleetCommand("logs", "big");
        assertThat(logs.stdoutText()).as("the output across hosts, ISAs and protocols\n" + logs.describe()).isEqualTo(reference.stdoutText());
        ProcessResult undeployed = fleetCommand("undeploy", "big");
        assertThat(undeployed.exitCode()).withFailMessage(undeployed.describe()).isZero();
    }

    private List<Path> precopyImages(String host) throws IOException {
        Path h = dir.resolve("hosts/" + host);
        try (Stream<Path> files = Files.walk(h)) {
            return files.filter(x -> x.getFileName().toString().matches("pre-[0-9]{6,9}\\.tck")).toList();
        }
    }

    private JsonNode migrate(String to) throws IOException {
        ProcessResult m = fleetCommand("migrate", "big", "--to", to, "--json");
        assertThat(m.exitCode()).withFailMessage(m.describe() + "\nstdout: " + m.stdoutText()).isZero();
        return JSON.readTree(m.stdout());
    }

    private ProcessResult fleetCommand(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, "--fleet");
        a.add(2, fleet.toString());
        return talent.run(root, COMMAND, a);
    }

    private JsonNode status() throws IOException {
        ProcessResult r = fleetCommand("status", "big", "--json");
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        return JSON.readTree(r.stdout());
    }

    @AfterAll
    void down() {
        if (up) {
            ProcessResult d = talent.run(root, COMMAND, List.of("lab", "down", "--dir", dir.toString()));
            assertThat(d.exitCode()).withFailMessage(d.describe()).isZero();
        }
    }
}
