package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.FleetException;
import dev.talent.fleet.Pki;
import dev.talent.fleet.PrometheusText;
import dev.talent.fleet.TlsFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent's metrics: calls served over mutual TLS on loopback (no containers, no root), and what the agent counts. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AgentMetricsTest {
    @TempDir Path tmp;

    @Test
    void callsAreCountedByMethodAndOutcomeWithTheirDurations() throws Exception {
        Pki pki = Pki.at(tmp.resolve("pki"));
        pki.init("test fleet");
        pki.issue("h1", Pki.Usage.HOST, List.of(), List.of());
        pki.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
        InetAddress lo = InetAddress.ofLiteral("127.0.0.1");
        try (AgentServer agent = AgentServer.start("h1", new InetSocketAddress(lo, 0),
                new TlsFiles(pki.caCertificate(), pki.certificate("h1"), pki.key("h1")), tmp.resolve("h1"), e -> { });
                GrpcFleetAgents fleet = GrpcFleetAgents.of(new TlsFiles(pki.caCertificate(), pki.certificate("cli"), pki.key("cli")),
                        Map.of("h1", new InetSocketAddress(lo, agent.port())), GrpcFleetAgents.Timeouts.defaults(), w -> { })) {
            Path blob = tmp.resolve("blob");
            Files.writeString(blob, "a program");
            String sha = BlobStore.digest(blob);
            fleet.putBlob("h1", sha, blob); // Op has-blob (no), then PutBlob
            fleet.putBlob("h1", sha, blob); // Op has-blob (yes)
            assertThat(fleet.state("h1", "nothing")).isInstanceOf(FleetAgents.AppState.Absent.class);
            assertThatThrownBy(() -> fleet.resume("h1", "nothing")).isInstanceOf(FleetException.class);
            Map<String, Double> s = PrometheusText.parse(agent.apps().metrics().scrape());
            assertThat(s.get("talent_agent_rpcs_total{host=\"h1\",method=\"Op/has-blob\",outcome=\"ok\"}")).isEqualTo(2.0);
            assertThat(s.get("talent_agent_rpcs_total{host=\"h1\",method=\"PutBlob\",outcome=\"ok\"}")).isEqualTo(1.0);
            assertThat(s.get("talent_agent_rpcs_total{host=\"h1\",method=\"State\",outcome=\"ok\"}")).isEqualTo(1.0);
            // a refused operation is counted under the method alone (its name, the caller's, is no label)
            assertThat(s.entrySet()).anyMatch(e -> e.getKey().startsWith("talent_agent_rpcs_total{host=\"h1\",method=\"Op\",outcome=\"")
                    && !e.getKey().contains("outcome=\"ok\"") && e.getValue() == 1.0);
            assertThat(s.get("talent_agent_rpc_seconds_count{host=\"h1\",method=\"PutBlob\"}")).isEqualTo(1.0);
            assertThat(s.get("talent_agent_apps_running{host=\"h1\"}")).isEqualTo(0.0);
        }
    }

    @Test
    void checkpointsRestoresSyncsAndRunningAppsAreCountedPerApp() {
        AgentMetrics m = new AgentMetrics("h2");
        Map<String, String> running = new java.util.TreeMap<>(Map.of("web", "aarch64", "db", "x86_64"));
        m.watch(() -> Map.copyOf(running));
        m.checkpoint("web", true, 3_000_000);
        m.checkpoint("web", false, 1_000_000);
        m.restore("web", true, 40_000_000);
        m.restore("web", false, 5_000_000);
        m.sync("web", "sent", new AppsMessages.Sync("journal", 3, 1, 8192, 0, 1));
        m.sync("web", "sent", new AppsMessages.Sync("journal", 1, 0, 100, 0, 1));
        m.sync("web", "received", new AppsMessages.Sync("mirror", 2, 0, 50, 0, 1));
        Map<String, Double> s = PrometheusText.parse(m.scrape());
        assertThat(s.get("talent_agent_checkpoints_total{app=\"web\",host=\"h2\",outcome=\"taken\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_agent_checkpoints_total{app=\"web\",host=\"h2\",outcome=\"refused\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_agent_checkpoint_seconds_count{app=\"web\",host=\"h2\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_agent_restores_total{app=\"web\",host=\"h2\",outcome=\"ok\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_agent_restores_total{app=\"web\",host=\"h2\",outcome=\"failed\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_agent_restore_seconds_bucket{app=\"web\",host=\"h2\",le=\"0.025\"}")).isEqualTo(0.0);
        assertThat(s.get("talent_agent_restore_seconds_bucket{app=\"web\",host=\"h2\",le=\"0.05\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_agent_sync_bytes_total{app=\"web\",direction=\"sent\",host=\"h2\"}")).isEqualTo(8292.0);
        assertThat(s.get("talent_agent_sync_files_total{app=\"web\",direction=\"sent\",host=\"h2\"}")).isEqualTo(5.0);
        assertThat(s.get("talent_agent_sync_bytes_total{app=\"web\",direction=\"received\",host=\"h2\"}")).isEqualTo(50.0);
        assertThat(s.get("talent_agent_apps_running{host=\"h2\"}")).isEqualTo(2.0);
        assertThat(s.get("talent_app_platform{app=\"web\",host=\"h2\",platform=\"aarch64\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_app_platform{app=\"db\",host=\"h2\",platform=\"x86_64\"}")).isEqualTo(1.0);
        // an app that left: its series goes at the next scrape
        running.remove("web");
        s = PrometheusText.parse(m.scrape());
        assertThat(s.get("talent_agent_apps_running{host=\"h2\"}")).isEqualTo(1.0);
        assertThat(s).doesNotContainKey("talent_app_platform{app=\"web\",host=\"h2\",platform=\"aarch64\"}");
    }
}
