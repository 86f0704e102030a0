package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.fleet.apps.AgentMetrics;
import dev.talent.fleet.apps.AgentMetricsProbe;
import dev.talent.migrate.RunEvent;
import dev.talent.migrate.RunMetrics;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Platform;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ControllerMetricsTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    static MigrationRecord ok(String app, String from, String to, double downtime, String reason) {
        return new MigrationRecord(app, from, to, true, downtime, 3.0, 2.0, 4.0, 12.0, downtime - 21, null, null, AT, 3, 4096, "journal")
                .because(reason, "round");
    }

    static MigrationRecord failed(String app, String step, String reason) {
        return new MigrationRecord(app, "h1/x86_64", "h2/aarch64", false, null, 1.0, null, null, null, null, step, "boom", AT, 0, 0, null)
                .because(reason, "round");
    }

    private static Records.Placement placed(String app, String host, String platform) {
        return new Records.Placement(app, host, platform, 0, null, 0, 0);
    }

    @Test
    void migrationsHaveTalentRunsNamesAndLabelsAndTheFleetIsReadAtEachScrapeWhileLeading() throws Exception {
        ControllerMetrics m = new ControllerMetrics("h1");
        Map<String, Double> s = PrometheusText.parse(m.scrape());
        assertThat(s.get("talent_controller_leader{host=\"h1\"}")).isEqualTo(0.0);
        assertThat(s.keySet()).noneMatch(k -> k.startsWith("talent_fleet_"));

        m.migration(ok("web", "h1/x86_64", "h2/aarch64", 40, "schedule"));
        m.migration(ok("web", "h2/aarch64", "h3/s390x", 2000, "drain"));
        m.migration(new MigrationRecord("db", "h1/x86_64", "h2/x86_64", true, null, null, null, null, null, null, null, null, AT, 0, 0,
                null).because("host-lost", "restarted from scratch"));
        m.migration(failed("web", "transfer", "request"));
        m.migration(failed("db", "host-lost", "host-lost"));
        m.migration(ok("web", "h3/s390x", "h1/x86_64", 60, "alert CVE-1"));
        AtomicReference<ControllerMetrics.FleetView> fleet = new AtomicReference<>(new ControllerMetrics.FleetView(
                Map.of("h1", true, "h2", true, "h3", false), Set.of("h2"),
                List.of(placed("web", "h1", "x86_64"), placed("db", "h2", "x86_64"), placed("job", "h1", "x86_64"), placed("f", "h1", "aarch64"))));
        m.leading(fleet::get);
        s = PrometheusText.parse(m.scrape());
        assertThat(s.get("talent_migrations_total{app=\"web\",outcome=\"ok\",reason=\"schedule\",step=\"none\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migrations_total{app=\"web\",outcome=\"ok\",reason=\"drain\",step=\"none\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migrations_total{app=\"web\",outcome=\"ok\",reason=\"alert\",step=\"none\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migrations_total{app=\"db\",outcome=\"ok\",reason=\"host-lost\",step=\"none\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migrations_total{app=\"db\",outcome=\"failed\",reason=\"host-lost\",step=\"host-lost\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migrations_total{app=\"web\",outcome=\"failed\",reason=\"request\",step=\"transfer\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migration_downtime_seconds_count{app=\"web\"}")).isEqualTo(3.0);
        assertThat(s.get("talent_migration_downtime_seconds_bucket{app=\"web\",le=\"0.05\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migration_downtime_seconds_bucket{app=\"web\",le=\"2.5\"}")).isEqualTo(3.0);
        assertThat(s.get("talent_migration_phase_seconds_count{app=\"web\",phase=\"safe_point\"}")).isEqualTo(4.0);
        assertThat(s.get("talent_sync_bytes_total{app=\"web\"}")).isEqualTo(3 * 4096.0);
        assertThat(s.get("talent_controller_leader{host=\"h1\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_fleet_hosts{state=\"up\"}")).isEqualTo(2.0);
        assertThat(s.get("talent_fleet_hosts{state=\"down\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_fleet_hosts{state=\"drained\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_fleet_apps{host=\"h1\",platform=\"x86_64\"}")).isEqualTo(2.0);
        assertThat(s.get("talent_fleet_apps{host=\"h1\",platform=\"aarch64\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_fleet_apps{host=\"h2\",platform=\"x86_64\"}")).isEqualTo(1.0);

        // the next scrape sees the fleet as it is then: an app gone leaves no series behind
        fleet.set(new ControllerMetrics.FleetView(Map.of("h1", true), Set.of(), List.of(placed("web", "h1", "x86_64"))));
        s = PrometheusText.parse(m.scrape());
        assertThat(s.get("talent_fleet_hosts{state=\"up\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_fleet_hosts{state=\"down\"}")).isEqualTo(0.0);
        assertThat(s.get("talent_fleet_apps{host=\"h1\",platform=\"x86_64\"}")).isEqualTo(1.0);
        assertThat(s).doesNotContainKey("talent_fleet_apps{host=\"h2\",platform=\"x86_64\"}");

        // etcd unreadable: said in its counter, the gauges keep their values
        m.leading(() -> { throw new FleetException("etcd: get /talent/hosts/ did not answer within 5 s"); });
        s = PrometheusText.parse(m.scrape());
        assertThat(s.get("talent_controller_refresh_errors_total")).isEqualTo(1.0);
        assertThat(s.get("talent_fleet_hosts{state=\"up\"}")).isEqualTo(1.0);

        m.notLeading();
        s = PrometheusText.parse(m.scrape());
        assertThat(s.get("talent_controller_leader{host=\"h1\"}")).isEqualTo(0.0);
        assertThat(s.keySet()).noneMatch(k -> k.startsWith("talent_fleet_"));
        assertThat(s.get("talent_migrations_total{app=\"web\",outcome=\"ok\",reason=\"schedule\",step=\"none\"}")).isEqualTo(1.0);
    }

    /**
     * The Grafana dashboard shipped in docs/grafana serves talent run, agents and controllers: each metric and label its
     * queries name is one that one of them exports (talent-migrate's RunMetricsTest checks the queries of talent run's
     * series alone).
     */
    @Test
    void alertEffectsTheLeaderRecordsCountAsInTalentRun() throws Exception {
        ControllerMetrics m = new ControllerMetrics("h1");
        var alert = new dev.talent.policy.Alert("CVE-2024-2961", null, "ids", AT.toString(), null);
        m.alertEffect(alert, new dev.talent.policy.Alert.Effect("web", "moved", "h1/x86_64", "h2/s390x", AT.toString(), null));
        m.alertEffect(alert, new dev.talent.policy.Alert.Effect("db", "stuck", "h1/x86_64", null, AT.toString(), "nowhere"));
        m.alertEffect(alert, new dev.talent.policy.Alert.Effect("web", "moved", "h2/x86_64", "h3/s390x", AT.toString(), null));
        Map<String, Double> s = PrometheusText.parse(m.scrape());
        assertThat(s.get("talent_alerts_total{action=\"moved\",app=\"web\",tag=\"CVE-2024-2961\"}")).isEqualTo(2.0);
        assertThat(s.get("talent_alerts_total{action=\"stuck\",app=\"db\",tag=\"CVE-2024-2961\"}")).isEqualTo(1.0);
    }

    @Test
    void theGrafanaDashboardQueriesSeriesThatRunsAgentsOrControllersExport() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("..", "docs", "grafana", "talent-dashboard.json").toFile());
        List<String> queries = dashboard.findValuesAsText("expr");
        assertThat(queries).hasSizeGreaterThan(10);
        RunMetrics run = new RunMetrics();
        run.record("web", new RunEvent.Running(Platform.parse("x86_64"), "c1", false));
        run.record("web", new RunEvent.Migrated(ok("web", "x86_64", "s390x", 40, "alert CVE-1")));
        run.record("web", new RunEvent.AlertHandled("CVE-1", "ids", "moved", "x86_64", "s390x"));
        ControllerMetrics controller = new ControllerMetrics("h1");
        controller.migration(ok("web", "h1/x86_64", "h2/aarch64", 40, "schedule"));
        controller.leading(() -> new ControllerMetrics.FleetView(Map.of("h1", true), Set.of("h1"), List.of(placed("web", "h1", "x86_64"))));
        AgentMetrics agent = AgentMetricsProbe.exercised("h1");
        Set<String> names = new HashSet<>(), labels = new HashSet<>(List.of("le"));
        for (String text : List.of(run.scrape(), controller.scrape(), agent.scrape())) {
            List<Set<String>> nl = PrometheusText.namesAndLabels(PrometheusText.parse(text));
            names.addAll(nl.get(0));
            labels.addAll(nl.get(1));
        }
        Pattern metric = Pattern.compile("\\b(talent_[a-z_]+)\\b");
        Pattern grouping = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)|\\{([^}]*)}");
        Set<String> queried = new HashSet<>();
        for (String q : queries) {
            Matcher n = metric.matcher(q);
            while (n.find()) {
                assertThat(names).as("metric %s of the query %s", n.group(1), q).contains(n.group(1));
                queried.add(n.group(1));
            }
            Matcher g = grouping.matcher(q);
            while (g.find()) {
                String list = g.group(1) != null ? g.group(1) : g.group(2);
                for (String part : list.split(",", -1)) {
                    String label = part.strip().split("\\s*[=!~]", 2)[0].strip();
                    if (!label.isEmpty() && !label.startsWith("$")) assertThat(labels).as("label %s of the query %s", label, q).contains(label);
                }
            }
        }
        // the fleet's own series have panels
        assertThat(queried).contains("talent_controller_leader", "talent_fleet_hosts", "talent_fleet_apps", "talent_agent_rpcs_total",
                "talent_agent_restore_seconds_bucket", "talent_agent_checkpoint_seconds_bucket", "talent_agent_sync_bytes_total",
                "talent_agent_apps_running");
    }
}
