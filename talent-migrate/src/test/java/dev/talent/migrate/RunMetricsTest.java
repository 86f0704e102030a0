package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Platform;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RunMetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");

    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3).replace("+Inf", "Infinity")));
        }
        return out;
    }

    static MigrationRecord ok(String from, String to, double downtime, String reason) {
        return new MigrationRecord("web", from, to, true, downtime, 3.0, 2.0, 4.0, 12.0, downtime - 21, null, null,
                Instant.parse("2026-01-01T00:00:00Z"), 3, 4096, "journal").because(reason, "round");
    }

    @Test
    void eventsBecomePrometheusSeries() {
        RunMetrics m = new RunMetrics();
        m.record("web", new RunEvent.Running(Platform.parse("x86_64"), "c1", false));
        m.record("web", new RunEvent.Migrated(ok("x86_64", "s390x", 40, "schedule")));
        m.record("web", new RunEvent.Running(Platform.parse("s390x"), "c2", true));
        m.record("web", new RunEvent.Migrated(ok("s390x", "aarch64", 2000, "alert CVE-1")));
        m.record("web", new RunEvent.MigrationFailed(new MigrationRecord("web", "aarch64", "i686", false, null, 1.0, null, null,
                null, null, "checkpoint", "boom", Instant.now(), 0, 0, null).because("request", "requested"), ""));
        m.record("web", new RunEvent.AlertHandled("CVE-1", "ids", "moved", "s390x", "aarch64"));
        m.record("web", new RunEvent.Running(Platform.parse("aarch64"), "c3", true));
        Map<String, Double> s = parse(m.scrape());
        assertThat(s.get("talent_migrations_total{app=\"web\",outcome=\"ok\",reason=\"schedule\",step=\"none\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migrations_total{app=\"web\",outcome=\"ok\",reason=\"alert\",step=\"none\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migrations_total{app=\"web\",outcome=\"failed\",reason=\"request\",step=\"checkpoint\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migration_downtime_seconds_count{app=\"web\"}")).isEqualTo(2.0);
        assertThat(s.get("talent_migration_downtime_seconds_bucket{app=\"web\",le=\"0.05\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_migration_downtime_seconds_bucket{app=\"web\",le=\"2.5\"}")).isEqualTo(2.0);
        assertThat(s.get("talent_migration_phase_seconds_count{app=\"web\",phase=\"safe_point\"}")).isEqualTo(3.0);
        assertThat(s.get("talent_sync_bytes_total{app=\"web\"}")).isEqualTo(8192.0);
        assertThat(s.get("talent_alerts_total{action=\"moved\",app=\"web\",tag=\"CVE-1\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_app_platform{app=\"web\",platform=\"aarch64\"}")).isEqualTo(1.0);
        assertThat(s.get("talent_app_platform{app=\"web\",platform=\"x86_64\"}")).isEqualTo(0.0);
    }

    /**
     * The Grafana dashboard shipped in docs/grafana queries only series these metrics make, with their labels: a
     * renamed metric or label would leave a panel silently empty.
     */
    @Test
    void theGrafanaDashboardQueriesSeriesThatExist() throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Path.of("..", "docs", "grafana", "talent-dashboard.json");
        com.fasterxml.jackson.databind.JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        java.util.List<String> queries = dashboard.findValuesAsText("expr");
        assertThat(queries).as("the dashboard's queries").hasSizeGreaterThan(5);
        RunMetrics m = new RunMetrics();
        m.record("web", new RunEvent.Running(Platform.parse("x86_64"), "c1", false));
        m.record("web", new RunEvent.Migrated(ok("x86_64", "s390x", 40, "alert CVE-1")));
        m.record("web", new RunEvent.AlertHandled("CVE-1", "ids", "moved", "x86_64", "s390x"));
        Map<String, Double> series = parse(m.scrape());
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.Set<String> labels = new java.util.HashSet<>(java.util.List.of("le"));
        for (String key : series.keySet()) {
            int brace = key.indexOf('{');
            names.add(brace < 0 ? key : key.substring(0, brace));
            if (brace >= 0) {
                Matcher l = Pattern.compile("([a-z_]+)=\"").matcher(key.substring(brace));
                while (l.find()) labels.add(l.group(1));
            }
        }
        Pattern metric = Pattern.compile("\\b(talent_[a-z_]+)\\b");
        Pattern grouping = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)|\\{([^}]*)}");
        // the fleet's panels (series of agents and controllers, the label host) are checked in talent-fleet's ControllerMetricsTest
        Pattern fleet = Pattern.compile("\\btalent_(agent|fleet|controller)_|\\bhost\\b");
        int checked = 0;
        for (String q : queries) {
            if (fleet.matcher(q).find()) continue;
            Matcher n = metric.matcher(q);
            while (n.find()) {
                assertThat(names).as("metric %s of the query %s", n.group(1), q).contains(n.group(1));
                checked++;
            }
            Matcher g = grouping.matcher(q);
            while (g.find()) {
                String list = g.group(1) != null ? g.group(1) : g.group(2);
                for (String part : Pattern.compile(",").split(list, -1)) {
                    String label = Pattern.compile("\\s*[=!~]").split(part.strip(), 2)[0].strip();
                    if (!label.isEmpty() && !label.startsWith("$")) assertThat(labels).as("label %s of the query %s", label, q).contains(label);
                }
            }
        }
        assertThat(checked).isPositive();
    }
}
