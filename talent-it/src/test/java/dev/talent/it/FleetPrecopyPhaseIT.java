package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Issues 13 and 15, the fleet's pre-copy as a phase of the migration's record in etcd, on {@code lab up --hosts 2}
 * with {@code TALENT_FLEET_FAULT=precopy-stall,requests} (each controller holds the first pre-copy phase it drives for
 * a while after its first round, once etcd has that round in the in-flight record; every controller honours
 * {@code migrate --inject-fault}). A program with 16 MiB of state that changes a little at every step
 * (FleetPrecopyIT's), deployed with {@code --precopy 3}:
 * <ol>
 * <li>the leading controller is killed -9 inside a migration's pre-copy phase, as soon as etcd's in-flight record shows
 * the phase (its first round): the next leader resolves the migration from that record, the program runs on at the
 * source (it never stopped), the destination keeps no prepared container and no base, and the record says so;
 * <li>{@code migrate --inject-fault precopy} fails the pre-copy once the destination received its base (its phase in
 * {@code status --json}'s {@code in_flight} meanwhile): rolled back the same way;
 * <li>the next migration with pre-copy works (a delta at the stop).
 * </ol>
 * The program's output equals an uninterrupted plain gcc run's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(FleetLab.LOCK)
class FleetPrecopyPhaseIT {
    /** The program's steps and milliseconds per step: it runs through the three migrations on a loaded machine. */
    private static final List<String> ARGS = List.of("15000", "10");
    /** What each controller logs when it holds its first pre-copy phase (TALENT_FLEET_FAULT=precopy-stall). */
    private static final String STALLING = "big: stalling ";

    private TalentCli talent;
    private Path root;
    private FleetLab lab;

    @BeforeAll
    void labUp() throws IOException {
        FleetLab.assumeLab(true);
        talent = TalentCli.get();
        root = FleetLab.workRoot("fleet-precopy-phase");
        lab = FleetLab.at(talent, root);
        lab.up(List.of("TALENT_FLEET_FAULT=precopy-stall,requests"), "--hosts", "2");
    }

    @Test
    void aLeaderKilledInThePrecopyPhaseAndAFailedPrecopyLeaveTheProgramRunningAtItsSource() throws Exception {
        Path source = root.resolve("bigstate.c");
        try (var in = FleetPrecopyPhaseIT.class.getResourceAsStream("/migration/bigstate.c")) {
            Files.copy(in, source);
        }
        ProcessResult built = talent.run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa", "x86_64", source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        ProcessResult gcc = Processes.run(List.of("gcc", "-O2", "-ffp-contract=off", "-o", root.resolve("bigstate-gcc").toString(),
                source.toString()), root, Duration.ofMinutes(2));
        assertThat(gcc.exitCode()).withFailMessage(gcc::describe).isZero();
        // the uninterrupted run, beside the fleet's (it takes as long)
        Path referenceOut = root.resolve("reference.out");
        Process reference = new ProcessBuilder(root.resolve("bigstate-gcc").toString(), ARGS.get(0), ARGS.get(1))
                .redirectOutput(referenceOut.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            lab.ok("deploy", "--name", "big", "--platforms", "x86_64", "--precopy", "3", root.resolve("build/bigstate").toString(),
                    "--", ARGS.get(0), ARGS.get(1));
            String from = lab.status("big").get("host").asText();
            String to = from.equals("h1") ? "h2" : "h1";

            // 1. the leader killed inside the pre-copy phase
            JsonNode leader = lab.leader();
            Migration killed = Migration.start(this, to, false);
            killed.awaitStall();
            JsonNode current = FleetLab.JSON.readTree(lab.etcdGet("/talent/migrations/big/current"));
            assertThat(current.path("precopy").path("rounds").asInt()).as("etcd's in-flight record: " + current).isGreaterThanOrEqualTo(1);
            assertThat(current.path("precopy").path("handed_over").asBoolean()).as(current.toString()).isFalse();
            assertThat(current.path("committed").asBoolean()).as(current.toString()).isFalse();
            long pid = leader.get("controller_pid").asLong();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            System.out.println("FleetPrecopyPhaseIT: killed -9 the leading controller on " + leader.get("name").asText() + " (pid " + pid
                    + ") in big's pre-copy phase: " + current.path("precopy"));
            JsonNode resolved = killed.record(1);
            assertThat(resolved.get("error").asText()).as(resolved.toString())
                    .contains("resolved by controller").contains("in its pre-copy phase (round ").contains("before the program stopped");
            assertThat(resolved.get("failed_step").asText()).as(resolved.toString()).isEqualTo("controller");
            assertThat(resolved.path("precopy").path("rounds").asInt()).as("the record keeps the phase: " + resolved).isGreaterThanOrEqualTo(1);
            assertThat(lab.leader().get("controller_pid").asLong()).isNotEqualTo(pid);
            rolledBack(from, to);

            // 2. a pre-copy failed on purpose once the destination has its base
            Migration faulted = Migration.start(this, to, true);
            faulted.awaitStall();
            JsonNode inFlight = lab.status("big").path("in_flight");
            assertThat(inFlight.path("precopy").path("rounds").asInt()).as("status --json shows the phase: " + inFlight).isGreaterThanOrEqualTo(1);
            assertThat(inFlight.path("to").asText()).isEqualTo(to + "/x86_64");
            JsonNode failed = faulted.record(1);
            assertThat(failed.get("failed_step").asText()).as(failed.toString()).isEqualTo("precopy");
            assertThat(failed.get("error").asText()).as(failed.toString()).contains("fault injected at step precopy")
                    .contains("received the base");
            assertThat(failed.path("precopy").path("rounds").asInt()).as(failed.toString()).isBetween(1, 3);
            rolledBack(from, to);

            // 3. the next migration with pre-copy works: a base ahead, a delta at the stop
            JsonNode moved = lab.migrate("big", to + "/x86_64");
            JsonNode p = moved.get("precopy");
            assertThat(p).as("pre-copy in " + moved).isNotNull();
            assertThat(p.get("delta_bytes").asLong()).as(moved.toString()).isPositive().isLessThan(p.get("base_bytes").asLong() / 2);
            assertThat(lab.precopyImages(from)).as("pre-copy images left on the source it left").isEmpty();

            lab.ok("wait", "big");
            assertThat(reference.waitFor(5, TimeUnit.MINUTES)).as("the uninterrupted run ends").isTrue();
            assertThat(reference.exitValue()).isZero();
            ProcessResult logs = lab.ok("logs", "big");
            assertThat(logs.stdoutText()).as("the output through a killed leader, a failed pre-copy and a move")
                    .isEqualTo(Files.readString(referenceOut));

            List<JsonNode> records = new ArrayList<>();
            lab.status("big").get("migrations").forEach(records::add);
            System.out.println("FleetPrecopyPhaseIT: big's records " + records);
            assertThat(records).hasSize(3);
            assertThat(records).extracting(r -> r.get("ok").asBoolean()).containsExactly(false, false, true);
            assertThat(records).allSatisfy(r -> assertThat(r.path("precopy").path("rounds").asInt()).isPositive());
            lab.ok("undeploy", "big");
        } finally {
            reference.destroyForcibly();
        }
    }

    /**
     * After a migration to {@code to} that failed before the stop: settled (no migration in flight) with the program
     * running on {@code from}; {@code to} keeps no container of it and no pre-copy image.
     */
    private void rolledBack(String from, String to) throws Exception {
        JsonNode s = lab.status("big");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(s.path("in_flight").isMissingNode() || s.path("in_flight").isNull()) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            s = lab.status("big");
        }
        assertThat(s.path("in_flight").isMissingNode() || s.path("in_flight").isNull()).as(s.toString()).isTrue();
        assertThat(s.get("state").asText()).as(s.toString()).isEqualTo("running");
        assertThat(s.get("host").asText()).as("the program never stopped: it runs on at its source").isEqualTo(from);
        assertThat(lab.precopyImages(to)).as("pre-copy images left on " + to).isEmpty();
        Path runc = lab.host(to).resolve("agent/containers/runc");
        if (Files.isDirectory(runc)) {
            try (var list = Files.list(runc)) {
                assertThat(list.map(x -> x.getFileName().toString()).filter(n -> n.startsWith("big-")).toList())
                        .as("containers of big left on " + to).isEmpty();
            }
        }
    }

    /** A {@code talent migrate big --to TO/x86_64 --json} running beside the test. */
    private record Migration(FleetPrecopyPhaseIT it, Process process, Path out, Path err, long stallsBefore) {
        static Migration start(FleetPrecopyPhaseIT it, String to, boolean fault) throws IOException {
            List<String> args = new ArrayList<>(List.of("migrate", "--fleet", it.lab.fleetConf().toString(), "big", "--to", to + "/x86_64", "--json"));
            if (fault) args.addAll(List.of("--inject-fault", "precopy"));
            String name = fault ? "fault" : "kill";
            Path out = it.root.resolve("migrate-" + name + ".out"), err = it.root.resolve("migrate-" + name + ".err");
            long before = it.lab.controllerLines(STALLING);
            Process p = new ProcessBuilder(it.talent.commandLine(args)).directory(it.root.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Migration(it, p, out, err, before);
        }

        /** Waits (at most 3 minutes) until a controller says it holds this migration in its pre-copy phase. */
        void awaitStall() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (it.lab.controllerLines(STALLING) == stallsBefore && process.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(it.lab.controllerLines(STALLING)).withFailMessage("no controller held big's pre-copy phase: %s\n%s",
                    Files.readString(out), Files.readString(err)).isGreaterThan(stallsBefore);
        }

        /** Its record, once it returned with {@code status}. */
        JsonNode record(int status) throws Exception {
            assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("migrate returns").isTrue();
            String said = Files.readString(out) + "\n" + Files.readString(err);
            System.out.println("FleetPrecopyPhaseIT: migrate said (exit " + process.exitValue() + "): " + said.strip());
            assertThat(process.exitValue()).withFailMessage(said).isEqualTo(status);
            JsonNode r = FleetLab.JSON.readTree(Files.readString(out));
            assertThat(r.get("ok").asBoolean()).withFailMessage(said).isEqualTo(status == 0);
            return r;
        }
    }

    @AfterAll
    void down() {
        if (lab != null) lab.down();
    }
}
