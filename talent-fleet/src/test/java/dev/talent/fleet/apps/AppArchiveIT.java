package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.policy.Alert;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An undeployed app's history kept in etcd ({@link AppArchive}) against a real etcd: archived by the leader with its
 * live keys' removal, read back whole (as many records and events as an app keeps: several transactions), refused when
 * tampered with, not written by a deposed leader, pruned by count and age.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AppArchiveIT {
    @RegisterExtension static final LoopbackEtcdExtension ETCD = new LoopbackEtcdExtension();
    private final Etcd etcd = ETCD.etcd();

    private static AppRecords.AppRecord spec(String name) {
        Map<String, String> bins = new HashMap<>();
        bins.put("x86_64", "%064x".formatted(1));
        bins.put("s390x", "%064x".formatted(2));
        return new AppRecords.AppRecord(name, bins, List.of("a"), null, false, null, List.of("x86_64", "s390x"), null, null, null, 1, false);
    }

    private static MigrationRecord record(String app, int i) {
        return new MigrationRecord(app, "h1/x86_64", "h2/s390x", i % 3 != 0, null, null, null, null, null, null, i % 3 != 0 ? null : "start",
                i % 3 != 0 ? null : "refused " + i, Instant.ofEpochMilli(1_000_000 + i), 0, 0, null);
    }

    /** Deploys {@code app} with {@code records} migration records and {@code events} alert events, then undeploys it. */
    private AppStore.AppView undeployed(AppStore leader, String app, int records, int events) throws Exception {
        var kv = etcd.client().getKVClient();
        assertThat(leader.create(spec(app))).isTrue();
        assertThat(leader.place(new Records.Placement(app, "h2", "s390x", 5, null, records, 0))).isTrue();
        for (int i = 0; i < records; i++)
            kv.put(Etcd.bytes(EtcdKeys.migration(app, i)), ByteSequence.from(ControlJson.MAPPER.writeValueAsBytes(record(app, i)))).get();
        Alert alert = new Alert("CVE-2024-2961", null, "ids", "2026-01-01T00:00:00Z", null);
        for (int i = 0; i < events; i++) {
            FleetHistory.Event e = i % 2 == 0
                    ? FleetHistory.Event.of(alert, new Alert.Effect(app, "moved", "h1/x86_64", "h2/s390x", "2026-01-01T00:00:01Z", "event " + i))
                    : FleetHistory.Event.cleared("CVE-2024-2961", Instant.ofEpochMilli(2_000_000 + i));
            Etcd.await(kv.txn().Then(FleetHistory.put(app, e)).commit(), "put");
        }
        assertThat(leader.undeploy(leader.view(app).orElseThrow().spec())).isTrue();
        return leader.view(app).orElseThrow();
    }

    @Test
    void anUndeployedAppIsArchivedWhole() throws Exception {
        AppStore leader = ETCD.leaderStore("c1");
        AppStore.AppView v = undeployed(leader, "svc", AppRecords.KEEP_RECORDS, FleetHistory.KEEP);
        List<FleetHistory.Event> history = new FleetHistory(etcd).read("svc");
        assertThat(history).hasSize(FleetHistory.KEEP);
        assertThat(leader.retire(v, history, 7_000, Optional.empty())).isTrue();

        // the live keys are gone: the app is not deployed, a new one of its name may be
        assertThat(leader.view("svc")).isEmpty();
        assertThat(etcd.list(EtcdKeys.migrations("svc"))).isEmpty();
        assertThat(etcd.list(EtcdKeys.history("svc"))).isEmpty();
        assertThat(etcd.list(EtcdKeys.placement("svc"))).isEmpty();
        AppArchive.Retired r = new AppArchive(etcd).latest("svc").orElseThrow();
        assertThat(r.archived().archivedMs()).isEqualTo(7_000);
        assertThat(r.archived().spec()).isEqualTo(v.spec().value());
        assertThat(r.view().migrations()).isEqualTo(v.migrations());
        assertThat(r.view().where()).contains(new FleetAgents.Placement("h2", "s390x"));
        assertThat(r.view().ended()).isEmpty();
        assertThat(r.history()).isEqualTo(history);
        assertThat(new AppArchive(etcd).latest("other")).isEmpty();

        // redeployed and undeployed again: the newest incarnation is read
        AppStore.AppView again = undeployed(leader, "svc", 1, 0);
        assertThat(leader.retire(again, List.of(), 8_000, Optional.empty())).isTrue();
        AppArchive.Retired second = new AppArchive(etcd).latest("svc").orElseThrow();
        assertThat(second.archived().archivedMs()).isEqualTo(8_000);
        assertThat(second.view().migrations()).hasSize(1);
        assertThat(second.history()).isEmpty();
    }

    @Test
    void aDeposedLeaderArchivesNothingAndForgetsNothing() throws Exception {
        AppStore leader = ETCD.leaderStore("c1");
        AppStore.AppView v = undeployed(leader, "svc", 3, 2);
        ETCD.depose("c1");
        assertThat(leader.retire(v, new FleetHistory(etcd).read("svc"), 7_000, Optional.empty())).isFalse();
        assertThat(leader.view("svc")).isPresent();
        assertThat(new AppArchive(etcd).latest("svc")).isEmpty();
        // the next leader does it (the same keys: an interrupted archiving is repeated, not doubled)
        AppStore next = ETCD.leaderStore("c2");
        assertThat(next.retire(v, new FleetHistory(etcd).read("svc"), 7_500, Optional.empty())).isTrue();
        assertThat(new AppArchive(etcd).latest("svc").orElseThrow().view().migrations()).hasSize(3);
        assertThat(etcd.list(AppArchive.ARCHIVE)).hasSize(5);
    }

    @Test
    void aTamperedArchiveIsRefusedByName() throws Exception {
        AppStore leader = ETCD.leaderStore("c1");
        AppStore.AppView v = undeployed(leader, "svc", 3, 2);
        assertThat(leader.retire(v, new FleetHistory(etcd).read("svc"), 7_000, Optional.empty())).isTrue();
        var kv = etcd.client().getKVClient();
        String data = AppArchive.dataPrefix("svc", AppArchive.generation(v.spec().modRevision()));
        // one record more than the summary says
        kv.put(Etcd.bytes(data + "m/00003"), ByteSequence.from(ControlJson.MAPPER.writeValueAsBytes(record("svc", 3)))).get();
        assertThatThrownBy(() -> new AppArchive(etcd).latest("svc")).isInstanceOf(FleetException.class).hasMessageContaining("has more than 3 values");
        kv.delete(Etcd.bytes(data + "m/00003")).get();
        // a record of another shape, a place not host/platform
        kv.put(Etcd.bytes(data + "m/00001"), ByteSequence.from("{\"app\":\"svc\",\"ok\":\"maybe\"}", StandardCharsets.UTF_8)).get();
        assertThatThrownBy(() -> new AppArchive(etcd).latest("svc")).isInstanceOf(FleetException.class).hasMessageContaining(data + "m/00001");
        MigrationRecord odd = new MigrationRecord("svc", "../../etc", "h2/s390x", true, null, null, null, null, null, null, null, null,
                Instant.EPOCH, 0, 0, null);
        kv.put(Etcd.bytes(data + "m/00001"), ByteSequence.from(ControlJson.MAPPER.writeValueAsBytes(odd))).get();
        assertThatThrownBy(() -> new AppArchive(etcd).latest("svc")).hasMessageContaining("not host/platform");
        kv.put(Etcd.bytes(data + "m/00001"), ByteSequence.from(ControlJson.MAPPER.writeValueAsBytes(record("svc", 1)))).get();
        // an event that is not one
        kv.put(Etcd.bytes(data + "h/00000"), ByteSequence.from("{\"event\":\"alert\",\"at\":\"2026-01-01T00:00:02Z\",\"tag\":\"CVE-1\",\"action\":\"rm -rf\"}",
                StandardCharsets.UTF_8)).get();
        assertThatThrownBy(() -> new AppArchive(etcd).latest("svc")).hasMessageContaining("not an alert's action");
        // a summary under another app's key
        String summary = AppArchive.summaryKey("svc", AppArchive.generation(v.spec().modRevision()));
        String forged = AppArchive.summaryKey("web", AppArchive.generation(v.spec().modRevision()));
        kv.put(Etcd.bytes(forged), kv.get(Etcd.bytes(summary)).get().getKvs().getFirst().getValue()).get();
        assertThatThrownBy(() -> new AppArchive(etcd).latest("web")).hasMessageContaining("not of its key");
        // a key not of the archive's form
        kv.put(Etcd.bytes(AppArchive.ARCHIVED + "web/123"), ByteSequence.from("{}", StandardCharsets.UTF_8)).get();
        assertThatThrownBy(() -> new AppArchive(etcd).latest("web")).hasMessageContaining("not an ended app's archive");
    }

    @Test
    void anOlderIncarnationIsReadWholeByItsGenerationAndOnlyIt() throws Exception {
        AppStore leader = ETCD.leaderStore("c1");
        AppArchive archive = new AppArchive(etcd);
        AppStore.AppView first = undeployed(leader, "svc", 3, 2);
        List<FleetHistory.Event> firstHistory = new FleetHistory(etcd).read("svc");
        assertThat(leader.retire(first, firstHistory, 7_000, Optional.empty())).isTrue();
        AppStore.AppView second = undeployed(leader, "svc", 1, 0);
        assertThat(leader.retire(second, List.of(), 8_000, Optional.empty())).isTrue();
        String g1 = AppArchive.generation(first.spec().modRevision()), g2 = AppArchive.generation(second.spec().modRevision());

        // the newest is what svc alone names; svc@G1 is the older one, whole
        assertThat(archive.latest("svc").orElseThrow().archived().generation()).isEqualTo(g2);
        AppArchive.Retired old = archive.incarnation("svc", g1).orElseThrow();
        assertThat(old.archived().generation()).isEqualTo(g1);
        assertThat(old.archived().archivedMs()).isEqualTo(7_000);
        assertThat(old.view().migrations()).isEqualTo(first.migrations());
        assertThat(old.history()).isEqualTo(firstHistory);
        assertThat(archive.incarnation("svc", g2).orElseThrow().view().migrations()).hasSize(1);
        // the generation as typed (leading zeros left out) names the same one
        AppRef typed = AppRef.parse("svc@" + first.spec().modRevision());
        assertThat(archive.incarnation(typed.app(), typed.generation().orElseThrow()).orElseThrow().archived().archivedMs()).isEqualTo(7_000);
        // no such incarnation: none, not another one
        assertThat(archive.incarnation("svc", AppArchive.generation(1))).isEmpty();
        assertThat(archive.incarnation("web", g1)).isEmpty();

        // read as hostile input as the newest is: a summary under another app's key, data beyond its summary
        var kv = etcd.client().getKVClient();
        kv.put(Etcd.bytes(AppArchive.summaryKey("web", g1)), kv.get(Etcd.bytes(AppArchive.summaryKey("svc", g1))).get().getKvs().getFirst().getValue()).get();
        assertThatThrownBy(() -> archive.incarnation("web", g1)).isInstanceOf(FleetException.class).hasMessageContaining("not of its key");
        kv.put(Etcd.bytes(AppArchive.dataPrefix("svc", g1) + "m/00003"), ByteSequence.from(ControlJson.MAPPER.writeValueAsBytes(record("svc", 3)))).get();
        assertThatThrownBy(() -> archive.incarnation("svc", g1)).isInstanceOf(FleetException.class).hasMessageContaining("has more than 3 values");
        assertThat(archive.latest("svc")).isPresent();

        // what makes the key is checked first: no other key is read
        assertThatThrownBy(() -> archive.incarnation("svc/" + g1 + "/m", g1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> archive.incarnation("svc", "7")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> archive.incarnation("svc", g1 + "/m/00000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> archive.incarnation("svc", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyKeptIncarnationIsListedNewestFirstAndAForgedSummaryIsLeftOutBySaying() throws Exception {
        AppStore leader = ETCD.leaderStore("c1");
        AppArchive archive = new AppArchive(etcd);
        List<String> said = new java.util.ArrayList<>();
        assertThat(archive.list(said::add)).isEmpty();
        AppStore.AppView first = undeployed(leader, "svc", 2, 1);
        assertThat(leader.retire(first, new FleetHistory(etcd).read("svc"), 7_000, Optional.empty())).isTrue();
        AppStore.AppView web = undeployed(leader, "web", 0, 0);
        assertThat(leader.retire(web, List.of(), 9_000, Optional.empty())).isTrue();
        // the same name again: a new incarnation, listed apart
        AppStore.AppView second = undeployed(leader, "svc", 1, 0);
        assertThat(leader.retire(second, List.of(), 8_000, Optional.empty())).isTrue();
        List<AppArchive.Archived> listed = archive.list(said::add);
        assertThat(listed).extracting(a -> a.app() + "@" + a.archivedMs()).containsExactly("web@9000", "svc@8000", "svc@7000");
        assertThat(listed.get(2).generation()).isEqualTo(AppArchive.generation(first.spec().modRevision()));
        assertThat(listed.get(1).generation()).isEqualTo(AppArchive.generation(second.spec().modRevision()));
        assertThat(listed.get(2).records()).isEqualTo(2);
        assertThat(listed.get(2).placement().host()).isEqualTo("h2");
        assertThat(said).isEmpty();
        // forged: a value under another app's key, a key not of the form, a value that is no summary; the rest is listed
        var kv = etcd.client().getKVClient();
        kv.put(Etcd.bytes(AppArchive.summaryKey("api", AppArchive.generation(1))),
                kv.get(Etcd.bytes(AppArchive.summaryKey("web", listed.get(0).generation()))).get().getKvs().getFirst().getValue()).get();
        kv.put(Etcd.bytes(AppArchive.ARCHIVED + "api/1\u001b[2J"), ByteSequence.from("{}", StandardCharsets.UTF_8)).get();
        kv.put(Etcd.bytes(AppArchive.summaryKey("odd", AppArchive.generation(2))), ByteSequence.from("{\"app\":\"odd\"}", StandardCharsets.UTF_8)).get();
        assertThat(archive.list(said::add)).extracting(AppArchive.Archived::app).containsExactly("web", "svc", "svc");
        assertThat(said).hasSize(3);
        assertThat(said.get(0)).contains("is the archive of web/", "not of its key", "left out");
        assertThat(said.get(1)).contains("is not an ended app's archive", "api/1?[2J");
        assertThat(said.get(2)).contains("/talent/archived/odd/", "left out");
        for (String line : said) assertThat(line).doesNotContain("\u001b");
    }

    @Test
    void archivesArePrunedByCountAndAge() throws Exception {
        AppStore leader = ETCD.leaderStore("c1");
        long day = 86_400_000L;
        for (String app : List.of("a", "b", "c")) {
            AppStore.AppView v = undeployed(leader, app, 2, 1);
            assertThat(leader.retire(v, new FleetHistory(etcd).read(app), (app.charAt(0) - 'a' + 1) * day, Optional.empty())).isTrue();
        }
        AppArchive archive = new AppArchive(etcd);
        assertThat(archive.prune(new AppArchive.Retention(10, 30 * day), 4 * day)).isZero();
        // by count: the oldest goes, its records and history with it
        assertThat(archive.prune(new AppArchive.Retention(2, 30 * day), 4 * day)).isEqualTo(1);
        assertThat(archive.latest("a")).isEmpty();
        assertThat(etcd.list(AppArchive.ARCHIVE + "a/")).isEmpty();
        assertThat(archive.latest("b")).isPresent();
        // by age: archived more than 1.5 days before day 4 (b at day 2) goes, c (day 3) stays
        assertThat(archive.prune(new AppArchive.Retention(2, day + day / 2), 4 * day)).isEqualTo(1);
        assertThat(archive.latest("b")).isEmpty();
        assertThat(archive.latest("c")).isPresent();
        assertThat(etcd.list(AppArchive.ARCHIVE)).hasSize(3);
    }
}
