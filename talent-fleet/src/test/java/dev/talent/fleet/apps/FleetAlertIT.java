package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.Pki;
import dev.talent.fleet.Records;
import dev.talent.fleet.TlsFiles;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.policy.Alert;
import dev.talent.policy.Policy;
import io.etcd.jetcd.ByteSequence;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts in a fleet against a real etcd (loopback) and agents in memory: an alert posted over mutual TLS to a
 * controller's endpoint moves the app off the tagged platform at once, quarantines it for every placement, and after
 * clear the platform is back in rotation.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FleetAlertIT {
    @RegisterExtension static final LoopbackEtcdExtension ETCD = new LoopbackEtcdExtension();
    private final Etcd etcd = ETCD.etcd();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    @TempDir Path tmp;

    private static AppRecords.AppRecord app(String name, String... platforms) {
        Map<String, String> bins = new java.util.HashMap<>();
        for (String p : platforms) bins.put(p, "%064x".formatted(p.hashCode()));
        return new AppRecords.AppRecord(name, bins, List.of(), null, false, null, List.of(platforms), null, null, null, 1, false);
    }

    private static HttpResponse<String> send(HttpClient c, java.net.URI u, String method, String body) throws Exception {
        return c.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(40))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void alertsAndTheirEffectsAreReadWithinBounds() throws Exception {
        var kv = etcd.client().getKVClient();
        FleetAlerts alerts = new FleetAlerts(etcd);
        Alert raised = alerts.raise(new Alert("CVE-2024-2961", null, "ids", "2026-01-01T00:00:00Z", null));
        String id = FleetAlerts.id(raised);
        // exactly the bound of effects: read
        List<CompletableFuture<?>> puts = new ArrayList<>();
        for (int i = 0; i < Alert.MAX_EFFECTS; i++) {
            puts.add(kv.put(Etcd.bytes(EtcdKeys.ALERT_EFFECTS + id + "/app" + i), ByteSequence.from(Etcd.encode(
                    new Alert.Effect("app" + i, "moved", "x86_64", "s390x", "2026-01-01T00:00:01Z", null), "effect"))));
        }
        for (CompletableFuture<?> f : puts) f.get();
        assertThat(alerts.active()).singleElement().satisfies(a -> assertThat(a.effects()).hasSize(Alert.MAX_EFFECTS));
        // one more: an alert keeps its first MAX_EFFECTS effects (by app name); the others are not read
        kv.put(Etcd.bytes(EtcdKeys.ALERT_EFFECTS + id + "/zz-extra"), ByteSequence.from(Etcd.encode(
                new Alert.Effect("zz-extra", "moved", "x86_64", "s390x", "2026-01-01T00:00:00Z", null), "effect"))).get();
        assertThat(alerts.active()).singleElement().satisfies(a -> assertThat(a.effects()).hasSize(Alert.MAX_EFFECTS)
                .extracting(Alert.Effect::app).doesNotContain("zz-extra"));
        alerts.clear("CVE-2024-2961");
        assertThat(alerts.active()).isEmpty();
        // more alerts than raise() lets in, written behind its back
        puts.clear();
        for (int i = 0; i <= dev.talent.policy.AlertBook.MAX_ALERTS; i++) {
            Alert a = new Alert("t" + i, null, "", "2026-01-01T00:00:00Z", null);
            puts.add(kv.put(Etcd.bytes(EtcdKeys.ALERTS + FleetAlerts.id(a)), ByteSequence.from(Etcd.encode(a, "alert"))));
        }
        for (CompletableFuture<?> f : puts) f.get();
        assertThatThrownBy(alerts::active).isInstanceOf(dev.talent.fleet.FleetException.class)
                .hasMessageContaining("more than " + dev.talent.policy.AlertBook.MAX_ALERTS + " alerts under " + EtcdKeys.ALERTS);
    }

    @Test
    void anAlertMovesTheAppOffTheTaggedPlatformAtOnceAndClearBringsItBack() throws Exception {
        ETCD.host("h1", "s390x", "x86_64");
        ETCD.host("h2", "s390x", "x86_64");
        InMemoryAgents agents = new InMemoryAgents();
        AppStore store = ETCD.leaderStore("c1");
        AppReconciler leader = new AppReconciler(store, agents, etcd, "c1", clock::get, new Random(3), events::add);
        leader.usePolicy(FleetPolicy.of(Policy.parse("[platform.s390x]\ntags = [\"glibc-2.36\", \"CVE-2024-2961\"]\n", "t")));
        new AppStore(etcd).create(app("svc", "s390x", "x86_64"));
        new AppStore(etcd).create(app("idle", "x86_64"));
        leader.step("svc");
        leader.step("idle");
        assertThat(agents.running("svc")).singleElement().satisfies(p -> assertThat(p.platform()).isEqualTo("s390x"));

        // the endpoint of a controller (not the leader: it only stores the alert), mutual TLS with the fleet's PKI
        Pki pki = Pki.at(tmp.resolve("pki"));
        pki.init("fleet CA");
        pki.issue("h2", Pki.Usage.HOST, List.of(), List.of());
        pki.issue("falco", Pki.Usage.CLIENT, List.of(), List.of());
        FleetAlerts alerts = new FleetAlerts(etcd);
        FleetAlertService service = new FleetAlertService(alerts, new AppStore(etcd), 20_000, clock::get);
        try (AlertEndpoint endpoint = AlertEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new TlsFiles(pki.caCertificate(), pki.certificate("h2"), pki.key("h2")), service, events::add);
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .sslContext(new TlsFiles(pki.caCertificate(), pki.certificate("falco"), pki.key("falco")).jdkContext()).build()) {
            java.net.URI url = endpoint.url().resolve("/v1/alerts");
            long t0 = System.nanoTime();
            CompletableFuture<HttpResponse<String>> posted = CompletableFuture.supplyAsync(() -> {
                try {
                    return send(http, url, "POST", "{\"tag\":\"CVE-2024-2961\",\"reason\":\"falco: iconv exploit\"}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the leader's passes (no clock advance: nothing is due on schedule; the alert alone moves it)
            while (!posted.isDone()) {
                leader.step("svc");
                leader.step("idle");
                Thread.sleep(50);
            }
            HttpResponse<String> r = posted.get();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(agents.running("svc")).singleElement().satisfies(p -> assertThat(p.platform()).isEqualTo("x86_64"));
            List<MigrationRecord> records = store.view("svc").orElseThrow().migrations();
            assertThat(records).singleElement().satisfies(m -> {
                assertThat(m.reason()).isEqualTo("alert CVE-2024-2961");
                assertThat(m.ok()).isTrue();
                assertThat(m.to()).endsWith("/x86_64");
            });
            Alert active = alerts.active().getFirst();
            assertThat(active.effects()).extracting(Alert.Effect::app, Alert.Effect::action)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("svc", "moved"),
                            org.assertj.core.groups.Tuple.tuple("idle", "unaffected"));
            assertThat(r.body()).contains("\"action\":\"moved\"").contains("falco: iconv exploit");
            events.add("alert to moved: " + ms + " ms");

            // quarantine: a request for the tagged platform is refused; a new app is not placed there
            store.request(new AppRecords.MigrateRequest("svc", "h1", "s390x", clock.get()));
            leader.step("svc");
            assertThat(events).anyMatch(e -> e.contains("svc: the request --to h1/s390x is refused") && e.contains("CVE-2024-2961"));
            assertThat(store.view("svc").orElseThrow().request()).isEmpty();
            new AppStore(etcd).create(app("late", "s390x", "x86_64"));
            leader.step("late");
            assertThat(agents.running("late")).singleElement().satisfies(p -> assertThat(p.platform()).isEqualTo("x86_64"));

            // clear: back in rotation (a request for it is served)
            HttpResponse<String> cleared = send(http, endpoint.url().resolve("/v1/alerts/CVE-2024-2961"), "DELETE", null);
            assertThat(cleared.statusCode()).isEqualTo(200);
            assertThat(alerts.active()).isEmpty();
            assertThat(etcd.list(EtcdKeys.ALERT_EFFECTS)).as("its effects go with it").isEmpty();
            store.request(new AppRecords.MigrateRequest("svc", "h2", "s390x", clock.get()));
            leader.step("svc");
            assertThat(agents.running("svc")).containsExactly(new FleetAgents.Placement("h2", "s390x"));
            assertThat(store.view("svc").orElseThrow().migrations().getLast().reason()).isEqualTo("request");

            // the apps' histories keep the alert, what it did and its clearing, after the alert and its effects are gone
            FleetHistory history = new FleetHistory(etcd);
            assertThat(history.read("svc")).extracting(FleetHistory.Event::event, FleetHistory.Event::tag, FleetHistory.Event::action)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("alert", "CVE-2024-2961", "moved"),
                            org.assertj.core.groups.Tuple.tuple("alert-clear", "CVE-2024-2961", null));
            FleetHistory.Event moved = history.read("svc").getFirst();
            assertThat(moved.reason()).isEqualTo("falco: iconv exploit");
            assertThat(moved.from()).isEqualTo(records.getFirst().from()).endsWith("/s390x");
            assertThat(moved.to()).isEqualTo(records.getFirst().to()).endsWith("/x86_64");
            assertThat(moved.detail()).startsWith("downtime ");
            assertThat(moved.raisedAt()).isEqualTo(active.at());
            assertThat(history.read("idle")).extracting(FleetHistory.Event::event, FleetHistory.Event::action)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("alert", "unaffected"), org.assertj.core.groups.Tuple.tuple("alert-clear", null));
            assertThat(history.read("late")).as("placed while the alert was active, no effect recorded on it").isEmpty();
            // the history goes with the app
            assertThat(store.forget("idle")).isTrue();
            assertThat(history.read("idle")).isEmpty();
            assertThat(etcd.list(EtcdKeys.history("idle"))).isEmpty();
        }
    }

    @Test
    void anAppsAlertHistoryIsBoundedAndReadAsHostileInput() throws Exception {
        var kv = etcd.client().getKVClient();
        FleetHistory history = new FleetHistory(etcd);
        Alert a = new Alert("CVE-1", null, "ids", "2026-01-01T00:00:00Z", null);
        int n = FleetHistory.KEEP + 5;
        for (int i = 0; i < n; i++) {
            // the same millisecond for all: the order is etcd's order of writing, not the keys'
            FleetHistory.Event e = FleetHistory.Event.of(a, new Alert.Effect("svc", "failed", "h1/s390x", null,
                    "2026-01-01T00:00:01Z", "attempt " + i));
            Etcd.await(kv.txn().Then(FleetHistory.put("svc", e)).commit(), "put");
            history.trim("svc");
        }
        List<FleetHistory.Event> kept = history.read("svc");
        assertThat(kept).hasSize(FleetHistory.KEEP);
        assertThat(kept.getFirst().detail()).isEqualTo("attempt 5");
        assertThat(kept.getLast().detail()).isEqualTo("attempt " + (n - 1));
        assertThat(etcd.list(EtcdKeys.history("svc"))).hasSize(FleetHistory.KEEP);

        // written behind the fleet's back: a value of another shape, a key of another form
        String bad = EtcdKeys.history("svc") + "9999999999999-0000000a";
        kv.put(Etcd.bytes(bad), ByteSequence.from("{\"event\":\"alert\",\"at\":\"2026-01-01T00:00:02Z\",\"tag\":\"CVE-1\",\"action\":\"rm -rf\"}",
                java.nio.charset.StandardCharsets.UTF_8)).get();
        assertThatThrownBy(() -> history.read("svc")).isInstanceOf(dev.talent.fleet.FleetException.class)
                .hasMessageContaining(bad).hasMessageContaining("not an alert's action");
        kv.put(Etcd.bytes(bad), ByteSequence.from("{\"event\":\"alert-clear\",\"at\":\"2026-01-01T00:00:02Z\",\"tag\":\"CVE-1\",\"extra\":1}",
                java.nio.charset.StandardCharsets.UTF_8)).get();
        assertThatThrownBy(() -> history.read("svc")).hasMessageContaining("extra");
        kv.delete(Etcd.bytes(bad)).get();
        String odd = EtcdKeys.history("svc") + "x";
        Etcd.await(kv.txn().Then(io.etcd.jetcd.op.Op.put(Etcd.bytes(odd), ByteSequence.from(Etcd.encode(
                FleetHistory.Event.cleared("CVE-1", java.time.Instant.EPOCH), "e")), io.etcd.jetcd.options.PutOption.DEFAULT)).commit(), "put");
        assertThatThrownBy(() -> history.read("svc")).hasMessageContaining("not an app's history event");
    }
}
