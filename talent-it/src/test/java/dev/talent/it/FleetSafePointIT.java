package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Issue 15, a host-to-host migration that fails after the destination was prepared, on {@code lab up --hosts 2} with
 * {@code TALENT_FLEET_FAULT=requests}: envapp (state in variables, an open output file, files it creates in its
 * working directory) deployed on x86_64, then
 * <ol>
 * <li>{@code migrate --inject-fault safepoint}: the program is not asked to stop, so the safe point times out before
 * the stop; before, the fleet left the destination prepared (its container, its place and files, its agent's app);
 * <li>{@code migrate --inject-fault checkpoint}: the take fails once the checkpoint was accepted (after the stop):
 * rolled back from it;
 * <li>{@code migrate --inject-fault sync}: the final sync, which runs beside the checkpoint's hand-over, reaches the
 * destination and then fails: the destination, which holds the synced working directory and the checkpoint, must not
 * start; rolled back from the checkpoint;
 * <li>{@code migrate --inject-fault commit}: the commit is not written; the leader resolves it (the source resumes from
 * its checkpoint, the destination goes);
 * <li>a migration that works (the destination is prepared anew).
 * </ol>
 * After each failure the program runs on at the source, etcd has no migration in flight and a failed record that says
 * why, and the destination holds nothing of the app: no app in its agent's answer, no directory, no container (each
 * checked against the source, where they are). The output and the final working directory equal an uninterrupted run's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(FleetLab.LOCK)
class FleetSafePointIT {
    /** envapp's steps and milliseconds per step: it runs through the five migrations (each ~40 s with the checks after it) on a loaded machine. */
    private static final int STEPS = 10000;
    private static final int MS = 20;

    private TalentCli talent;
    private Path root;
    private FleetLab lab;

    @BeforeAll
    void labUp() throws IOException {
        FleetLab.assumeLab(true);
        talent = TalentCli.get();
        root = FleetLab.workRoot("fleet-safepoint");
        lab = FleetLab.at(talent, root);
        lab.up(List.of("TALENT_FLEET_FAULT=requests"), "--hosts", "2");
    }

    @Test
    void aFailureAfterThePrepareDiscardsTheDestinationAndTheProgramRunsOnAtItsSource() throws Exception {
        Path source = root.resolve("envapp.c");
        try (var in = FleetSafePointIT.class.getResourceAsStream("/migration/envapp.c")) {
            Files.copy(in, source);
        }
        ProcessResult built = talent.run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa", "x86_64", source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        CompletableFuture<EnvApp.Reference> reference = CompletableFuture.supplyAsync(() -> {
            try {
                return EnvApp.reference(root.resolve("build/envapp.x86_64"), EnvApp.inputDir(root.resolve("reference")), STEPS, MS);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Path workdir = EnvApp.inputDir(root.resolve("work"));
        lab.ok("deploy", "--name", "envapp", "--platforms", "x86_64", "--workdir", workdir.toString(),
                root.resolve("build/envapp").toString(), "--", Integer.toString(STEPS), Integer.toString(MS));
        String from = lab.status("envapp").get("host").asText();
        String to = from.equals("h1") ? "h2" : "h1";

        // 1. the safe point is not reached in time (the program was not asked): before the stop
        JsonNode timedOut = failed(to, "safepoint");
        assertThat(timedOut.get("failed_step").asText()).as(timedOut.toString()).isEqualTo("checkpoint");
        assertThat(timedOut.get("error").asText()).as(timedOut.toString()).contains("did not reach a checkpoint site within 2 s")
                .contains("fault injected at step safepoint").contains("what was prepared for it on " + to + "/x86_64 is discarded");
        nothingLeftOn(to, from);

        // 2. the take fails once the checkpoint was accepted: after the stop, rolled back from it
        JsonNode refused = failed(to, "checkpoint");
        assertThat(refused.get("failed_step").asText()).as(refused.toString()).isEqualTo("checkpoint");
        assertThat(refused.get("error").asText()).as(refused.toString()).contains("fault injected at step checkpoint");
        nothingLeftOn(to, from);

        // 3. the final sync (beside the hand-over) reaches the destination, then fails: the destination has the state and
        // the synced files but never starts; rolled back from the checkpoint, the destination discarded
        JsonNode unsynced = failed(to, "sync");
        assertThat(unsynced.get("failed_step").asText()).as(unsynced.toString()).isEqualTo("sync");
        assertThat(unsynced.get("error").asText()).as(unsynced.toString()).contains("fault injected at step sync")
                .contains("reached " + to + "/x86_64, then the sync failed");
        assertThat(unsynced.path("checkpoint_ms").isNumber()).as("the checkpoint was handed over: " + unsynced).isTrue();
        assertThat(unsynced.path("start_ms").isNumber()).as("the destination never started: " + unsynced).isFalse();
        nothingLeftOn(to, from);

        // 4. the commit is not written (after the stop, the destination ran): not discarded by the migration, which
        // leaves it to the leader's resolution (the source resumes from its checkpoint, the destination goes)
        JsonNode uncommitted = failed(to, "commit");
        assertThat(uncommitted.get("failed_step").asText()).as(uncommitted.toString()).isEqualTo("commit");
        assertThat(uncommitted.get("error").asText()).as(uncommitted.toString()).contains("resolved by controller");
        nothingLeftOn(to, from);

        // 5. the destination is prepared anew: the move works
        JsonNode moved = lab.migrate("envapp", to + "/x86_64");
        assertThat(moved.get("ok").asBoolean()).as(moved.toString()).isTrue();
        assertThat(lab.status("envapp").get("host").asText()).isEqualTo(to);

        Path fetched = root.resolve("fetched");
        lab.ok("wait", "envapp", "--fetch-workdir", fetched.toString());
        EnvApp.Reference ref = reference.get(2, TimeUnit.MINUTES);
        assertThat(lab.ok("logs", "envapp").stdoutText()).as("the output through four failed migrations and a move").isEqualTo(ref.stdout());
        assertThat(EnvApp.tree(fetched)).as("the final working directory").isEqualTo(ref.files());
        List<JsonNode> records = new ArrayList<>();
        lab.status("envapp").get("migrations").forEach(records::add);
        System.out.println("FleetSafePointIT: envapp's records " + records);
        assertThat(records).extracting(r -> r.get("ok").asBoolean()).containsExactly(false, false, false, false, true);
        lab.ok("undeploy", "envapp");
    }

    /** {@code migrate envapp --to TO/x86_64 --inject-fault STEP --json}: its record, failed. */
    private JsonNode failed(String to, String step) throws IOException {
        ProcessResult r = lab.run("migrate", "envapp", "--to", to + "/x86_64", "--inject-fault", step, "--json");
        System.out.println("FleetSafePointIT: migrate --inject-fault " + step + " said (exit " + r.exitCode() + "): " + r.stdoutText().strip()
                + " " + r.stderrText().strip());
        assertThat(r.exitCode()).withFailMessage(r.describe()).isEqualTo(1);
        JsonNode record = FleetLab.JSON.readTree(r.stdoutText());
        assertThat(record.get("ok").asBoolean()).as(record.toString()).isFalse();
        return record;
    }

    /**
     * After a failed migration to {@code to}: envapp runs on {@code from}, nothing in flight in etcd; {@code to}'s agent
     * has no app, its directory no place of it and its runc no container of it (each found on {@code from}, where the
     * program runs, so that the look itself is right).
     */
    private void nothingLeftOn(String to, String from) throws Exception {
        JsonNode s = lab.status("envapp");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(s.path("in_flight").isMissingNode() || s.path("in_flight").isNull()) && System.nanoTime() < deadline) {
            Thread.sleep(300);
            s = lab.status("envapp");
        }
        assertThat(s.get("state").asText()).as(s.toString()).isEqualTo("running");
        assertThat(s.get("host").asText()).as("it runs on at its source").isEqualTo(from);
        assertThat(lab.inFlight("envapp")).as("etcd's in-flight record of envapp").isFalse();
        for (JsonNode h : lab.hosts()) {
            List<String> apps = new ArrayList<>();
            h.get("apps").forEach(a -> apps.add(a.isTextual() ? a.asText() : a.path("name").asText()));
            if (h.get("name").asText().equals(to)) assertThat(apps).as("apps of " + to + "'s agent").isEmpty();
            else if (h.get("name").asText().equals(from)) assertThat(apps).as("apps of " + from + "'s agent").containsExactly("envapp");
        }
        assertThat(lab.host(from).resolve("agent/apps/envapp")).as("the app's directory on its source").isDirectory();
        assertThat(lab.host(to).resolve("agent/apps/envapp")).as("the app's directory on " + to).doesNotExist();
        assertThat(containers(from)).as("envapp's containers on its source").isNotEmpty();
        assertThat(containers(to)).as("envapp's containers on " + to).isEmpty();
    }

    /** The runc containers of envapp on {@code host} (its agent's runc root). */
    private List<String> containers(String host) throws IOException {
        Path runc = lab.host(host).resolve("agent/containers/runc");
        if (!Files.isDirectory(runc)) return List.of();
        try (Stream<Path> list = Files.list(runc)) {
            return list.map(x -> x.getFileName().toString()).filter(n -> n.startsWith("envapp-")).toList();
        }
    }

    @AfterAll
    void down() {
        if (lab != null) lab.down();
    }
}
