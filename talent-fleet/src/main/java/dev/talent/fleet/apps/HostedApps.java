package dev.talent.fleet.apps;

import dev.talent.container.ContainerHost;
import dev.talent.env.ChangeJournal;
import dev.talent.env.Changes;
import dev.talent.env.SyncLimits;
import dev.talent.env.SyncReport;
import dev.talent.env.TreeSync;
import dev.talent.migrate.LocalApp;
import dev.talent.migrate.PacketHold;
import dev.talent.migrate.RollbackFailedException;
import dev.talent.migrate.RuntimeEvent;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.CheckpointSignature;
import dev.talent.migrate.pipeline.CheckpointSigner;
import dev.talent.migrate.pipeline.CheckpointVerifier;
import dev.talent.migrate.pipeline.OutgoingCheckpoint;
import dev.talent.migrate.pipeline.RestoredCheckpoints;
import dev.talent.migrate.pipeline.RollBackStep;
import dev.talent.migrate.pipeline.Signal;
import dev.talent.migrate.pipeline.StepResult;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The apps a host's agent holds, under its state directory: {@code blobs/} (content-addressed binaries and working
 * directory archives), {@code apps/APP/} (per platform a place as {@code talent run} lays it out, the accepted
 * checkpoints, {@code output.log} and {@code stderr.log}: the program's stdout and stderr as written, whole across
 * hosts (the newest {@link LogCap#CAP} bytes of each kept), since each migration
 * carries it along) and {@code containers/} (runc's state). Programs run in runc containers made exactly as
 * {@code talent run} makes them ({@link LocalApp}).
 *
 * <p>The migration side: each call names the app and the platform; checkpoints and working directories are sent
 * from this agent to another ({@link AgentLink}), signed with this host's key, and checked on arrival.
 */
public final class HostedApps implements AutoCloseable {
    /** An app's name: it names directories and container ids. */
    static final Pattern APP = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    /**
     * The most one {@code Logs} reply carries: its bytes go as base64 in JSON (4/3 of their size), which must fit in
     * one message ({@link AppsRpc#MAX_MESSAGE}); a reader asks again from the next offset.
     */
    static final int MAX_LOG_READ = 64 * 1024;
    static final int MAX_ARGS = 256;
    static final Duration STARTED_WITHIN = Duration.ofSeconds(20);

    /** What a test does to the checkpoints this host sends (tampering with them); identity in production. */
    @FunctionalInterface
    public interface OutgoingFilter {
        CheckpointSignature statement(CheckpointSignature s);

        default InputStream bytes(InputStream in) { return in; }
    }

    private final String host;
    private final Path dir;
    private final BlobStore blobs;
    private final CheckpointSigner signer;
    private final CheckpointVerifier verifier;
    private final AgentLink link;
    private final Consumer<String> events;
    /** Destinations made for a restore keep what the app's peers send while its network is locked, as in talent run. */
    private final PacketHold hold;
    private final Map<String, Hosted> apps = new HashMap<>();
    private ContainerHost containers;
    private volatile OutgoingFilter outgoing = s -> s;
    private volatile AgentMetrics metrics;
    /** Restores under way (app and platform to when their container started), until the runtime says ready. */
    private final Map<String, Long> restoring = new java.util.concurrent.ConcurrentHashMap<>();
    /** Containers created to restore (app and id to platform), until they are deleted. */
    private final Map<String, String> restorers = new java.util.concurrent.ConcurrentHashMap<>();
    /** The containers of --net apps that are off the network here, and the agent's own unlock of those etcd places here. */
    private final HeldNetworks held = new HeldNetworks();
    /** The segment of this host's --net apps (its bridge on it); empty: --net apps are refused here. */
    private volatile Optional<dev.talent.container.NetworkConfig> network = Optional.empty();

    public HostedApps(String host, Path dir, CheckpointSigner signer, CheckpointVerifier verifier, AgentLink link,
            Consumer<String> events) throws IOException {
        this.host = host;
        this.dir = dir.toAbsolutePath();
        this.blobs = new BlobStore(this.dir.resolve("blobs"), BlobStore.DEFAULT_MAX_BYTES);
        this.signer = signer;
        this.verifier = verifier;
        this.link = link;
        this.events = events;
        this.hold = new PacketHold(" to " + host, events);
        this.metrics = new AgentMetrics(host);
        metrics.watch(this::runningPlatforms);
        Files.createDirectories(this.dir.resolve("apps"));
    }

    /**
     * The apps of the agent of host {@code host}, under {@code stateDir}: checkpoints it sends are signed with the
     * host's signing key next to its TLS certificate ({@code NAME.sign.key}/{@code NAME.sign.crt}, from
     * {@code talent pki issue}); those it receives must be signed by a holder of a signing certificate of the fleet CA.
     */
    public static HostedApps open(String host, Path stateDir, dev.talent.fleet.TlsFiles tls, Consumer<String> events)
            throws dev.talent.fleet.FleetException {
        Path keyFile = dev.talent.fleet.Pki.signingKeyFor(tls.cert()), certFile = dev.talent.fleet.Pki.signingCertificateFor(tls.cert());
        try {
            java.security.cert.X509Certificate cert = dev.talent.fleet.Pki.readJdkCertificate(certFile);
            CheckpointSigner signer = new CheckpointSigner(dev.talent.fleet.Pki.readEd25519Key(keyFile), cert.getPublicKey(), List.of(cert));
            CheckpointVerifier verifier = CheckpointVerifier.withCa(dev.talent.fleet.Pki.readJdkCertificate(tls.ca()));
            // the downtime's Java path loaded and compiled at the agent's start, not in its first migration
            java.util.concurrent.CompletableFuture<?> _ = dev.talent.migrate.WarmUp.start(signer, verifier)
                    .whenComplete((took, failed) -> {
                        if (failed != null) events.accept("the warm-up of the migration path failed (the first migration"
                                + " pays for loading it): " + failed);
                    });
            return new HostedApps(host, stateDir, signer, verifier, new AgentLink(tls), events);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new dev.talent.fleet.FleetException("no checkpoint signing key " + e.getFile() + " (talent pki issue DIR " + host
                    + " makes one next to the host's certificate)", e);
        } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new dev.talent.fleet.FleetException("cannot use the checkpoint signing key " + keyFile + " / " + certFile + ": " + e.getMessage(), e);
        }
    }

    public BlobStore blobs() { return blobs; }

    /** The agent's metrics ({@code --metrics}): from now on, this host's apps are counted into {@code m}. */
    public void metrics(AgentMetrics m) {
        m.watch(this::runningPlatforms);
        metrics = m;
    }

    public AgentMetrics metrics() { return metrics; }

    /** The apps whose program runs here now, with the platform it runs on. */
    synchronized Map<String, String> runningPlatforms() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Hosted h : apps.values())
            if (h.current != null && h.running != null && !h.stopped && h.ended == null && h.lost == null) out.put(h.name, h.current.name());
        return out;
    }

    /**
     * Lets this host run --net apps: each one's containers get a namespace of their own whose eth0 is a port of
     * {@code config}'s bridge, a bridge of the fleet's segment that the host (or the lab) made; talent neither makes
     * it nor gives it an address.
     */
    public void network(dev.talent.container.NetworkConfig config) { network = Optional.of(config); }

    /** The app's address on this host's bridge, checked: the bridge exists and the address is a host address of the segment. */
    private dev.talent.container.NetworkAttachment attachment(AppsMessages.Start s) throws IOException {
        dev.talent.container.NetworkConfig c = network.orElseThrow(() -> new IOException("app " + s.app() + " has --net and "
                + host + " has no network for such apps (the net.* lines of its fleet.conf)"));
        boolean bridge;
        try {
            bridge = dev.talent.container.HostBridge.isBridge(c.bridge());
        } catch (dev.talent.container.ContainerException e) {
            throw new IOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (!bridge)
            throw new IOException("app " + s.app() + " has --net and " + host + " has no bridge " + c.bridge() + " on the fleet's segment");
        if (s.ip() == null) throw new IOException("app " + s.app() + " has --net but no address");
        try {
            return new dev.talent.container.NetworkAttachment(c, dev.talent.container.Ipv4.parse(s.ip()));
        } catch (IllegalArgumentException e) {
            throw new IOException("app " + s.app() + ": " + printable(e.getMessage()), e);
        }
    }

    /** Tests: tamper with what this host sends (a forged or unsigned checkpoint must be refused by the destination). */
    public void filterOutgoing(OutgoingFilter f) { outgoing = f; }

    /** One app on this host. */
    final class Hosted {
        final String name;
        final AppsMessages.Start spec;
        final LocalApp local;
        final Path log;
        /** The program's stderr (its containers append to it), carried along as {@link #log} is. */
        final Path err;
        final Map<String, AppContainer> containers = new HashMap<>();
        /** The platform of each container made here for a place ({@link #create}), so a place goes with its containers. */
        final Map<String, Platform> containerPlatforms = new HashMap<>();
        final Map<Platform, LocalApp.Place> places = new HashMap<>();
        /** Journals of places prepared here as destinations (started at their mirror). */
        final Map<Platform, ChangeJournal> incoming = new HashMap<>();
        Platform current;
        AppContainer running;
        long since;
        Integer ended;
        /** Its program stopped at a checkpoint (a migration's safe point) and nothing runs it here now. */
        boolean stopped;
        /**
         * The stopped container an earlier agent left (its program stopped at a checkpoint while no agent watched it):
         * kept, with its exit record, until the app is resumed or removed.
         */
        String stoppedLeftover;
        /** Why its program is gone without a known exit status (it ended while no agent here was its parent). */
        String lost;
        ChangeJournal journal;
        /**
         * Set when {@link #journal} cannot list every change since the last sync: the app was adopted from an earlier
         * agent, and its program wrote files while no agent watched its directory. Its next sync is a mirror.
         */
        boolean journalGap;
        OutgoingCheckpoint taken;
        /** The pre-copy image a migration's source accepted and signed last ({@link #takePrecopyImage}), or null. */
        OutgoingCheckpoint precopyTaken;
        /** The send of {@link #taken} its take started (a migration's source), or null. */
        SendAhead sendAhead;
        /** The sizes of the app's logs at the destination of its last sync, as that sync left them (or null). */
        SyncedLogs syncedLogs;
        /**
         * New handshakes to its program's listeners dropped in this host's namespace (an app on the host's own network,
         * a migration's source about to stop: {@link #dropHostHandshakes}), or null.
         */
        dev.talent.container.HostSynDrop synDrop;

        Hosted(String name, AppsMessages.Start spec, LocalApp local, Path log, Path err) {
            this.err = err;
            this.name = name;
            this.spec = spec;
            this.local = local;
            this.log = log;
        }

        LocalApp.Place place(Platform p) throws IOException {
            synchronized (HostedApps.this) {
                return placeLocked(p);
            }
        }

        private LocalApp.Place placeLocked(Platform p) throws IOException {
            LocalApp.Place place = places.get(p);
            if (place == null) {
                String sha = spec.binaries().get(p.name());
                if (sha == null) throw new IOException("app " + name + " has no binary for " + p.name());
                // the program runs as APP.PLATFORM (its name in the container), a link to its blob
                Path bin = log.resolveSibling("bin").resolve(name + "." + p.name());
                if (!Files.exists(bin, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(bin.getParent());
                    try {
                        Files.createLink(bin, blobs.path(sha));
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(blobs.path(sha), bin);
                    }
                }
                place = local.place(p, bin, spec.args(), log, Optional.of(err), host + "/" + p.name(), spec.precopies());
                places.put(p, place);
            }
            return place;
        }

        AppContainer container(String id) throws IOException {
            AppContainer c = containers.get(id);
            if (c == null) throw new IOException("app " + name + " has no container " + printable(id) + " on " + host);
            return c;
        }
    }

    /** Set by the agent: the containers are not killed when this JVM exits ({@link #detach()}). */
    private volatile boolean keepAtExit;
    /** Where {@link #resume} asks whether the app still belongs here (the agent's etcd); null: not asked. */
    private volatile FenceSource fences;

    /** A fresh look at etcd's placements ({@link PlacementFence#load}). */
    @FunctionalInterface
    public interface FenceSource {
        PlacementFence load() throws IOException, InterruptedException;
    }

    /**
     * The agent's mode: its apps outlive it. Their containers are not killed when the JVM exits, and {@link #detach()}
     * (not {@link #close()}) ends it; {@code fences} is asked before an app is resumed.
     */
    public void keepAppsAtExit(FenceSource fences) {
        this.fences = fences;
        keepAtExit = true;
        ContainerHost c;
        synchronized (this) {
            c = containers;
        }
        if (c != null) c.keepContainersAtExit();
    }

    private synchronized ContainerHost containers() throws IOException {
        return containers(true);
    }

    /** The container host, opened on first use; {@code removeLeftovers}: what an earlier agent left is removed then. */
    private synchronized ContainerHost containers(boolean removeLeftovers) throws IOException {
        if (containers == null) {
            try {
                // the programs' stderr goes to their apps' stderr.log, not to this agent's own stderr
                containers = ContainerHost.open(dir.resolve("containers"), OutputStream.nullOutputStream());
                // an agent's containers outlive it: stopped (SIGTERM) or killed, its successor adopts them
                if (keepAtExit) containers.keepContainersAtExit();
                if (removeLeftovers) for (ContainerHost.Leftover l : containers.leftovers()) {
                    events.accept("removing container " + l.id() + " (" + l.status() + ") left by an earlier agent");
                    containers.removeLeftover(l.id());
                }
            } catch (dev.talent.container.ContainerException e) {
                throw new IOException("cannot run containers on " + host + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return containers;
    }

    static String checkApp(String app) throws IOException {
        if (app == null || !APP.matcher(app).matches())
            throw new IOException("not an app name: '" + printable(app == null ? "" : app) + "' (lower-case letters, digits, '-')");
        return app;
    }

    static Platform checkPlatform(String name) throws IOException {
        return Platform.fromName(name == null ? "" : name)
                .orElseThrow(() -> new IOException("not a platform: '" + printable(name == null ? "" : name) + "'"));
    }

    synchronized Hosted app(String app) throws IOException {
        Hosted h = apps.get(checkApp(app));
        if (h == null) throw new IOException("no app " + app + " on " + host);
        return h;
    }

    private synchronized Optional<Hosted> find(String app) throws IOException {
        return Optional.ofNullable(apps.get(checkApp(app)));
    }

    /** Makes the app known here (or checks it is as known): blobs present, names valid. */
    private synchronized Hosted admit(AppsMessages.Start s) throws IOException {
        checkApp(s.app());
        dev.talent.container.NetworkAttachment net = s.net() ? attachment(s) : null;
        if (s.args() == null || s.args().size() > MAX_ARGS) throw new IOException("app " + s.app() + ": at most " + MAX_ARGS + " arguments");
        if (s.binaries() == null || s.binaries().isEmpty()) throw new IOException("app " + s.app() + " has no binaries");
        for (var e : s.binaries().entrySet()) {
            checkPlatform(e.getKey());
            BlobStore.checkName(e.getValue());
        }
        Hosted h = apps.get(s.app());
        if (h != null) return h;
        Path appDir = dir.resolve("apps").resolve(s.app());
        Files.createDirectories(appDir);
        Path log = appDir.resolve("output.log");
        if (!Files.exists(log, LinkOption.NOFOLLOW_LINKS)) Files.createFile(log);
        Path err = appDir.resolve("stderr.log");
        if (!Files.exists(err, LinkOption.NOFOLLOW_LINKS)) Files.createFile(err);
        for (Path f : List.of(log, err))
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) throw new IOException(f + " is not a regular file");
        containers();
        LocalApp local = LocalApp.open(containers, s.app(), appDir, signer, verifier, events);
        if (net != null) local.network(net);
        h = new Hosted(s.app(), s, local, log, err);
        apps.put(s.app(), h);
        return h;
    }

    private Path recordFile(String app) {
        return dir.resolve("apps").resolve(app).resolve(RunningRecord.FILE);
    }

    /** Writes down which container runs the app here, for the agent started after this one (see {@link #recover(PlacementFence)}). */
    private void persist(Hosted h) {
        RunningRecord r;
        synchronized (this) {
            if (h.current == null || h.running == null || apps.get(h.name) != h) return;
            r = new RunningRecord(h.spec, h.current.name(), h.running.id(), h.since, h.ended);
        }
        try {
            RunningRecord.write(dir.resolve("apps").resolve(h.name), r);
        } catch (IOException e) {
            events.accept("cannot record that " + h.name + " runs in " + r.container() + " (an agent restarted after this one would not adopt it): "
                    + e.getMessage());
        }
    }

    /** At most this many app directories are looked at when an agent starts. */
    static final int MAX_RECOVERED = 4096;

    /**
     * Called once when the agent starts, before it serves: takes over the apps an earlier agent on this state
     * directory was running ({@code apps/APP/running.json}, see {@link RunningRecord}). An app whose container runc
     * still runs is adopted (it runs on; the controller sees it {@code running} again); an app whose container is gone
     * or stopped ended while no agent watched it: it is kept as {@code lost} (its output stays readable) for the
     * controller to record. Everything else goes: app directories without a valid record (an app being removed, a
     * destination prepared for a migration that agent never finished) and every container that no record names.
     */
    public void recover(PlacementFence fence) throws IOException, InterruptedException {
        Path appsDir = dir.resolve("apps");
        List<Path> entries;
        try (Stream<Path> list = Files.list(appsDir)) {
            entries = list.limit(MAX_RECOVERED).toList();
        }
        java.util.Set<String> keep = new java.util.HashSet<>();
        ContainerHost ch = entries.isEmpty() ? null : containers(false);
        for (Path e : entries) {
            String name = e.getFileName().toString();
            try {
                Optional<RunningRecord> r = RunningRecord.read(e, host, System.currentTimeMillis());
                if (r.isEmpty()) {
                    events.accept("removing " + printable(name) + ": no record of a container that runs it (left by an earlier agent)");
                    deleteEntry(e);
                } else {
                    PlacementFence.Verdict verdict = fence.check(r.get().spec().app(), r.get().spec().epoch());
                    if (verdict.keep()) {
                        recover(r.get(), ch, fence.settledHere(r.get().spec().app())).ifPresent(keep::add);
                    } else {
                        // its container is not kept: it is killed and removed with the leftovers below
                        events.accept("stopping the copy of " + printable(name) + " left on " + host + " (container "
                                + r.get().container() + "): " + verdict.reason());
                        deleteEntry(e);
                    }
                }
            } catch (IOException x) {
                events.accept("not adopting " + printable(name) + ": " + x.getMessage() + "; removing it");
                Hosted h;
                synchronized (this) {
                    h = APP.matcher(name).matches() ? apps.get(name) : null;
                }
                if (h != null) remove(name);
                else deleteEntry(e);
            }
        }
        if (ch == null) return;
        for (ContainerHost.Leftover l : ch.leftovers()) {
            if (keep.contains(l.id())) continue;
            events.accept("removing container " + l.id() + " (" + l.status() + ") left by an earlier agent: no app record names it");
            try {
                ch.removeLeftover(l.id());
            } catch (dev.talent.container.ContainerException x) {
                events.accept("cannot remove container " + l.id() + ": " + x.getMessage());
            }
        }
    }

    private static void deleteEntry(Path e) throws IOException {
        if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) deleteTree(e);
        else Files.deleteIfExists(e);
    }

    /** One recorded app: adopted (its container's id returned) or kept as lost. */
    private Optional<String> recover(RunningRecord r, ContainerHost ch, boolean settledHere) throws IOException, InterruptedException {
        for (String sha : r.spec().binaries().values())
            if (!Files.isRegularFile(blobs.path(sha), LinkOption.NOFOLLOW_LINKS)) throw new IOException("its binary " + sha + " is not here");
        Platform p = r.checkedPlatform();
        Hosted h = admit(r.spec());
        LocalApp.Place place = h.place(p);
        if (r.ended() != null) {
            // it ended while the agent before watched it: its status is known; its stopped container goes below
            synchronized (this) {
                h.current = p;
                h.since = r.since();
                h.ended = r.ended();
            }
            events.accept(r.spec().app() + " ended on " + host + "/" + p.name() + " with status " + r.ended() + " (before this agent started)");
            return Optional.empty();
        }
        Optional<ContainerHost.LeftoverProcess> proc = ch.leftoverProcess(r.container());
        AdoptedContainer c = null;
        if (proc.isPresent() && proc.get().status().equals("running")) {
            try {
                c = AdoptedContainer.adopt(ch, r.container(), proc.get().pid(), h.err,
                        h.local.network().map(dev.talent.container.NetworkAttachment::address));
            } catch (IOException gone) {
                events.accept(r.spec().app() + ": " + gone.getMessage());
            }
        }
        synchronized (this) {
            h.current = p;
            h.since = r.since();
        }
        if (c == null) {
            String was = proc.map(ContainerHost.LeftoverProcess::status).orElse("gone");
            Optional<dev.talent.container.ContainerExit> recorded = proc.isPresent() && proc.get().status().equals("running")
                    ? Optional.empty() : ch.leftoverExit(r.container());
            if (recorded.isPresent() && recorded.get().signal() == 0
                    && recorded.get().status() == dev.talent.migrate.pipeline.SafePointStep.EXIT_CHECKPOINT) {
                // it stopped at a checkpoint (a migration's stop: the agent before was killed in the middle of it), as
                // this agent would have seen it (track): it is `stopped`, for the controller to resume here or move;
                // its container stays (its exit record with it) until then
                synchronized (this) {
                    h.stopped = true;
                    h.stoppedLeftover = r.container();
                }
                events.accept(r.spec().app() + " is stopped at its checkpoint on " + host + "/" + p.name() + " (container "
                        + r.container() + " stopped while no agent of " + host + " watched it): it waits to be resumed or moved");
                return Optional.of(r.container());
            }
            if (recorded.isPresent()) {
                // it ended while no agent watched it, and its init recorded how: ended as if this agent had seen it
                int status = recorded.get().code();
                synchronized (this) {
                    h.ended = status;
                }
                RunningRecord.write(recordFile(r.spec().app()).getParent(),
                        new RunningRecord(r.spec(), p.name(), r.container(), r.since(), status));
                events.accept(r.spec().app() + " ended on " + host + "/" + p.name() + " with status " + status + " ("
                        + recorded.get() + ", recorded by its container while no agent of " + host + " watched it)");
                return Optional.empty();
            }
            synchronized (this) {
                h.lost = "its container " + r.container() + " on " + host + "/" + p.name() + " is " + was
                        + ": its program ended while no agent of " + host + " watched it (exit status unknown: its container"
                        + " holds no record of it)";
            }
            events.accept(r.spec().app() + ": " + h.lost);
            return Optional.empty();
        }
        AppContainer adopted = place.adopt(c, r.serial());
        synchronized (this) {
            h.running = adopted;
            h.containers.put(adopted.id(), adopted);
        }
        track(h, adopted, p);
        ChangeJournal j = ChangeJournal.watch(place.work());
        synchronized (this) {
            h.journal = j;
            h.journalGap = true;
        }
        events.accept("adopted " + r.spec().app() + " on " + host + "/" + p.name() + ": container " + r.container() + " (pid "
                + proc.get().pid() + ") left running by an earlier agent");
        if (settledHere && c.hasNetwork()) {
            // etcd places it here and nothing moves it: it must be on the network. The agent before may have died
            // between a migration's hold (or lock) of this destination and its unlock, which comes after the commit;
            // the leader's tries of that unlock may all have come while no agent answered here (idempotent otherwise)
            AdoptedContainer a = c;
            try {
                held.change(r.spec().app(), adopted, null, () -> {
                    a.unlockNetwork();
                    saidIfHoldEnded(r.spec().app(), a);
                    a.announce();
                    return null;
                });
            } catch (IOException x) {
                // counted off: the agent tries again (convergeNetwork)
                events.accept(r.spec().app() + ": cannot let container " + r.container() + " onto the network: " + x.getMessage());
            }
        } else if (c.hasNetwork()) {
            // a migration of it is in flight: the agent before may have left it held or locked, the leader decides; once
            // etcd places it here with nothing in flight, this agent lets it on if no unlock of the leader did
            held.off(r.spec().app(), adopted, "adopted from the agent before this one while a migration of it was in flight");
        }
        return Optional.of(r.container());
    }

    // ---- the app's life on this host ----

    /** Starts the app fresh on {@code platform} here (its workdir unpacked from its blob). */
    public void start(AppsMessages.Start s) throws IOException, InterruptedException {
        Platform p = checkPlatform(s.platform());
        if (find(s.app()).isPresent()) throw new IOException("app " + s.app() + " is already on " + host + " (remove it first)");
        if (!s.binaries().containsKey(p.name())) throw new IOException("app " + s.app() + " has no binary for " + p.name());
        Hosted h = admit(s);
        try {
            LocalApp.Place place = h.place(p);
            if (s.workdir() != null && !s.workdir().isEmpty()) {
                try (InputStream in = Files.newInputStream(blobs.path(BlobStore.checkName(s.workdir())))) {
                    WorkdirArchive.unpack(in, place.work());
                }
            }
            place.files().clearCheckpoints();
            if (h.local.network().isPresent()) h.local.readyConnections();
            h.journal = ChangeJournal.watch(place.work());
            AppContainer c = place.containers().create(false, Optional.empty());
            track(h, c, p);
            synchronized (this) {
                h.current = p;
                h.running = c;
                h.since = System.currentTimeMillis();
            }
            // --net: created with its port down (as every container of the app); the first one is let through at once
            c.unlockNetwork();
            c.start();
            // returns once the program runs (its runtime said so: a checkpoint request is then heard), or ended
            long by = System.nanoTime() + STARTED_WITHIN.toNanos();
            while (System.nanoTime() < by) {
                RuntimeEvent e = place.containers().nextEvent(Duration.ofNanos(Math.max(1, by - System.nanoTime())));
                if (e instanceof RuntimeEvent.Started || e instanceof RuntimeEvent.ProcessExited) break;
            }
            persist(h);
            c.announce();
            events.accept("started " + s.app() + " on " + host + "/" + p.name() + " (container " + c.id() + ")"
                    + (s.net() ? " at " + s.ip() : ""));
        } catch (IOException | RuntimeException e) {
            remove(s.app());
            throw e;
        }
    }

    private void track(Hosted h, AppContainer c, Platform p) {
        synchronized (this) {
            h.containers.put(c.id(), c);
            h.containerPlatforms.put(c.id(), p);
        }
        // not kept: the action only records the status under the lock and tells the events
        var _ = c.onExit().thenAccept(status -> {
            held.forget(h.name, c);
            synchronized (this) {
                // a stop at a checkpoint is a migration's: the app is not over
                if (c.equals(h.running) && status == AdoptedContainer.UNKNOWN_STATUS) {
                    h.lost = "its program ended on " + host + "/" + h.current.name() + " after its agent restarted (container "
                            + c.id() + "; it holds no record of its exit status: its init was killed, or predates the record)";
                    events.accept(h.name + ": " + h.lost);
                } else if (c.equals(h.running) && status != dev.talent.migrate.pipeline.SafePointStep.EXIT_CHECKPOINT) {
                    h.ended = status;
                    events.accept(h.name + " ended on " + host + "/" + h.current.name() + " with status " + status);
                    // (outside this lock: persist takes it itself)
                    Thread.ofVirtual().start(() -> persist(h));
                } else if (c.equals(h.running)) {
                    // stopped for a migration: the checkpoint it left is not yet taken
                    h.stopped = true;
                    h.taken = null;
                }
            }
        });
    }

    public synchronized AppsMessages.State state(String app) throws IOException {
        Hosted h = find(app).orElse(null);
        if (h == null || h.current == null) return new AppsMessages.State("absent", "", 0, 0);
        if (h.ended != null) return new AppsMessages.State("ended", h.current.name(), h.since, h.ended);
        if (h.lost != null) return new AppsMessages.State("lost", h.current.name(), h.since, 0);
        if (h.stopped) return new AppsMessages.State("stopped", h.current.name(), h.since, 0);
        return new AppsMessages.State("running", h.current.name(), h.since, 0);
    }

    /** The stream's log file: {@code stdout} (also "") or {@code stderr}. */
    static Path stream(Hosted h, String stream) throws IOException {
        return switch (stream == null ? "" : stream) {
            case "", "stdout" -> h.log;
            case "stderr" -> h.err;
            default -> throw new IOException("not a stream: '" + printable(stream) + "' (stdout, stderr)");
        };
    }

    /**
     * Up to {@code max} bytes of the app's {@code stream} from {@code offset}; when the start of the log was dropped
     * (over its cap), the chunk starts at the first byte kept ({@code from} > {@code offset}).
     */
    public AppsMessages.Logs logs(String app, String stream, long offset, int max) throws IOException {
        Hosted h = app(app);
        Path file = stream(h, stream);
        String kind = state(app).kind();
        boolean ended = kind.equals("ended") || kind.equals("lost");
        if (offset < 0) throw new IOException("negative log offset");
        int n = Math.max(0, Math.min(max, MAX_LOG_READ));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            if (offset >= size) return new AppsMessages.Logs(new byte[0], offset, offset, ended);
            long from = Math.max(offset, LogCap.retainedFrom(file, size));
            byte[] b = new byte[(int) Math.min(n, size - from)];
            f.seek(from);
            f.readFully(b);
            return new AppsMessages.Logs(b, from, from + b.length, ended && from + b.length >= size);
        }
    }

    /** Keeps each app's logs within {@link LogCap#CAP}; run every {@link #CAP_EVERY} by the agent. */
    public void capLogs() {
        List<Hosted> all;
        synchronized (this) {
            all = new ArrayList<>(apps.values());
        }
        for (Hosted h : all) {
            for (Path f : List.of(h.log, h.err)) {
                try {
                    if (LogCap.enforce(f, Files.size(f)))
                        events.accept(h.name + ": its " + (f.equals(h.log) ? "stdout" : "stderr") + " log passed " + (LogCap.CAP >> 20)
                                + " MiB on " + host + "; its oldest part was dropped");
                } catch (IOException e) {
                    events.accept("cannot bound " + f + ": " + e.getMessage());
                }
            }
        }
    }

    /** How often the agent bounds its apps' logs. */
    public static final Duration CAP_EVERY = Duration.ofSeconds(1);

    /** Stops the app here and removes everything of it (nothing to do when absent). */
    public void remove(String app) throws IOException, InterruptedException { remove(app, false); }

    /**
     * As {@link #remove(String)}; {@code silent}: this copy is not the one that goes on (the other side of an interrupted
     * migration, whose source was resumed): each container's network is taken off the traffic before the container
     * goes, so that its kernel's FIN or RST for the connections it held (restored, unlocked, the same as the resumed
     * copy's) never reaches a peer, which would take the connection the resumed copy carries on for closed.
     */
    public void remove(String app, boolean silent) throws IOException, InterruptedException {
        Hosted h;
        synchronized (this) {
            h = apps.remove(checkApp(app));
        }
        if (h == null) return;
        // the record goes first: an agent killed from here on finds no record and removes what is left
        Files.deleteIfExists(recordFile(h.name));
        List<AppContainer> cs;
        synchronized (this) {
            cs = new ArrayList<>(h.containers.values());
        }
        for (AppContainer c : cs) {
            try {
                if (silent && c.hasNetwork()) c.lockNetwork();
            } catch (IOException e) {
                events.accept("cannot take container " + c.id() + " off the network before its removal: " + e.getMessage());
            }
            try {
                c.delete();
            } catch (IOException e) {
                events.accept("cannot remove container " + c.id() + ": " + e.getMessage());
            }
        }
        try {
            acceptHostHandshakes(h);
        } catch (IOException e) {
            events.accept("cannot let new connections to the ports of " + printable(h.name) + " in again: " + e.getMessage());
        }
        closeQuietly(h.journal);
        for (ChangeJournal j : h.incoming.values()) closeQuietly(j);
        held.forget(h.name);
        String leftover;
        synchronized (this) {
            leftover = h.stoppedLeftover;
        }
        if (leftover != null) removeStoppedLeftover(leftover);
        h.local.removeAll();
        events.accept("removed " + app + " from " + host);
    }

    /** Removes the stopped container an earlier agent left (see {@link Hosted#stoppedLeftover}). */
    private void removeStoppedLeftover(String id) throws InterruptedException {
        try {
            containers(false).removeLeftover(id);
        } catch (IOException | dev.talent.container.ContainerException e) {
            events.accept("cannot remove container " + id + " (stopped at its checkpoint, left by an earlier agent): " + e.getMessage());
        }
    }

    /** The app's working directory (where it runs here) as a {@link WorkdirArchive}. */
    public void fetchWorkdir(String app, OutputStream out) throws IOException {
        Hosted h = app(app);
        Platform p;
        synchronized (this) {
            p = h.current;
        }
        if (p == null) throw new IOException("app " + app + " does not run on " + host);
        WorkdirArchive.pack(h.place(p).work(), out);
    }

    /** The id of the container that runs the app here. */
    public String currentContainer(String app) throws IOException {
        Hosted h = app(app);
        synchronized (this) {
            if (h.running == null || h.ended != null || h.lost != null) throw new IOException("app " + app + " does not run on " + host);
            return h.running.id();
        }
    }

    public AppsMessages.Start describe(String app) throws IOException {
        Hosted h = app(app);
        synchronized (this) {
            return new AppsMessages.Start(h.name, h.current == null ? "" : h.current.name(), h.spec.binaries(), h.spec.args(),
                    h.spec.workdir(), h.spec.net(), h.spec.epoch(), h.spec.ip(), h.spec.precopy());
        }
    }

    // ---- the migration side ----

    /** Makes a destination place for the app (the app may be new here). */
    public void prepare(AppsMessages.Start s) throws IOException {
        Platform p = checkPlatform(s.platform());
        Hosted h = admit(s);
        synchronized (this) {
            if (p.equals(h.current)) throw new IOException("app " + s.app() + " already runs on " + host + "/" + p.name());
        }
        h.place(p);
        // --net: the TCP repair helper is built here now (once per host), not inside the downtime
        if (h.local.network().isPresent()) h.local.readyConnections();
    }

    public AppContainer create(String app, String platform, boolean restart, Optional<String> fault) throws IOException, InterruptedException {
        Hosted h = app(app);
        Platform p = checkPlatform(platform);
        return created(app, platform, h, p, h.place(p).containers().create(restart, fault), restart);
    }

    /**
     * A restarting container of the app on {@code platform}, started at once: its runtime (and emulator) runs and waits
     * for its go ({@link #startContainer} gives it) before it reads its checkpoint directory (protocol 9). Only for an
     * app without a network of its own: the controller starts a --net destination at the start, as before.
     */
    public AppContainer createStartedAhead(String app, String platform, Optional<String> fault) throws IOException, InterruptedException {
        Hosted h = app(app);
        Platform p = checkPlatform(platform);
        if (h.local.network().isPresent())
            throw new IOException("app " + printable(app) + " has a network of its own: its destination is not started ahead");
        return created(app, platform, h, p, h.place(p).containers().createStartedAhead(fault), true);
    }

    /** The longest a controller may have an agent wait for a destination started ahead ({@link #awaitGo}). */
    static final Duration MAX_AWAIT_GO = Duration.ofMinutes(2);

    /** The wait an {@code await-go} request asks for, {@code ms}: 1 ms to {@link #MAX_AWAIT_GO}; anything else is refused. */
    static Duration awaitGoWait(long ms) throws IOException {
        return boundedWait(ms, MAX_AWAIT_GO, "a go");
    }

    /** {@code ms} as a wait for {@code what}, when from 1 ms to {@code max}; a caller's number, not the agent's to trust. */
    private static Duration boundedWait(long ms, Duration max, String what) throws IOException {
        if (ms < 1 || ms > max.toMillis())
            throw new IOException("a wait for " + what + " of " + ms + " ms is out of bounds (1 to " + max.toMillis() + ")");
        return Duration.ofMillis(ms);
    }

    /** Returns once container {@code id}, started ahead, waits for its go; fails when it exited or does not within {@code max}. */
    public void awaitGo(String app, String id, Duration max) throws IOException, InterruptedException {
        AppContainer c = container(app, id);
        if (!c.startedAhead()) throw new IOException("container " + printable(id) + " was not started ahead");
        c.awaitReady(max);
    }

    private AppContainer created(String app, String platform, Hosted h, Platform p, AppContainer c, boolean restart)
            throws IOException, InterruptedException {
        track(h, c, p);
        if (c.hasNetwork()) held.off(app, c, "created with its port down" + (restart ? " to restore a checkpoint" : ""));
        if (restart) {
            restorers.put(app + "\u0000" + c.id(), platform);
            if (c.hasNetwork()) h.local.prepareHold(hold, c);
        }
        return c;
    }

    /**
     * The network lock's first half on a destination prepared to hold ({@link AppContainer#holdNetwork()}): its port
     * comes up, and a gratuitous ARP from its namespace makes the segment's bridges send the app's frames to this
     * host, where they are kept until the unlock. False (nothing done) for a destination that does not hold.
     */
    public boolean holdNetwork(String app, String id) throws IOException, InterruptedException {
        AppContainer c = container(app, id);
        if (!held.change(app, c, "held for a migration", c::holdNetwork)) return false;
        try {
            c.announce();
        } catch (IOException e) {
            // held, but the segment may still send the app's frames to the source until it learns otherwise
            events.accept("cannot announce " + printable(app) + " on " + host + " at the network lock: " + e.getMessage());
        }
        return true;
    }

    public AppContainer container(String app, String id) throws IOException {
        Hosted h = app(app);
        synchronized (this) {
            return h.container(id);
        }
    }

    public void deleteContainer(String app, String id) throws IOException, InterruptedException {
        Hosted h = app(app);
        AppContainer c;
        synchronized (this) {
            c = h.container(id);
        }
        c.delete();
        synchronized (this) {
            h.containers.remove(id);
        }
        String platform = restorers.remove(app + "\u0000" + id);
        Long began = platform == null ? null : restoring.remove(app + "\u0000" + platform);
        if (began != null) metrics.restore(app, false, System.nanoTime() - began);
    }

    /**
     * Lets the container's traffic through (--net) and announces its address on the segment: it may have come from
     * another host, whose port the segment's bridges still send its frames to.
     */
    public void unlockNetwork(String app, String id) throws IOException, InterruptedException {
        AppContainer c = container(app, id);
        held.change(app, c, null, () -> {
            c.unlockNetwork();
            saidIfHoldEnded(app, c);
            c.announce();
            return null;
        });
    }

    /** The longest a source waits for its answered handshakes before its stop ({@link #dropNewConnections}). */
    static final Duration MAX_HANDSHAKE_WAIT = Duration.ofSeconds(10);

    /**
     * The wait a {@code drop-syns} request asks for, {@code ms} milliseconds: 1 ms to {@link #MAX_HANDSHAKE_WAIT};
     * anything else is refused (a caller's number, not the agent's to trust).
     */
    static Duration handshakeWait(long ms) throws IOException {
        return boundedWait(ms, MAX_HANDSHAKE_WAIT, "handshakes");
    }

    /**
     * A source about to stop (--net): its namespace drops new handshakes to the app's address and the answered ones
     * are given up to {@code max} to complete into the listeners' accept queues (AppContainer#dropNewConnections, as
     * on one host); returns how many were still half done. The rule is the app's own container's, in its own
     * namespace: the caller names only the container, never an address. Undone by {@link #acceptNewConnections}, by
     * the container's unlock, or with its namespace when the container is removed (the source's release).
     */
    public int dropNewConnections(String app, String id, Duration max) throws IOException, InterruptedException {
        return container(app, id).dropNewConnections(max);
    }

    /**
     * Before a container of an app on this host's own network restores checkpoint {@code sequence} of its place on
     * {@code platform} (a migration's destination, or its source after a rollback): the TIME_WAIT connections that
     * would keep one of the checkpoint's listeners from binding are ended (LocalApp.Place#clearTimeWait). The caller
     * names only the app, the place and the sequence; the addresses are read from this agent's own copy of the
     * checkpoint, which it verified when it received or accepted it. Returns how many listeners needed it.
     */
    public int clearTimeWait(String app, String platform, BigInteger sequence) throws IOException, InterruptedException {
        return app(app).place(checkPlatform(platform)).clearTimeWait(sequence);
    }

    /**
     * A source of an app on this host's own network (no --net) about to stop: new handshakes to its program's
     * listeners are dropped in this host's namespace ({@link dev.talent.container.HostSynDrop}, as {@code talent run}
     * does on one host) and the program is given up to {@code max} to finish what they hold (answered handshakes,
     * accept queues, connections); returns how many listeners it has (none: nothing is dropped). The caller names only
     * the container; the listeners are read from /proc here. Undone by {@link #acceptHostHandshakes} once the copy
     * listens (or the source goes on), when the app goes from here, or, this agent killed, by the next agent's start
     * ({@link #removeLeftoverSynDrops}).
     */
    public int dropHostHandshakes(String app, String id, Duration max) throws IOException, InterruptedException {
        Hosted h = app(app);
        AppContainer c;
        synchronized (this) {
            c = h.container(id);
        }
        if (c.hasNetwork()) throw new IOException("container " + printable(id) + " of " + printable(app) + " has a network of its own");
        long pid = c.hostPid().orElseThrow(() -> new IOException("container " + printable(id) + " of " + printable(app)
                + " does not run on " + host));
        List<dev.talent.container.HostListeners.Listener> listeners = dev.talent.container.HostListeners.of(pid);
        if (listeners.isEmpty()) return 0;
        try {
            synchronized (this) {
                if (h.synDrop == null) {
                    h.synDrop = dev.talent.container.HostSynDrop.install(dev.talent.container.HostSynDrop.tableFor(pid), listeners);
                }
            }
        } catch (dev.talent.container.ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
        dev.talent.container.HostListeners.awaitNone(pid, listeners, max);
        return listeners.size();
    }

    /** Undoes {@link #dropHostHandshakes}: the copy listens, or the source goes on. Nothing when none is dropped. */
    public void acceptHostHandshakes(String app) throws IOException, InterruptedException {
        Hosted h = app(app);
        acceptHostHandshakes(h);
    }

    private void acceptHostHandshakes(Hosted h) throws IOException, InterruptedException {
        dev.talent.container.HostSynDrop d;
        synchronized (this) {
            d = h.synDrop;
        }
        if (d == null) return;
        try {
            d.remove();
        } catch (dev.talent.container.ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
        synchronized (this) {
            if (h.synDrop == d) h.synDrop = null;
        }
    }

    /**
     * At the agent's start: the tables dropping new handshakes that an agent (or talent run) which no longer runs left in
     * this host's namespace (killed in the middle of a move: the app's ports would drop every new client for good)
     * are removed, each said in the events.
     */
    public void removeLeftoverSynDrops() throws InterruptedException {
        try {
            for (dev.talent.container.HostSynDrop.Leftover l : dev.talent.container.HostSynDrop.removeLeftovers()) {
                events.accept("removed the nft table " + l.table() + " that dropped new connections to a program's ports during"
                        + " a move: " + l.why());
            }
        } catch (dev.talent.container.ContainerException e) {
            events.accept(e.getMessage());
        }
    }

    /** Undoes {@link #dropNewConnections}: the source goes on (a failure before its stop). */
    public void acceptNewConnections(String app, String id) throws IOException, InterruptedException {
        container(app, id).acceptNewConnections();
    }

    /** Takes the container's traffic off the network (--net): a migration's source at its stop, a failed destination. */
    public void lockNetwork(String app, String id) throws IOException, InterruptedException {
        AppContainer c = container(app, id);
        held.change(app, c, "locked by the leader", () -> {
            c.lockNetwork();
            return null;
        });
    }

    /**
     * The agent's own unlock ({@link HeldNetworks}): each --net container off the network here that runs its app while
     * etcd places the app on this host with no migration in flight ({@code fences}, read only when there is one) is let
     * onto the network and announced, as the leader's unlock after a commit does; said in the events. Run every
     * {@link #NETWORK_CHECK_EVERY} and at each change of the placements or migrations in etcd. Returns how many.
     */
    public int convergeNetwork(FenceSource fences) throws IOException, InterruptedException {
        return held.converge(this::runningContainer, fences, (app, c) -> {
            c.unlockNetwork();
            saidIfHoldEnded(app, c);
            try {
                c.announce();
            } catch (IOException e) {
                events.accept("cannot announce " + printable(app) + " on " + host + " after its unlock: " + e.getMessage());
            }
        }, events);
    }

    /** How often the agent looks for --net containers left off the network ({@link #convergeNetwork}). */
    public static final Duration NETWORK_CHECK_EVERY = HeldNetworks.EVERY;

    /** The container that runs the app here (not stopped, ended nor lost), if any. */
    private synchronized Optional<AppContainer> runningContainer(String app) {
        Hosted h = apps.get(app);
        if (h == null || h.running == null || h.stopped || h.ended != null || h.lost != null) return Optional.empty();
        return Optional.of(h.running);
    }

    /** Says that unlocking an adopted container ended a hold its dead agent left (see {@link AdoptedContainer#unlockNetwork}). */
    private void saidIfHoldEnded(String app, AppContainer c) {
        if (c instanceof AdoptedContainer a && a.heldRulesEnded() > 0) {
            events.accept(printable(app) + ": container " + a.id() + " was held by the agent before this one (killed before its"
                    + " unlock): its " + a.heldRulesEnded() + " netfilter queue rule(s), whose helper died with that agent, removed");
        }
    }

    /**
     * Takes every container of the app here off the network (--net; nothing to do without one or when absent): the
     * copy of an interrupted migration that does not go on, before the one that goes on resumes elsewhere, so that
     * only one copy has the app's address on the segment. It stays until it is removed, or {@link #rejoin} lets it
     * back.
     */
    public void isolate(String app) throws IOException, InterruptedException {
        Hosted h;
        List<AppContainer> cs;
        synchronized (this) {
            h = apps.get(checkApp(app));
            if (h == null) return;
            cs = new ArrayList<>(h.containers.values());
        }
        for (AppContainer c : cs) {
            if (c.hasNetwork()) held.change(app, c, "isolated: the other copy of an interrupted migration", () -> {
                c.lockNetwork();
                return null;
            });
        }
    }

    /**
     * Lets the container that runs the app here onto the network (unlocked, its address announced): a destination
     * that etcd names after a move whose unlock did not happen (its leader died between the commit and the unlock), or
     * a copy {@link #isolate isolated} for a resume that failed. Idempotent; false when nothing runs here or it has
     * no network.
     */
    public boolean rejoin(String app) throws IOException, InterruptedException {
        AppContainer c;
        synchronized (this) {
            Hosted h = apps.get(checkApp(app));
            if (h == null || h.running == null || h.ended != null || h.lost != null) return false;
            c = h.running;
        }
        if (!c.hasNetwork()) return false;
        AppContainer r = c;
        held.change(app, c, null, () -> {
            r.unlockNetwork();
            saidIfHoldEnded(app, r);
            r.announce();
            return null;
        });
        return true;
    }

    public boolean signal(String app, String id, String signal) throws IOException {
        Signal s;
        try {
            s = Signal.valueOf(signal);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a signal: " + printable(signal));
        }
        return container(app, id).signal(s);
    }

    /** Starts container {@code id} of the app; one made to restore a checkpoint is timed until its runtime says ready. */
    public void startContainer(String app, String id) throws IOException, InterruptedException {
        AppContainer c = container(app, id);
        String platform = restorers.get(app + "\u0000" + id);
        if (platform != null) restoring.put(app + "\u0000" + platform, System.nanoTime());
        c.start();
    }

    public RuntimeEvent nextEvent(String app, String platform, Duration timeout) throws IOException, InterruptedException {
        RuntimeEvent e = app(app).place(checkPlatform(platform)).containers().nextEvent(timeout);
        if (e instanceof RuntimeEvent.Ready || e instanceof RuntimeEvent.ProcessExited) {
            Long began = restoring.remove(app + "\u0000" + platform);
            if (began != null) metrics.restore(app, e instanceof RuntimeEvent.Ready, System.nanoTime() - began);
        }
        return e;
    }

    public void clearEvents(String app, String platform) throws IOException {
        app(app).place(checkPlatform(platform)).containers().clearEvents();
    }

    public void clearCheckpoints(String app, String platform) throws IOException {
        app(app).place(checkPlatform(platform)).files().clearCheckpoints();
    }

    /** Just before the destination starts: what its journal saw so far were the syncs' copies; old events go. */
    public void beforeStart(String app, String platform) throws IOException {
        Hosted h = app(app);
        Platform p = checkPlatform(platform);
        ChangeJournal j;
        synchronized (this) {
            j = h.incoming.get(p);
        }
        if (j != null) j.drain();
        h.place(p).containers().clearEvents();
    }

    /** The container {@code id} on {@code platform} now runs the app here (a committed destination, or a rollback). */
    public void adopt(String app, String platform, String id) throws IOException {
        Hosted h = app(app);
        Platform p = checkPlatform(platform);
        synchronized (this) {
            AppContainer c = h.container(id);
            ChangeJournal j = h.incoming.remove(p);
            if (j != null) {
                if (h.journal != null && h.journal != j) closeQuietly(h.journal);
                h.journal = j;
            }
            h.current = p;
            h.running = c;
            h.ended = null;
            h.lost = null;
            h.stopped = false;
            h.since = System.currentTimeMillis();
        }
        persist(h);
    }

    /**
     * An app stopped at its checkpoint whose migration nobody drives any more (its controller died): restarted here
     * as a rollback restarts it ({@link RollBackStep}), from the newest checkpoint talent accepted here; the one the
     * program left at its stop is accepted first when no migration took it yet.
     */
    public void resume(String app, Duration timeout) throws IOException, InterruptedException {
        Hosted h = app(app);
        FenceSource f = fences;
        if (f != null) {
            PlacementFence.Verdict verdict = f.load().check(h.name, h.spec.epoch());
            if (!verdict.keep()) throw new IOException("not resuming " + app + " on " + host + ": " + verdict.reason());
        }
        Platform p;
        AppContainer stopped;
        boolean take;
        synchronized (this) {
            if (!h.stopped || h.current == null || (h.running == null && h.stoppedLeftover == null))
                throw new IOException("app " + app + " is not stopped at a checkpoint on " + host);
            p = h.current;
            stopped = h.running;
            take = h.taken == null;
        }
        LocalApp.Place place = h.place(p);
        if (take) {
            try {
                OutgoingCheckpoint ck = place.files().takeCheckpoint();
                synchronized (this) {
                    h.taken = ck;
                }
                // --net: the connections taken at that stop, if this agent was taking them, belong to it
                place.connectionsTaken(ck.sequence());
            } catch (IOException e) {
                events.accept(app + " on " + host + ": the checkpoint left at its stop is refused (" + e.getMessage()
                        + "); resuming from the newest one accepted before");
            }
        }
        // a stopped container an earlier agent left goes first, as the rollback removes the stopped one it is given
        // (the new container may take its id)
        String leftover;
        synchronized (this) {
            leftover = h.stoppedLeftover;
            h.stoppedLeftover = null;
        }
        if (leftover != null) removeStoppedLeftover(leftover);
        StepResult.RolledBack back;
        try {
            back = new RollBackStep(timeout, events, "").run(place.containers(), place.files(), stopped,
                    "a migration its controller abandoned", c -> track(h, c, p), localConnections(h, place, timeout));
        } catch (RollbackFailedException e) {
            throw new IOException(e.getMessage(), e);
        }
        synchronized (this) {
            if (stopped != null) h.containers.remove(stopped.id());
        }
        adopt(app, p.name(), back.restarted().id());
        back.restarted().announce();
        events.accept("resumed " + app + " on " + host + "/" + p.name() + " (container " + back.restarted().id() + ")");
    }

    /** The connections this host holds of the app (--net), given back to a program it restarts itself ({@link #resume}). */
    private static dev.talent.migrate.pipeline.ConnectionCarrier localConnections(Hosted h, LocalApp.Place place, Duration timeout) {
        return new dev.talent.migrate.pipeline.ConnectionCarrier() {
            @Override
            public void beforeStop(dev.talent.migrate.pipeline.HostContainers host, AppContainer program) {}

            @Override
            public void taken(BigInteger sequence) {}

            @Override
            public void beforeStart(dev.talent.migrate.pipeline.HostContainers host, AppContainer c, BigInteger sequence)
                    throws IOException, InterruptedException {
                if (c.hasNetwork()) place.giveConnections(c, sequence, timeout);
            }

            @Override
            public void beforeUnlock() throws IOException, InterruptedException { h.local.connectionsHeld(Duration.ofSeconds(5)); }

            @Override
            public void cancel() { h.local.cancelConnections(); }

            @Override
            public void forget() throws IOException { h.local.forgetConnections(); }
        };
    }

    /**
     * The app left {@code platform} here (committed elsewhere): that place goes; when the app no longer runs on
     * this host, everything of it goes.
     */
    public void release(String app, String platform) throws IOException, InterruptedException {
        Hosted h = app(app);
        Platform p = checkPlatform(platform);
        boolean whole;
        synchronized (this) {
            whole = h.current == null || h.current.equals(p);
        }
        if (whole) {
            remove(app);
            return;
        }
        synchronized (this) {
            ChangeJournal j = h.incoming.remove(p);
            closeQuietly(j);
            h.places.remove(p);
        }
        h.local.dropPlace(p);
    }

    /**
     * A place of the app that it does not use (a destination prepared for a migration between two platforms of this
     * host that did not go there): its containers are deleted, its journal stops and its directory goes; the app
     * stays on its platform here. Refused when the app is on {@code platform} here (that is {@link #remove}'s).
     */
    public void dropPlace(String app, String platform) throws IOException, InterruptedException {
        Hosted h = app(app);
        Platform p = checkPlatform(platform);
        List<AppContainer> cs = new ArrayList<>();
        synchronized (this) {
            if (p.equals(h.current))
                throw new IOException("app " + app + " is on " + host + "/" + p.name() + ": not dropping that place");
            h.containerPlatforms.forEach((id, at) -> {
                AppContainer c = h.containers.get(id);
                if (at.equals(p) && c != null && !c.equals(h.running)) cs.add(c);
            });
        }
        for (AppContainer c : cs) {
            c.delete();
            synchronized (this) {
                h.containers.remove(c.id());
                h.containerPlatforms.remove(c.id());
            }
        }
        synchronized (this) {
            closeQuietly(h.incoming.remove(p));
            h.places.remove(p);
        }
        h.local.dropPlace(p);
        events.accept("dropped the place of " + app + " on " + host + "/" + p.name() + " (" + cs.size()
                + " container(s)): a migration that did not go there");
    }

    /** A prepared destination that is not used: its journal stops. */
    public void dropJournal(String app, String platform) throws IOException {
        Hosted h = app(app);
        synchronized (this) {
            closeQuietly(h.incoming.remove(checkPlatform(platform)));
        }
    }

    public String whereStateIs(String app, String platform) throws IOException {
        return app(app).place(checkPlatform(platform)).files().whereStateIs();
    }

    public AppsMessages.Restored restoreAccepted(String app, String platform, Consumer<String> warn) throws IOException {
        RestoredCheckpoints r = app(app).place(checkPlatform(platform)).files().restoreAcceptedCheckpoints(warn);
        return new AppsMessages.Restored(r.copied(), r.newest().map(BigInteger::toString).orElse(""), r.refused());
    }

    /** Source: accepts and signs the checkpoint the stopped program left; kept here until it is sent. */
    public AppsMessages.Statement takeCheckpoint(String app, String platform) throws IOException, InterruptedException {
        return takeCheckpoint(app, platform, null, false);
    }

    /**
     * A send of the taken checkpoint its take started: where to, which checkpoint, and its end ({@code done}: the
     * destination's own time of the checkpoint, as it answered, ns; 0: not said).
     */
    record SendAhead(AppsMessages.Send to, OutgoingCheckpoint ck, CompletableFuture<Long> done) {}

    /** The most a take waits for the send an earlier take started (an abandoned migration's) to end. */
    private static final Duration SEND_AHEAD_DRAIN = Duration.ofSeconds(30);

    /** The take op's argument that asks for a send ahead to an agent (address, port) and platform. */
    static String sendAheadArg(String address, int port, String platform) { return address + "\n" + port + "\n" + platform; }

    /** The send a take's argument asks for ({@link #sendAheadArg}), or null for none (an empty argument). */
    static AppsMessages.Send sendAhead(String app, String platform, String arg) throws IOException {
        if (arg == null || arg.isEmpty()) return null;
        String[] f = arg.split("\n", -1);
        if (f.length != 3 || f[0].isEmpty() || f[0].length() > 255 || !f[1].matches("[0-9]{1,5}") || Integer.parseInt(f[1]) > 65535)
            throw new IOException("not a destination to send a checkpoint to: '" + printable(arg) + "'");
        return new AppsMessages.Send(app, platform, f[0], Integer.parseInt(f[1]), f[2], "");
    }

    /**
     * Source: takes the checkpoint the program left ({@link LocalApp.Place#files()}), as {@link #takeCheckpoint(String,
     * String)}; {@code sendTo} not null: then starts sending it there at once, as {@link #sendCheckpoint} would (the
     * same statement and bytes), and the {@code sendCheckpoint} to that destination that follows waits for that send
     * instead of starting one. {@code waitForSend} (with {@code sendTo}): the send is made before the answer, which says
     * how it went ({@link AppsMessages.Statement#withHanded}) when the destination received the checkpoint; when the send
     * failed the answer says nothing of it, and the {@code sendCheckpoint} that follows reports the failure as before.
     */
    public AppsMessages.Statement takeCheckpoint(String app, String platform, AppsMessages.Send sendTo, boolean waitForSend)
            throws IOException, InterruptedException {
        Hosted h = app(app);
        SendAhead earlier;
        synchronized (this) {
            earlier = h.sendAhead;
            h.sendAhead = null;
        }
        if (earlier != null) {
            // an abandoned migration's send: over before this take (its destination must not get the two mixed)
            try {
                earlier.done().get(SEND_AHEAD_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // its failure was nobody's to see: that migration went on without it
            }
        }
        long began = System.nanoTime();
        OutgoingCheckpoint ck;
        // with a destination: the send starts once the checkpoint is read and signed, while talent's reader validates
        // it; its stream ends only once that validation passed, and is cut if it did not (ValidatedEnd)
        var early = new java.util.concurrent.atomic.AtomicReference<Early>();
        try {
            ck = h.place(checkPlatform(platform)).files().takeCheckpoint(sendTo == null ? null : (read, validated) -> {
                Early e = new Early(new SendAhead(sendTo, read, new CompletableFuture<>()), System.nanoTime());
                early.set(e);
                Thread.ofVirtual().name("send-ahead-" + h.name).start(() -> {
                    try {
                        e.ahead().done().complete(send(read, sendTo, validated));
                    } catch (IOException | RuntimeException x) {
                        e.ahead().done().completeExceptionally(x);
                    }
                });
            });
        } catch (IOException | RuntimeException e) {
            metrics.checkpoint(app, false, System.nanoTime() - began);
            // a send started before the refusal was cut by it: over before the refusal is answered (the rollback that
            // follows discards the destination; no stream may still write there)
            Early cut = early.get();
            if (cut != null) awaitQuietly(cut.ahead().done());
            throw e;
        }
        metrics.checkpoint(app, true, System.nanoTime() - began);
        Early e = early.get();
        if (e != null && !e.ahead().ck().name().equals(ck.name())) {
            // the newest file was refused (its send cut) and an older one taken: that send ends before this one starts
            awaitQuietly(e.ahead().done());
            e = null;
        }
        SendAhead ahead = sendTo == null ? null : new SendAhead(sendTo, ck, e != null ? e.ahead().done() : new CompletableFuture<>());
        synchronized (this) {
            h.taken = ck;
            h.sendAhead = ahead;
        }
        AppsMessages.Statement st = statement(ck.signature(), ck.sockets())
                .withBinding(ck.binding().map(dev.talent.migrate.control.MigrationRecord.Bound::of).orElse(null));
        if (ahead != null && waitForSend) {
            // on this call's thread (or awaited here, when it began before the validation): the answer waits for its end
            long sending = e != null ? e.began() : System.nanoTime();
            long received;
            try {
                received = e != null ? awaitSend(ahead.done()) : send(ahead.ck(), sendTo);
            } catch (IOException | RuntimeException x) {
                ahead.done().completeExceptionally(x);
                return st;
            }
            ahead.done().complete(received);
            synchronized (this) {
                // handed over: no SendCheckpoint follows (a later take would find it done anyway)
                if (ahead.equals(h.sendAhead)) h.sendAhead = null;
            }
            return st.withHanded(Math.max(0, System.nanoTime() - sending), received);
        }
        if (ahead != null && e == null) {
            Thread.ofVirtual().name("send-ahead-" + h.name).start(() -> {
                try {
                    ahead.done().complete(send(ahead.ck(), sendTo));
                } catch (IOException | RuntimeException x) {
                    ahead.done().completeExceptionally(x);
                }
            });
        }
        return st;
    }

    /** A send a take started before its validation ({@link dev.talent.migrate.pipeline.EarlySend}), and when it began ({@link System#nanoTime}). */
    private record Early(SendAhead ahead, long began) {}

    /** Waits (at most {@link #SEND_AHEAD_DRAIN}) for a send to end, whatever its outcome. */
    private static void awaitQuietly(CompletableFuture<Long> done) throws InterruptedException {
        try {
            done.get(SEND_AHEAD_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // its outcome is the caller's to ignore: the send was cut
        }
    }

    /** The outcome of a send another thread makes: the destination's own time of it, or the send's failure. */
    private static long awaitSend(CompletableFuture<Long> done) throws IOException, InterruptedException {
        try {
            return done.get();
        } catch (java.util.concurrent.ExecutionException x) {
            if (x.getCause() instanceof IOException io) throw io;
            throw new IOException(String.valueOf(x.getCause().getMessage()), x.getCause());
        }
    }

    /**
     * Source: writes the recovery copy of the checkpoint {@link #takeCheckpoint} took in memory into the accepted
     * ones (fsynced), once the destination runs; anything that reads the accepted checkpoints (a rollback) writes it
     * first anyway.
     */
    public void keepTakenCheckpoint(String app, String platform) throws IOException {
        app(app).place(checkPlatform(platform)).files().keepTakenCheckpoint();
    }

    static AppsMessages.Statement statement(CheckpointSignature s, int sockets) {
        return new AppsMessages.Statement(s.app(), s.name(), s.sequence().toString(), sockets, s.size(), s.sha256(), s.signature(),
                s.signerKey(), s.signerChain());
    }

    static CheckpointSignature signature(AppsMessages.Statement s) throws IOException {
        if (s == null || s.sequence() == null || s.sequence().length() > 40 || s.sha256() == null || s.signature() == null
                || s.signerKey() == null || s.chain() == null || s.chain().size() > 8) throw new IOException("a malformed checkpoint statement");
        try {
            return new CheckpointSignature(s.app(), s.name(), new BigInteger(s.sequence()), s.size(), s.sha256(), s.signature(),
                    s.signerKey(), s.chain());
        } catch (NumberFormatException e) {
            throw new IOException("a malformed checkpoint sequence", e);
        }
    }

    /**
     * Source: sends the checkpoint taken last to the agent at {@code to}, which checks it before its runtime can read it;
     * the destination's own time of it, as it answered (ns; 0: not said).
     */
    public long sendCheckpoint(AppsMessages.Send to) throws IOException, InterruptedException {
        Hosted h = app(to.app());
        OutgoingCheckpoint ck;
        SendAhead ahead;
        synchronized (this) {
            ck = h.taken;
            ahead = h.sendAhead;
            // the send the take started, if it is this one (the same checkpoint, to the same place)
            if (ahead != null && ck != null && ahead.ck().name().equals(ck.name()) && ahead.to().equals(to)) h.sendAhead = null;
            else ahead = null;
        }
        if (ck == null) throw new IOException("no checkpoint of " + to.app() + " was taken on " + host);
        if (ahead != null) {
            try {
                return ahead.done().get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                throw new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
            }
        }
        return send(ck, to);
    }

    /**
     * Sends checkpoint {@code ck} (signed statement, then its bytes) to the agent and place {@code to} names; the
     * destination's own time of it (ns; 0: not said).
     */
    private long send(OutgoingCheckpoint ck, AppsMessages.Send to) throws IOException {
        return send(ck, to, null);
    }

    /**
     * As above, the stream's end held until {@code validated} completes (null: not held), and cut if it completes
     * exceptionally ({@link ValidatedEnd}): the destination places nothing its source did not validate.
     */
    private long send(OutgoingCheckpoint ck, AppsMessages.Send to, CompletableFuture<Void> validated) throws IOException {
        OutgoingFilter f = outgoing;
        CheckpointSignature s = f.statement(ck.signature());
        InputStream bytes = ck.bytes().open();
        try (InputStream in = f.bytes(validated == null ? bytes : new ValidatedEnd(bytes, validated))) {
            return link.sendCheckpoint(to, statement(s, ck.sockets()), in);
        }
    }

    // ---- the TCP connections of a --net app (TCP repair, as talent run; the state file goes agent to agent) ----

    /** Source, before the stop: ready to take the program's connections at its stop checkpoint. */
    public void takeConnections(String app, String platform, Duration safePoint) throws IOException, InterruptedException {
        app(app).place(checkPlatform(platform)).takeConnections(safePoint);
    }

    /** Source, the checkpoint {@code sequence} accepted: how many connections were taken at that stop. */
    public int connectionsTaken(String app, String platform, BigInteger sequence) throws IOException, InterruptedException {
        return app(app).place(checkPlatform(platform)).connectionsTaken(sequence);
    }

    /** The most a connection state may be when it travels (1 GiB: far above 250 connections with full queues of a usual size). */
    static final long MAX_CONNECTION_STATE = 1L << 30;

    /**
     * Source: sends the connections taken with checkpoint {@code to.mode()} (a sequence) to the agent at {@code to},
     * signed with this host's key as a checkpoint is; false when there are none.
     */
    public boolean sendConnections(AppsMessages.Send to) throws IOException {
        Hosted h = app(to.app());
        BigInteger sequence = sequence(to.mode());
        Optional<Path> state = h.local.connectionState(sequence);
        if (state.isEmpty()) return false;
        long size = Files.size(state.get());
        if (size > MAX_CONNECTION_STATE) throw new IOException("the TCP state of " + to.app() + " is larger than " + MAX_CONNECTION_STATE + " bytes");
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(state.get())) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
        }
        // (the file is this agent's, written by its helper; it does not change until the next migration)
        CheckpointSignature s = outgoing.statement(signer.sign(h.name, CheckpointSignature.connectionsName(sequence), sequence, size, md.digest()));
        try (InputStream in = outgoing.bytes(Files.newInputStream(state.get()))) {
            link.sendConnections(to, statement(s, 0), in);
        }
        return true;
    }

    /**
     * Destination: the connections another host took (its statement verified as a checkpoint's: signed by a host of
     * the fleet, for this app and that checkpoint), written into the app's directory while size and SHA-256 are
     * compared, then bound to their checkpoint; the TCP repair helper checks every field before it restores one.
     */
    public int receiveConnections(String app, AppsMessages.Statement statement, InputStream bytes) throws IOException {
        Hosted h = app(app);
        CheckpointSignature s = signature(statement);
        try {
            verifier.verifyConnections(s, h.name, s.sequence());
        } catch (dev.talent.migrate.pipeline.CheckpointSignatureException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (s.size() < 0 || s.size() > MAX_CONNECTION_STATE) throw new IOException("a TCP state of " + s.size() + " bytes is out of bounds");
        Path file = h.local.incomingConnections();
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long n = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = bytes.read(buf)) > 0; ) {
                n += r;
                if (n > s.size()) throw new IOException("the TCP state of " + app + " is longer than its statement says");
                md.update(buf, 0, r);
                out.write(buf, 0, r);
            }
        }
        try {
            if (n != s.size() || !java.security.MessageDigest.isEqual(md.digest(), s.sha256()))
                throw new IOException("the TCP state of " + app + " does not match its signed statement (size or SHA-256); refused");
            return h.local.receiveConnections(s.sequence(), file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Before container {@code id} restores checkpoint {@code sequence}: the connections of it held here are given to it. */
    public void giveConnections(String app, String platform, String id, BigInteger sequence, Duration restore)
            throws IOException, InterruptedException {
        Hosted h = app(app);
        AppContainer c;
        synchronized (this) {
            c = h.container(id);
        }
        h.place(checkPlatform(platform)).giveConnections(c, sequence, restore);
    }

    public void connectionsHeld(String app) throws IOException, InterruptedException { app(app).local.connectionsHeld(Duration.ofSeconds(5)); }

    public void cancelConnections(String app) throws IOException { app(app).local.cancelConnections(); }

    public void forgetConnections(String app) throws IOException { app(app).local.forgetConnections(); }

    static BigInteger sequence(String text) throws IOException {
        if (text == null || !text.matches("[0-9]{1,40}")) throw new IOException("not a checkpoint sequence: '" + printable(String.valueOf(text)) + "'");
        return new BigInteger(text);
    }

    /**
     * Destination: receives a checkpoint (verified, size and digest checked) into the place's checkpoint directory; a
     * pre-copy image ({@code pre-<round>.tck}, sent by {@link #sendPrecopyImage}) is kept there as the base of the delta
     * the stop's checkpoint will be, verified the same way (the runtime checks the delta's base length and CRC).
     */
    public void receiveCheckpoint(String app, String platform, AppsMessages.Statement statement, InputStream bytes) throws IOException {
        CheckpointSignature signed = signature(statement);
        dev.talent.migrate.pipeline.HostFiles files = app(app).place(checkPlatform(platform)).files();
        if (dev.talent.format.RuntimeContract.PRECOPY_IMAGE_NAME.matcher(signed.name()).matches()) files.receivePrecopyImage(signed, bytes);
        else files.receiveCheckpoint(signed, bytes);
    }

    /**
     * Source, while the program runs: accepts the pre-copy image {@code image} a round left (kept where the program
     * cannot write) and signs it; {@link #sendPrecopyImage} sends it.
     */
    public AppsMessages.Statement takePrecopyImage(String app, String platform, String image) throws IOException {
        if (image == null || !dev.talent.format.RuntimeContract.PRECOPY_IMAGE_NAME.matcher(image).matches())
            throw new IOException("not a pre-copy image: '" + printable(String.valueOf(image)) + "'");
        Hosted h = app(app);
        OutgoingCheckpoint ck = h.place(checkPlatform(platform)).files().takePrecopyImage(image);
        synchronized (this) {
            h.precopyTaken = ck;
        }
        return statement(ck.signature(), ck.sockets());
    }

    /** Source: sends the pre-copy image {@link #takePrecopyImage} took to the agent and place {@code to} names. */
    public void sendPrecopyImage(AppsMessages.Send to) throws IOException {
        Hosted h = app(to.app());
        OutgoingCheckpoint ck;
        synchronized (this) {
            ck = h.precopyTaken;
        }
        if (ck == null) throw new IOException("no pre-copy image of " + to.app() + " was taken on " + host);
        send(ck, to);
    }

    /**
     * Source: sends the working directory to the destination: all of it ({@code mirror}), or what the journal saw
     * since the last sync; the program's output log follows from the offset the destination lacks.
     */
    public AppsMessages.Sync syncTo(AppsMessages.Send to) throws IOException, InterruptedException {
        Hosted h = app(to.app());
        if (!to.mode().equals("mirror") && !to.mode().equals("journal")) throw new IOException("not a sync mode: " + printable(to.mode()));
        Platform p = checkPlatform(to.platform());
        ChangeJournal j;
        boolean gap;
        SyncedLogs known;
        synchronized (this) {
            j = h.journal;
            gap = h.journalGap;
            known = h.syncedLogs;
            h.syncedLogs = null; // until this sync is through
        }
        long[] expected = expectedLogs(known, to);
        long[] destinationLogs = expected != null ? expected : link.logSizes(to);
        if (j == null) throw new IOException("app " + to.app() + " has no journal on " + host);
        Changes changes = j.drain();
        String mode = syncMode(to.mode(), changes, gap);
        List<String> paths = mode.equals("mirror") ? List.of("") : ((Changes.Listed) changes).paths().stream().map(Path::toString).sorted().toList();
        LogTail out = LogTail.of(h.log, destinationLogs[0]), err = LogTail.of(h.err, destinationLogs[1]);
        AgentLink.Packer packer = o -> WorkdirArchive.pack(h.place(p).work(), paths.stream().map(Path::of).toList(), o);
        AppsMessages.Sync sent;
        try {
            sent = link.sendSync(to, mode, paths, out, err, packer, expected);
        } catch (AgentLink.LogsMovedException e) {
            // its logs are not as the last sync left them (written since, or a place prepared anew): asked, and sent again
            destinationLogs = link.logSizes(to);
            out = LogTail.of(h.log, destinationLogs[0]);
            err = LogTail.of(h.err, destinationLogs[1]);
            sent = link.sendSync(to, mode, paths, out, err, packer, null);
        }
        synchronized (this) {
            h.syncedLogs = new SyncedLogs(to, out.end(), err.end());
        }
        if (gap) {
            synchronized (this) {
                h.journalGap = false;
            }
        }
        return sent;
    }

    /**
     * The sizes the last sync to {@code to}'s place left there ({@code known}), which this sync expects (and the
     * destination checks) instead of a round trip to ask; null (ask) for another place, or for an agent of protocol 1
     * there, which knows no such field and would refuse the sync (the migration would roll back).
     */
    static long[] expectedLogs(SyncedLogs known, AppsMessages.Send to) {
        if (known == null || to.destinationSpeaks() < dev.talent.fleet.Protocol.SYNC_EXPECTS_LOGS) return null;
        return known.expected(to);
    }

    /**
     * How a sync sends the working directory: all of it (mirror) when asked to, when the journal lost track of its
     * changes, or when it has a gap (the app was adopted: files its program wrote while no agent watched are in no
     * journal, and a journal sync would leave them out of the destination for good); otherwise what the journal saw.
     */
    static String syncMode(String requested, Changes changes, boolean journalGap) {
        return requested.equals("mirror") || changes instanceof Changes.Overflow || journalGap ? "mirror" : "journal";
    }

    /**
     * What a sync to {@code to} left of the app's logs there: each as long as the source's was when it was read
     * ({@link LogTail#end()}). The next sync to the same place expects these sizes instead of asking for them; the
     * destination checks them before it applies anything ({@link #checkLogSizes}).
     */
    record SyncedLogs(AppsMessages.Send to, long out, long err) {
        /** The sizes to expect at {@code next}'s destination: these when it is the same place, else null (ask). */
        long[] expected(AppsMessages.Send next) {
            return to.app().equals(next.app()) && to.platform().equals(next.platform()) && to.toAddress().equals(next.toAddress())
                    && to.toPort() == next.toPort() && to.toPlatform().equals(next.toPlatform()) ? new long[] {out, err} : null;
        }
    }

    /**
     * Destination, before a sync is applied: its logs must be as long as the source expects ({@code null}: it asked
     * for their sizes in this sync); if not, the sync is refused before anything changes and the source asks.
     */
    public void checkLogSizes(String app, Long out, Long err) throws IOException {
        if (out == null && err == null) return;
        long[] sizes = logSizes(app);
        if (out == null || err == null || sizes[0] != out || sizes[1] != err)
            throw new AgentLink.LogsMovedException("the logs of " + app + " here are " + sizes[0] + " and " + sizes[1]
                    + " bytes, not the " + out + " and " + err + " the sync expects");
    }

    /** The most a sync carries of one log: its cap and what the program may have added since the last check. */
    static final long MAX_LOG_PART = LogCap.CAP + (8L << 20);

    /** What a destination lacks of a log: its bytes from {@code from} (block-aligned when the source dropped the start). */
    @SuppressWarnings("ArrayRecordComponent") // bytes sent to the destination, never compared or hashed
    record LogTail(long from, byte[] bytes) {
        /** Where the log ends at the destination once this part is appended. */
        long end() { return from + bytes.length; }

        /** The part of {@code log} after {@code destinationSize}, within what is kept and {@link #MAX_LOG_PART}. */
        static LogTail of(Path log, long destinationSize) throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                long size = f.length();
                long from = Math.max(0, Math.min(destinationSize, size));
                long kept = Math.max(LogCap.retainedFrom(log, size), (size - MAX_LOG_PART) / 4096 * 4096);
                if (from < kept) from = kept;
                byte[] b = new byte[(int) (size - from)];
                f.seek(from);
                f.readFully(b);
                return new LogTail(from, b);
            }
        }

        /**
         * Appends to {@code log} what it lacks of this part (never truncating: on the source's own host this is the
         * file the program still appends to). A part that starts past its end (the source dropped the start)
         * leaves a hole there: this copy drops the same.
         */
        void appendTo(Path log) throws IOException {
            if (from < 0) throw new IOException("log offset " + from + " out of range");
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
                long size = f.length();
                if (from > size) {
                    f.setLength(from);
                    LogCap.dropBefore(log, from);
                    size = from;
                }
                long skip = size - from;
                if (skip < bytes.length) {
                    f.seek(size);
                    f.write(bytes, (int) skip, (int) (bytes.length - skip));
                }
            }
        }
    }

    /** Where streams of the app are spooled on their way in. */
    Path spoolDir(String app) throws IOException {
        Path d = dir.resolve("apps").resolve(app(app).name).resolve("spool");
        Files.createDirectories(d);
        return d;
    }

    /** The sizes of the app's stdout and stderr logs here. */
    public long[] logSizes(String app) throws IOException {
        Hosted h = app(app);
        return new long[] {Files.size(h.log), Files.size(h.err)};
    }

    /**
     * The log parts of a sync (stdout's, then stderr's), read after its archive was unpacked to staging and before
     * anything is applied: a stream read as it arrives fails here when it did not end as announced.
     */
    @FunctionalInterface
    interface LogPart {
        LogTail[] read() throws IOException;
    }

    /** Destination: applies a sync (the archive staged, then synced into the place's working directory by talent-env). */
    public AppsMessages.Sync receiveSync(String app, String platform, String mode, List<String> paths, InputStream archive,
            LogPart logPart) throws IOException {
        Hosted h = app(app);
        Platform p = checkPlatform(platform);
        LocalApp.Place place = h.place(p);
        Path staging = dir.resolve("apps").resolve(h.name).resolve("staging-" + p.name());
        deleteTree(staging);
        try {
            WorkdirArchive.unpack(archive, staging);
            // the logs (and, for a stream read as it arrives, its end: boundary, lengths) before anything is applied
            LogTail[] logs = logPart.read();
            SyncReport r;
            if (mode.equals("mirror")) {
                r = TreeSync.mirror(staging, place.work(), SyncLimits.DEFAULT);
                ChangeJournal j = ChangeJournal.watch(place.work());
                synchronized (this) {
                    closeQuietly(h.incoming.put(p, j));
                }
            } else {
                List<Path> listed = new ArrayList<>();
                for (String s : paths) listed.add(WorkdirArchive.checkName(s, WorkdirArchive.Limits.DEFAULT));
                r = TreeSync.copyChanged(staging, place.work(), new Changes.Listed(new java.util.HashSet<>(listed)), SyncLimits.DEFAULT);
                ChangeJournal j;
                synchronized (this) {
                    j = h.incoming.get(p);
                }
                if (j != null) j.drain();
            }
            // the logs: this host's copies become the source's, up to what it had
            logs[0].appendTo(h.log);
            logs[1].appendTo(h.err);
            return new AppsMessages.Sync(r.mode(), r.filesCopied(), r.filesDeleted(), r.bytesCopied(), r.entriesVanished(), r.nanos());
        } finally {
            deleteTree(staging);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // stopping a watch: nothing more useful to do
        }
    }

    static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** How many apps this agent hosts now. */
    public synchronized int count() {
        return apps.size();
    }

    /**
     * The agent stops (SIGTERM: an upgrade, a restart) and leaves its apps running: their containers, records and
     * directories stay for the agent started next on this state directory, which adopts them ({@link #recover}); only
     * the watches of this process end. {@code undeploy} (or {@link #close()}) stops apps, not this.
     */
    public void detach() {
        List<Hosted> all;
        synchronized (this) {
            all = new ArrayList<>(apps.values());
            apps.clear();
            containers = null;
        }
        for (Hosted h : all) {
            closeQuietly(h.journal);
            for (ChangeJournal j : h.incoming.values()) closeQuietly(j);
            // nothing of this process reads their events any more: the next agent does (a killed one's are gone too)
            h.local.detach();
        }
        events.accept("leaving " + all.size() + " app(s) running for the next agent on " + host);
        link.close();
    }

    /** Removes every app (tests; an in-process agent that stops). */
    @Override
    public void close() {
        List<String> names;
        synchronized (this) {
            names = new ArrayList<>(apps.keySet());
        }
        for (String a : names) {
            try {
                remove(a);
            } catch (IOException | InterruptedException e) {
                events.accept("cannot remove " + a + ": " + e.getMessage());
            }
        }
        ContainerHost c;
        synchronized (this) {
            c = containers;
            containers = null;
        }
        if (c != null) closeQuietly(c);
        link.close();
    }
}
