package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import dev.talent.migrate.control.MigrationRecord;
import io.etcd.jetcd.ByteSequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code talent migrate} requests against a real etcd (loopback, no TLS), the leader's steps driven by the test and the
 * agents in memory: each request is queued (bounded), served oldest first, and its client gets its own record.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MigrateRequestsIT {
    @RegisterExtension static final LoopbackEtcdExtension ETCD = new LoopbackEtcdExtension();
    private final Etcd etcd = ETCD.etcd();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private InMemoryAgents agents;
    private AppStore store;
    private AppReconciler leader;

    @BeforeEach
    void fleet() throws Exception {
        for (String h : List.of("h1", "h2", "h3")) ETCD.host(h, "x86_64");
        agents = new InMemoryAgents();
        store = ETCD.leaderStore("c1");
        leader = new AppReconciler(store, agents, etcd, "c1", clock::get, new Random(7), events::add);
        AppRecords.AppRecord spec = new AppRecords.AppRecord("svc", Map.of("x86_64", "%064x".formatted(1)), List.of("8080"), null,
                false, null, List.of("x86_64"), null, null, null, 1, false);
        assertThat(new AppStore(etcd).create(spec)).isTrue();
        leader.step("svc");
        assertThat(store.view("svc").orElseThrow().where()).isPresent();
    }

    /** The hosts the app is not on, in name order. */
    private List<String> others() throws Exception {
        String here = store.view("svc").orElseThrow().where().orElseThrow().host();
        return List.of("h1", "h2", "h3").stream().filter(h -> !h.equals(here)).toList();
    }

    private CompletableFuture<MigrationRecord> migrate(String host) {
        FleetApps cli = new FleetApps(etcd, agents);
        CompletableFuture<MigrationRecord> out = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                out.complete(cli.migrate("svc", host, null, Duration.ofSeconds(30)));
            } catch (Exception | AssertionError e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    /** Waits (at most 5 s) until {@code n} requests of svc are in etcd, however they are kept; the count seen. */
    private int awaitRequests(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int seen;
        while ((seen = etcd.list(EtcdKeys.REQUESTS + "svc").size()) < n && System.nanoTime() < deadline) Thread.sleep(20);
        return seen;
    }

    /** Leader steps until every client has its answer. */
    private void serve(CompletableFuture<?>... clients) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!CompletableFuture.allOf(clients).isDone() && System.nanoTime() < deadline) {
            clock.addAndGet(10);
            leader.step("svc");
            Thread.sleep(50);
        }
    }

    @Test
    void twoConcurrentRequestsAreEachServedAndEachClientGetsItsOwnRecord() throws Exception {
        List<String> to = others();
        CompletableFuture<MigrationRecord> first = migrate(to.get(0));
        assertThat(awaitRequests(1)).isEqualTo(1);
        CompletableFuture<MigrationRecord> second = migrate(to.get(1));
        assertThat(awaitRequests(2)).as("both requests wait").isEqualTo(2);
        serve(first, second);
        MigrationRecord a = first.get(1, TimeUnit.SECONDS), b = second.get(1, TimeUnit.SECONDS);
        assertThat(a.to()).as("the first client's own migration").isEqualTo(to.get(0) + "/x86_64");
        assertThat(b.to()).as("the second client's own migration").isEqualTo(to.get(1) + "/x86_64");
        assertThat(a.ok()).isTrue();
        assertThat(b.ok()).isTrue();
        assertThat(b.from()).as("served in the order asked").isEqualTo(a.to());
        assertThat(a.request()).isNotNull().isLessThan(b.request());
        AppStore.AppView v = store.view("svc").orElseThrow();
        assertThat(v.migrations()).containsExactly(a, b);
        assertThat(v.requests()).isEmpty();
    }

    @Test
    void atMostEightWaitAndTheNinthIsRefusedAtOnce() throws Exception {
        AppStore cli = new AppStore(etcd);
        List<String> to = others();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < AppStore.MAX_PENDING; i++) ids.add(cli.request(new AppRecords.MigrateRequest("svc", to.get(i % 2), null, i)));
        assertThat(ids).doesNotContain(0L).isSorted().doesNotHaveDuplicates();
        assertThatThrownBy(() -> cli.request(new AppRecords.MigrateRequest("svc", "h1", null, 9)))
                .isInstanceOf(FleetException.class).hasMessageContaining("8 migration requests of svc already wait");
        assertThatThrownBy(() -> new FleetApps(etcd, agents).migrate("svc", "h1", null, Duration.ofSeconds(5)))
                .isInstanceOf(FleetException.class).hasMessageContaining("already wait");
        assertThat(store.view("svc").orElseThrow().requests()).extracting(AppStore.Pending::id).isEqualTo(ids);
        assertThat(cli.request(new AppRecords.MigrateRequest("nope", "h1", null, 0))).as("no such app").isZero();
        // the leader serves one per step, the oldest first; a slot freed is taken again, after the older ones
        leader.step("svc");
        AppStore.AppView v = store.view("svc").orElseThrow();
        assertThat(v.migrations()).hasSize(1);
        assertThat(v.migrations().get(0).request()).isEqualTo(ids.get(0));
        long late = cli.request(new AppRecords.MigrateRequest("svc", "h1", null, 10));
        assertThat(store.view("svc").orElseThrow().requests()).extracting(AppStore.Pending::id)
                .containsExactlyElementsOf(java.util.stream.Stream.concat(ids.stream().skip(1), java.util.stream.Stream.of(late)).toList());
    }

    @Test
    void aDroppedRequestSaysSoAndTheNextIsStillServed() throws Exception {
        List<String> to = others();
        CompletableFuture<MigrationRecord> nowhere = migrate("h9");
        assertThat(awaitRequests(1)).isEqualTo(1);
        CompletableFuture<MigrationRecord> there = migrate(to.get(0));
        assertThat(awaitRequests(2)).isEqualTo(2);
        serve(nowhere, there);
        assertThat(there.get(1, TimeUnit.SECONDS).to()).isEqualTo(to.get(0) + "/x86_64");
        assertThat(nowhere).failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause()
                .isInstanceOf(FleetException.class)
                .withMessage("the leader dropped the request: no live host fits the request --to h9 (see talent hosts)");
        AppStore.AppView v = store.view("svc").orElseThrow();
        assertThat(v.migrations()).hasSize(1);
        assertThat(v.requests()).as("the client read why and deleted it").isEmpty();
    }

    @Test
    void aDroppedRequestNoClientReadsFreesItsSlotAfterAMinute() throws Exception {
        long id = new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", "h9", null, 0));
        leader.step("svc");
        assertThat(store.view("svc").orElseThrow().request(id)).hasValueSatisfying(r -> {
            assertThat(r.value().dropped()).isEqualTo("no live host fits the request --to h9 (see talent hosts)");
            assertThat(r.value().droppedMs()).isEqualTo(clock.get());
        });
        assertThat(store.view("svc").orElseThrow().request()).as("nothing waits").isEmpty();
        clock.addAndGet(AppReconciler.DROPPED_KEEP_MS);
        leader.step("svc");
        assertThat(store.view("svc").orElseThrow().requests()).as("kept a minute").hasSize(1);
        clock.incrementAndGet();
        leader.step("svc");
        assertThat(store.view("svc").orElseThrow().requests()).as("then deleted").isEmpty();
    }

    @Test
    void aRequestWaitingWhenTheAppIsUndeployedSaysSo() throws Exception {
        CompletableFuture<MigrationRecord> waiting = migrate(others().get(0));
        assertThat(awaitRequests(1)).isEqualTo(1);
        AppStore cli = new AppStore(etcd);
        assertThat(cli.undeploy(store.view("svc").orElseThrow().spec())).isTrue();
        serve(waiting);
        assertThat(waiting).failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause()
                .isInstanceOf(FleetException.class).withMessageContaining("undeployed before its migration request was served");
        assertThat(etcd.list(EtcdKeys.REQUESTS)).as("forgotten with the app").isEmpty();
    }

    @Test
    void aLeaderKilledMidMigrationLeavesTheNextItsRequestAndTheOthersWaiting() throws Exception {
        List<String> to = others();
        AppStore cli = new AppStore(etcd);
        long first = cli.request(new AppRecords.MigrateRequest("svc", to.get(0), null, 0));
        long second = cli.request(new AppRecords.MigrateRequest("svc", to.get(1), null, 0));
        agents.die = InMemoryAgents.Death.AFTER_COMMIT;
        try {
            leader.step("svc");
            throw new AssertionError("the first leader was not killed");
        } catch (InMemoryAgents.Killed expected) {
            // kill -9 of the leading controller after the commit of the first request's migration
        }
        agents.die = InMemoryAgents.Death.NONE;
        assertThat(store.view("svc").orElseThrow().inFlight()).hasValueSatisfying(f -> assertThat(f.value().request()).isEqualTo(first));
        etcd.client().getKVClient().delete(Etcd.bytes(EtcdKeys.ELECTION + "/c1")).get();
        etcd.put(EtcdKeys.ELECTION + "/c2", Map.of("host", "c2"), 0);
        AppReconciler next = new AppReconciler(new AppStore(etcd, Optional.of(ByteSequence.from(EtcdKeys.ELECTION + "/c2",
                java.nio.charset.StandardCharsets.UTF_8))), agents, etcd, "c2", clock::get, new Random(7), events::add);
        next.step("svc");
        AppStore.AppView v = store.view("svc").orElseThrow();
        assertThat(v.migrations()).singleElement().satisfies(r -> {
            assertThat(r.request()).isEqualTo(first);
            assertThat(r.to()).isEqualTo(to.get(0) + "/x86_64");
            assertThat(r.choice()).contains("resolved by controller c2");
        });
        assertThat(v.requests()).extracting(AppStore.Pending::id).as("only the request served is gone").containsExactly(second);
        next.step("svc");
        v = store.view("svc").orElseThrow();
        assertThat(v.servedBy(second)).hasValueSatisfying(r -> assertThat(r.to()).isEqualTo(to.get(1) + "/x86_64"));
        assertThat(v.requests()).isEmpty();
    }

    @Test
    void aRequestToAPlatformTheBuildsBindingRefusesIsDroppedWithTheReason() throws Exception {
        ETCD.host("h4", "x86_64", "s390x");
        AppRecords.AppRecord spec = new AppRecords.AppRecord("net", Map.of("x86_64", "%064x".formatted(2), "s390x",
                "%064x".formatted(3)), List.of(), null, false, null, List.of("x86_64", "s390x"), null, null, null, 1, false)
                .withBinding(Optional.of(new dev.talent.toolchain.BuildBinding(true, false,
                        "'listen_port' is given htons(...) at netord.c:12:3")));
        assertThat(new AppStore(etcd).create(spec)).isTrue();
        leader.step("net");
        assertThat(store.view("net").orElseThrow().spec().value().buildBinding()).as("kept in etcd").isEqualTo(spec.buildBinding());
        FleetAgents.Placement here = store.view("net").orElseThrow().where().orElseThrow();
        assertThat(here.platform()).isEqualTo("x86_64");
        FleetApps cli = new FleetApps(etcd, agents);
        CompletableFuture<MigrationRecord> out = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                out.complete(cli.migrate("net", "h4", "s390x", Duration.ofSeconds(30)));
            } catch (Exception | AssertionError e) {
                out.completeExceptionally(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.isDone() && System.nanoTime() < deadline) {
            clock.addAndGet(10);
            leader.step("net");
            Thread.sleep(50);
        }
        assertThat(out).failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause()
                .isInstanceOf(FleetException.class)
                .withMessage("the leader dropped the request: the request --to h4/s390x is refused: h4/s390x cannot restore the"
                        + " app's checkpoint: the build binds it to the little-endian byte order of x86_64 ('listen_port' is"
                        + " given htons(...) at netord.c:12:3)");
        assertThat(store.view("net").orElseThrow().migrations()).as("nothing attempted").isEmpty();
        assertThat(store.view("net").orElseThrow().where()).contains(here);
    }
}
