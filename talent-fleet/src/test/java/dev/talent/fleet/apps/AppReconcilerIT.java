package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.Records;
import dev.talent.migrate.control.MigrationRecord;
import io.etcd.jetcd.ByteSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leader's steps against a real etcd (loopback, no TLS) and agents in memory. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AppReconcilerIT {
    @RegisterExtension static final LoopbackEtcdExtension ETCD = new LoopbackEtcdExtension();
    private final Etcd etcd = ETCD.etcd();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<String> events = new ArrayList<>();
    private InMemoryAgents agents;
    private AppStore store;
    private AppReconciler leader;

    @BeforeEach
    void fleet() throws Exception {
        ETCD.host("h1", "x86_64", "aarch64");
        ETCD.host("h2", "x86_64", "aarch64");
        ETCD.host("h3", "x86_64");
        agents = new InMemoryAgents();
        store = ETCD.leaderStore("c1");
        leader = reconciler(store, "c1");
    }

    private AppReconciler reconciler(AppStore s, String name) {
        return new AppReconciler(s, agents, etcd, name, clock::get, new Random(7), events::add);
    }

    private static AppRecords.AppRecord app(String name, Long min, Long max, Integer migrations, String... platforms) {
        Map<String, String> bins = new java.util.HashMap<>();
        for (String p : platforms) bins.put(p, "%064x".formatted(p.hashCode()));
        return new AppRecords.AppRecord(name, bins, List.of("8080"), null, false, null, List.of(platforms), min, max,
                migrations, 1, false);
    }

    private AppStore.AppView view(String app) throws Exception { return store.view(app).orElseThrow(); }

    /**
     * svc (x86_64, aarch64) deployed and placed by the leader, then a {@code talent migrate} request to another host
     * (h2 if it is on h1, else h1), not yet served: where svc runs.
     */
    private FleetAgents.Placement deployedAndAskedToMove() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64", "aarch64"));
        leader.step("svc");
        FleetAgents.Placement from = view("svc").where().orElseThrow();
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", from.host().equals("h1") ? "h2" : "h1", null, 0));
        return from;
    }

    @Test
    void placesAnAppOnTheFirstPlatformOfALiveHostOnce() throws Exception {
        assertThat(new AppStore(etcd).create(app("svc", null, null, null, "aarch64", "x86_64"))).isTrue();
        assertThat(new AppStore(etcd).create(app("svc", null, null, null, "x86_64"))).as("a second deploy of the name").isFalse();
        leader.step("svc");
        leader.step("svc");
        assertThat(agents.running("svc")).hasSize(1).allMatch(p -> p.platform().equals("aarch64") && !p.host().equals("h3"));
        assertThat(view("svc").where()).contains(agents.running("svc").get(0));
        assertThat(agents.journal.stream().filter(j -> j.startsWith("start"))).hasSize(1);
    }

    @Test
    void aStartTheAgentRefusesIsNotedForDeploy() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        agents.refuseStart = "runc create failed";
        assertThatThrownBy(() -> leader.step("svc")).isInstanceOf(dev.talent.fleet.FleetException.class).hasMessageContaining("runc create failed");
        assertThat(store.startError("svc")).hasValueSatisfying(e -> assertThat(e.error()).contains("runc create failed"));
        assertThat(view("svc").placement()).isEmpty();
        agents.refuseStart = null;
        leader.step("svc");
        assertThat(agents.running("svc")).hasSize(1);
    }

    @Test
    void waitsWhenNoLiveHostHasThePlatform() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "s390x"));
        leader.step("svc");
        assertThat(agents.running("svc")).isEmpty();
        assertThat(view("svc").placement()).isEmpty();
        assertThat(events).anyMatch(e -> e.contains("no live host"));
    }

    @Test
    void migratesOnScheduleAcrossHostsAndStopsAfterTheLimit() throws Exception {
        new AppStore(etcd).create(app("svc", 100L, 200L, 4, "x86_64", "aarch64"));
        leader.step("svc");
        Records.Placement p = view("svc").placement().orElseThrow().value();
        assertThat(p.nextMs()).isBetween(clock.get() + 100, clock.get() + 200);
        leader.step("svc");
        assertThat(view("svc").migrations()).as("not due yet").isEmpty();
        for (int i = 0; i < 10; i++) {
            clock.addAndGet(250);
            agents.now = clock.get();
            leader.step("svc");
        }
        List<MigrationRecord> done = view("svc").migrations();
        assertThat(done).hasSize(4).allMatch(MigrationRecord::ok).allMatch(r -> r.reason().equals("schedule"));
        for (int i = 1; i < done.size(); i++) assertThat(done.get(i).from()).isEqualTo(done.get(i - 1).to());
        assertThat(done).allMatch(r -> !r.from().equals(r.to()));
        assertThat(view("svc").placement().orElseThrow().value().nextMs()).as("no more after --migrations 4").isNull();
        assertThat(view("svc").where()).contains(AppRecords.placement(done.get(3).to()));
        assertThat(agents.running("svc")).containsExactly(AppRecords.placement(done.get(3).to()));
        assertThat(view("svc").inFlight()).isEmpty();
    }

    @Test
    void aCheckpointBoundToItsByteOrderKeepsTheNextMovesOnPlacesOfThatOrderUntilOneIsFree() throws Exception {
        ETCD.host("h4", "s390x");
        new AppStore(etcd).create(app("svc", 100L, 200L, 40, "x86_64", "s390x"));
        leader.step("svc");
        assertThat(view("svc").where().orElseThrow().platform()).isEqualTo("x86_64");
        agents.boundBy = "heap block 3 allocated at m.c:12:5 is carried as raw bytes";
        for (int i = 0; i < 16; i++) {
            clock.addAndGet(250);
            agents.now = clock.get();
            leader.step("svc");
        }
        List<MigrationRecord> bound = view("svc").migrations();
        assertThat(bound).hasSizeGreaterThanOrEqualTo(8).allMatch(r -> r.binding() != null);
        // the first move was drawn before anything was known: it may have been refused (to s390x); none after it
        assertThat(bound.subList(1, bound.size())).allMatch(MigrationRecord::ok)
                .allMatch(r -> AppRecords.placement(r.to()).platform().equals("x86_64"));
        assertThat(agents.running("svc")).singleElement().satisfies(p -> assertThat(p.platform()).isEqualTo("x86_64"));
        // a controller that takes over knows it from the records in etcd
        AppReconciler next = reconciler(ETCD.leaderStore("c2"), "c2");
        assertThat(AppReconciler.bound(view("svc")).buildBinding()).hasValueSatisfying(b ->
                assertThat(b.why()).contains("raw bytes").contains(AppReconciler.CHECKPOINT_BOUND));
        // the program freed the block: its next checkpoint binds nothing, and s390x is drawn again
        agents.boundBy = null;
        agents.handedOver = true;
        for (int i = 0; i < 16; i++) {
            clock.addAndGet(250);
            agents.now = clock.get();
            next.step("svc");
        }
        List<MigrationRecord> after = view("svc").migrations();
        assertThat(after.subList(bound.size(), after.size())).allMatch(MigrationRecord::ok)
                .anyMatch(r -> AppRecords.placement(r.to()).platform().equals("s390x"));
    }

    /**
     * An app on a host whose agent speaks protocol 3 (a release before the take's binding): its next checkpoint may be
     * bound without the agent saying so, so no move off that host goes to a platform of another layout (s390x here),
     * neither drawn on schedule nor requested.
     */
    @Test
    void anAppOnAnAgentBeforeFourMovesOffItOnlyToPlacesOfItsLayout() throws Exception {
        ETCD.host("h4", "s390x");
        new AppStore(etcd).create(app("svc", 100L, 200L, 40, "x86_64", "s390x"));
        leader.step("svc");
        FleetAgents.Placement first = view("svc").where().orElseThrow();
        assertThat(first.platform()).isEqualTo("x86_64");
        Records.HostInfo info = dev.talent.fleet.Hosts.info(etcd, first.host()).orElseThrow();
        etcd.put(EtcdKeys.hostInfo(first.host()), new Records.HostInfo(info.name(), info.address(), info.port(), info.platforms(),
                info.facts(), 3), 0);
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", "h4", "s390x", 0));
        leader.step("svc");
        assertThat(view("svc").migrations()).as("the request is refused before anything stops").isEmpty();
        assertThat(events).anySatisfy(e -> assertThat(e).contains("h4/s390x cannot restore").contains("agent " + first.host()
                + " speaks protocol 3"));
        for (int i = 0; i < 24; i++) {
            clock.addAndGet(250);
            agents.now = clock.get();
            leader.step("svc");
        }
        List<MigrationRecord> moves = view("svc").migrations();
        assertThat(moves.stream().filter(r -> AppRecords.placement(r.from()).host().equals(first.host())).toList()).as(moves.toString())
                .isNotEmpty().allMatch(MigrationRecord::ok).allMatch(r -> AppRecords.placement(r.to()).platform().equals("x86_64"));
    }

    @Test
    void theLedgerCommitsThePlacementBeforeTheSourceGoes() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64", "aarch64"));
        leader.step("svc");
        FleetAgents.Placement from = view("svc").where().orElseThrow();
        List<String> atCommit = new ArrayList<>();
        agents.atCommit = () -> {
            try {
                AppStore.AppView v = view("svc");
                atCommit.add(v.where().orElseThrow() + " committed=" + v.inFlight().orElseThrow().value().committed()
                        + " source=" + agents.state(from.host(), "svc").getClass().getSimpleName());
            } catch (Exception e) {
                atCommit.add(e.toString());
            }
        };
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", "h3", null, 0));
        leader.step("svc");
        assertThat(atCommit).containsExactly("h3/x86_64 committed=true source=Running");
        int committed = agents.journal.indexOf("committed svc"), removed = agents.journal.indexOf("removed svc from " + from);
        assertThat(committed).isPositive().isLessThan(removed);
        assertThat(view("svc").migrations()).singleElement().satisfies(r -> {
            assertThat(r.ok()).isTrue();
            assertThat(r.to()).isEqualTo("h3/x86_64");
            assertThat(r.reason()).isEqualTo("request");
            assertThat(r.downtimeMs()).isEqualTo(7.5);
        });
        assertThat(view("svc").request()).as("served").isEmpty();
    }

    @Test
    void aRequestNoLiveHostFitsIsDroppedAndAFailedMigrationRollsBack() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64", "aarch64"));
        leader.step("svc");
        FleetAgents.Placement from = view("svc").where().orElseThrow();
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", "h9", null, 0));
        leader.step("svc");
        assertThat(view("svc").request()).isEmpty();
        assertThat(view("svc").migrations()).isEmpty();
        agents.fault = true;
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", null, "aarch64".equals(from.platform()) ? "x86_64" : "aarch64", 0));
        leader.step("svc");
        assertThat(view("svc").migrations()).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.failedStep()).isEqualTo("start");
        });
        assertThat(view("svc").where()).contains(from);
        assertThat(agents.running("svc")).containsExactly(from);
    }

    @Test
    void aFaultAtTheCommitLeavesOneCopyOnTheSourceAndARecordThatSaysSo() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        leader.step("svc");
        FleetAgents.Placement from = view("svc").where().orElseThrow();
        String other = from.host().equals("h1") ? "h2" : "h1";
        leader.allowInjectedFaults();
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", other, null, 0, "commit"));
        leader.step("svc");
        // the ledger wrote nothing: etcd still places it on the source, the migration is in flight, not committed;
        // the destination runs and the source is stopped at its checkpoint, not removed
        AppStore.AppView left = view("svc");
        assertThat(left.where()).contains(from);
        assertThat(left.inFlight()).hasValueSatisfying(f -> assertThat(f.value().committed()).isFalse());
        assertThat(agents.state(from.host(), "svc")).isInstanceOf(FleetAgents.AppState.Stopped.class);
        assertThat(agents.running("svc")).containsExactly(new FleetAgents.Placement(other, "x86_64"));
        assertThat(agents.journal).noneMatch(j -> j.startsWith("committed svc") || j.startsWith("removed svc"));
        assertThat(events).anyMatch(e -> e.contains("not committed: fault injected at step commit"));
        // the next step resolves it as the ledger says: the source keeps it (resumed), the destination goes
        leader.step("svc");
        assertThat(agents.running("svc")).containsExactly(from);
        AppStore.AppView after = view("svc");
        assertThat(after.where()).contains(from);
        assertThat(after.inFlight()).isEmpty();
        assertThat(after.request()).as("the request was served").isEmpty();
        assertThat(after.ended()).isEmpty();
        assertThat(after.placement().orElseThrow().value().moves()).isZero();
        assertThat(after.migrations()).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.failedStep()).isEqualTo("commit");
            assertThat(r.to()).isEqualTo(other + "/x86_64");
            assertThat(r.error()).contains("fault injected at step commit").contains("resolved by controller c1");
        });
        int isolated = agents.journal.indexOf("isolate svc on " + other);
        int resumed = agents.journal.indexOf("resume svc on " + from.host()), removed = agents.journal.indexOf("remove copy svc from " + other);
        // the destination (which may hold the app's connections and its peers' packets) is off the network before the
        // source resumes: never two copies with the app's address
        assertThat(isolated).as("the destination taken off the network before the source resumes").isPositive().isLessThan(resumed);
        assertThat(resumed).as("resumed on the source, then the destination removed").isLessThan(removed);
        assertThat(agents.journal.subList(isolated, agents.journal.size())).noneMatch(j -> j.startsWith("rejoin"));
        // and the app moves for real afterwards
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", other, null, clock.incrementAndGet()));
        leader.step("svc");
        assertThat(agents.running("svc")).containsExactly(new FleetAgents.Placement(other, "x86_64"));
        assertThat(view("svc").migrations()).hasSize(2).last().satisfies(r -> assertThat(r.ok()).isTrue());
    }

    @Test
    void aRequestedFaultIsInjectedOnlyByALeaderThatAllowsIt() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        leader.step("svc");
        FleetAgents.Placement from = view("svc").where().orElseThrow();
        String other = from.host().equals("h1") ? "h2" : "h1";
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", other, null, 0, "sync"));
        leader.step("svc");
        assertThat(view("svc").request()).as("dropped").isEmpty();
        assertThat(view("svc").migrations()).isEmpty();
        assertThat(events).anyMatch(e -> e.contains("fault at step sync") && e.contains("dropped"));
        leader.allowInjectedFaults();
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", other, null, 0, "checkpoint"));
        leader.step("svc");
        assertThat(agents.journal).contains("migrate svc " + from + " -> " + other + "/x86_64 fault checkpoint");
        assertThat(view("svc").migrations()).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.failedStep()).isEqualTo("checkpoint");
        });
        assertThat(view("svc").where()).contains(from);
        assertThat(view("svc").inFlight()).isEmpty();
        // a request without one migrates as always
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", other, null, 0));
        leader.step("svc");
        assertThat(view("svc").where()).contains(new FleetAgents.Placement(other, "x86_64"));
    }

    // ---- drained hosts ----

    private void drain(String host, boolean drain) throws Exception {
        assertThat(new AppStore(etcd).requestDrain(new Records.DrainRequest(host, drain, 0))).isTrue();
        leader.applyDrains();
    }

    @Test
    void aDrainedHostsAppsMoveOffItRespectingTheirPlatformsAndNothingIsPlacedThere() throws Exception {
        AppStore cli = new AppStore(etcd);
        assertThat(cli.requestDrain(new Records.DrainRequest("h9", true, 0))).as("no such host").isFalse();
        // h1 and h2 have x86_64 and aarch64, h3 only x86_64
        cli.create(app("arm", null, null, null, "aarch64"));
        cli.create(app("both", null, null, null, "x86_64", "aarch64"));
        leader.step("arm");
        leader.step("both");
        String h = view("arm").where().orElseThrow().host();
        if (!view("both").where().orElseThrow().host().equals(h)) {
            cli.request(new AppRecords.MigrateRequest("both", h, null, 0));
            leader.step("both");
        }
        assertThat(cli.appsOn(h)).containsExactly("arm", "both");
        drain(h, true);
        assertThat(store.drained()).containsOnlyKeys(h);
        assertThat(store.drainRequests()).isEmpty();
        assertThat(events).contains(h + ": drained (no app is placed there; its apps move to other hosts)");
        leader.step("arm");
        leader.step("both");
        String otherArm = h.equals("h1") ? "h2" : "h1";
        assertThat(view("arm").where()).as("the one other host with aarch64").contains(new FleetAgents.Placement(otherArm, "aarch64"));
        assertThat(view("both").where().orElseThrow().host()).isNotEqualTo(h);
        assertThat(view("arm").migrations()).singleElement().satisfies(r -> {
            assertThat(r.ok()).isTrue();
            assertThat(r.reason()).isEqualTo("drain");
        });
        assertThat(cli.appsOn(h)).isEmpty();
        // nothing is placed there: a new app, a request, a schedule
        cli.create(app("new", 1L, 1L, null, "x86_64"));
        for (int k = 0; k < 6; k++) {
            leader.step("new");
            clock.addAndGet(10);
            assertThat(view("new").where().orElseThrow().host()).isNotEqualTo(h);
        }
        cli.request(new AppRecords.MigrateRequest("arm", h, null, 0));
        leader.step("arm");
        assertThat(view("arm").where()).as("a request for a drained host is dropped").contains(new FleetAgents.Placement(otherArm, "aarch64"));
        // the one host that can run it drained too: it stays, and that is said once
        drain(otherArm, true);
        leader.step("arm");
        leader.step("arm");
        assertThat(view("arm").where()).contains(new FleetAgents.Placement(otherArm, "aarch64"));
        assertThat(events.stream().filter(e -> e.startsWith("arm: " + otherArm + " is drained but no other"))).hasSize(1);
        drain(h, false);
        assertThat(store.drained()).containsOnlyKeys(otherArm);
        leader.step("arm");
        assertThat(view("arm").where()).as("undrained: usable again").contains(new FleetAgents.Placement(h, "aarch64"));
    }

    @Test
    void aFailedMoveOffADrainedHostIsTriedAgainAfterAPause() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        leader.step("svc");
        FleetAgents.Placement from = view("svc").where().orElseThrow();
        drain(from.host(), true);
        agents.fault = true;
        leader.step("svc");
        assertThat(view("svc").migrations()).singleElement().satisfies(r -> assertThat(r.ok()).isFalse());
        leader.step("svc");
        assertThat(view("svc").migrations()).as("within the pause").hasSize(1);
        clock.addAndGet(AppReconciler.DRAIN_RETRY_MS);
        leader.step("svc");
        assertThat(view("svc").migrations()).hasSize(2).last().satisfies(r -> assertThat(r.ok()).isTrue());
        assertThat(view("svc").where().orElseThrow().host()).isNotEqualTo(from.host());
    }

    @Test
    void aDeposedLeaderCannotDrain() throws Exception {
        assertThat(new AppStore(etcd).requestDrain(new Records.DrainRequest("h2", true, 0))).isTrue();
        ETCD.depose("c1");
        leader.applyDrains();
        assertThat(store.drained()).isEmpty();
        assertThat(store.drainRequests()).hasSize(1);
    }

    @Test
    void undeployRemovesTheAppAndEveryKey() throws Exception {
        AppStore cli = new AppStore(etcd);
        cli.create(app("svc", 100L, 100L, null, "x86_64"));
        leader.step("svc");
        assertThat(agents.running("svc")).hasSize(1);
        assertThat(cli.undeploy(cli.view("svc").orElseThrow().spec())).isTrue();
        leader.step("svc");
        assertThat(agents.running("svc")).isEmpty();
        assertThat(cli.view("svc")).isEmpty();
        // every live key goes; its history stays as an ended app's (AppArchive), the only keys left of it
        assertThat(etcd.list(EtcdKeys.ROOT).stream().map(kv -> kv.getKey().toString(java.nio.charset.StandardCharsets.UTF_8))
                .filter(k -> k.contains("svc"))).isNotEmpty()
                .allMatch(k -> k.startsWith(AppArchive.ARCHIVE + "svc/") || k.startsWith(AppArchive.ARCHIVED + "svc/"));
        assertThat(new AppArchive(etcd).latest("svc")).hasValueSatisfying(r -> assertThat(r.view().where()).isPresent());
        // with a retention of none, nothing of it stays
        leader.useRetention(new AppArchive.Retention(0, 1000));
        cli.create(app("web", 100L, 100L, null, "x86_64"));
        leader.step("web");
        assertThat(cli.undeploy(cli.view("web").orElseThrow().spec())).isTrue();
        leader.step("web");
        assertThat(etcd.list(EtcdKeys.ROOT).stream().map(kv -> kv.getKey().toString(java.nio.charset.StandardCharsets.UTF_8))
                .filter(k -> k.contains("web"))).isEmpty();
    }

    @Test
    void anAppThatEndsIsRecordedWithItsStatus() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        leader.step("svc");
        FleetAgents.Placement at = view("svc").where().orElseThrow();
        agents.host(at.host()).put("svc", new FleetAgents.AppState.Ended("x86_64", 3));
        leader.step("svc");
        assertThat(view("svc").ended()).hasValueSatisfying(e -> {
            assertThat(e.status()).isEqualTo(3);
            assertThat(e.host()).isEqualTo(at.host());
        });
    }

    @Test
    void anAppLostWhileItsAgentWasDownIsRecordedAsEndedWithThatReason() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        leader.step("svc");
        FleetAgents.Placement at = view("svc").where().orElseThrow();
        agents.host(at.host()).put("svc", new FleetAgents.AppState.Lost("x86_64"));
        leader.step("svc");
        assertThat(view("svc").ended()).hasValueSatisfying(e -> {
            assertThat(e.status()).isNull();
            assertThat(e.host()).isEqualTo(at.host());
            assertThat(e.error()).startsWith("lost: its program ended on " + at.host()).contains("exit status unknown");
        });
    }

    @Test
    void aDeposedLeaderCannotWrite() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        ETCD.depose("c1");
        assertThat(store.place(new Records.Placement("svc", "h1", "x86_64", 0, null, 0, 0))).isFalse();
        assertThat(ETCD.leaderStore("c2").place(new Records.Placement("svc", "h1", "x86_64", 0, null, 0, 0))).isTrue();
    }

    /** The leader's step on svc, which dies (kill -9) at {@code death} in the middle of svc's migration. */
    private void leaderKilledAt(InMemoryAgents.Death death) throws Exception {
        agents.die = death;
        try {
            leader.step("svc");
            throw new AssertionError("the leader was not killed at " + death);
        } catch (InMemoryAgents.Killed expected) {
            // kill -9 of the leading controller in the middle of the migration
        } finally {
            agents.die = InMemoryAgents.Death.NONE;
        }
    }

    private void killedLeaderIsResolvedByTheNext(InMemoryAgents.Death death, boolean expectMoved) throws Exception {
        FleetAgents.Placement from = deployedAndAskedToMove();
        leaderKilledAt(death);
        assertThat(agents.running("svc")).as("both copies exist when it dies").hasSize(death == InMemoryAgents.Death.BEFORE_COMMIT
                || death == InMemoryAgents.Death.AFTER_COMMIT ? 2 : death == InMemoryAgents.Death.ADOPTED ? 1 : 0);
        AppStore.AppView left = view("svc");
        assertThat(left.inFlight()).isPresent();
        assertThat(left.inFlight().get().value().committed()).isEqualTo(death == InMemoryAgents.Death.AFTER_COMMIT);
        ETCD.depose("c1");
        AppReconciler next = reconciler(ETCD.leaderStore("c2"), "c2");
        next.step("svc");
        FleetAgents.Placement to = left.inFlight().get().value().destination();
        FleetAgents.Placement expected = expectMoved ? to : from;
        assertThat(agents.running("svc")).containsExactly(expected);
        // a destination that keeps the app is let onto the network (its unlock comes after the commit, which the
        // killed leader may not have reached); one that goes is taken off it before the source resumes
        if (expectMoved) assertThat(agents.journal).contains("rejoin svc on " + to.host());
        else assertThat(agents.journal).noneMatch(j -> j.startsWith("rejoin"));
        AppStore.AppView after = view("svc");
        assertThat(after.where()).contains(expected);
        assertThat(after.inFlight()).isEmpty();
        assertThat(after.migrations()).singleElement().satisfies(r -> {
            assertThat(r.ok()).isEqualTo(expectMoved);
            assertThat(r.to()).isEqualTo(to.toString());
            assertThat(expectMoved ? r.choice() : r.error()).contains("resolved by controller c2");
        });
        next.step("svc");
        assertThat(view("svc").migrations()).hasSize(1);
        assertThat(agents.running("svc")).containsExactly(expected);
    }

    /**
     * A leader killed with a pre-copy phase in the in-flight record: its resolution says how far the phase got, and only
     * a phase whose base was not yet handed over says the program was never stopped (after the hand-over the stop may
     * have come: here the source is stopped at its checkpoint).
     */
    @Test
    void aPrecopyPhaseNotHandedOverIsResolvedAsBeforeTheStop() throws Exception {
        resolvedWithAPrecopyPhase(false);
    }

    @Test
    void aPrecopyPhaseHandedOverIsNotSaidToBeBeforeTheStop() throws Exception {
        resolvedWithAPrecopyPhase(true);
    }

    private void resolvedWithAPrecopyPhase(boolean handedOver) throws Exception {
        deployedAndAskedToMove();
        leaderKilledAt(InMemoryAgents.Death.STOPPED);
        AppStore.Versioned<AppRecords.InFlight> held = view("svc").inFlight().orElseThrow();
        AppRecords.InFlight phased = held.value().inPrecopy(new AppRecords.PrecopyPhase(2, 4096, 12.5, handedOver));
        assertThat(new AppStore(etcd).phase(phased, held.modRevision())).isPresent();
        ETCD.depose("c1");
        reconciler(ETCD.leaderStore("c2"), "c2").step("svc");
        assertThat(view("svc").migrations()).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            if (handedOver) {
                assertThat(r.error()).contains("after its pre-copy phase (2 rounds, base handed over)")
                        .doesNotContain("before the program stopped");
            } else {
                assertThat(r.error()).contains("in its pre-copy phase (round 2), before the program stopped");
            }
            assertThat(r.precopy()).isNotNull();
        });
    }

    /** A leader killed during a migration between two platforms of one host: the place the app is not on goes. */
    private void oneHostMigrationInterrupted(InMemoryAgents.Death death, boolean expectMoved) throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "aarch64", "x86_64"));
        leader.step("svc");
        FleetAgents.Placement from = view("svc").where().orElseThrow();
        FleetAgents.Placement to = new FleetAgents.Placement(from.host(), "x86_64");
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", from.host(), "x86_64", 0));
        leaderKilledAt(death);
        assertThat(agents.places("svc")).as("both places exist when it dies").containsExactly(from.toString(), to.toString());
        ETCD.depose("c1");
        AppReconciler next = reconciler(ETCD.leaderStore("c2"), "c2");
        next.step("svc");
        FleetAgents.Placement expected = expectMoved ? to : from;
        assertThat(agents.running("svc")).containsExactly(expected);
        assertThat(agents.places("svc")).as("the place it is not on is removed").containsExactly(expected.toString());
        assertThat(agents.journal).contains("drop place svc on " + (expectMoved ? from : to));
        AppStore.AppView after = view("svc");
        assertThat(after.where()).contains(expected);
        assertThat(after.inFlight()).isEmpty();
        assertThat(after.migrations()).singleElement().satisfies(r -> assertThat(r.ok()).isEqualTo(expectMoved));
    }

    @Test
    void anInterruptedMigrationBetweenTwoPlatformsOfOneHostLeavesNoPreparedPlace() throws Exception {
        oneHostMigrationInterrupted(InMemoryAgents.Death.STOPPED, false);
        assertThat(agents.journal).anySatisfy(j -> assertThat(j).startsWith("resume svc on "));
        // the prepared destination (it may hold the app's address) goes before the source resumes
        int dropped = agents.journal.indexOf(agents.journal.stream().filter(j -> j.startsWith("drop place svc on ")).findFirst().orElseThrow());
        int resumed = agents.journal.indexOf(agents.journal.stream().filter(j -> j.startsWith("resume svc on ")).findFirst().orElseThrow());
        assertThat(dropped).as("the other platform's place dropped before the resume: %s", agents.journal).isLessThan(resumed);
    }

    @Test
    void aTakenOverPlatformOfOneHostKeepsTheAppAndTheSourcePlaceGoes() throws Exception {
        oneHostMigrationInterrupted(InMemoryAgents.Death.ADOPTED, true);
    }

    @Test
    void aRollbackThatFailsIsResolvedFromWhatTheAgentsHold() throws Exception {
        FleetAgents.Placement from = deployedAndAskedToMove();
        agents.rollbackFails = "the agent of " + from.host() + " has no container svc-1 (it restarted)";
        leader.step("svc");
        // its agent is still restarting: the resolution waits for it (and keeps what it knows of the failure)
        agents.unreachable.add(from.host());
        assertThatThrownBy(() -> leader.step("svc")).isInstanceOf(dev.talent.fleet.FleetException.class).hasMessageContaining("UNAVAILABLE");
        agents.unreachable.clear();
        AppStore.AppView left = view("svc");
        assertThat(left.ended()).as("not ended: the source's agent still holds it, stopped at its checkpoint").isEmpty();
        assertThat(left.inFlight()).as("left for the agents to decide").isPresent();
        leader.step("svc");
        assertThat(agents.journal).contains("resume svc on " + from.host());
        assertThat(agents.running("svc")).containsExactly(from);
        AppStore.AppView after = view("svc");
        assertThat(after.ended()).isEmpty();
        assertThat(after.inFlight()).isEmpty();
        assertThat(after.where()).contains(from);
        assertThat(after.request()).as("the request is served").isEmpty();
        assertThat(after.migrations()).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.failedStep()).isEqualTo("rollback");
            assertThat(r.error()).contains("its rollback failed (rollback failed: the agent of " + from.host()).contains("resolved by controller c1");
        });
        // a migration afterwards works
        new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", from.host().equals("h1") ? "h2" : "h1", null, 0));
        leader.step("svc");
        assertThat(agents.running("svc")).singleElement().satisfies(p -> assertThat(p.host()).isNotEqualTo(from.host()));
    }

    @Test
    void aRollbackThatFailsWithTheProgramGoneEndsTheAppVisibly() throws Exception {
        FleetAgents.Placement from = deployedAndAskedToMove();
        agents.rollbackFails = "the agent of " + from.host() + " is gone";
        leader.step("svc");
        agents.refuseResume = "no accepted checkpoint of svc on " + from.host();
        leader.step("svc");
        AppStore.AppView after = view("svc");
        assertThat(after.inFlight()).isEmpty();
        assertThat(after.ended()).as("a defined end the operator sees in talent status").hasValueSatisfying(e ->
                assertThat(e.error()).contains("after an interrupted migration"));
        assertThat(after.migrations()).singleElement().satisfies(r -> assertThat(r.failedStep()).isEqualTo("rollback"));
        assertThat(events).anySatisfy(e -> assertThat(e).contains("cannot resume on").contains("no accepted checkpoint"));
    }

    @Test
    void aLeaderKilledBeforeTheCommitIsRolledBackByTheNext() throws Exception {
        killedLeaderIsResolvedByTheNext(InMemoryAgents.Death.BEFORE_COMMIT, false);
    }

    @Test
    void aLeaderKilledWhileTheSourceIsStoppedResumesItThere() throws Exception {
        killedLeaderIsResolvedByTheNext(InMemoryAgents.Death.STOPPED, false);
        assertThat(agents.journal).anySatisfy(j -> assertThat(j).startsWith("resume svc on "));
    }

    @Test
    void aDestinationTakenOverButNotCommittedGoesAndTheSourceResumes() throws Exception {
        killedLeaderIsResolvedByTheNext(InMemoryAgents.Death.ADOPTED, false);
        List<String> tail = agents.journal.subList(agents.journal.indexOf(agents.journal.stream()
                .filter(j -> j.startsWith("resume svc")).findFirst().orElseThrow()), agents.journal.size());
        assertThat(tail).as("resumed on the source first, then the destination removed")
                .anySatisfy(j -> assertThat(j).startsWith("remove copy svc from "));
    }

    @Test
    void theDestinationsAgentRestartedBeforeTheCommitKeepsItsCopyForTheLeaderToDecide() throws Exception {
        FleetAgents.Placement from = deployedAndAskedToMove();
        leaderKilledAt(InMemoryAgents.Death.ADOPTED);
        FleetAgents.Placement to = view("svc").inFlight().orElseThrow().value().destination();
        assertThat(view("svc").where()).contains(from);
        // an agent of the destination started now (it was killed -9 there) keeps the copy it finds
        assertThat(PlacementFence.load(etcd, to.host()).check("svc", 0))
                .satisfies(v -> assertThat(v.keep()).as(v.reason()).isTrue()).satisfies(v -> assertThat(v.reason()).contains("migrating here"));
        String third = List.of("h1", "h2", "h3").stream().filter(h -> !h.equals(from.host()) && !h.equals(to.host())).findFirst().orElseThrow();
        assertThat(PlacementFence.load(etcd, third).check("svc", 0).keep()).as("a host the migration does not go to").isFalse();
        // resolved (rolled back: not committed): the destination's copy is no longer kept
        reconciler(store, "c1").step("svc");
        assertThat(view("svc").inFlight()).isEmpty();
        assertThat(PlacementFence.load(etcd, to.host()).check("svc", 0).keep()).isFalse();
    }

    @Test
    void aStoppedSourceThatCannotResumeLeavesTheDestinationThatRuns() throws Exception {
        agents.refuseResume = "talent holds no checkpoint of it";
        deployedAndAskedToMove();
        leaderKilledAt(InMemoryAgents.Death.ADOPTED);
        FleetAgents.Placement to = view("svc").inFlight().orElseThrow().value().destination();
        reconciler(store, "c1").step("svc");
        assertThat(agents.running("svc")).containsExactly(to);
        assertThat(view("svc").where()).contains(to);
        assertThat(events).anySatisfy(e -> assertThat(e).contains("cannot resume").contains("no checkpoint"));
    }

    @Test
    void aStoppedAppWithNoMigrationInFlightResumes() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        leader.step("svc");
        FleetAgents.Placement at = view("svc").where().orElseThrow();
        agents.host(at.host()).put("svc", new FleetAgents.AppState.Stopped(at.platform(), 1));
        leader.step("svc");
        assertThat(agents.running("svc")).containsExactly(at);
        assertThat(view("svc").ended()).isEmpty();
    }

    @Test
    void aLeaderKilledAfterTheCommitIsFinishedByTheNext() throws Exception {
        killedLeaderIsResolvedByTheNext(InMemoryAgents.Death.AFTER_COMMIT, true);
    }

    @Test
    void aMigrationWhoseSourceIsGoneButNotCommittedStaysWhereItRuns() throws Exception {
        FleetAgents.Placement from = deployedAndAskedToMove();
        leaderKilledAt(InMemoryAgents.Death.BEFORE_COMMIT);
        agents.remove(from.host(), "svc");
        FleetAgents.Placement to = view("svc").inFlight().orElseThrow().value().destination();
        reconciler(store, "c1").step("svc");
        assertThat(agents.running("svc")).containsExactly(to);
        assertThat(view("svc").where()).contains(to);
    }

    // ---- a host lost: its agent's lease gone past the grace period ----

    private static final long GRACE = 5_000;

    /** The host's agent lost its lease (etcd deleted its key). */
    private void agentGone(String host) throws Exception {
        etcd.client().getKVClient().delete(Etcd.bytes(EtcdKeys.agent(host))).get();
    }

    private AppRecords.AppRecord restartable(String name, String... platforms) {
        AppRecords.AppRecord a = app(name, null, null, null, platforms);
        return new AppRecords.AppRecord(a.name(), a.binaries(), a.args(), a.workdir(), a.net(), a.ip(), a.platforms(),
                a.everyMinMs(), a.everyMaxMs(), a.migrations(), a.createdMs(), false, AppRecords.ON_LOSS_RESTART);
    }

    @Test
    void anAppOfALostHostRestartsElsewhereAtANewEpochAfterTheGrace() throws Exception {
        AppReconciler l = new AppReconciler(store, agents, etcd, "c1", clock::get, new Random(7), events::add, GRACE);
        new AppStore(etcd).create(restartable("svc", "x86_64"));
        l.step("svc");
        FleetAgents.Placement first = view("svc").where().orElseThrow();
        agentGone(first.host());
        l.step("svc");
        assertThat(store.hostDown(first.host())).hasValueSatisfying(d -> assertThat(d.sinceMs()).isEqualTo(clock.get()));
        clock.addAndGet(GRACE - 1);
        l.step("svc");
        assertThat(view("svc").where()).as("within the grace: it waits").contains(first);
        clock.addAndGet(1);
        l.step("svc");
        FleetAgents.Placement now = view("svc").where().orElseThrow();
        assertThat(now.host()).isNotEqualTo(first.host());
        assertThat(view("svc").placement().orElseThrow().value().epoch()).isEqualTo(1);
        assertThat(agents.journal).contains("start svc " + now + " epoch 1");
        assertThat(view("svc").migrations()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("host-lost");
            assertThat(r.ok()).isTrue();
            assertThat(r.from()).isEqualTo(first.toString());
            assertThat(r.to()).isEqualTo(now.toString());
            assertThat(r.choice()).contains("from scratch").contains("no checkpoint of it exists off " + first.host());
        });
        assertThat(view("svc").ended()).isEmpty();
        // the lost host comes back with its copy: etcd's placement fences it
        PlacementFence fence = PlacementFence.load(etcd, first.host());
        assertThat(fence.check("svc", 0).keep()).isFalse();
        assertThat(PlacementFence.load(etcd, now.host()).check("svc", 1).keep()).isTrue();
    }

    /**
     * An agent stopped with SIGTERM says so before its lease goes (stop 50's CI: the next agent took 11 s to register
     * on a loaded machine, past the 8 s grace, and its running app was restarted elsewhere): the leader waits the
     * restart grace for that host, and the host grace again once an agent registered and removed the mark.
     */
    @Test
    void aHostWhoseAgentSaidItRestartsWaitsTheRestartGrace() throws Exception {
        AppReconciler l = new AppReconciler(store, agents, etcd, "c1", clock::get, new Random(7), events::add,
                new Graces(GRACE, 4 * GRACE));
        new AppStore(etcd).create(restartable("svc", "x86_64"));
        l.step("svc");
        FleetAgents.Placement first = view("svc").where().orElseThrow();
        etcd.put(EtcdKeys.agentRestarting(first.host()), new Records.AgentRestarting(first.host(), 42, 0, 1), 0);
        agentGone(first.host());
        l.step("svc");
        assertThat(store.hostDown(first.host())).hasValueSatisfying(d -> assertThat(d.restarting()).isTrue());
        assertThat(events).anySatisfy(e -> assertThat(e).contains("it stopped to be restarted").contains("wait " + 4 * GRACE + " ms"));
        clock.addAndGet(4 * GRACE - 1);
        l.step("svc");
        assertThat(view("svc").where()).as("past the host grace, within the restart grace: it waits").contains(first);
        clock.addAndGet(1);
        l.step("svc");
        assertThat(view("svc").where().orElseThrow().host()).as("past the restart grace: lost").isNotEqualTo(first.host());

        // without a word from the agent, the host grace
        new AppStore(etcd).create(restartable("svc2", "x86_64"));
        l.step("svc2");
        FleetAgents.Placement second = view("svc2").where().orElseThrow();
        etcd.client().getKVClient().delete(Etcd.bytes(EtcdKeys.hostDown(second.host()))).get();
        etcd.client().getKVClient().delete(Etcd.bytes(EtcdKeys.agentRestarting(second.host()))).get();
        agentGone(second.host());
        l.step("svc2");
        assertThat(store.hostDown(second.host())).hasValueSatisfying(d -> assertThat(d.restarting()).isFalse());
        clock.addAndGet(GRACE);
        l.step("svc2");
        assertThat(view("svc2").where().orElseThrow().host()).isNotEqualTo(second.host());
    }

    @Test
    void aRestartGraceShorterThanTheHostGraceIsRefused() {
        assertThatThrownBy(() -> new Graces(GRACE, GRACE - 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than the host grace");
    }

    @Test
    void anAppOfALostHostIsNeverRestartedOnADrainedHost() throws Exception {
        AppReconciler l = new AppReconciler(store, agents, etcd, "c1", clock::get, new Random(7), events::add, GRACE);
        new AppStore(etcd).create(restartable("svc", "x86_64"));
        l.step("svc");
        FleetAgents.Placement first = view("svc").where().orElseThrow();
        List<String> others = new ArrayList<>(List.of("h1", "h2", "h3"));
        others.remove(first.host());
        assertThat(new AppStore(etcd).requestDrain(new Records.DrainRequest(others.get(0), true, 0))).isTrue();
        l.applyDrains();
        agentGone(first.host());
        l.step("svc");
        clock.addAndGet(GRACE);
        l.step("svc");
        assertThat(view("svc").where()).contains(new FleetAgents.Placement(others.get(1), "x86_64"));
    }

    @Test
    void anAppOfALostHostIsLostWhenItsSpecDoesNotAllowARestart() throws Exception {
        AppReconciler l = new AppReconciler(store, agents, etcd, "c1", clock::get, new Random(7), events::add, GRACE);
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        l.step("svc");
        FleetAgents.Placement first = view("svc").where().orElseThrow();
        agentGone(first.host());
        l.step("svc");
        clock.addAndGet(GRACE);
        l.step("svc");
        assertThat(view("svc").ended()).hasValueSatisfying(e -> {
            assertThat(e.status()).isNull();
            assertThat(e.error()).startsWith("lost: host " + first.host() + " lost").contains("--on-host-loss restart");
        });
        assertThat(view("svc").migrations()).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.reason()).isEqualTo("host-lost");
        });
        assertThat(agents.journal.stream().filter(j -> j.startsWith("start"))).hasSize(1);
    }

    @Test
    void anAgentBackWithinTheGraceKeepsItsApps() throws Exception {
        AppReconciler l = new AppReconciler(store, agents, etcd, "c1", clock::get, new Random(7), events::add, GRACE);
        new AppStore(etcd).create(restartable("svc", "x86_64"));
        l.step("svc");
        FleetAgents.Placement first = view("svc").where().orElseThrow();
        agentGone(first.host());
        l.step("svc");
        // the agent registers again and deletes the mark (as Agent.run does)
        etcd.put(EtcdKeys.agent(first.host()), new Records.AgentAlive(first.host(), 2, 0), 0);
        etcd.client().getKVClient().delete(Etcd.bytes(EtcdKeys.hostDown(first.host()))).get();
        clock.addAndGet(GRACE * 3);
        l.step("svc");
        assertThat(view("svc").where()).contains(first);
        assertThat(view("svc").migrations()).isEmpty();
        assertThat(PlacementFence.load(etcd, first.host()).check("svc", 0).keep()).isTrue();
    }

    @Test
    void anUndeployedAppOfAGoneHostIsForgottenAndFenced() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        leader.step("svc");
        FleetAgents.Placement first = view("svc").where().orElseThrow();
        agentGone(first.host());
        new AppStore(etcd).undeploy(view("svc").spec());
        leader.step("svc");
        assertThat(store.view("svc")).isEmpty();
        assertThat(PlacementFence.load(etcd, first.host()).check("svc", 0).keep()).isFalse();
    }

    @Test
    void onlyTheNewestRecordsStayInEtcdTheOlderAreCounted() throws Exception {
        new AppStore(etcd).create(app("svc", null, null, null, "x86_64"));
        leader.step("svc");
        int n = AppRecords.KEEP_RECORDS + 6;
        for (int i = 0; i < n; i++) {
            FleetAgents.Placement at = view("svc").where().orElseThrow();
            if (i == 3) agents.fault = true;
            new AppStore(etcd).request(new AppRecords.MigrateRequest("svc", at.host().equals("h1") ? "h2" : "h1", null, clock.incrementAndGet()));
            leader.step("svc");
        }
        AppStore.AppView v = view("svc");
        assertThat(v.total()).isEqualTo(n);
        assertThat(v.migrations()).hasSize(AppRecords.KEEP_RECORDS);
        assertThat(v.compacted()).hasValueSatisfying(c -> {
            assertThat(c.value().count()).isEqualTo(6);
            assertThat(c.value().ok()).as("the 4th failed").isEqualTo(5);
        });
        assertThat(etcd.list(EtcdKeys.migrations("svc"))).hasSize(AppRecords.KEEP_RECORDS + 1);
        // the kept ones are the newest, in order: each one starts where the one before ended
        for (int i = 1; i < v.migrations().size(); i++) assertThat(v.migrations().get(i).from()).isEqualTo(v.migrations().get(i - 1).to());
    }
}
