package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.RollbackFailedException;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.policy.Alert;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One step of the leader for one app, from what etcd and the agents say (nothing is remembered between steps):
 * resolve a migration a previous leader left in flight, remove an undeployed app, place an app that has no place,
 * record how an app ended, and migrate it when asked or when its schedule is due.
 *
 * <p>A migration: the in-flight record is written first (only if the placement is the one seen); the agents move
 * the app; the ledger, called once the destination runs and before the source is removed, commits the new placement
 * and marks the in-flight record committed in one transaction; the record of the migration then replaces the
 * in-flight one. A leader that dies anywhere in between leaves the in-flight record, and the next one resolves it by
 * asking both hosts' agents (see {@link #resolve}).
 */
public final class AppReconciler {
    private final AppStore store;
    private final FleetAgents agents;
    private final Etcd etcd;
    private final String controller;
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final Consumer<String> events;
    /** Tests ({@link #stallOnceBeforeCommit}): how long the next ledger waits before it commits; zero: never. */
    private final java.util.concurrent.atomic.AtomicLong stallMs = new java.util.concurrent.atomic.AtomicLong();

    /**
     * How long a host's agent may hold no lease before its host is taken as lost ({@code talent controller
     * --host-grace}): well past an agent's restart (the lab's supervisor restarts one within 2 s, systemd within 1 s,
     * and a restarted agent registers again within a few seconds), so a restart or an upgrade never moves an app.
     */
    public static final long DEFAULT_HOST_GRACE_MS = 30_000;

    private final Graces graces;
    /** The fleet's active alerts (etcd). */
    private final FleetAlerts alerts;
    /** The policy ({@code talent controller --policy}): tags of places, diversity of scheduled moves. */
    private volatile FleetPolicy policy = FleetPolicy.NONE;

    public AppReconciler(AppStore store, FleetAgents agents, Etcd etcd, String controller, LongSupplier clock,
            RandomGenerator random, Consumer<String> events) {
        this(store, agents, etcd, controller, clock, random, events, DEFAULT_HOST_GRACE_MS);
    }

    public AppReconciler(AppStore store, FleetAgents agents, Etcd etcd, String controller, LongSupplier clock,
            RandomGenerator random, Consumer<String> events, long hostGraceMs) {
        this(store, agents, etcd, controller, clock, random, events, Graces.of(hostGraceMs));
    }

    public AppReconciler(AppStore store, FleetAgents agents, Etcd etcd, String controller, LongSupplier clock,
            RandomGenerator random, Consumer<String> events, Graces graces) {
        this.graces = graces;
        this.store = store;
        this.agents = agents;
        this.etcd = etcd;
        this.controller = controller;
        this.clock = clock;
        this.random = random;
        this.events = events;
        this.alerts = new FleetAlerts(etcd);
    }

    /** Applies {@code p} from the next step on ({@code talent controller --policy FILE}). */
    public void usePolicy(FleetPolicy p) { this.policy = java.util.Objects.requireNonNull(p); }

    /**
     * What constrains the places of {@code app} now: the policy, the tags its active alerts quarantine and the facts
     * the live hosts' agents published ({@code hosts}).
     */
    private PlacementChooser.Rules rules(String app, List<Alert> active, List<Records.HostInfo> hosts) {
        return new PlacementChooser.Rules(policy, FleetAlerts.quarantined(active, app), PlacementChooser.Rules.byName(hosts));
    }

    private PlacementChooser.Rules rules(String app, List<Records.HostInfo> hosts) throws FleetException, InterruptedException {
        return rules(app, alerts.active(), hosts);
    }

    /**
     * A testing aid: the next migration this leader drives waits {@code ms} once its destination runs and the agent
     * there took the app over, before etcd is told (inside the downtime window, the source stopped at its
     * checkpoint), and says so; a test kills the leader there.
     */
    public void stallOnceBeforeCommit(long ms) { stallMs.set(Math.max(0, ms)); }

    /** Tests ({@link #stallOnceInPrecopy}): how long the next pre-copy phase stalls after its first round's record. */
    private final java.util.concurrent.atomic.AtomicLong precopyStallMs = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Tests (TALENT_FLEET_FAULT=precopy-stall): the next migration this leader drives with pre-copy stalls for
     * {@code ms} once etcd has its first round in the in-flight record, while the program runs on at the source: a
     * test kills the leader there, inside the phase, deterministically.
     */
    public void stallOnceInPrecopy(long ms) { precopyStallMs.set(Math.max(0, ms)); }

    /** Tests ({@link #stallEveryCommit}): every ledger stalls, not only the next one. */
    private volatile boolean stallEvery;

    /**
     * A testing aid: as {@link #stallOnceBeforeCommit}, for every migration this leader drives (a test kills an agent
     * there: the source's, whose program is stopped at its checkpoint, or the destination's, which runs it).
     */
    public void stallEveryCommit(long ms) {
        stallEvery = true;
        stallMs.set(Math.max(0, ms));
    }

    /** How long a dropped request stays for its client to read why (a client gone meanwhile leaves it). */
    static final long DROPPED_KEEP_MS = 60_000;

    /** Tests ({@link #allowInjectedFaults}): whether a request's {@code fault} is honoured; otherwise it is dropped. */
    private volatile boolean faultsAllowed;

    /**
     * A testing aid ({@code TALENT_FLEET_FAULT=requests}): a migration request that names a step
     * ({@code talent migrate --inject-fault STEP}) fails there on purpose. Without it such a request is dropped, and
     * said, so a production fleet never fails a migration because someone asked it to.
     */
    public void allowInjectedFaults() { faultsAllowed = true; }

    /** Who hears of each migration record this leader writes to etcd (the controller's metrics); none by default. */
    private volatile Consumer<MigrationRecord> recorded = r -> { };

    /** {@code listener} hears of every migration record once etcd holds it (ok or failed, any reason). */
    public void onRecord(Consumer<MigrationRecord> listener) { recorded = java.util.Objects.requireNonNull(listener); }

    /** Who hears of each effect of an alert this leader records in etcd (the controller's metrics); none by default. */
    private volatile java.util.function.BiConsumer<Alert, Alert.Effect> alertEffects = (a, e) -> { };

    /** {@code listener} hears of every alert effect (moved, failed, stuck, unaffected) once etcd holds it. */
    public void onAlertEffect(java.util.function.BiConsumer<Alert, Alert.Effect> listener) {
        alertEffects = java.util.Objects.requireNonNull(listener);
    }

    private void recordEffect(Alert a, Alert.Effect effect) throws FleetException, InterruptedException {
        alerts.recordEffect(a, effect);
        alertEffects.accept(a, effect);
    }

    /** The hosts whose agents hold their lease now. */
    public List<Records.HostInfo> liveHosts() throws FleetException, InterruptedException { return liveHosts(etcd); }

    public static List<Records.HostInfo> liveHosts(Etcd etcd) throws FleetException, InterruptedException {
        Set<String> alive = new HashSet<>();
        for (KeyValue kv : etcd.list(EtcdKeys.AGENTS))
            alive.add(kv.getKey().toString(StandardCharsets.UTF_8).substring(EtcdKeys.AGENTS.length()));
        List<Records.HostInfo> out = new ArrayList<>();
        for (KeyValue kv : etcd.list(EtcdKeys.HOSTS)) {
            if (!kv.getKey().toString(StandardCharsets.UTF_8).endsWith("/info")) continue;
            Records.HostInfo h = Etcd.decode(kv, Records.HostInfo.class);
            if (alive.contains(h.name())) out.add(h);
        }
        return out;
    }

    /** The live hosts that are not drained: where apps may be placed, restarted or migrated to. */
    private List<Records.HostInfo> schedulable(java.util.Map<String, Records.Drained> drained) throws FleetException, InterruptedException {
        return schedulable(liveHosts(), drained);
    }

    private static List<Records.HostInfo> schedulable(List<Records.HostInfo> live, java.util.Map<String, Records.Drained> drained) {
        return live.stream().filter(h -> !drained.containsKey(h.name())).toList();
    }

    /** How long an app waits after a failed migration off a drained host before the next try. */
    static final long DRAIN_RETRY_MS = 5_000;

    /** Migrations refused for an agent's protocol, said once each (pacing of the log only). */
    private final Set<String> refusedSaid = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Why the agents of {@code hosts} cannot take part in a migration: one speaks a protocol version older than the
     * migration needs ({@link dev.talent.fleet.Protocol#refusal}); empty when both can (or a host's record is gone: the
     * migration then fails as for any host that cannot be reached).
     */
    private Optional<String> protocolRefusal(String... hosts) throws FleetException, InterruptedException {
        for (String h : hosts) {
            Optional<Records.HostInfo> info = dev.talent.fleet.Hosts.info(etcd, h);
            if (info.isEmpty()) continue;
            Optional<String> r = dev.talent.fleet.Protocol.refusal(h, info.get().speaks(), dev.talent.fleet.Protocol.neededByMigration());
            if (r.isPresent()) return r;
        }
        return Optional.empty();
    }

    /** Apps said to be stuck on a drained host (said once until they move or can move; pacing of the log only). */
    private final Set<String> stuck = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** When an app whose move off a drained host failed may try again (this leader's clock; pacing only, not state). */
    private final java.util.Map<String, Long> drainRetry = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Applies the drain and undrain requests ({@code talent drain}/{@code undrain}): the host's {@code drained} mark is
     * written or deleted in the leader's fenced transaction. Called at every pass.
     */
    public void applyDrains() throws FleetException, InterruptedException {
        java.util.Map<String, Records.Drained> marks = null;
        for (AppStore.Versioned<Records.DrainRequest> r : store.drainRequests()) {
            if (marks == null) marks = store.drained();
            String host = r.value().host();
            Optional<Records.Drained> mark = !r.value().drain() ? Optional.empty()
                    : Optional.of(marks.getOrDefault(host, new Records.Drained(host, clock.getAsLong(), controller)));
            if (store.applyDrain(r, mark))
                events.accept(host + (mark.isPresent() ? ": drained (no app is placed there; its apps move to other hosts)" : ": undrained"));
        }
    }

    /**
     * The app's host is drained: it moves to another live, undrained host that has one of its platforms (its own when
     * one does), as a migration with reason {@code drain}; none: it stays, and that is said. After a failed try (rolled
     * back: it runs on where it was) it waits {@link #DRAIN_RETRY_MS}.
     */
    private void offDrained(AppStore.AppView v, FleetAgents.Placement here, List<Records.HostInfo> live)
            throws FleetException, InterruptedException {
        String app = v.name();
        Long after = drainRetry.get(app);
        if (after != null && clock.getAsLong() < after) return;
        Optional<PlacementChooser.Choice> c = PlacementChooser.offHost(obeyed(v), here, live, random, rules(app, live));
        if (c.isEmpty()) {
            if (stuck.add(app))
                events.accept(app + ": " + here.host() + " is drained but no other live, undrained host has any of "
                        + String.join(",", v.spec().value().platforms()) + "; it stays there");
            return;
        }
        stuck.remove(app);
        migrate(v, c.get(), "drain", Optional.empty());
        if (store.view(app).flatMap(AppStore.AppView::where).map(p -> p.host().equals(here.host())).orElse(false))
            drainRetry.put(app, clock.getAsLong() + DRAIN_RETRY_MS);
        else
            drainRetry.remove(app);
    }

    /** One step for {@code app}; the caller makes sure no other step of the same app runs at the same time. */
    public void step(String app) throws FleetException, InterruptedException {
        Optional<AppStore.AppView> found = store.view(app);
        if (found.isEmpty()) return;
        AppStore.AppView v = found.get();
        if (v.inFlight().isPresent()) {
            resolve(v);
            return;
        }
        AppRecords.AppRecord spec = obeyed(v);
        if (spec.undeploy()) {
            undeploy(v);
            return;
        }
        if (v.ended().isPresent()) return;
        if (v.placement().isEmpty()) {
            deploy(spec);
            return;
        }
        AppStore.Versioned<Records.Placement> placed = v.placement().get();
        FleetAgents.Placement here = v.where().orElseThrow();
        if (!store.agentAlive(here.host())) {
            hostGone(v, here);
            return;
        }
        switch (agents.state(here.host(), app)) {
            case FleetAgents.AppState.Ended e -> {
                store.ended(new AppRecords.Ended(app, here.host(), e.platform(), e.status(), null, clock.getAsLong()));
                events.accept(app + " ended on " + here + " with status " + e.status());
                return;
            }
            case FleetAgents.AppState.Absent a -> {
                store.ended(new AppRecords.Ended(app, here.host(), here.platform(), null,
                        "lost: the agent of " + here.host() + " no longer has it", clock.getAsLong()));
                events.accept(app + " lost: the agent of " + here.host() + " no longer has it");
                return;
            }
            case FleetAgents.AppState.Lost l -> {
                store.ended(new AppRecords.Ended(app, here.host(), l.platform(), null, lost(here.host()), clock.getAsLong()));
                events.accept(app + " " + lost(here.host()));
                return;
            }
            case FleetAgents.AppState.Stopped st -> {
                // stopped at a checkpoint by a migration no record speaks of any more: it goes on where it is
                resumed(app, new FleetAgents.Placement(here.host(), st.platform()));
                return;
            }
            case FleetAgents.AppState.Running r -> { /* it runs: perhaps it moves */ }
        }
        // dropped requests whose clients did not read why (gone, or timed out) free their slots
        for (AppStore.Pending d : v.requests())
            if (d.value().wasDropped() && (d.value().droppedMs() == null || clock.getAsLong() - d.value().droppedMs() > DROPPED_KEEP_MS))
                store.deleteRequest(app, d);
        java.util.Map<String, Records.Drained> drained = store.drained();
        List<Records.HostInfo> all = liveHosts();
        List<Records.HostInfo> live = schedulable(all, drained);
        List<Alert> active = alerts.active();
        PlacementChooser.Rules rules = rules(app, active, all);
        Set<String> hits = rules.hits(here);
        if (!hits.isEmpty()) {
            alertMove(v, here, hits, active, live, rules);
            return;
        }
        noteUnaffected(app, here, active);
        if (v.request().isPresent()) {
            AppRecords.MigrateRequest r = v.request().get().value();
            if (r.fault() != null && !faultsAllowed) {
                String why = "the request asks for a fault at step " + r.fault() + " and this controller injects none"
                        + " (TALENT_FLEET_FAULT=requests, a testing aid)";
                events.accept(app + ": " + why + "; dropped");
                store.dropRequest(app, v.request().get(), why, clock.getAsLong());
                return;
            }
            Optional<PlacementChooser.Choice> c = PlacementChooser.requested(spec, here, r, live, random, rules);
            Optional<String> refused = c.isPresent() ? Optional.empty() : PlacementChooser.bindingRefusal(spec, here, r, live)
                    .or(() -> PlacementChooser.quarantineRefusal(spec, here, r, live, rules));
            if (refused.isPresent()) {
                String why = "the request --to " + (r.host() == null ? "" : r.host())
                        + (r.platform() == null ? "" : "/" + r.platform()) + " is " + refused.get();
                events.accept(app + ": " + why + "; dropped");
                store.dropRequest(app, v.request().get(), why, clock.getAsLong());
                return;
            }
            if (c.isEmpty()) {
                String why = "no live host fits the request --to " + (r.host() == null ? "" : r.host())
                        + (r.platform() == null ? "" : "/" + r.platform()) + " (see talent hosts)";
                events.accept(app + ": " + why + "; dropped");
                store.dropRequest(app, v.request().get(), why, clock.getAsLong());
                return;
            }
            migrate(v, c.get(), "request", v.request());
            return;
        }
        if (drained.containsKey(here.host())) {
            offDrained(v, here, live);
            return;
        }
        Records.Placement p = placed.value();
        boolean limit = spec.migrations() != null && p.moves() >= spec.migrations();
        if (p.nextMs() != null && limit) {
            store.replace(new Records.Placement(app, p.host(), p.platform(), p.sinceMs(), null, p.moves(), p.epoch()), placed.modRevision());
            return;
        }
        if (p.nextMs() == null || clock.getAsLong() < p.nextMs()) return;
        Optional<PlacementChooser.Choice> c = PlacementChooser.scheduled(spec, here, visited(v), live, random, rules);
        if (c.isEmpty()) {
            events.accept(app + ": no other live place to migrate to" + spec.buildBinding().map(b -> " of the "
                    + b.kind() + " of " + here.platform() + " (" + b.why() + ")").orElse("")
                    + "; schedule drawn again");
            store.replace(new Records.Placement(app, p.host(), p.platform(), p.sinceMs(), next(spec, p.moves()), p.moves(), p.epoch()),
                    placed.modRevision());
            return;
        }
        migrate(v, c.get(), "schedule", Optional.empty());
    }

    /** When an app whose move away from a quarantined place failed may try again (pacing only, not state). */
    private final java.util.Map<String, Long> alertRetry = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The app runs on a place carrying the tag of an active alert: it moves now (not at its scheduled time) to an
     * allowed place, drawn as a scheduled move is, with reason {@code alert TAG}; what happened is recorded as the
     * alert's effect on the app ({@code moved}, {@code failed}: rolled back, it still runs there and is tried again
     * after {@link #DRAIN_RETRY_MS}; {@code stuck}: no allowed place).
     */
    private void alertMove(AppStore.AppView v, FleetAgents.Placement here, Set<String> hits, List<Alert> active,
            List<Records.HostInfo> live, PlacementChooser.Rules rules) throws FleetException, InterruptedException {
        String app = v.name();
        Long after = alertRetry.get(app);
        if (after != null && clock.getAsLong() < after) return;
        List<Alert> concerned = active.stream().filter(a -> a.concerns(app) && hits.contains(a.tag())).toList();
        String tag = concerned.isEmpty() ? hits.iterator().next() : concerned.getFirst().tag();
        Optional<PlacementChooser.Choice> c = PlacementChooser.scheduled(obeyed(v), here, visited(v), live, random, rules);
        if (c.isEmpty()) {
            boolean said = concerned.stream().allMatch(a -> a.effects().stream()
                    .anyMatch(e -> e.app().equals(app) && e.action().equals("stuck") && here.toString().equals(e.from())));
            if (said) return;
            String why = "no live place of " + String.join(",", v.spec().value().platforms()) + " is free of the quarantined tags "
                    + String.join(", ", rules.quarantined());
            events.accept(app + ": on " + here + " (tag " + String.join(", ", hits) + " of an active alert) but " + why + "; it stays");
            for (Alert a : concerned) recordEffect(a, new Alert.Effect(app, "stuck", here.toString(), null, now(), why));
            return;
        }
        migrate(v, c.get(), "alert " + tag, Optional.empty());
        Optional<AppStore.AppView> after2 = store.view(app);
        Optional<FleetAgents.Placement> where = after2.flatMap(AppStore.AppView::where);
        List<MigrationRecord> records = after2.map(AppStore.AppView::migrations).orElse(List.of());
        MigrationRecord last = records.isEmpty() ? null : records.getLast();
        Alert.Effect effect;
        if (where.isPresent() && !where.get().equals(here) && rules.allows(where.get())) {
            alertRetry.remove(app);
            effect = new Alert.Effect(app, "moved", here.toString(), where.get().toString(), now(),
                    last != null && last.ok() ? "downtime " + last.downtimeMs() + " ms" : null);
        } else {
            alertRetry.put(app, clock.getAsLong() + DRAIN_RETRY_MS);
            effect = new Alert.Effect(app, "failed", here.toString(), null, now(),
                    last != null && !last.ok() ? last.error() : "the migration did not complete");
        }
        for (Alert a : concerned) recordEffect(a, effect);
    }

    /** Records, once, that the active alerts concerning {@code app} found it on an untagged place. */
    private void noteUnaffected(String app, FleetAgents.Placement here, List<Alert> active) throws FleetException, InterruptedException {
        for (Alert a : active) {
            if (!a.concerns(app) || a.effects().stream().anyMatch(e -> e.app().equals(app))) continue;
            recordEffect(a, new Alert.Effect(app, "unaffected", here.toString(), null, now(), null));
        }
    }

    private String now() { return Instant.ofEpochMilli(clock.getAsLong()).toString(); }

    /** When the next scheduled migration is due after {@code moves} successful ones; null: none. */
    private Long next(AppRecords.AppRecord spec, int moves) {
        if (spec.everyMinMs() == null || (spec.migrations() != null && moves >= spec.migrations())) return null;
        long span = spec.everyMaxMs() - spec.everyMinMs();
        return clock.getAsLong() + spec.everyMinMs() + (span == 0 ? 0 : random.nextLong(span + 1));
    }

    /** How a binding read from the app's checkpoint begins its reason (the build's own are worded otherwise). */
    static final String CHECKPOINT_BOUND = "its last checkpoint is bound to its byte order";

    /**
     * The app's spec as its moves must obey it: its build's binding, joined with what bound its newest checkpoint that a
     * source agent read (the newest migration record that reached the checkpoint's hand-over or says what bound it:
     * {@link MigrationRecord#binding()}). A checkpoint bound to its writer's byte order (a heap block carried as raw
     * bytes, a union whose member depends on it) cannot be restored on another, so the next moves stay on places of
     * that byte order (and pointer width) until a checkpoint is free of it again. Kept in the records in etcd, not
     * here: a controller that takes over knows it as well.
     */
    static AppRecords.AppRecord bound(AppStore.AppView v) {
        AppRecords.AppRecord spec = v.spec().value();
        List<MigrationRecord> records = v.migrations();
        for (int i = records.size() - 1; i >= 0; i--) {
            MigrationRecord r = records.get(i);
            if (r.binding() == null && r.parts() == null) continue;     // not known whether its checkpoint was bound
            if (r.binding() == null) return spec;
            return spec.withBinding(Optional.of(joined(spec.buildBinding(), r.binding())));
        }
        return spec;
    }

    /**
     * {@link #bound}, and where the app runs now: an agent there before protocol 4 cannot say whether the checkpoint it
     * will take is bound, so the app's moves from there keep to its platform's byte order and pointer width
     * ({@link dev.talent.fleet.Protocol#unsaidBinding}): the choice and a request obey it before the program stops, as
     * the transfer would refuse the checkpoint after.
     */
    private AppRecords.AppRecord obeyed(AppStore.AppView v) throws FleetException, InterruptedException {
        AppRecords.AppRecord spec = bound(v);
        Optional<FleetAgents.Placement> here = v.where();
        if (here.isEmpty()) return spec;
        Optional<Records.HostInfo> info = dev.talent.fleet.Hosts.info(etcd, here.get().host());
        return info.isEmpty() ? spec : unsaid(spec, here.get(), info.get().speaks());
    }

    /** {@code spec} joined with what must be assumed of a checkpoint taken at {@code here} by an agent of {@code speaks}. */
    static AppRecords.AppRecord unsaid(AppRecords.AppRecord spec, FleetAgents.Placement here, int speaks) {
        return dev.talent.fleet.Protocol.unsaidBinding(here.host(), here.platform(), speaks)
                .map(b -> spec.withBinding(Optional.of(joined(spec.buildBinding(), MigrationRecord.Bound.of(b)))))
                .orElse(spec);
    }

    /** The build's binding (if any) and a checkpoint's, as one. */
    static dev.talent.toolchain.BuildBinding joined(Optional<dev.talent.toolchain.BuildBinding> build, MigrationRecord.Bound ck) {
        String why = CHECKPOINT_BOUND + (ck.pointerBits() == 0 ? "" : " and pointer width")
                + ": " + ck.why();
        return build.map(b -> new dev.talent.toolchain.BuildBinding(true, b.pointerWidth() || ck.pointerBits() != 0, b.isaClasses(),
                        b.why() + "; " + why))
                .orElseGet(() -> new dev.talent.toolchain.BuildBinding(true, ck.pointerBits() != 0, why));
    }

    /** The app's places in order: where it started, then each successful migration's destination. */
    static List<FleetAgents.Placement> visited(AppStore.AppView v) {
        List<FleetAgents.Placement> out = new ArrayList<>();
        for (MigrationRecord r : v.migrations()) {
            if (out.isEmpty()) out.add(AppRecords.placement(r.from()));
            if (r.ok()) out.add(AppRecords.placement(r.to()));
        }
        if (out.isEmpty()) v.where().ifPresent(out::add);
        return out;
    }

    private void deploy(AppRecords.AppRecord spec) throws FleetException, InterruptedException {
        List<Records.HostInfo> live = schedulable(store.drained());
        Optional<PlacementChooser.Choice> c = PlacementChooser.first(spec, live, random, rules(spec.name(), live));
        if (c.isEmpty()) {
            events.accept(spec.name() + ": no live host has any of " + String.join(",", spec.platforms()) + "; waiting");
            return;
        }
        FleetAgents.Placement at = c.get().to();
        try {
            agents.start(at, spec.spec());
        } catch (FleetException e) {
            String why = e.getMessage().contains(at.toString()) ? e.getMessage() : "on " + at + ": " + e.getMessage();
            store.startFailed(new AppStore.StartError(spec.name(), why, clock.getAsLong()));
            throw new FleetException("cannot start " + spec.name() + " on " + at + ": " + e.getMessage(), e);
        }
        if (!store.place(new Records.Placement(spec.name(), at.host(), at.platform(), clock.getAsLong(), next(spec, 0), 0, 0))) {
            // undeployed (or placed by another leader) meanwhile: what was started goes
            agents.remove(at.host(), spec.name());
            return;
        }
        events.accept(spec.name() + " runs on " + at);
    }

    private void undeploy(AppStore.AppView v) throws FleetException, InterruptedException {
        Set<String> hosts = new java.util.LinkedHashSet<>();
        v.where().ifPresent(p -> hosts.add(p.host()));
        for (String h : hosts) {
            // a host whose agent is gone cannot be asked; its agent, back, finds no spec and stops the app (PlacementFence)
            if (store.agentAlive(h)) agents.remove(h, v.name());
            else events.accept(v.name() + ": " + h + "'s agent is gone; it stops the app when it comes back");
        }
        Optional<String> ip = Optional.ofNullable(v.spec().value().net() ? v.spec().value().ip() : null);
        AppArchive.Retention r = retention;
        if (r.keep() == 0) {
            store.forget(v.name(), ip);
            events.accept(v.name() + " undeployed");
            return;
        }
        // its past stays readable (talent report, status) under the retention: AppArchive
        List<FleetHistory.Event> history;
        try {
            history = new FleetHistory(etcd).read(v.name());
        } catch (FleetException e) {
            events.accept(v.name() + ": its alert history cannot be read (" + e.getMessage() + "); archived without it");
            history = List.of();
        }
        long now = clock.getAsLong();
        if (store.retire(v, history, now, ip)) {
            events.accept(v.name() + " undeployed; its records are kept as an ended app's (" + v.migrations().size() + " migrations, "
                    + history.size() + " alert events)");
            pruneArchives(now, true);
        }
    }

    /** Ended apps' archives kept ({@code talent controller --keep-ended, --keep-ended-for}). */
    private volatile AppArchive.Retention retention = AppArchive.Retention.DEFAULT;
    private volatile long prunedMs = -PRUNE_PERIOD_MS;
    /** How often the leader applies the retention's age limit when no app is undeployed. */
    static final long PRUNE_PERIOD_MS = 60_000;

    /** Applies {@code r} from the next undeployment and pruning on. */
    public void useRetention(AppArchive.Retention r) { this.retention = java.util.Objects.requireNonNull(r); }

    /**
     * Deletes the ended apps' archives the retention does not keep: at once ({@code now}: after an archiving) or at
     * most once per {@link #PRUNE_PERIOD_MS} (the leader's passes). A failure is said, not thrown (the next one tries again).
     */
    public void pruneArchives(long nowMs, boolean now) throws InterruptedException {
        if (!now && nowMs - prunedMs < PRUNE_PERIOD_MS) return;
        prunedMs = nowMs;
        try {
            int n = new AppArchive(etcd).prune(retention, nowMs);
            if (n > 0) events.accept("pruned " + n + " ended apps' archives (keep " + retention.keep() + ", for " + retention.maxAgeMs() + " ms)");
        } catch (FleetException e) {
            events.accept("cannot prune the ended apps' archives: " + e.getMessage());
        }
    }

    /** {@link #pruneArchives(long, boolean)} at the leader's pace. */
    public void pruneArchives() throws InterruptedException { pruneArchives(clock.getAsLong(), false); }

    private void migrate(AppStore.AppView v, PlacementChooser.Choice choice, String reason,
            Optional<AppStore.Pending> request) throws FleetException, InterruptedException {
        String app = v.name();
        AppRecords.AppRecord spec = v.spec().value();
        AppStore.Versioned<Records.Placement> placed = v.placement().orElseThrow();
        FleetAgents.Placement from = v.where().orElseThrow(), to = choice.to();
        // an agent that cannot speak what the migration needs: refused now, before either agent is asked for anything
        // (never a rollback once the program stopped)
        Optional<String> unspoken = protocolRefusal(from.host(), to.host());
        if (unspoken.isPresent()) {
            String why = "not migrating " + from + " -> " + to + " (" + reason + "): " + unspoken.get();
            if (request.isPresent()) {
                events.accept(app + ": " + why + "; the request is dropped");
                store.dropRequest(app, request.get(), "the request is refused: " + unspoken.get(), clock.getAsLong());
            } else if (reason.equals("schedule")) {
                events.accept(app + ": " + why + "; schedule drawn again");
                Records.Placement p = placed.value();
                store.replace(new Records.Placement(app, p.host(), p.platform(), p.sinceMs(), next(spec, p.moves()), p.moves(), p.epoch()),
                        placed.modRevision());
            } else if (refusedSaid.add(app + "\u0000" + why)) {
                events.accept(app + ": " + why);
            }
            return;
        }
        AppRecords.InFlight f = new AppRecords.InFlight(app, from.toString(), to.toString(), reason, choice.how(),
                clock.getAsLong(), controller, false, request.map(AppStore.Pending::id).orElse(null));
        Optional<Long> begun = store.begin(f, placed.modRevision());
        if (begun.isEmpty()) return; // the placement changed or another migration began: the next step sees which
        int moves = placed.value().moves() + 1;
        Records.Placement there = new Records.Placement(app, to.host(), to.platform(), clock.getAsLong(), next(spec, moves), moves,
                placed.value().epoch());
        AtomicBoolean committed = new AtomicBoolean();
        long[] inFlightRevision = {begun.get()};
        // the in-flight record as etcd has it: with the pre-copy phase once the first round is taken
        AppRecords.InFlight[] current = {f};
        dev.talent.migrate.pipeline.PrecopyStep.Progress precopied = (rounds, bytes, nanos, handedOver) -> {
            AppRecords.InFlight next = current[0].inPrecopy(new AppRecords.PrecopyPhase(rounds, bytes, nanos / 1e6, handedOver));
            Optional<Long> rev;
            try {
                rev = store.phase(next, inFlightRevision[0]);
            } catch (FleetException e) {
                throw new MigrationFailedException(dev.talent.migrate.Step.PRECOPY, "cannot write the pre-copy phase of " + app
                        + " to etcd: " + e.getMessage() + "; the program keeps running on " + from);
            }
            if (rev.isEmpty())
                throw new MigrationFailedException(dev.talent.migrate.Step.PRECOPY, "etcd refused the pre-copy phase of " + app
                        + " (this controller no longer leads?); the program keeps running on " + from);
            inFlightRevision[0] = rev.get();
            current[0] = next;
            long stall = handedOver ? 0 : precopyStallMs.getAndSet(0);
            if (stall > 0) {
                events.accept(app + ": stalling " + stall + " ms in its pre-copy phase after round " + rounds
                        + " (a testing aid: TALENT_FLEET_FAULT=precopy-stall)");
                Thread.sleep(stall);
            }
        };
        events.accept(app + ": migrating " + from + " -> " + to + " (" + reason + ", " + choice.how() + ")");
        MigrationRecord record;
        try {
            Optional<dev.talent.migrate.Step> fault = request.flatMap(q -> q.value().faultStep()).filter(x -> faultsAllowed);
            fault.ifPresent(x -> events.accept(app + ": injecting a fault at step " + x.label() + " (requested; a testing aid)"));
            boolean commitFault = faultsAllowed && request.map(q -> q.value().faultAtCommit()).orElse(false);
            if (commitFault) events.accept(app + ": injecting a fault at step commit (requested; a testing aid)");
            record = agents.migrate(app, from, to, reason, () -> {
                if (commitFault) return Optional.of("fault injected at step commit (migrate --inject-fault commit): the commit was"
                        + " not written to etcd");
                try {
                    long stall = stallEvery ? stallMs.get() : stallMs.getAndSet(0);
                    if (stall > 0) {
                        events.accept(app + ": stalling " + stall + " ms before the commit (a testing aid: TALENT_FLEET_FAULT=commit-stall" + (stallEvery ? "-every" : "") + ")");
                        Thread.sleep(stall);
                    }
                    Optional<Long> rev = store.commit(current[0], inFlightRevision[0],
                            new Records.Placement(app, to.host(), to.platform(), clock.getAsLong(), there.nextMs(), moves, there.epoch()));
                    if (rev.isEmpty()) return Optional.of("etcd refused the commit of " + app + " (this controller no longer leads?)");
                    inFlightRevision[0] = rev.get();
                    committed.set(true);
                    return Optional.empty();
                } catch (FleetException e) {
                    return Optional.of("cannot commit the placement of " + app + " in etcd: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.of("interrupted while committing the placement of " + app);
                }
            }, fault, spec.precopy() == null ? 0 : spec.precopy(), precopied);
        } catch (NotCommittedException e) {
            // the destination runs, the source is stopped at its checkpoint, etcd places the app on the source: the
            // next step resolves it as a migration whose leader died there (the source keeps it); its record says why
            notCommitted.put(app, new Unfinished(f.startedMs(), AppRecords.COMMIT, "its commit failed (" + e.getMessage() + ")"));
            events.accept(app + ": migration " + from + " -> " + to + " not committed: " + e.getMessage() + "; resolving");
            return;
        } catch (MigrationFailedException e) {
            record = failed(f, e.step().name().toLowerCase(java.util.Locale.ROOT), e.describe());
        } catch (RollbackFailedException e) {
            // the program stopped and could not be restarted where it was (the source's agent died or restarted in
            // the middle, say): `current` stays, and the next step asks both agents what they hold, as after a leader
            // that died there (a source stopped at its checkpoint is resumed; one that is gone ends the app, recorded)
            notCommitted.put(app, new Unfinished(f.startedMs(), "rollback", "its rollback failed (" + e.getMessage() + ")"));
            events.accept(app + ": migration " + from + " -> " + to + " could not be rolled back: " + e.getMessage() + "; resolving");
            return;
        }
        if (record.ok() != committed.get()) {
            // the agents and etcd disagree (a commit that failed, a record that says otherwise): ask the agents
            events.accept(app + ": migration " + (record.ok() ? "done but not committed" : "committed but failed") + "; resolving");
            return;
        }
        record = record.because(reason, choice.how()).forRequest(f.request());
        // a pre-copy that failed: its record says how far the phase got, as etcd had it
        if (record.precopy() == null && current[0].precopy() != null) record = record.withPrecopy(current[0].precopy().asRecorded());
        Optional<Records.Placement> placement = record.ok() ? Optional.empty() : Optional.of(new Records.Placement(app,
                from.host(), from.platform(), placed.value().sinceMs(), next(spec, moves - 1), moves - 1,
                placed.value().epoch()));
        if (store.finish(v, inFlightRevision[0], record, request, placement)) recorded.accept(record);
        events.accept(app + (record.ok() ? ": now on " + to + " (downtime " + record.downtimeMs() + " ms)"
                : ": rolled back to " + from + ": " + record.error()));
    }

    /**
     * The app's host has no agent holding a lease. Within the grace period nothing happens (an agent restarting or
     * being upgraded comes back and adopts the app). Past it the host is lost: the app is restarted on another live
     * host from the newest checkpoint of it off the lost host, if there were one, but a checkpoint stays on the host
     * that runs the app (a migration's goes to its destination, and the source removes its copy), so there is none;
     * it is therefore restarted from scratch (as deployed) under a new placement epoch if its spec allows it
     * ({@code --on-host-loss restart}), or recorded lost. Either is written to its migration records
     * ({@code reason host-lost}). The stale copy, if the lost host comes back with it, is stopped by its agent: the
     * placement no longer names that host and epoch ({@link PlacementFence}).
     */
    private void hostGone(AppStore.AppView v, FleetAgents.Placement here) throws FleetException, InterruptedException {
        String app = v.name();
        long now = clock.getAsLong();
        Optional<Records.HostDown> down = store.hostDown(here.host());
        if (down.isEmpty()) {
            // an agent stopped with SIGTERM said so before its lease went: it is being restarted, its apps run on
            Optional<Records.AgentRestarting> restarting = store.restarting(here.host());
            long wait = graces.forHost(restarting.isPresent());
            if (store.markDown(new Records.HostDown(here.host(), now, restarting.isPresent())))
                events.accept(here.host() + ": its agent holds no lease" + restarting.map(r -> " (it stopped to be restarted,"
                        + " leaving " + r.apps() + " app(s) running)").orElse("") + "; its apps wait " + wait + " ms for it to come back");
            return;
        }
        long gone = now - down.get().sinceMs();
        long hostGraceMs = graces.forHost(down.get().restarting());
        if (gone < hostGraceMs) return;
        AppRecords.AppRecord spec = v.spec().value();
        AppStore.Versioned<Records.Placement> placed = v.placement().orElseThrow();
        String why = "host " + here.host() + " lost (its agent held no lease for " + gone + " ms; grace " + hostGraceMs + " ms)";
        String noCopy = "no checkpoint of it exists off " + here.host() + " (checkpoints stay on the host that runs the app)";
        if (!spec.restartOnHostLoss()) {
            String error = "lost: " + why + "; " + noCopy + " and its spec does not allow a restart from scratch"
                    + " (deploy --on-host-loss restart)";
            MigrationRecord r = new MigrationRecord(app, here.toString(), here.toString(), false, null, null, null, null, null,
                    null, "host-lost", error, Instant.ofEpochMilli(now), 0, 0, null).because("host-lost", "none");
            if (store.lose(v, placed.modRevision(), new AppRecords.Ended(app, here.host(), here.platform(), null, error, now), r)) {
                recorded.accept(r);
                events.accept(app + " " + error);
            }
            return;
        }
        List<Records.HostInfo> live = schedulable(store.drained()).stream().filter(h -> !h.name().equals(here.host())).toList();
        Optional<PlacementChooser.Choice> c = PlacementChooser.first(spec, live, random, rules(app, live));
        if (c.isEmpty()) {
            events.accept(app + ": " + why + "; no live host has any of " + String.join(",", spec.platforms()) + ": waiting");
            return;
        }
        FleetAgents.Placement to = c.get().to();
        long epoch = placed.value().epoch() + 1;
        agents.start(to, spec.spec(epoch));
        long started = clock.getAsLong();
        int moves = placed.value().moves();
        MigrationRecord r = new MigrationRecord(app, here.toString(), to.toString(), true, null, null, null, null, null, null,
                null, null, Instant.ofEpochMilli(started), 0, 0, null)
                .because("host-lost", "restarted from scratch on " + to + ": " + noCopy);
        if (!store.rehome(v, placed.modRevision(), new Records.Placement(app, to.host(), to.platform(), started,
                next(spec, moves), moves, epoch), r)) {
            // the placement changed meanwhile (another leader, an undeploy): what was started goes
            agents.remove(to.host(), app);
            return;
        }
        recorded.accept(r);
        events.accept(app + ": " + why + "; restarted from scratch on " + to + " (epoch " + epoch + ", "
                + (started - down.get().sinceMs()) + " ms after its agent was seen gone)");
    }

    private MigrationRecord failed(AppRecords.InFlight f, String step, String error) {
        return new MigrationRecord(f.app(), f.from(), f.to(), false, null, null, null, null, null, null, step, error,
                Instant.ofEpochMilli(clock.getAsLong()), 0, 0, null).because(f.reason(), f.choice()).forRequest(f.request());
    }

    /**
     * Resumes the app stopped at {@code winner} once the other side's copy (if it has one: {@code other} Running or
     * Stopped) is off the network, so that never two copies have the app's address: the other side is a destination
     * that may hold the app's connections and its peers' packets. A copy that cannot be taken off is said and the
     * resume goes on (an uncommitted destination was never unlocked: its traffic stays held until it is removed).
     * When the resume fails and the other side runs, it is let back onto the network (it keeps the app).
     */
    private boolean isolatedThenResumed(String app, FleetAgents.Placement winner, FleetAgents.Placement loser,
            FleetAgents.AppState other) throws InterruptedException {
        boolean copy = other instanceof FleetAgents.AppState.Running || other instanceof FleetAgents.AppState.Stopped;
        if (copy) {
            try {
                agents.isolate(loser.host(), app);
            } catch (FleetException e) {
                events.accept(app + ": cannot take the copy on " + loser + " off the network before it resumes on " + winner
                        + ": " + e.getMessage() + "; resuming anyway (that copy was never let onto the network before a"
                        + " commit: it holds its traffic until it is removed)");
            }
        }
        if (resumed(app, winner)) return true;
        if (other instanceof FleetAgents.AppState.Running) rejoin(app, loser);
        return false;
    }

    /**
     * Two platforms of one host: the place the app is not on ({@code keep}'s other: a prepared destination, or the source
     * it left) goes, as a release would have removed it; a failure is said (it goes when the app is removed).
     */
    private void droppedOtherPlace(String app, FleetAgents.Placement from, FleetAgents.Placement to, FleetAgents.Placement keep)
            throws InterruptedException {
        String other = keep.platform().equals(to.platform()) ? from.platform() : to.platform();
        if (other.equals(keep.platform())) return;
        try {
            agents.dropPlace(from.host(), app, other);
        } catch (FleetException e) {
            events.accept(app + ": cannot remove its place on " + from.host() + "/" + other + " after the interrupted migration: "
                    + e.getMessage() + " (it goes when the app is removed)");
        }
    }

    /** {@link FleetAgents#rejoin}; a failure is said (the next step tries again only if the migration is unresolved). */
    private void rejoin(String app, FleetAgents.Placement at) throws InterruptedException {
        try {
            agents.rejoin(at.host(), app);
        } catch (FleetException e) {
            events.accept(app + ": cannot let its copy on " + at + " onto the network: " + e.getMessage());
        }
    }

    /** Restarts {@code app}, stopped at its checkpoint on {@code at}, there; false (said) when it cannot. */
    private boolean resumed(String app, FleetAgents.Placement at) throws InterruptedException {
        try {
            agents.resume(at.host(), app);
            events.accept(app + ": resumed on " + at + " from its newest accepted checkpoint");
            return true;
        } catch (FleetException e) {
            events.accept(app + ": cannot resume on " + at + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * A migration in flight without a leader driving it (the one that began it died, or its commit or its rollback failed): the
     * agents of both hosts say where the app is, and that decides it. Committed: the destination keeps it and the
     * source is removed. Not committed: the source keeps it and the destination is removed, unless the source no
     * longer has it and the destination runs it (then that is where it is). A side that keeps the app but whose
     * program is stopped at its checkpoint (the leader died inside the downtime window) is resumed there first from
     * the newest checkpoint talent accepted, as a rollback does; the other side goes after. Never two copies, never none while one
     * agent still has it.
     */
    void resolve(AppStore.AppView v) throws FleetException, InterruptedException {
        // kept until it is resolved: an agent that cannot be asked yet (restarting) makes this step fail and come again
        long started = v.inFlight().orElseThrow().value().startedMs();
        resolve(v, Optional.ofNullable(notCommitted.get(v.name())).filter(u -> u.startedMs() == started));
        notCommitted.remove(v.name());
    }

    /** A migration this controller drove that did not finish: the step of its record and what happened. */
    private record Unfinished(long startedMs, String step, String what) {}

    /** Apps whose migration this controller drove and could not commit or roll back, and why (for the record of its resolution). */
    private final java.util.Map<String, Unfinished> notCommitted = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * As {@link #resolve(AppStore.AppView)}; {@code commitFailed}: this leader drove the migration and its commit failed
     * for that reason (the record says so, with the step {@code commit}, instead of a leader that stopped).
     */
    private void resolve(AppStore.AppView v, Optional<Unfinished> commitFailed) throws FleetException, InterruptedException {
        AppStore.Versioned<AppRecords.InFlight> held = v.inFlight().orElseThrow();
        AppRecords.InFlight f = held.value();
        String app = v.name();
        FleetAgents.Placement from = f.source(), to = f.destination();
        boolean committed = f.committed() || v.where().map(to::equals).orElse(false);
        boolean oneHost = from.host().equals(to.host());
        FleetAgents.AppState sf = agents.state(from.host(), app);
        FleetAgents.AppState st = oneHost ? sf : agents.state(to.host(), app);
        FleetAgents.Placement keep = null;
        AppRecords.Ended ended = null;
        String removeFrom = null;
        long now = clock.getAsLong();
        if (oneHost) {
            switch (sf) {
                case FleetAgents.AppState.Running r -> keep = new FleetAgents.Placement(from.host(), r.platform());
                case FleetAgents.AppState.Stopped sp -> {
                    // the other platform's copy (a prepared destination, which may hold the app's address) goes
                    // before the app resumes, as isolatedThenResumed does between two hosts: never two copies on
                    // the network
                    FleetAgents.Placement at = new FleetAgents.Placement(from.host(), sp.platform());
                    droppedOtherPlace(app, from, to, at);
                    if (resumed(app, at)) keep = at;
                }
                case FleetAgents.AppState.Ended e -> ended = new AppRecords.Ended(app, from.host(), e.platform(), e.status(), null, now);
                case FleetAgents.AppState.Lost l -> ended = new AppRecords.Ended(app, from.host(), l.platform(), null, lost(from.host()), now);
                case FleetAgents.AppState.Absent a -> { }
            }
        } else {
            FleetAgents.Placement winner = committed ? to : from, loser = committed ? from : to;
            FleetAgents.AppState sw = committed ? st : sf, sl = committed ? sf : st;
            FleetAgents.Placement holder = null;
            if (sw instanceof FleetAgents.AppState.Running) {
                keep = holder = winner;
            } else if (sw instanceof FleetAgents.AppState.Stopped && isolatedThenResumed(app, winner, loser, sl)) {
                // stopped at its checkpoint and left there (the controller died before the destination took it
                // over, or before etcd recorded it did, or the commit failed): it goes on where it stopped, as a
                // rollback, once the other side is off the network
                keep = holder = winner;
            } else if (sw instanceof FleetAgents.AppState.Ended e) {
                ended = new AppRecords.Ended(app, winner.host(), e.platform(), e.status(), null, now);
                holder = winner;
            } else if (sl instanceof FleetAgents.AppState.Running) {
                keep = holder = loser; // the other side is where it went (or stayed)
            } else if (sl instanceof FleetAgents.AppState.Stopped && resumed(app, loser)) {
                keep = holder = loser;
            } else if (sl instanceof FleetAgents.AppState.Ended e) {
                ended = new AppRecords.Ended(app, loser.host(), e.platform(), e.status(), null, now);
                holder = loser;
            } else if (sw instanceof FleetAgents.AppState.Lost l) {
                ended = new AppRecords.Ended(app, winner.host(), l.platform(), null, lost(winner.host()), now);
                holder = winner;
            } else if (sl instanceof FleetAgents.AppState.Lost l) {
                ended = new AppRecords.Ended(app, loser.host(), l.platform(), null, lost(loser.host()), now);
                holder = loser;
            }
            // the other host goes, whatever it says: a prepared destination or a source not yet released is garbage
            if (holder != null) removeFrom = holder.equals(from) ? to.host() : from.host();
        }
        // the other side may have run with the app's connections (a destination unlocked before a commit that failed):
        // it goes silently, so that its teardown closes none of them at the peers
        if (removeFrom != null) agents.removeCopy(removeFrom, app);
        // the destination that keeps the app may never have been unlocked: its network opens after the commit, and
        // the leader that drove it may have died (or failed to commit) before (idempotent when it was unlocked)
        if (!oneHost && keep != null && keep.equals(to)) rejoin(app, to);
        if (oneHost && keep != null && !(sf instanceof FleetAgents.AppState.Stopped)) droppedOtherPlace(app, from, to, keep);
        boolean ok = keep != null ? keep.equals(to) : ended != null && ended.host().equals(to.host()) && !oneHost;
        String note = commitFailed.map(u -> u.what() + "; resolved by controller " + controller
                + " from what the agents hold").orElse("resolved by controller " + controller + " after the one that began it stopped");
        // begun, pre-copying and never committed: before the base was handed over the program was never stopped (the
        // phase runs before the stop); after it, the stop may have come
        if (f.precopy() != null && !f.committed())
            note += f.precopy().handedOver()
                    ? " after its pre-copy phase (" + f.precopy().rounds() + " rounds, base handed over)"
                    : " in its pre-copy phase (round " + f.precopy().rounds() + "), before the program stopped";
        MigrationRecord record = ok
                ? new MigrationRecord(app, f.from(), f.to(), true, null, null, null, null, null, null, null, null,
                        Instant.ofEpochMilli(now), 0, 0, null).because(f.reason(), f.choice() + "; " + note).forRequest(f.request())
                : failed(f, commitFailed.map(Unfinished::step).orElse("controller"), "the migration did not complete; " + note);
        if (f.precopy() != null) record = record.withPrecopy(f.precopy().asRecorded());
        AppRecords.AppRecord spec = v.spec().value();
        int moves = v.placement().map(p -> p.value().moves()).orElse(0);
        if (ok && !v.where().map(to::equals).orElse(false)) moves++;
        if (!ok && v.where().map(to::equals).orElse(false)) moves--;
        Optional<Records.Placement> placement = keep == null ? Optional.empty() : Optional.of(new Records.Placement(app,
                keep.host(), keep.platform(), now, next(spec, moves), moves,
                v.placement().map(p -> p.value().epoch()).orElse(0L)));
        // the request it served is served (in-flight records of older talents carry no id: then the oldest request made
        // before it began); the others wait for their own migrations
        Optional<AppStore.Pending> served = f.request() != null
                ? v.requests().stream().filter(r -> r.id() == f.request()).findFirst()
                : v.request().filter(r -> f.reason().equals("request") && r.value().atMs() <= f.startedMs());
        if (store.finish(v, held.modRevision(), record, served, placement)) recorded.accept(record);
        if (keep == null && ended == null)
            ended = new AppRecords.Ended(app, to.host(), to.platform(), null,
                    "lost: neither " + from.host() + " nor " + to.host() + " has it after an interrupted migration", now);
        if (ended != null) store.ended(ended);
        events.accept(app + ": migration " + f.from() + " -> " + f.to() + " " + (ok ? "finished" : "rolled back") + " ("
                + note + ")" + (keep != null ? "; runs on " + keep : "; " + (ended.error() != null ? ended.error() : "ended")));
    }

    /** The error recorded for an app whose program ended unseen on {@code host} (its agent restarted). */
    static String lost(String host) {
        return "lost: its program ended on " + host + " while the agent there was down or had restarted (exit status unknown)";
    }
}
