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
                .message().containsAnyOf("is not empty", "needs root", "needs /usr/bin/etcd", "another lab is up");
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
        LabLayout lab = new LabLayout(tmp, 4, List.of("java", "-cp", "x"));
        Etcd.JSON.writeValue(tmp.resolve("lab.json").toFile(), lab);
        assertThat(Lab.readLayout(tmp)).isEqualTo(lab);
    }
}
