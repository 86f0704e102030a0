package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Issue 15, a fleet of mixed versions ({@code talent lab up --hosts 3 --protocol h2=3}: h2's agent speaks protocol 3,
 * as in a rolling upgrade, h1 and h3 this release's newest). A program whose checkpoints are bound to the little-endian
 * byte order at run time (ByteOrderBoundRunIT's program, built for x86_64, aarch64 and s390x) moves to the old host and
 * from it, across ISAs. The old agent registers 3 and does not say what binds its checkpoint (protocol 4's
 * {@code binding}): the controller assumes the checkpoint bound to the layout of the platform it was taken on, so the
 * record of the move off h2 says so, and a request for s390x afterwards is refused before the program stops (before,
 * the record read as free and the request was served, to be refused only after the stop). The records of the newer
 * agents say what binds it; no move fails; the output equals plain gcc's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 12, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(FleetLab.LOCK)
class FleetMixedVersionsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OLD = "h2";

    private TalentCli talent;
    private Path root;
    private FleetLab lab;

    @BeforeAll
    void labUp() throws IOException {
        FleetLab.assumeLab(true);
        Isa.AARCH64.assumeAvailable();
        Isa.S390X.assumeAvailable();
        talent = TalentCli.get();
        root = FleetLab.workRoot("fleet-mixed");
        lab = FleetLab.at(talent, root);
        lab.up(List.of(), "--hosts", "3", "--protocol", OLD + "=3");
    }

    @Test
    void aBoundProgramMovesToAndFromAnAgentOfProtocolThreeAndItsCheckpointGoesNowhereUnsafe() throws Exception {
        // each agent says its version where the controllers read it
        assertThat(JSON.readTree(lab.etcdGet("/talent/hosts/" + OLD + "/info")).get("protocol").asInt()).isEqualTo(3);
        assertThat(JSON.readTree(lab.etcdGet("/talent/hosts/h1/info")).get("protocol").asInt()).isEqualTo(9);
        assertThat(Files.readString(lab.host(OLD).resolve("agent.log"))).contains("speaking protocol 3");

        Path source = root.resolve("bound.c");
        Files.writeString(source, ByteOrderBoundRunIT.PROGRAM);
        ProcessResult built = talent.run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa", "x86_64,aarch64,s390x",
                source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        ProcessResult gcc = Processes.run(List.of("gcc", "-O2", "-ffp-contract=off", "-o", root.resolve("bound-gcc").toString(),
                source.toString()), root, Duration.ofMinutes(2));
        assertThat(gcc.exitCode()).withFailMessage(gcc::describe).isZero();
        List<String> args = List.of("1500", "40");
        ProcessResult reference = Processes.run(List.of(root.resolve("bound-gcc").toString(), args.get(0), args.get(1)), root,
                Duration.ofMinutes(3));
        assertThat(reference.exitCode()).withFailMessage(reference::describe).isZero();

        ProcessResult deployed = lab.run("deploy", "--name", "bound", "--platforms", "x86_64,aarch64,s390x",
                root.resolve("build/bound").toString(), "--", args.get(0), args.get(1));
        assertThat(deployed.exitCode()).withFailMessage(deployed.describe()).isZero();
        // to the old host across ISAs, from it across ISAs to a new one
        migrate(OLD + "/aarch64");
        assertThat(lab.status("bound").get("host").asText()).isEqualTo(OLD);
        migrate("h3/x86_64");
        // its checkpoint may be bound (it is): never handed to s390x, refused before the program stops
        ProcessResult refused = lab.run("migrate", "bound", "--to", "h1/s390x");
        assertThat(refused.exitCode()).withFailMessage(refused.describe()).isNotZero();
        assertThat(refused.stderrText()).as(refused.describe()).contains("h1/s390x cannot restore").contains("agent " + OLD + " speaks protocol 3");
        // and from the new agent on, what binds it is said again
        migrate("h1/x86_64");

        ProcessResult waited = lab.run("wait", "bound");
        assertThat(waited.exitCode()).withFailMessage(waited.describe()).isZero();
        ProcessResult logs = lab.run("logs", "bound");
        assertThat(logs.stdoutText()).as("the output across hosts of both versions\n" + logs.describe()).isEqualTo(reference.stdoutText());

        List<JsonNode> records = new ArrayList<>();
        lab.status("bound").get("migrations").forEach(records::add);
        String all = records.toString();
        assertThat(records).as(all).hasSize(3).allSatisfy(r -> assertThat(r.get("ok").asBoolean()).isTrue());
        assertThat(records.get(0).get("to").asText()).isEqualTo(OLD + "/aarch64");
        assertThat(records.get(1).get("from").asText()).isEqualTo(OLD + "/aarch64");
        assertThat(records.get(2).get("to").asText()).isEqualTo("h1/x86_64");
        for (JsonNode r : records) {
            JsonNode b = r.path("binding");
            assertThat(b.path("big_endian").isBoolean()).as("every record says what bound its checkpoint\n" + all).isTrue();
            assertThat(b.path("big_endian").asBoolean()).as(all).isFalse();
            if (r.get("from").asText().startsWith(OLD + "/")) {
                // the old agent said nothing (3 has no binding): the controller assumed the platform's layout
                assertThat(b.path("why").asText()).as(all).contains("not known: agent " + OLD + " speaks protocol 3").doesNotContain("raw bytes");
                assertThat(b.path("pointer_bits").asInt()).as(all).isEqualTo(64);
            } else {
                assertThat(b.path("why").asText()).as(all).contains("raw bytes");
            }
        }
        ProcessResult undeployed = lab.run("undeploy", "bound");
        assertThat(undeployed.exitCode()).withFailMessage(undeployed.describe()).isZero();
    }

    private void migrate(String to) {
        ProcessResult m = lab.run("migrate", "bound", "--to", to);
        assertThat(m.exitCode()).withFailMessage(m.describe()).isZero();
    }

    @AfterAll
    void down() {
        if (lab != null) lab.down();
    }
}
