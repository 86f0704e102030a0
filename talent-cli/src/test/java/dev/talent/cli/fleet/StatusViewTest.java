package dev.talent.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.fleet.Records;
import dev.talent.fleet.apps.AppArchive;
import dev.talent.fleet.apps.AppRecords;
import dev.talent.fleet.apps.AppStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class StatusViewTest {
    private static final Map<String, Records.HostInfo> HOSTS = Map.of(
            "h2", new Records.HostInfo("h2", "10.0.0.2", 7443, List.of("x86_64")),
            "h3", new Records.HostInfo("h3", "10.0.0.3", 7443, List.of("x86_64")));
    private static final Map<String, Records.Drained> H2_DRAINED = Map.of("h2", new Records.Drained("h2", 3_000_000, "c1"));

    private static AppStore.AppView app(String name, String host, boolean ended) {
        AppRecords.AppRecord spec = new AppRecords.AppRecord(name, Map.of("x86_64", "%064x".formatted(1)), List.of(), null, false,
                null, List.of("x86_64"), null, null, null, 1, false);
        return new AppStore.AppView(new AppStore.Versioned<>(spec, 1),
                Optional.of(new AppStore.Versioned<>(new Records.Placement(name, host, "x86_64", 1_000_000, null, 0, 0), 2)),
                Optional.empty(), List.of(),
                ended ? Optional.of(new AppRecords.Ended(name, host, "x86_64", 3, null, 2_000_000)) : Optional.empty(),
                List.of(), Optional.empty());
    }

    @Test
    void withoutDrainedHostsTheOutputIsAsBefore() {
        String line = "web: running on h2/x86_64 (10.0.0.2) since 1970-01-01T00:16:40Z; 0 migrations (0 ok)\n";
        assertThat(StatusView.text(app("web", "h2", false), HOSTS)).isEqualTo(line);
        assertThat(StatusView.text(app("web", "h3", false), HOSTS, H2_DRAINED)).as("its host is not drained")
                .isEqualTo(line.replace("h2", "h3").replace("10.0.0.2", "10.0.0.3"));
        assertThat(StatusView.drainedHosts(Map.of(), List.of(app("web", "h2", false)))).isEmpty();
    }

    @Test
    void anAppOnADrainedHostSaysItWaitsToLeaveItAfterTheFieldsItHad() {
        assertThat(StatusView.text(app("web", "h2", false), HOSTS, H2_DRAINED)).isEqualTo(
                "web: running on h2/x86_64 (10.0.0.2) since 1970-01-01T00:16:40Z; 0 migrations (0 ok); waiting to leave drained host h2\n");
        assertThat(StatusView.text(app("old", "h2", true), HOSTS, H2_DRAINED)).as("an ended app waits for nothing")
                .doesNotContain("drained");
    }

    @Test
    void eachDrainedHostIsALineWithTheAppsWaitingToLeaveIt() {
        Map<String, Records.Drained> drained = new java.util.TreeMap<>(H2_DRAINED);
        drained.put("h3", new Records.Drained("h3", 4_000_000, "c2"));
        assertThat(StatusView.drainedHosts(drained, List.of(app("web", "h2", false), app("api", "h2", false), app("old", "h2", true))))
                .isEqualTo("""
                        host h2 is drained since 1970-01-01T00:50:00Z (controller c1); waiting to leave it: web, api
                        host h3 is drained since 1970-01-01T01:06:40Z (controller c2); no app waits to leave it
                        """);
    }

    @Test
    void jsonShowsTheActiveAlertsThatConcernTheAppWithWhatEachDidToIt() {
        dev.talent.policy.Alert cve = new dev.talent.policy.Alert("CVE-2024-2961", null, "IDS: iconv", "2026-01-01T00:00:00Z",
                List.of(new dev.talent.policy.Alert.Effect("api", "stuck", "h2/x86_64", null, "2026-01-01T00:00:01Z", "nowhere"),
                        new dev.talent.policy.Alert.Effect("web", "moved", "h2/x86_64", "h3/s390x", "2026-01-01T00:00:02Z",
                                "downtime 80 ms")));
        dev.talent.policy.Alert other = new dev.talent.policy.Alert("s390x", "api", "", "2026-01-01T00:00:03Z", null);
        dev.talent.policy.Alert pending = new dev.talent.policy.Alert("glibc-2.36", null, "", "2026-01-01T00:00:04Z", null);
        ObjectNode o = StatusView.json(app("web", "h3", false), HOSTS, Map.of(), Optional.of(List.of(cve, other, pending)));
        // the one for app api is not web's; one whose effect the leader has not recorded yet has none
        assertThat(o.get("alerts")).hasSize(2);
        assertThat(o.get("alerts").get(0).get("tag").asText()).isEqualTo("CVE-2024-2961");
        assertThat(o.get("alerts").get(0).get("reason").asText()).isEqualTo("IDS: iconv");
        assertThat(o.get("alerts").get(0).get("raised_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(o.get("alerts").get(0).get("effect").get("action").asText()).isEqualTo("moved");
        assertThat(o.get("alerts").get(0).get("effect").get("to").asText()).isEqualTo("h3/s390x");
        assertThat(o.get("alerts").get(1).get("tag").asText()).isEqualTo("glibc-2.36");
        assertThat(o.get("alerts").get(1).get("effect").isNull()).isTrue();
        // unreadable alerts are said to be unknown, not shown as none
        assertThat(StatusView.json(app("web", "h3", false), HOSTS, Map.of(), Optional.empty()).get("alerts").isNull()).isTrue();
    }

    @Test
    void theAlertHistoryOutlivesTheAlertInTalentRunsShape() {
        dev.talent.policy.Alert cve = new dev.talent.policy.Alert("CVE-2024-2961", null, "IDS: iconv", "2026-01-01T00:00:00Z", null);
        var moved = dev.talent.fleet.apps.FleetHistory.Event.of(cve, new dev.talent.policy.Alert.Effect("web", "moved", "h2/x86_64",
                "h3/s390x", "2026-01-01T00:00:02Z", "downtime 80 ms"));
        var cleared = dev.talent.fleet.apps.FleetHistory.Event.cleared("CVE-2024-2961", java.time.Instant.parse("2026-01-01T00:10:00Z"));
        // no active alert any more: the history still has it, its effect and its clearing
        ObjectNode o = StatusView.json(app("web", "h3", false), HOSTS, Map.of(), Optional.of(List.of()), Optional.of(List.of(moved, cleared)));
        assertThat(o.get("alerts")).isEmpty();
        assertThat(o.get("alert_history")).hasSize(2);
        assertThat(o.get("alert_history").get(0).toString()).isEqualTo("{\"event\":\"alert\",\"at\":\"2026-01-01T00:00:02Z\","
                + "\"tag\":\"CVE-2024-2961\",\"reason\":\"IDS: iconv\",\"raised_at\":\"2026-01-01T00:00:00Z\",\"action\":\"moved\","
                + "\"from\":\"h2/x86_64\",\"to\":\"h3/s390x\",\"detail\":\"downtime 80 ms\"}");
        assertThat(o.get("alert_history").get(1).toString())
                .isEqualTo("{\"event\":\"alert-clear\",\"at\":\"2026-01-01T00:10:00Z\",\"tag\":\"CVE-2024-2961\"}");
        assertThat(StatusView.historyText(moved)).isEqualTo("2026-01-01T00:00:02Z alert CVE-2024-2961 (IDS: iconv): moved h2/x86_64 -> h3/s390x; downtime 80 ms");
        assertThat(StatusView.historyText(cleared)).isEqualTo("2026-01-01T00:10:00Z alert CVE-2024-2961 cleared");
        // unreadable: unknown, not none
        assertThat(StatusView.json(app("web", "h3", false), HOSTS, Map.of(), Optional.of(List.of()), Optional.empty())
                .get("alert_history").isNull()).isTrue();
    }

    @Test
    void jsonKeepsItsFieldsAndAddsHostDrained() {
        ObjectNode before = StatusView.json(app("web", "h2", false), HOSTS);
        ObjectNode after = StatusView.json(app("web", "h2", false), HOSTS, H2_DRAINED);
        assertThat(before.get("host_drained").asBoolean()).isFalse();
        assertThat(before.get("drained_since").isNull()).isTrue();
        assertThat(after.get("host_drained").asBoolean()).isTrue();
        assertThat(after.get("drained_since").asText()).isEqualTo("1970-01-01T00:50:00Z");
        List<String> fields = new java.util.ArrayList<>();
        before.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("name", "state", "host", "platform", "address", "since", "next_migration", "migrations",
                "epoch", "host_drained", "drained_since", "alerts", "alert_history");
        for (String f : List.of("name", "state", "host", "platform", "address", "since", "next_migration", "migrations", "epoch"))
            assertThat(after.get(f)).as(f).isEqualTo(before.get(f));
    }

    private static AppArchive.Archived archived(String name, Records.Placement placement, AppRecords.Ended ended, int records,
            AppRecords.Compacted compacted) {
        AppRecords.AppRecord spec = new AppRecords.AppRecord(name, Map.of("x86_64", "%064x".formatted(1), "x86_64-musl", "%064x".formatted(2)),
                List.of(), null, false, null, List.of("x86_64", "x86_64-musl"), null, null, null, 1, true);
        return new AppArchive.Archived(name, "%020d".formatted(42), 12_000, spec, placement, ended, compacted, records, 0);
    }

    @Test
    void anEndedAppKeptInEtcdIsOneLineAndOneObjectWithHowWhenAndWhereItEnded() {
        Records.Placement there = new Records.Placement("web", "h2", "x86_64-musl", 1_000, null, 2, 0);
        // its program exited
        AppArchive.Archived exited = archived("web", there, new AppRecords.Ended("web", "h2", "x86_64-musl", 0, null, 9_000), 5,
                new AppRecords.Compacted("web", 3, 3, 1, 2));
        assertThat(StatusView.line(exited)).isEqualTo("web: ended, undeployed 1970-01-01T00:00:12Z (generation 00000000000000000042):"
                + " exit status 0 on h2/x86_64-musl at 1970-01-01T00:00:09Z; 8 migrations");
        ObjectNode j = StatusView.json(exited);
        assertThat(j.toString()).isEqualTo("{\"name\":\"web\",\"state\":\"ended\",\"archived\":true,\"generation\":\"00000000000000000042\","
                + "\"how\":\"exit\",\"status\":0,\"error\":null,\"host\":\"h2\",\"platform\":\"x86_64-musl\","
                + "\"ended_at\":\"1970-01-01T00:00:09Z\",\"undeployed\":\"1970-01-01T00:00:12Z\",\"migration_count\":8}");
        // the fleet lost it
        AppArchive.Archived lost = archived("web", there, new AppRecords.Ended("web", "h1", "x86_64", null, "lost: host h1 is gone", 9_000), 0, null);
        assertThat(StatusView.how(lost)).isEqualTo("failed");
        assertThat(StatusView.line(lost)).isEqualTo("web: ended, undeployed 1970-01-01T00:00:12Z (generation 00000000000000000042):"
                + " lost: host h1 is gone on h1/x86_64 at 1970-01-01T00:00:09Z; 0 migrations");
        assertThat(StatusView.json(lost).get("error").asText()).isEqualTo("lost: host h1 is gone");
        assertThat(StatusView.json(lost).get("status").isNull()).isTrue();
        // it ran until undeploy stopped it: ended when it was undeployed, where it last ran
        AppArchive.Archived stopped = archived("web", there, null, 1, null);
        assertThat(StatusView.how(stopped)).isEqualTo("undeployed");
        assertThat(StatusView.line(stopped)).isEqualTo("web: ended, undeployed 1970-01-01T00:00:12Z (generation 00000000000000000042):"
                + " stopped by undeploy on h2/x86_64-musl; 1 migration");
        ObjectNode s = StatusView.json(stopped);
        assertThat(s.get("error").asText()).isEqualTo("stopped by undeploy");
        assertThat(s.get("ended_at").asText()).isEqualTo(s.get("undeployed").asText());
        assertThat(s.get("platform").asText()).isEqualTo("x86_64-musl");
        // never placed: no place
        AppArchive.Archived never = archived("web", null, null, 0, null);
        assertThat(StatusView.line(never)).endsWith("00000000000000000042): undeployed before it started; 0 migrations");
        assertThat(StatusView.json(never).get("host").isNull()).isTrue();
    }

    @Test
    void deployOfAProgramThatAlreadyEndedWithStatusZeroSucceedsAndAFailureSaysWhyOnStderr() {
        record Said(int status, String out, String err) {}
        java.util.function.Function<AppStore.AppView, Said> deploy = v -> {
            java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
            int status = DeployCommand.started("web", v, new java.io.PrintWriter(out), new java.io.PrintWriter(err));
            return new Said(status, out.toString(), err.toString());
        };
        assertThat(deploy.apply(app("web", "h2", false))).isEqualTo(new Said(0, "web runs on h2/x86_64\n", ""));
        // a short program the leader saw end before deploy looked: it ran
        AppStore.AppView ran = app("web", "h2", false);
        ran = new AppStore.AppView(ran.spec(), ran.placement(), ran.inFlight(), ran.requests(),
                Optional.of(new AppRecords.Ended("web", "h2", "x86_64", 0, null, 2_000_000)), ran.migrations(), ran.compacted());
        Said zero = deploy.apply(ran);
        assertThat(zero.status()).isZero();
        assertThat(zero.out()).isEqualTo("web ran on h2/x86_64 and already ended: exit status 0 (talent logs web shows its output)\n");
        assertThat(zero.err()).isEmpty();
        // another status, or no status: a failure, its reason on stderr
        Said three = deploy.apply(app("web", "h2", true));
        assertThat(three.status()).isEqualTo(1);
        assertThat(three.out()).isEmpty();
        assertThat(three.err()).startsWith("talent deploy: web ended at once: exit status 3 on h2/x86_64 (talent logs web");
        AppStore.AppView lost = new AppStore.AppView(ran.spec(), ran.placement(), ran.inFlight(), ran.requests(),
                Optional.of(new AppRecords.Ended("web", "h2", "x86_64", null, "lost: the agent of h2 no longer has it", 2_000_000)),
                ran.migrations(), ran.compacted());
        assertThat(deploy.apply(lost).err()).startsWith("talent deploy: web ended at once: lost: the agent of h2 no longer has it");
        assertThat(deploy.apply(lost).status()).isEqualTo(1);
    }
}
