package dev.talent.fleet.apps;

import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import dev.talent.migrate.control.MigrationRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What the fleet commands do ({@code deploy}, {@code status}, {@code logs}, {@code migrate}, {@code wait},
 * {@code undeploy}): they write the desired state to etcd and read what the leader and the agents made of it. They
 * never move an app themselves; the leading controller does.
 */
public final class FleetApps {
    private static final long POLL_MS = 100;
    /** How long {@code deploy} waits on a start error for the leader's next tries (two) to work. */
    static final Duration START_ERROR_GRACE = Duration.ofMillis(2 * AppLeader.RETRY_MS + 1000);

    private final AppStore store;
    private final FleetAgents agents;
    private final dev.talent.fleet.Etcd etcd;

    /** Where --net apps get their addresses (fleet.conf's net.* lines); empty: --net is refused. */
    private final Optional<dev.talent.fleet.AppNetwork> network;

    public FleetApps(dev.talent.fleet.Etcd etcd, FleetAgents agents) {
        this(etcd, agents, Optional.empty());
    }

    public FleetApps(dev.talent.fleet.Etcd etcd, FleetAgents agents, Optional<dev.talent.fleet.AppNetwork> network) {
        this.store = new AppStore(etcd);
        this.agents = agents;
        this.etcd = etcd;
        this.network = network;
    }

    /** The blobs a deploy uploads: each platform's binary, and the working directory's archive (may be absent). */
    public record Blobs(Map<String, Path> binaries, Optional<Path> workdir) {}

    /**
     * Uploads the blobs to the live hosts that can run them, writes the spec, and waits until the app runs somewhere
     * (or ended at once); returns where it runs.
     */
    public AppStore.AppView deploy(AppRecords.AppRecord app, Blobs blobs, Duration timeout)
            throws FleetException, InterruptedException {
        if (store.view(app.name()).isPresent()) throw new FleetException("an app named " + app.name() + " is deployed (talent undeploy " + app.name() + ")");
        List<Records.HostInfo> live = AppReconciler.liveHosts(etcd);
        boolean any = false;
        for (Records.HostInfo h : live) {
            boolean uses = false;
            for (String p : app.platforms()) {
                if (!h.platforms().contains(p)) continue;
                agents.putBlob(h.name(), app.binaries().get(p), blobs.binaries().get(p));
                uses = true;
            }
            if (uses && app.workdir() != null) agents.putBlob(h.name(), app.workdir(), blobs.workdir().orElseThrow());
            any |= uses;
        }
        if (!any) throw new FleetException("no live host has any of the platforms " + String.join(",", app.platforms()) + " (see talent hosts)");
        if (app.net()) {
            createWithAddress(app);
        } else if (!store.create(app)) {
            throw new FleetException("an app named " + app.name() + " is deployed (talent undeploy " + app.name() + ")");
        }
        long[] firstError = {0};
        return until(timeout, "app " + app.name() + " to start (is a controller leading? see talent hosts)", () -> {
            Optional<AppStore.AppView> v = view(app.name()).filter(x -> x.placement().isPresent() || x.ended().isPresent());
            if (v.isPresent()) return v;
            Optional<AppStore.StartError> error = store.startError(app.name());
            if (error.isPresent()) {
                // the leader tries again every AppLeader.RETRY_MS: a start that failed once (an agent just restarted,
                // its gRPC channel not up yet) often works at the next try; an error that outlasts two tries is told
                long now = System.nanoTime();
                if (firstError[0] == 0) firstError[0] = now;
                if (now - firstError[0] >= START_ERROR_GRACE.toNanos())
                    throw new FleetException("the leader could not start " + app.name() + ": " + error.get().error()
                            + " (it tries again; talent undeploy " + app.name() + " gives up)");
            }
            return Optional.empty();
        });
    }

    /**
     * Writes a --net app's spec with its address: the one asked for, or the lowest free one of the fleet's range
     * ({@link AddressPool}); another deploy that took it meanwhile makes this one choose again (at most 8 times).
     */
    private void createWithAddress(AppRecords.AppRecord app) throws FleetException, InterruptedException {
        if (network.isEmpty())
            throw new FleetException("this fleet has no network for --net apps (the net.* lines of its fleet.conf; talent lab up writes them)");
        Optional<dev.talent.container.Ipv4> asked;
        try {
            asked = Optional.ofNullable(app.ip()).map(dev.talent.container.Ipv4::parse);
        } catch (IllegalArgumentException e) {
            throw new FleetException("--ip: " + e.getMessage(), e);
        }
        for (int attempt = 0; attempt < 8; attempt++) {
            dev.talent.container.Ipv4 address;
            try {
                address = AddressPool.choose(network.get(), store.addresses(), asked);
            } catch (IllegalArgumentException e) {
                throw new FleetException((asked.isPresent() ? "--ip: " : "") + e.getMessage(), e);
            }
            AppRecords.AppRecord withAddress = new AppRecords.AppRecord(app.name(), app.binaries(), app.args(), app.workdir(), true,
                    address.toString(), app.platforms(), app.everyMinMs(), app.everyMaxMs(), app.migrations(), app.createdMs(),
                    app.undeploy(), app.onHostLoss(), app.binding(), app.precopy());
            if (store.createWithAddress(withAddress)) return;
            if (store.view(app.name()).isPresent())
                throw new FleetException("an app named " + app.name() + " is deployed (talent undeploy " + app.name() + ")");
        }
        throw new FleetException("cannot give " + app.name() + " an address: other deploys took every one chosen (try again)");
    }

    public Optional<AppStore.AppView> view(String app) throws FleetException, InterruptedException { return store.view(app); }

    private AppStore.AppView require(String app) throws FleetException, InterruptedException {
        return store.view(app).orElseThrow(() -> new FleetException("no app named " + app + " is deployed (see talent hosts)"));
    }

    /**
     * Asks the leader to migrate {@code app} to {@code host} and/or {@code platform} (null: either), and waits for the
     * migration's record.
     */
    public MigrationRecord migrate(String app, String host, String platform, Duration timeout) throws FleetException, InterruptedException {
        return migrate(app, host, platform, Optional.empty(), timeout);
    }

    /**
     * As {@link #migrate(String, String, String, Duration)}; {@code fault} (a testing aid, {@code --inject-fault}) asks
     * the leader to fail the migration at that step, which only a controller started to allow it does.
     */
    public MigrationRecord migrate(String app, String host, String platform, Optional<String> fault, Duration timeout)
            throws FleetException, InterruptedException {
        require(app);
        long id = store.request(new AppRecords.MigrateRequest(app, host, platform, System.currentTimeMillis(), fault.orElse(null)));
        if (id == 0) throw new FleetException("no app named " + app + " is deployed");
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean gone = false;
        while (true) {
            Optional<AppStore.AppView> found = store.view(app);
            if (found.isEmpty()) throw new FleetException(app + " was undeployed before its migration request was served");
            AppStore.AppView v = found.get();
            Optional<MigrationRecord> mine = v.servedBy(id);
            if (mine.isPresent()) return mine.get();
            Optional<AppStore.Pending> request = v.request(id);
            if (request.isPresent() && request.get().value().wasDropped()) {
                store.deleteRequest(app, request.get());
                throw new FleetException("the leader dropped the request: " + request.get().value().dropped());
            }
            boolean waiting = request.isPresent()
                    || v.inFlight().map(f -> f.value().request() != null && f.value().request() == id).orElse(false);
            if (!waiting) {
                // the view reads the records before the requests, and one transaction writes the record and deletes the
                // request: a request gone with no record may have been served in between, which the next view shows
                if (gone) break;
                gone = true;
                continue;
            }
            gone = false;
            if (v.ended().isPresent()) throw new FleetException(app + " ended before its migration request was served");
            if (System.nanoTime() > deadline)
                throw new FleetException("waited " + timeout.toSeconds() + " s for the migration of " + app + " (request " + id
                        + ", " + v.requests().size() + " waiting; is a controller leading?); the request stays queued");
            Thread.sleep(POLL_MS);
        }
        throw new FleetException("the request is gone without a migration record: dropped by the leader (no live host fits it,"
                + " see talent hosts" + (fault.isPresent() ? ", or the controllers inject no fault (TALENT_FLEET_FAULT=requests)" : "")
                + ") more than " + AppReconciler.DROPPED_KEEP_MS / 1000 + " s before this looked, or its record is compacted");
    }

    /**
     * What {@code talent drain} did with one app of the host: it left ({@code moved}: to {@code to}, or it ended or was
     * undeployed meanwhile, {@code to} null) or it stays there ({@code detail} says why).
     */
    public record DrainOutcome(String app, String from, String to, boolean moved, String detail) {}

    /**
     * {@code talent drain HOST}: asks the leader to mark {@code host} drained (unschedulable), waits until it has, then
     * until every app placed there has moved to another host (the leader migrates them, reason {@code drain}); tells
     * {@code each} the outcome of each app as soon as it is known. An app that no other live, undrained host can run
     * (none has its platforms) stays, and so does one still there after {@code timeout} (its last try's error said).
     */
    public List<DrainOutcome> drain(String host, Duration timeout, java.util.function.Consumer<DrainOutcome> each)
            throws FleetException, InterruptedException {
        // the apps running there before the request (the leader may move them off before this sees its mark), and
        // any placed there until the mark is written; an app that already ended there is not running: not counted
        java.util.Map<String, Long> before = new java.util.TreeMap<>();
        runningOn(host, before);
        if (!store.requestDrain(new Records.DrainRequest(host, true, System.currentTimeMillis())))
            throw new FleetException("no host named " + host + " in the fleet (see talent hosts)");
        until(timeout, "the leader to drain " + host + " (is a controller leading?)",
                () -> store.drained().containsKey(host) && store.drainRequests().stream().noneMatch(r -> r.value().host().equals(host))
                        ? Optional.of(Boolean.TRUE) : Optional.empty());
        runningOn(host, before);
        List<DrainOutcome> out = new java.util.ArrayList<>();
        java.util.Random random = new java.util.Random();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!before.isEmpty()) {
            boolean late = System.nanoTime() > deadline;
            for (var it = before.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                Optional<DrainOutcome> o = drained(e.getKey(), host, e.getValue(), late, random);
                if (o.isEmpty()) continue;
                out.add(o.get());
                each.accept(o.get());
                it.remove();
            }
            if (!before.isEmpty()) Thread.sleep(POLL_MS);
        }
        return out;
    }

    /** Adds each app placed on {@code host} that has not ended, with its count of migration records so far. */
    private void runningOn(String host, java.util.Map<String, Long> into) throws FleetException, InterruptedException {
        for (String app : store.appsOn(host)) {
            if (into.containsKey(app)) continue;
            Optional<AppStore.AppView> v = store.view(app);
            if (v.isPresent() && v.get().ended().isEmpty()) into.put(app, v.get().total());
        }
    }

    /** The outcome of {@code app}'s drain off {@code host} once known; {@code late}: the time is up, it stays. */
    private Optional<DrainOutcome> drained(String app, String host, long recordsBefore, boolean late, java.util.Random random)
            throws FleetException, InterruptedException {
        Optional<AppStore.AppView> found = store.view(app);
        if (found.isEmpty()) return Optional.of(new DrainOutcome(app, host, null, true, "undeployed meanwhile"));
        AppStore.AppView v = found.get();
        if (v.ended().isPresent()) return Optional.of(new DrainOutcome(app, host, null, true, "ended meanwhile"));
        List<MigrationRecord> since = v.total() > recordsBefore
                ? v.migrations().subList((int) Math.max(0, v.migrations().size() - (v.total() - recordsBefore)), v.migrations().size())
                : List.of();
        Optional<FleetAgents.Placement> where = v.where();
        if (where.isPresent() && !where.get().host().equals(host) && v.inFlight().isEmpty()) {
            Optional<MigrationRecord> ok = since.reversed().stream().filter(MigrationRecord::ok).findFirst();
            return Optional.of(new DrainOutcome(app, since.isEmpty() ? host : ok.map(MigrationRecord::from).orElse(host), where.get().toString(), true,
                    ok.map(r -> "downtime " + Math.round(r.downtimeMs() == null ? 0 : r.downtimeMs()) + " ms" + (since.size() > 1 ? " (" + (since.size() - 1) + " failed tries first)" : ""))
                            .orElse("moved")));
        }
        if (where.isEmpty() || v.inFlight().isPresent()) return late ? Optional.of(new DrainOutcome(app, host, null, false, "still migrating")) : Optional.empty();
        List<Records.HostInfo> live = AppReconciler.liveHosts(etcd);
        java.util.Map<String, Records.Drained> marks = store.drained();
        live = live.stream().filter(h -> !marks.containsKey(h.name())).toList();
        if (PlacementChooser.offHost(v.spec().value(), where.get(), live, random).isEmpty())
            return Optional.of(new DrainOutcome(app, where.get().toString(), null, false, "no other live, undrained host has any of its platforms ("
                    + String.join(",", v.spec().value().platforms()) + ")"));
        if (!late) return Optional.empty();
        Optional<MigrationRecord> failed = since.reversed().stream().filter(r -> !r.ok()).findFirst();
        return Optional.of(new DrainOutcome(app, where.get().toString(), null, false, "still there"
                + failed.map(r -> "; its last try failed at " + r.failedStep() + ": " + r.error()).orElse("")));
    }

    /** {@code talent undrain HOST}: asks the leader to make {@code host} schedulable again and waits until it has. */
    public void undrain(String host, Duration timeout) throws FleetException, InterruptedException {
        if (!store.requestDrain(new Records.DrainRequest(host, false, System.currentTimeMillis())))
            throw new FleetException("no host named " + host + " in the fleet (see talent hosts)");
        until(timeout, "the leader to undrain " + host + " (is a controller leading?)",
                () -> !store.drained().containsKey(host) && store.drainRequests().stream().noneMatch(r -> r.value().host().equals(host))
                        ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Waits until {@code app} ends; writes its working directory into {@code fetch} if given; returns how it ended. */
    public AppRecords.Ended await(String app, Optional<Path> fetch, BooleanSupplier cancelled) throws FleetException, InterruptedException {
        require(app);
        while (true) {
            Optional<AppStore.AppView> v = store.view(app);
            if (v.isEmpty()) throw new FleetException(app + " was undeployed before it ended");
            if (v.get().ended().isPresent()) {
                AppRecords.Ended e = v.get().ended().get();
                if (fetch.isPresent()) agents.fetchWorkdir(e.host(), app, fetch.get());
                return e;
            }
            if (cancelled.getAsBoolean()) throw new InterruptedException();
            Thread.sleep(POLL_MS);
        }
    }

    /** Marks {@code app} undeployed and waits until the leader has removed it from its host and etcd. */
    public void undeploy(String app, Duration timeout) throws FleetException, InterruptedException {
        while (true) {
            AppStore.AppView v = require(app);
            if (v.spec().value().undeploy() || store.undeploy(v.spec())) break;
        }
        until(timeout, "the leader to remove " + app, () -> store.view(app).isEmpty() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /**
     * Writes the app's stdout to {@code out} and its stderr to {@code err} (either null: that stream is not read),
     * whole. The agents carry an app's logs along with each migration (the destination's copies continue the
     * source's), so the output so far is read from where the app is now; when it moves, reading goes on at the same
     * offsets on its new host. A part a host dropped (each keeps the newest {@code 32 MiB} of a stream) is skipped and
     * told to {@code notices}. With {@code follow}, keeps writing what comes until the app ends or {@code cancelled}.
     */
    public void logs(String app, OutputStream out, OutputStream err, java.util.function.Consumer<String> notices, boolean follow,
            BooleanSupplier cancelled) throws FleetException, InterruptedException, IOException {
        List<OutputStream> sinks = java.util.Arrays.asList(out, err);
        long[] offset = new long[2];
        while (true) {
            AppStore.AppView v = require(app);
            Optional<String> host = v.ended().map(AppRecords.Ended::host).or(() -> v.where().map(FleetAgents.Placement::host));
            if (host.isEmpty()) {
                if (!follow) return;
                Thread.sleep(200);
                continue;
            }
            boolean any = false, ended = true, retry = false;
            for (int k = 0; k < 2 && !retry; k++) {
                OutputStream sink = sinks.get(k);
                if (sink == null) continue;
                String stream = FleetAgents.STREAMS.get(k);
                FleetAgents.LogChunk c;
                try {
                    c = agents.logs(host.get(), app, stream, offset[k], HostedApps.MAX_LOG_READ);
                } catch (FleetException e) {
                    // it may have moved between the read of its place and this call: read the place again
                    if (!follow || cancelled.getAsBoolean()) throw e;
                    retry = true;
                    continue;
                }
                if (c.from() < offset[k] || c.next() - c.from() != c.data().length)
                    throw new FleetException("host " + host.get() + " sent a bad " + stream + " chunk (" + c.data().length + " bytes, offset "
                            + offset[k] + " -> " + c.from() + ".." + c.next() + ")");
                if (c.from() > offset[k])
                    notices.accept((c.from() - offset[k]) + " bytes of " + app + "'s " + stream + " were dropped on " + host.get()
                            + " (a host keeps the newest 32 MiB of each stream)");
                sink.write(c.data());
                offset[k] = c.next();
                any |= c.data().length > 0;
                ended &= c.ended();
            }
            if (retry) {
                Thread.sleep(200);
                continue;
            }
            if (any) continue;
            for (OutputStream o : sinks) if (o != null) o.flush();
            if (!follow || (ended && v.ended().isPresent()) || cancelled.getAsBoolean()) return;
            Thread.sleep(200);
        }
    }

    private interface Probe<T> {
        Optional<T> get() throws FleetException, InterruptedException;
    }

    private static <T> T until(Duration timeout, String what, Probe<T> probe) throws FleetException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) return v.get();
            if (System.nanoTime() > deadline) throw new FleetException("waited " + timeout.toSeconds() + " s for " + what);
            Thread.sleep(POLL_MS);
        }
    }
}
