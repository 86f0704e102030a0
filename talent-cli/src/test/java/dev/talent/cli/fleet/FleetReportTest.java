package dev.talent.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.talent.cli.ReportCommand;
import dev.talent.fleet.Records;
import dev.talent.fleet.apps.AppArchive;
import dev.talent.fleet.apps.AppRecords;
import dev.talent.fleet.apps.AppStore;
import dev.talent.fleet.apps.FleetHistory;
import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.policy.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** `talent report APP --fleet FILE`: the page's events from a fleet app's records and alert history. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class FleetReportTest {
    private static MigrationRecord record(String from, String to, String at, String reason) throws Exception {
        return ControlJson.MAPPER.readValue("{\"app\":\"web\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"ok\":true,"
                + "\"downtime_ms\":80.5,\"at\":\"" + at + "\",\"reason\":\"" + reason + "\"}", MigrationRecord.class);
    }

    private static AppStore.AppView app(List<MigrationRecord> records, boolean ended) {
        AppRecords.AppRecord spec = new AppRecords.AppRecord("web", Map.of("x86_64", "%064x".formatted(1), "s390x", "%064x".formatted(2)),
                List.of(), null, false, null, List.of("x86_64", "s390x"), null, null, null, 1_000, false);
        return new AppStore.AppView(new AppStore.Versioned<>(spec, 1),
                Optional.of(new AppStore.Versioned<>(new Records.Placement("web", "h2", "s390x", 5_000, null, 1, 0), 2)),
                Optional.empty(), List.of(),
                ended ? Optional.of(new AppRecords.Ended("web", "h2", "s390x", 0, null, 9_000)) : Optional.empty(),
                records, Optional.empty());
    }

    @Test
    void startMigrationsAlertsAndEndInTimeOrder() throws Exception {
        Alert cve = new Alert("CVE-1", null, "ids", "1970-01-01T00:00:03Z", null);
        var moved = FleetHistory.Event.of(cve, new Alert.Effect("web", "moved", "h1/x86_64", "h2/s390x", "1970-01-01T00:00:05Z", "downtime 80 ms"));
        var cleared = FleetHistory.Event.cleared("CVE-1", Instant.ofEpochMilli(7_000));
        ArrayNode events = FleetReport.events(app(List.of(record("h1/x86_64", "h2/s390x", "1970-01-01T00:00:04Z", "alert CVE-1")), true),
                List.of(cleared, moved));
        List<String> kinds = new ArrayList<>();
        events.forEach(e -> kinds.add(e.get("event").asText()));
        assertThat(kinds).containsExactly("start", "migration", "alert", "alert-clear", "end");
        JsonNode start = events.get(0);
        assertThat(start.get("at").asText()).isEqualTo("1970-01-01T00:00:01Z");
        assertThat(start.get("platform").asText()).as("where it was before its first move").isEqualTo("h1/x86_64");
        assertThat(events.get(1).get("to").asText()).isEqualTo("h2/s390x");
        assertThat(events.get(1).get("reason").asText()).isEqualTo("alert CVE-1");
        assertThat(events.get(1).get("downtime_ms").asDouble()).isEqualTo(80.5);
        assertThat(events.get(2).get("action").asText()).isEqualTo("moved");
        assertThat(events.get(4).get("status").asInt()).isZero();
        // each is an event the page takes, as a history.jsonl line would be
        for (JsonNode e : events) assertThat(ReportCommand.event(e.toString())).as(e.toString()).isNotNull();
    }

    @Test
    void anAppThatNeverMovedStartsWhereItIs() {
        ArrayNode events = FleetReport.events(app(List.of(), false), List.of());
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("platform").asText()).isEqualTo("h2/s390x");
    }

    @Test
    void anUndeployedAppsPageAndStatusComeFromItsArchive() throws Exception {
        AppStore.AppView live = app(List.of(record("h1/x86_64", "h2/s390x", "1970-01-01T00:00:04Z", "alert CVE-1")), false);
        var moved = FleetHistory.Event.of(new Alert("CVE-1", null, "ids", "1970-01-01T00:00:03Z", null),
                new Alert.Effect("web", "moved", "h1/x86_64", "h2/s390x", "1970-01-01T00:00:05Z", "downtime 80 ms"));
        AppArchive.Archived running = new AppArchive.Archived("web", "%020d".formatted(7), 12_000, live.spec().value(),
                live.placement().orElseThrow().value(), null, null, 1, 1);
        AppArchive.Retired r = new AppArchive.Retired(running, live, List.of(moved));
        // its program ran until undeploy stopped it: the page and the status end there, at the archive's time
        ArrayNode events = FleetReport.events(r);
        List<String> kinds = new ArrayList<>();
        events.forEach(e -> kinds.add(e.get("event").asText()));
        assertThat(kinds).containsExactly("start", "migration", "alert", "end");
        JsonNode end = events.get(3);
        assertThat(end.get("at").asText()).isEqualTo("1970-01-01T00:00:12Z");
        assertThat(end.get("error").asText()).isEqualTo("stopped by undeploy");
        JsonNode status = StatusView.json(r, Map.of());
        assertThat(status.get("state").asText()).isEqualTo("ended");
        assertThat(status.get("archived").asBoolean()).isTrue();
        assertThat(status.get("undeployed").asText()).isEqualTo("1970-01-01T00:00:12Z");
        assertThat(status.get("error").asText()).isEqualTo("stopped by undeploy");
        assertThat(status.get("platform").asText()).as("where it last ran").isEqualTo("s390x");
        assertThat(status.get("migrations")).hasSize(1);
        assertThat(status.get("alert_history")).hasSize(1);
        assertThat(status.get("alerts")).isEmpty();
        assertThat(status.get("generation").asText()).as("the incarnation, to name it as web@G").isEqualTo("00000000000000000007");
        assertThat(StatusView.text(r, Map.of())).startsWith("web: ended (undeployed 1970-01-01T00:00:12Z; its history is kept as"
                + " web@00000000000000000007); stopped by undeploy; 1 migration (1 ok)");
        // its program had ended: that end is kept
        AppArchive.Archived ended = new AppArchive.Archived("web", "%020d".formatted(7), 12_000, live.spec().value(),
                live.placement().orElseThrow().value(), new AppRecords.Ended("web", "h2", "s390x", 0, null, 9_000), null, 1, 0);
        JsonNode last = FleetReport.events(new AppArchive.Retired(ended, live, List.of())).get(2);
        assertThat(last.get("event").asText()).isEqualTo("end");
        assertThat(last.get("status").asInt()).isZero();
        assertThat(StatusView.json(new AppArchive.Retired(ended, live, List.of()), Map.of()).get("status").asInt()).isZero();
    }
}
