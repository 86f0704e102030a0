package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LabTest {
    @TempDir Path tmp;

    @Test
    void downRefusesADirectoryThatIsNoLabAndTouchesNothing() throws Exception {
        Path keep = Files.writeString(tmp.resolve("precious.txt"), "mine");
        assertThatThrownBy(() -> Lab.down(tmp, e -> {})).isInstanceOf(FleetException.class).hasMessageContaining("no lab in " + tmp);
        assertThat(keep).hasContent("mine");
    }

    @Test
    void upRefusesADirectoryThatIsNotEmpty() throws Exception {
        Files.writeString(tmp.resolve("precious.txt"), "mine");
        // as root it reaches the check of the directory; as another user it stops earlier, at root
        assertThatThrownBy(() -> Lab.up(tmp, 1, List.of("java"), e -> {})).isInstanceOf(FleetException.class)
                .message().containsAnyOf("is not empty", "needs root", "needs /usr/bin/etcd");
        assertThat(tmp.resolve("precious.txt")).hasContent("mine");
        assertThat(tmp.resolve("lab.json")).doesNotExist();
    }

    @Test
    void everyAgentAndControllerServesItsMetricsOnItsHostsLoopback() {
        LabLayout lab = new LabLayout(tmp, 2, List.of("java", "-cp", "x"));
        List<Supervisor.Child> daemons = Supervisor.children(lab).stream()
                .filter(c -> c.id().startsWith("agent-") || c.id().startsWith("controller-")).toList();
        assertThat(daemons).hasSize(4);
        for (Supervisor.Child c : daemons) {
            int port = c.id().startsWith("agent-") ? LabLayout.AGENT_METRICS_PORT : LabLayout.CONTROLLER_METRICS_PORT;
            int at = c.command().indexOf("--metrics");
            assertThat(at).as("%s: %s", c.id(), c.command()).isPositive();
            assertThat(c.command().get(at + 1)).isEqualTo("127.0.0.1:" + port);
        }
    }

    @Test
    void layoutRoundTripsThroughLabJson() throws Exception {
        LabLayout lab = new LabLayout(tmp, 4, List.of("java", "-cp", "x"), 3);
        Etcd.JSON.writeValue(tmp.resolve("lab.json").toFile(), lab);
        assertThat(Lab.readLayout(tmp)).isEqualTo(lab);
    }

    @Test
    void aLabJsonWithoutAnIndexIsLabZero() throws Exception {
        Files.writeString(tmp.resolve("lab.json"), "{\"dir\":\"" + tmp + "\",\"hosts\":2,\"talent\":[\"java\"]}");
        assertThat(Lab.readLayout(tmp).index()).isZero();
    }

    /** A lab whose names another lab or its leftovers hold goes beside it, at the first free index. */
    @Test
    void aNewLabTakesTheFirstIndexNoneOfWhoseNamesAreTaken() throws Exception {
        assertThat(Lab.freeIndex(List.of())).isZero();
        assertThat(Lab.freeIndex(List.of("tfleet0"))).isEqualTo(1);
        assertThat(Lab.freeIndex(List.of("tfleet-h1", "tfleet-u1"))).isEqualTo(1);
        assertThat(Lab.freeIndex(List.of("tfleet0", "tfleet1-h2"))).isEqualTo(2);
        assertThat(Lab.freeIndex(List.of("tfleet1", "tfleetx"))).isZero();
        List<String> all = new java.util.ArrayList<>();
        for (int i = 0; i < LabLayout.MAX_LABS; i++) all.add("tfleet" + i);
        assertThatThrownBy(() -> Lab.freeIndex(all)).isInstanceOf(FleetException.class).hasMessageContaining("labs already");
    }

    /** Issue 15: lab down killed its caller (a shell or script naming the lab's directory): only the lab's own go. */
    @Test
    void theLabsProcessesAreItsDaemonsAndTheirsNeverTheCallerOrABystander() {
        Path d = Path.of("/labs/one");
        String dd = d.toString();
        List<Lab.Proc> table = List.of(
                new Lab.Proc(80, 1, List.of("sh", dd + "/scripts/down.sh"), "/usr/bin/dash"),
                new Lab.Proc(90, 80, List.of("bash", "-c", "cd " + dd + "/ && ./talent lab down --dir " + dd), "/usr/bin/bash"),
                new Lab.Proc(100, 90, List.of("java", "-jar", "/opt/talent.jar", "lab", "down", "--dir", dd), "/usr/bin/java"),
                new Lab.Proc(200, 1, List.of("java", "-jar", "/opt/talent.jar", "lab", "supervise", "--dir", dd), "/usr/bin/java"),
                new Lab.Proc(300, 200, List.of("etcd", "--name", "h1", "--data-dir", dd + "/hosts/h1/etcd"), "/usr/bin/etcd"),
                new Lab.Proc(400, 200, List.of("java", "-jar", "/opt/talent.jar", "agent", "--name", "h1", "--fleet", dd + "/hosts/h1/fleet.conf"),
                        "/usr/bin/java"),
                new Lab.Proc(410, 400, List.of("runc", "--root", "/run/runc-x", "state", "app"), "/usr/sbin/runc"),
                new Lab.Proc(411, 410, List.of("sleep", "1"), "/usr/bin/sleep"),
                // orphaned: its supervisor is gone
                new Lab.Proc(600, 1, List.of("ip", "netns", "exec", "tfleet-h2", "java", "-jar", "/opt/talent.jar", "controller", "--host", "h2",
                        "--fleet", dd + "/hosts/h2/fleet.conf"), "/usr/sbin/ip"),
                new Lab.Proc(650, 1, List.of("prog"), dd + "/hosts/h2/agent/apps/svc/prog"),
                new Lab.Proc(700, 1, List.of("tail", "-f", dd + "/hosts/h1/agent.log"), "/usr/bin/tail"),
                new Lab.Proc(710, 1, List.of("vim", dd + "/notes.txt"), "/usr/bin/vim"),
                new Lab.Proc(720, 1, List.of("java", "-jar", "/opt/talent.jar", "hosts", "--fleet", dd + "/fleet.conf"), "/usr/bin/java"),
                new Lab.Proc(800, 1, List.of("java", "-jar", "/opt/talent.jar", "agent", "--fleet", "/labs/one-other/hosts/h1/fleet.conf"),
                        "/usr/bin/java"),
                new Lab.Proc(810, 1, List.of("etcd", "--data-dir", "/labs/onex/hosts/h1/etcd"), "/usr/bin/etcd"),
                new Lab.Proc(900, 1, List.of("helper", dd + "/run/x"), "/usr/bin/helper"),
                new Lab.Proc(901, 1, List.of("unrelated"), "/usr/bin/unrelated"));
        assertThat(Lab.labPids(d, table, 100, java.util.Set.of(900L, 901L)))
                .containsExactlyInAnyOrder(200L, 300L, 400L, 410L, 411L, 600L, 650L, 900L);
        // the caller's ancestors are spared even when they look like the lab's daemons or are named by a pid file
        assertThat(Lab.labPids(d, table, 411, java.util.Set.of(400L))).containsExactlyInAnyOrder(300L, 600L, 650L);
    }

    /**
     * On this machine's real process table: a process naming a file of the lab (a {@code tail -f} of its log) is not
     * the lab's; a process with an etcd member's arguments for the lab and its child are.
     */
    @Test
    void onTheRealProcessTableOnlyTheLabsDaemonsAreFound() throws Exception {
        Path d = tmp.resolve("lab").toAbsolutePath().normalize();
        Files.createDirectories(d.resolve("hosts/h1"));
        Path log = Files.writeString(d.resolve("hosts/h1/agent.log"), "x\n");
        Process bystander = new ProcessBuilder("tail", "-f", log.toString()).start();
        Process daemon = new ProcessBuilder("sh", "-c", "sleep 300 & wait", "etcd", "--data-dir", d.resolve("hosts/h1/etcd").toString()).start();
        try {
            List<Long> found = List.of();
            for (int k = 0; k < 100 && found.size() < 2; k++) {
                Thread.sleep(50);
                found = Lab.labProcesses(d).stream().map(ProcessHandle::pid).toList();
            }
            assertThat(found).contains(daemon.pid()).doesNotContain(bystander.pid(), ProcessHandle.current().pid());
            assertThat(found).hasSize(2); // the daemon and its sleep
            assertThat(Lab.leftovers(new LabLayout(d, 1, List.of()))).noneMatch(l -> l.startsWith("process " + bystander.pid() + " "));
        } finally {
            daemon.descendants().forEach(ProcessHandle::destroyForcibly);
            daemon.destroyForcibly();
            bystander.destroyForcibly();
        }
    }
}
