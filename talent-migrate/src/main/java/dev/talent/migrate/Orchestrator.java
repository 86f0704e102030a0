package dev.talent.migrate;

import dev.talent.container.Container;
import dev.talent.container.ContainerException;
import dev.talent.container.ContainerHost;
import dev.talent.container.ContainerSpec;
import dev.talent.container.HostSynDrop;
import dev.talent.container.Signals;
import dev.talent.env.ChangeJournal;
import dev.talent.env.SyncReport;
import dev.talent.env.TreeSync;
import dev.talent.format.ByteOrderBinding;
import dev.talent.format.RuntimeContract;
import dev.talent.migrate.control.ControlHandler;
import dev.talent.migrate.control.ControlRequestException;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.control.StatusReport;
import dev.talent.migrate.pipeline.CheckpointReceiver;
import dev.talent.migrate.pipeline.CheckpointSigner;
import dev.talent.migrate.pipeline.CheckpointVerifier;
import dev.talent.migrate.pipeline.CommitStep;
import dev.talent.migrate.pipeline.ConfirmStep;
import dev.talent.migrate.pipeline.DestinationReadyStep;
import dev.talent.migrate.pipeline.FinalSyncStep;
import dev.talent.migrate.pipeline.MigrationPipeline;
import dev.talent.migrate.pipeline.PrecopyStep;
import dev.talent.migrate.pipeline.PrepareStep;
import dev.talent.migrate.pipeline.RollBackStep;
import dev.talent.migrate.pipeline.SafePointStep;
import dev.talent.migrate.pipeline.StartStep;
import dev.talent.migrate.pipeline.StepResult;
import dev.talent.migrate.pipeline.TransferStep;
import dev.talent.policy.Alert;
import dev.talent.policy.AlertBook;
import dev.talent.policy.DestinationPolicy;
import dev.talent.policy.PolicyException;
import dev.talent.toolchain.BuildBinding;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Runs one app under {@code talent run}: starts it in a container on the first platform, keeps a destination
 * prepared (container created, workdir replica pre-synced), migrates it at random intervals or on request, and
 * rolls back when a step fails, so that the program is never lost: the source keeps its checkpoint until the
 * destination reports that it runs.
 *
 * <p>All migration work happens on the thread that calls {@link #run()}; the control socket and the timers only
 * queue requests for it, so two migrations never overlap.
 *
 * <p>A migration is the {@link MigrationPipeline} of {@code dev.talent.migrate.pipeline} (one unit per step, each
 * with a typed result) run over this machine's implementations of its interfaces: {@link LocalHostContainers},
 * {@link LocalHostFiles} (checkpoints signed with a key of this run and verified before the destination's runtime
 * reads them) and {@link LocalReplica}. This class keeps the run: schedule, policy, records, events, resume.
 */
public final class Orchestrator implements ControlHandler {

    /** The runtime's exit status after a checkpoint requested by SIGUSR1. */
    private static final int EXIT_CHECKPOINT = RuntimeContract.EXIT_CHECKPOINT;

    /** Replaced once at the start of a --net run by the same request with the address resolved. */
    private volatile RunRequest request;
    private final Timeouts timeouts;
    private final Consumer<RunEvent> listener;
    private final RandomGenerator random;
    private final BlockingDeque<Command> commands = new LinkedBlockingDeque<>();
    private final Map<Platform, Host> hosts = new LinkedHashMap<>();
    private final MigrationLog log;
    private final Instant startedAt = Instant.now();

    private ContainerHost containers;
    /** --net: prepared destinations keep what the peers send from the lock to the unlock instead of dropping it. */
    private final PacketHold hold;
    /** --net: carries the app's TCP connections across migrations (null without --net). */
    private TcpCarrier tcp;
    /** Without --net: the listeners whose ports the copy of the program binds again after each stop. */
    private final HostNetworkListeners hostListeners = new HostNetworkListeners(() -> {
        AcceptedCheckpoints a = this.accepted;
        return a == null ? List.of() : a.listeners();
    });
    private volatile Running current;
    private volatile Prepared prepared;
    private ChangeJournal journal;
    private int containerSerial;
    private volatile boolean finished;
    // written by the command loop only, read by status requests: atomic so that the counting needs no argument
    private final AtomicInteger migrationsDone = new AtomicInteger();
    private final AtomicInteger migrationsFailed = new AtomicInteger();
    private volatile StatusReport.State state = StatusReport.State.PREPARING;
    private volatile Instant nextMigrationAt;
    private volatile Instant currentSince;
    private final List<MigrationRecord> history = new ArrayList<>();
    /** Removes the sources of committed moves, one after the other, off the moves' path (see {@link #retire}). */
    private final java.util.concurrent.ExecutorService cleanup = java.util.concurrent.Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("talent-cleanup").factory());
    private Optional<Step> pendingFault;
    private final DestinationChooser chooser;
    /** Where a killed run's program is resumed; empty for a fresh start. */
    private final Optional<Platform> resumeOn;
    private RunState runState;
    private AcceptedCheckpoints accepted;
    private AddressLeases leases;
    /** The user's active alerts (null: alerts are not taken, e.g. in benchmarks). */
    private AlertBook alertBook;
    /** The tags of the active alerts that concern this app: platforms carrying one are not used. */
    private volatile java.util.Set<String> quarantined = java.util.Set.of();
    /** At most this long a migration waits, before its stop, for the warm-up to end (WarmUp). */
    private static final Duration WARM_UP_WAIT = Duration.ofSeconds(3);
    private boolean warmUpReported;
    /** How the prepared destination was drawn (for its migration record). */
    private String preparedHow = "";
    private AppHistory appHistory;
    /** The run's checkpoint signing key (Ed25519, one per run): every checkpoint handed to a destination is signed. */
    private final CheckpointSigner signer;
    /** A destination's check of what it is handed: signed by this run's key, size and digest as signed. */
    private final CheckpointReceiver receiver;

    /** Pre-copy before each stop: at most this many rounds (0: none, the stop writes a full checkpoint). */
    private volatile int precopyRounds;
    /** Destinations are started ahead and wait for their go (--prestart). */
    private volatile boolean prestart;

    /**
     * Whether each destination is started ahead ({@code talent run --prestart}): prepared as a running container whose
     * runtime waits for its go, so that the stop's downtime no longer holds runc start and the program's (and
     * qemu-user's) own start; set before {@link #run()}.
     */
    public void usePrestart(boolean on) {
        prestart = on;
    }

    /** What a destination started ahead does while it waits (TALENT_AHEAD): base, populate or off. */
    private volatile String ahead = RuntimeContract.AHEAD_BASE;

    /**
     * What each destination started ahead does before its go ({@code talent run --ahead}): {@code base} (the default)
     * populates the pages of the program's large globals and, with pre-copy, restores the newest pre-copy image ahead
     * (named to it as soon as it has received it; the stop's delta then decodes only what changed since);
     * {@code populate} only the first; {@code off} neither. Set before {@link #run()}.
     */
    public void useAhead(String mode) {
        if (!List.of(RuntimeContract.AHEAD_BASE, RuntimeContract.AHEAD_POPULATE, RuntimeContract.AHEAD_OFF).contains(mode)) {
            throw new IllegalArgumentException("what a destination does ahead: base, populate or off, not '" + mode + "'");
        }
        ahead = mode;
    }

    /**
     * Pre-copy before each stop ({@code talent run --precopy}), at most {@code maxRounds} rounds (0: none); set before
     * {@link #run()}, since the containers are created with the runtime's pre-copy switched on.
     */
    public void usePrecopy(int maxRounds) {
        if (maxRounds < 0) throw new IllegalArgumentException("negative pre-copy rounds " + maxRounds);
        precopyRounds = maxRounds;
    }

    /** How long each wait may take before the step is declared failed. */
    public record Timeouts(Duration safePoint, Duration restore) {
        public static Timeouts defaults() { return new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60)); }
    }

    private record Running(Host host, LocalContainer container) {}

    private record Prepared(Host host, LocalContainer container, LocalReplica replica) {}

    private sealed interface Command {}

    private record MigrateNow(Optional<Platform> to, String reason, CompletableFuture<MigrationRecord> done) implements Command {}

    /** The quarantine changed: a prepared destination that carries a quarantined tag is replaced. */
    private record Requarantine() implements Command {}

    private record Exited(LocalContainer container, int status) implements Command {}

    public Orchestrator(RunRequest request, Timeouts timeouts, Consumer<RunEvent> listener) throws IOException {
        this(request, timeouts, listener, Optional.empty());
    }

    /**
     * An orchestrator that adopts what a killed {@code talent run} of the same request left in the state directory
     * ({@link RunState}): it stops the program if it still runs unsupervised (at a checkpoint when it can), removes
     * the leftover containers and resumes the program on {@code platform} (where the killed run last had it, or
     * where the orphan ran) from its newest checkpoint.
     */
    public static Orchestrator resuming(RunRequest request, Platform platform, Timeouts timeouts, Consumer<RunEvent> listener)
            throws IOException {
        return new Orchestrator(request, timeouts, listener, Optional.of(platform));
    }

    private Orchestrator(RunRequest request, Timeouts timeouts, Consumer<RunEvent> listener, Optional<Platform> resumeOn)
            throws IOException {
        this.resumeOn = resumeOn;
        this.request = request;
        this.timeouts = timeouts;
        this.listener = listener;
        this.hold = new PacketHold("", m -> this.listener.accept(new RunEvent.Warning(m)));
        this.random = request.seed().map(s -> (RandomGenerator) new Random(s)).orElseGet(Random::new);
        this.log = MigrationLog.open(request.log());
        this.pendingFault = request.fault();
        // DIR/NAME.binding (talent build): what binds every checkpoint of the build to its writer's byte order or
        // pointer width; a malformed file is refused here, before anything runs
        this.chooser = new DestinationChooser(request.platforms(), random, BuildBinding.read(request.program()));
        this.signer = CheckpointSigner.generate();
        this.receiver = new CheckpointReceiver(CheckpointVerifier.trusting(signer.publicKey()), request.name(),
                AcceptedCheckpoints.DEFAULT_MAX_BYTES);
    }

    /**
     * Asks for a migration now (to {@code to}, or to a platform drawn at random); completes when it is over.
     *
     * @throws IllegalArgumentException when {@code to} is not one of the run's platforms, or there is only one
     */
    public CompletableFuture<MigrationRecord> requestMigration(Optional<Platform> to) {
        if (to.isPresent() && !request.platforms().contains(to.get())) {
            throw new IllegalArgumentException(to.get().name() + " is not one of this run's platforms ("
                    + String.join(",", request.platforms().stream().map(Platform::name).toList()) + ")");
        }
        if (request.platforms().size() < 2) {
            throw new IllegalArgumentException("this run has a single platform; there is nowhere to migrate to");
        }
        if (to.isPresent()) {
            refreshQuarantine();
            java.util.Set<String> hit = chooser.quarantinedTagsOf(to.get(), quarantined);
            if (!hit.isEmpty()) {
                throw new IllegalArgumentException(to.get().name() + " is quarantined by the active alert(s) "
                        + String.join(", ", hit) + " (talent alerts; talent alert clear TAG puts it back in rotation)");
            }
            Optional<String> order = wrongByteOrder(to.get());
            if (order.isPresent()) throw new IllegalArgumentException(order.get());
        }
        CompletableFuture<MigrationRecord> done = new CompletableFuture<>();
        commands.add(new MigrateNow(to, "request", done));
        return done;
    }

    /**
     * Ends the program now (SIGTERM to it; {@link #run()} then returns its status, as when it ends on its own). For
     * benchmarks that need a program to stop at a moment of their choosing.
     */
    public void terminate() throws ContainerException {
        Running r = current;
        if (r != null && !finished) r.container().raw().signal(Signals.SIGTERM);
    }

    /**
     * Takes the policy: the platforms' tags (and with {@code diversity}, the weighted draw of destinations) and the
     * user's alert book, whose active alerts quarantine platforms for this app. Call before {@link #run()}.
     */
    public void usePolicy(DestinationPolicy policy, boolean diversity, AlertBook alerts) {
        chooser.use(policy, diversity);
        this.alertBook = alerts;
    }

    /** Re-reads the quarantined tags from the alert book (a failure keeps the ones known and warns). */
    private void refreshQuarantine() {
        if (alertBook == null) return;
        try {
            quarantined = java.util.Set.copyOf(alertBook.quarantinedTags(request.name()));
        } catch (PolicyException e) {
            listener.accept(new RunEvent.Warning("cannot read the alerts (keeping the quarantine known so far: "
                    + String.join(", ", quarantined) + "): " + e.getMessage()));
        }
    }

    private boolean isQuarantined(Platform p) {
        return !chooser.quarantinedTagsOf(p, quarantined).isEmpty();
    }

    /** Runs the app to its end; returns the program's exit status. */
    public int run() throws IOException, InterruptedException, MigrationFailedException, ContainerException {
        // Ctrl-C or SIGTERM to talent run ends the program (its containers are removed by the container host's
        // own hook); what it wrote so far still goes home to the workdir
        Thread homecoming = new Thread(this::mirrorHomeOnInterrupt, "talent-run-interrupted");
        Runtime.getRuntime().addShutdownHook(homecoming);
        try {
            start();
            return loop();
        } finally {
            finished = true;
            shutdown();
            try {
                Runtime.getRuntime().removeShutdownHook(homecoming);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    /**
     * A talent process killed in the middle of a move of a program on the host's network (SIGKILL, a crash, the OOM
     * killer) leaves the nft table that dropped new connections to the program's ports, and those ports would drop
     * every new client for good: each run removes what processes that no longer run left (HostSynDrop#removeLeftovers),
     * whichever app they moved, and says so.
     */
    private void removeLeftoverSynDrops() throws InterruptedException {
        try {
            for (HostSynDrop.Leftover l : HostSynDrop.removeLeftovers()) {
                listener.accept(new RunEvent.LeftoverRemoved("the nft table " + l.table()
                        + " that dropped new connections to a program's ports during a move", l.why()));
            }
        } catch (ContainerException e) {
            listener.accept(new RunEvent.Warning(e.getMessage()));
        }
    }

    private void mirrorHomeOnInterrupt() {
        Running r = current;
        if (finished || r == null) return;
        try {
            TreeSync.mirror(r.host().work, request.workdir(), request.syncLimits());
            // stopped on purpose (Ctrl-C, SIGTERM): nothing is left to resume
            if (runState != null) runState.finished();
        } catch (IOException e) {
            listener.accept(new RunEvent.Warning("interrupted: cannot copy the working directory home from " + r.host().work
                    + ": " + e.getMessage()));
        }
    }

    private void start() throws IOException, InterruptedException, MigrationFailedException, ContainerException {
        List<Path> missing = request.missingBinaries();
        if (!missing.isEmpty()) {
            throw new IOException("no binary for every platform; missing: " + String.join(", ",
                    missing.stream().map(Path::toString).toList()) + " (build them with: talent build -o "
                    + request.program().getParent() + " --isa " + String.join(",", request.platforms().stream()
                    .map(Platform::name).toList()) + " ...)");
        }
        // the downtime's Java path (reader, tag, signature, hand-over) loaded and compiled while the program starts
        CompletableFuture<java.time.Duration> _ = WarmUp.start();
        removeLeftoverSynDrops();
        Files.createDirectories(request.stateDir());
        runState = RunState.lock(request.stateDir());
        boolean killedRunLeft = Files.exists(request.stateDir().resolve(RunState.RUN_FILE), LinkOption.NOFOLLOW_LINKS);
        containers = ContainerHost.open(request.stateDir());
        if (request.network().isPresent()) attachNetwork(request.network().get());
        List<ContainerHost.Leftover> leftovers = containers.leftovers();
        accepted = AcceptedCheckpoints.open(request.stateDir().resolve("accepted").resolve(request.name()), request.name(),
                AcceptedCheckpoints.DEFAULT_MAX_BYTES);
        if (resumeOn.isEmpty() && (killedRunLeft || !leftovers.isEmpty())) {
            throw new LeftoverRunException(request.name(), request.stateDir(),
                    leftovers.stream().map(l -> l.id() + " (" + l.status() + ")").toList());
        }
        appHistory = AppHistory.open(request.stateDir(), resumeOn.isEmpty());
        refreshQuarantine();
        Path hostsDir = request.stateDir().resolve("hosts");
        for (Platform p : request.platforms()) {
            hosts.put(p, Host.create(p, hostsDir));
        }
        if (resumeOn.isPresent()) {
            resume(leftovers);
        } else {
            // checkpoints of an earlier run that ended normally are no state of this one
            accepted.clear();
            List<Platform> open = request.platforms().stream().filter(p -> !isQuarantined(p)).toList();
            Platform firstPlatform = open.isEmpty() ? request.platforms().getFirst() : chooser.start(open);
            if (!open.isEmpty() && !firstPlatform.equals(open.getFirst())) {
                listener.accept(new RunEvent.Warning("the build binds the app's checkpoints to the "
                        + chooser.buildBinding().orElseThrow().layout(open.getFirst()) + " of " + open.getFirst().name()
                        + " when it starts there, and no other platform of --platforms has it: starting on "
                        + firstPlatform.name()));
            } else if (!firstPlatform.equals(request.platforms().getFirst())) {
                listener.accept(new RunEvent.Warning(request.platforms().getFirst().name() + " is quarantined (tags "
                        + String.join(", ", chooser.quarantinedTagsOf(request.platforms().getFirst(), quarantined))
                        + "); starting on " + firstPlatform.name()));
            } else if (isQuarantined(firstPlatform)) {
                listener.accept(new RunEvent.Warning("every platform of this run is quarantined (tags "
                        + String.join(", ", quarantined) + "); starting on " + firstPlatform.name() + " anyway"));
            }
            Host first = hosts.get(firstPlatform);
            SyncReport copied = TreeSync.mirror(request.workdir(), first.work, request.syncLimits(),
                    (files, bytes) -> listener.accept(new RunEvent.Copying(files, bytes, false)));
            listener.accept(new RunEvent.Copying(copied.filesCopied(), copied.bytesCopied(), true));
            first.clearCheckpoints();
            journal = ChangeJournal.watch(first.work);
            Optional<String> fault = pendingFault.filter(s -> s == Step.CHECKPOINT).map(s -> "checkpoint-write");
            LocalContainer c = createContainer(first, false, fault, false);
            unlockNetwork(c.raw());
            c.raw().start();
            current = new Running(first, c);
            watchExit(c, first);
            listener.accept(new RunEvent.Running(first.platform, c.id(), false));
        }
        runState.record(request, current.host().platform);
        currentSince = Instant.now();
        var started = AppHistory.event("start", currentSince);
        started.put("app", request.name());
        started.put("platform", current.host().platform.name());
        started.put("resumed", resumeOn.isPresent());
        chooser.policy().factsOf(current.host().platform.name()).ifPresent(f -> started.put("host", f.host()));
        appHistory.write(started);
        state = StatusReport.State.RUNNING;
        noteBuildBinding(current.host().platform);
        scheduleNext();
        prepareNext();
    }

    /**
     * The build's binding leaves no platform of --platforms but the current one (set once at the start): nothing is
     * scheduled or prepared, so the warning is given once, not at every due migration.
     */
    private volatile boolean buildLeavesNowhere;

    /** Tells at the start what the build's binding leaves out of --platforms, and when it leaves nowhere to go. */
    private void noteBuildBinding(Platform on) {
        Optional<BuildBinding> build = chooser.buildBinding();
        if (build.isEmpty() || request.platforms().size() < 2) return;
        List<String> out = request.platforms().stream().filter(p -> !build.get().admits(on, p)).map(Platform::name).toList();
        if (out.isEmpty()) return;
        String bound = "the build binds the app's checkpoints to the " + build.get().layout(on) + " of " + on.name() + " ("
                + build.get().why() + ")";
        boolean nowhere = request.platforms().stream().noneMatch(p -> !p.equals(on) && build.get().admits(on, p));
        // for the whole run: the build's binding never changes, and the app never leaves where it is
        buildLeavesNowhere = nowhere;
        listener.accept(new RunEvent.Warning(nowhere
                ? bound + ", and every other platform of --platforms (" + String.join(",", out) + ") has another "
                        + build.get().kind() + ": not migrating"
                : bound + ": destinations are drawn among platforms of that layout only (" + String.join(",", out)
                        + " left out)"));
    }

    /**
     * Adopts a killed run's leftovers: a program still running unsupervised is asked to checkpoint and stop
     * (SIGUSR1; killed when it does not within the safe-point time), every leftover container is removed, and the
     * program goes on from the newest accepted checkpoint in the working directory replica it had.
     */
    private void resume(List<ContainerHost.Leftover> leftovers) throws IOException, InterruptedException, ContainerException {
        Platform where = resumeOn.orElseThrow();
        // a program still running decides where the app is; the others follow
        List<ContainerHost.Leftover> ordered = new ArrayList<>(leftovers);
        ordered.sort(java.util.Comparator.comparing(l -> !(l.status().equals("running") || l.status().equals("paused"))));
        for (ContainerHost.Leftover l : ordered) {
            Optional<Platform> platform = platformOf(l.id());
            boolean runs = l.status().equals("running") || l.status().equals("paused");
            if (l.status().equals("created")) continue; // a prepared destination: nothing ran there
            // a destination started ahead that still waits for its go: nothing ran there either
            if (runs && containers.leftoverAwaitsGo(l.id())) continue;
            if (!runs) {
                // stopped (or runc lost it): the program ended or was killed unsupervised, how is lost with the killed
                // run; a checkpoint newer than talent's, left where the killed run had the program, is still taken
                if (platform.isEmpty() || !platform.get().equals(where)) continue;
                Host host = hosts.get(where);
                java.math.BigInteger held = accepted.newest().map(AcceptedCheckpoints.Accepted::sequence).orElse(null);
                String from;
                try {
                    from = "its newest checkpoint, " + accepted.accept(host.checkpoints, held, this::passedOver).sequence();
                } catch (IOException e) {
                    from = "the newest checkpoint talent accepted (" + e.getMessage() + ")";
                }
                listener.accept(new RunEvent.Warning("the program's container " + l.id() + " had stopped (its exit status "
                        + "is lost with the killed run); the program goes on from " + from));
                continue;
            }
            Host host = platform.map(hosts::get).orElse(null);
            if (host == null) {
                listener.accept(new RunEvent.Warning("leftover container " + l.id() + " runs none of this run's platforms; killed"));
                continue;
            }
            where = host.platform;
            containers.signalLeftover(l.id(), "USR1");
            boolean stopped = containers.awaitLeftoverStop(l.id(), timeouts.safePoint());
            java.math.BigInteger held = accepted.newest().map(AcceptedCheckpoints.Accepted::sequence).orElse(null);
            String resumeFrom = "; resuming from the newest checkpoint talent accepted (what it did since then in its "
                    + "working directory stays)";
            if (!stopped) {
                listener.accept(new RunEvent.Warning("the program ran unsupervised on " + host + " (container " + l.id()
                        + ") and did not stop at a checkpoint within " + timeouts.safePoint().toSeconds() + " s; killed"
                        + resumeFrom));
                continue;
            }
            try {
                // (its exit status is not talent's to see: a checkpoint newer than talent's tells that it stopped at one)
                AcceptedCheckpoints.Accepted a = accepted.accept(host.checkpoints, held, this::passedOver);
                listener.accept(new RunEvent.Warning("the program ran unsupervised on " + host + " (container " + l.id()
                        + "); stopped it at checkpoint " + a.sequence()));
            } catch (IOException e) {
                listener.accept(new RunEvent.Warning("the program ran unsupervised on " + host + " (container " + l.id()
                        + ") and stopped without a new checkpoint talent accepts (" + e.getMessage() + ")" + resumeFrom));
            }
        }
        for (ContainerHost.Leftover l : leftovers) {
            containers.removeLeftover(l.id());
        }
        Host host = hosts.get(where);
        journal = ChangeJournal.watch(host.work);
        restartOnSource(host, "a killed talent run");
    }

    /**
     * --net: the bridge exists, the app's address is leased (the one asked for, the one a resumed run had, or the
     * lowest free one) and kept in the request, so that run.json records it for --resume.
     */
    private void attachNetwork(NetRequest net) throws IOException, InterruptedException, ContainerException {
        dev.talent.container.HostBridge.ensure(net.config());
        leases = AddressLeases.open(net.config());
        dev.talent.container.Ipv4 address = leases.acquire(net.address(), request.stateDir());
        request = request.withNetwork(Optional.of(new NetRequest(net.config(), Optional.of(address))));
        tcp = new TcpCarrier(containers.tcpRepair(), request.stateDir().resolve("tcp.state"));
    }

    /** The app's address (--net), else empty. */
    private Optional<dev.talent.container.Ipv4> address() {
        return request.network().flatMap(NetRequest::address);
    }

    /** Lets the container's traffic through its bridge port (nothing to do without --net). */
    private static void unlockNetwork(Container c) throws ContainerException {
        if (c.network().isPresent()) c.network().get().unlock();
    }

    private void unlockQuietly(Container c) {
        try {
            unlockNetwork(c);
        } catch (ContainerException | RuntimeException e) {
            listener.accept(new RunEvent.Warning("cannot unlock the network of container " + c.id() + ": " + e.getMessage()));
        }
    }

    /** The platform in a container id of this run ({@code <name>-<platform>-<serial>}). */
    private Optional<Platform> platformOf(String id) {
        String prefix = request.name() + "-";
        if (!id.startsWith(prefix)) return Optional.empty();
        String rest = id.substring(prefix.length());
        int dash = rest.lastIndexOf('-');
        if (dash <= 0 || !rest.substring(dash + 1).matches("[0-9]+")) return Optional.empty();
        String name = rest.substring(0, dash);
        return request.platforms().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private int loop() throws InterruptedException, IOException, MigrationFailedException, ContainerException {
        Instant nextPresync = Instant.now().plus(request.presyncEvery());
        while (true) {
            Instant wake = nextPresync;
            if (nextMigrationAt != null && nextMigrationAt.isBefore(wake)) wake = nextMigrationAt;
            long waitNanos = Math.max(0, Duration.between(Instant.now(), wake).toNanos());
            Command cmd = commands.poll(Math.min(waitNanos, EventChannel.REPORT_EVERY.toNanos()), TimeUnit.NANOSECONDS);
            reportIgnoredEvents();
            switch (cmd) {
                case null -> {
                    Instant now = Instant.now();
                    if (nextMigrationAt != null && !now.isBefore(nextMigrationAt)) {
                        Integer ended = migrateAndReport(Optional.empty(), "schedule", null);
                        if (ended != null) return finish(ended);
                    } else if (!now.isBefore(nextPresync)) {
                        presync();
                        nextPresync = Instant.now().plus(request.presyncEvery());
                    }
                }
                case MigrateNow m -> {
                    Integer ended = migrateAndReport(m.to(), m.reason(), m.done());
                    if (ended != null) return finish(ended);
                }
                case Requarantine q -> {
                    refreshQuarantine();
                    if (prepared != null && isQuarantined(prepared.host().platform)) discardPrepared();
                    // (also after a clear: nothing was prepared while every other platform was quarantined)
                    if (prepared == null && !migrationLimitReached()) prepareNext();
                }
                case Exited e when e.container() == current.container() -> {
                    if (e.status() == EXIT_CHECKPOINT) {
                        // stopped by someone else's SIGUSR1 (talent checkpoint PID): go on from that checkpoint here
                        listener.accept(new RunEvent.Warning("the program on " + current.host() + " stopped at a checkpoint "
                                + "talent did not ask for; restarting it there"));
                        try {
                            accepted.accept(current.host().checkpoints, this::passedOver);
                        } catch (IOException | RuntimeException refused) {
                            listener.accept(new RunEvent.Warning("its checkpoint is refused: " + refused.getMessage()
                                    + "; it goes on from the newest checkpoint talent accepted earlier"));
                        }
                        restartOnSource(current.host(), "an unrequested checkpoint");
                    } else {
                        return finish(e.status());
                    }
                }
                case Exited e -> { /* an earlier container of a migration; already handled there */ }
            }
        }
    }

    /**
     * Takes the byte-order binding of the checkpoint talent read last (docs/FORMAT.md "Byte order only") into the
     * destination choice; tells when it changes.
     */
    private void noteByteOrder() {
        if (accepted == null) return;
        Optional<ByteOrderBinding> b = accepted.binding();
        if (b.equals(chooser.binding())) return;
        chooser.bind(b);
        Running r = current;
        listener.accept(new RunEvent.Warning(b.isEmpty() ? "the app's checkpoint is no longer bound to a byte order: "
                + "every platform may be drawn again" : "the app's checkpoint is bound to the " + b.get().layout()
                + " (" + b.get().why() + "): destinations are drawn among platforms of that layout only"
                + (r == null ? "" : " (" + chooser.restriction(r.host().platform) + ")")));
    }

    /**
     * Why {@code to} cannot restore the app's checkpoint (bound to the other byte order or pointer width, by the
     * checkpoint or by the build), if it cannot.
     */
    private Optional<String> wrongByteOrder(Platform to) {
        Running r = current;
        Platform from = r != null ? r.host().platform : resumeOn.orElse(request.platforms().getFirst());
        return chooser.refusal(from, to).map(why -> why + "; not migrating there");
    }

    /** Returns the program's exit status when it ended during the attempt, else null. */
    private Integer migrateAndReport(Optional<Platform> to, String reason, CompletableFuture<MigrationRecord> done)
            throws InterruptedException, IOException, MigrationFailedException, ContainerException {
        DestinationChooser.Drawn drawn;
        try {
            noteByteOrder();
            Optional<String> order = to.flatMap(this::wrongByteOrder);
            if (order.isPresent()) throw new IllegalStateException(order.get());
            drawn = to.map(p -> new DestinationChooser.Drawn(p, "requested")).orElseGet(this::drawDestination);
        } catch (IllegalStateException nowhere) {
            listener.accept(new RunEvent.Warning("no migration (" + reason + "): " + nowhere.getMessage()));
            scheduleNext();
            if (done != null) done.completeExceptionally(nowhere);
            return null;
        }
        Platform target = drawn.platform();
        Platform from = current.host().platform;
        Outcome outcome = migrate(target);
        noteByteOrder();
        if (outcome.record() != null) outcome = new Outcome(outcome.record().because(reason, drawn.how()), outcome.logTail(),
                outcome.exitStatus());
        if (outcome.record() != null && outcome.record().ok()) chooser.left(from);
        if (outcome.record() != null) appHistory.migration(outcome.record());
        if (outcome.record() != null) {
            synchronized (history) {
                history.add(outcome.record());
            }
            log.append(outcome.record());
            if (outcome.record().ok()) {
                migrationsDone.incrementAndGet();
                listener.accept(new RunEvent.Migrated(outcome.record()));
            } else {
                migrationsFailed.incrementAndGet();
                listener.accept(new RunEvent.MigrationFailed(outcome.record(), outcome.logTail()));
            }
        }
        scheduleNext();
        if (done != null) {
            if (outcome.record() != null) done.complete(outcome.record());
            else done.completeExceptionally(new IllegalStateException("the program ended before it could be migrated"));
        }
        if (outcome.exitStatus() != null) return outcome.exitStatus();
        if (!migrationLimitReached()) prepareNext();
        return null;
    }

    private record Outcome(MigrationRecord record, String logTail, Integer exitStatus) {}

    /** The prepared destination (drawn when it was prepared) unless it is quarantined since, else a new draw. */
    private DestinationChooser.Drawn drawDestination() {
        refreshQuarantine();
        if (prepared != null && !isQuarantined(prepared.host().platform) && wrongByteOrder(prepared.host().platform).isEmpty()) {
            return new DestinationChooser.Drawn(prepared.host().platform, preparedHow);
        }
        if (prepared != null) discardPrepared();
        return chooser.next(current.host().platform, quarantined);
    }

    private boolean migrationLimitReached() {
        return request.migrations().isPresent() && migrationsDone.get() >= request.migrations().getAsInt();
    }

    private void scheduleNext() {
        nextMigrationAt = request.every().isEmpty() || migrationLimitReached() || request.platforms().size() < 2 || buildLeavesNowhere
                ? null : Instant.now().plus(request.every().get().draw(random));
    }

    /** Picks the next destination and prepares it while the program runs (failures only warn: retried later). */
    private void prepareNext() throws InterruptedException {
        if (request.platforms().size() < 2 || migrationLimitReached() || buildLeavesNowhere) return;
        refreshQuarantine();
        noteByteOrder();
        if (prepared != null && wrongByteOrder(prepared.host().platform).isPresent()) discardPrepared();
        DestinationChooser.Drawn drawn;
        try {
            drawn = chooser.next(current.host().platform, quarantined);
        } catch (IllegalStateException nowhere) {
            listener.accept(new RunEvent.Warning("nothing prepared: " + nowhere.getMessage()));
            return;
        }
        Platform next = drawn.platform();
        try {
            prepare(next);
            preparedHow = drawn.how();
        } catch (MigrationFailedException e) {
            listener.accept(new RunEvent.Warning("preparing " + next.name() + " failed: " + e.describe()));
        }
    }

    /** Container created, checkpoints cleared, replica mirrored; the source journal then feeds this destination. */
    private void prepare(Platform to) throws MigrationFailedException, InterruptedException {
        if (prepared != null && prepared.host().platform.equals(to)) return;
        discardPrepared();
        Host host = hosts.get(to);
        state = StatusReport.State.PREPARING;
        try {
            Optional<String> fault = pendingFault.filter(s -> s == Step.RESTORE).map(s -> "restore");
            LocalReplica replica = new LocalReplica(current.host(), host, () -> journal, request.syncLimits());
            PrepareStep.Prepared p = new PrepareStep().run(containersOf(host), filesOf(host), replica, fault, prestart);
            prepared = new Prepared(host, (LocalContainer) p.container(), replica);
            if (tcp != null) hold.prepare(containers, prepared.container());
            listener.accept(new RunEvent.Prepared(to, p.sync(), p.tookNanos() / 1_000_000));
        } finally {
            state = StatusReport.State.RUNNING;
        }
    }

    private void discardPrepared() {
        if (prepared == null) return;
        deleteQuietly(prepared.container());
        closeQuietly(prepared.replica());
        prepared = null;
    }

    private void presync() {
        if (prepared == null) return;
        try {
            SyncReport r = prepared.replica().presync();
            listener.accept(new RunEvent.Presynced(prepared.host().platform, r));
        } catch (Exception e) {
            // the replica may now be partly updated: prepare it again (mirror) before it is used
            listener.accept(new RunEvent.Warning("pre-sync to " + prepared.host().platform.name() + " failed: " + e.getMessage()
                    + "; it will be prepared again"));
            discardPrepared();
        }
    }

    private Outcome migrate(Platform to) throws InterruptedException, IOException, MigrationFailedException, ContainerException {
        Host source = current.host();
        Instant at = Instant.now();
        MigrationTiming t = new MigrationTiming();
        state = StatusReport.State.MIGRATING;
        // the program's TCP connections (--net), carried by the repair helper; none without a network
        LocalConnections connections = tcp == null ? null : new LocalConnections(tcp, timeouts.safePoint(), timeouts.restore());
        try {
            if (to.equals(source.platform)) {
                throw new MigrationFailedException(Step.PREPARE, "the app already runs on " + to.name());
            }
            prepare(to);
            // while the program runs: the first stop waits (bounded) for the warm-up rather than doing it in its downtime
            WarmUp.await(WARM_UP_WAIT).filter(w -> !warmUpReported).ifPresent(w -> {
                warmUpReported = true;
                listener.accept(new RunEvent.Warning(w));
            });
            chooser.visited(to);
            Step fault = pendingFault.orElse(null);
            pendingFault = Optional.empty();
            Prepared dest = prepared;
            MigrationPipeline pipeline = new MigrationPipeline(new DestinationReadyStep(timeouts.restore()),
                    precopyRounds == 0 ? null
                    : new PrecopyStep(timeouts.safePoint(), precopyRounds, fault == Step.PRECOPY), new SafePointStep(timeouts.safePoint()), new TransferStep(),
                    new FinalSyncStep(fault == Step.SYNC), new StartStep(fault == Step.START),
                    new ConfirmStep(timeouts.restore()), new CommitStep(this::retire), rollBackStep())
                    // (this machine's replica and checkpoint directories: nothing shared between the two)
                    .withSyncBesideTransfer(true);
            MigrationPipeline.Hooks hooks = new MigrationPipeline.Hooks(
                    // what the destination's journal saw so far were our own copies
                    c -> {
                        dest.replica().journal().drain();
                        dest.host().events.clear();
                        watchExit(dest.container(), dest.host());
                    },
                    () -> commit(dest),
                    () -> {
                        deleteQuietly(dest.container());
                        closeQuietly(dest.replica());
                        prepared = null;
                    },
                    c -> watchExit((LocalContainer) c, source),
                    w -> listener.accept(new RunEvent.Warning(w)),
                    connections == null ? hostListeners : connections);
            MigrationPipeline.Outcome outcome = pipeline.run(
                    new MigrationPipeline.Side(containersOf(source), filesOf(source), current.container()),
                    new MigrationPipeline.Side(containersOf(dest.host()), filesOf(dest.host()), dest.container()),
                    dest.replica(), hooks, r -> {
                        t.note(r);
                        switch (r) {
                            case StepResult.RolledBack b -> adoptRestarted(source, b);
                            case StepResult.Committed c -> c.warning().ifPresent(w -> listener.accept(new RunEvent.Warning(w)));
                            default -> { }
                        }
                    });
            return switch (outcome) {
                // it ended on its own before reaching a site: nothing to migrate
                case MigrationPipeline.Outcome.Ended e -> new Outcome(null, "", e.status());
                case MigrationPipeline.Outcome.Moved m -> {
                    if (connections != null) t.addNetNanos(connections.nanos());
                    yield new Outcome(t.record(request.name(), source.platform.name(), to.name(), at), "", null);
                }
            };
        } catch (MigrationFailedException e) {
            // failed before the program stopped: it runs on at the source, whose traffic flows again (after a
            // rollback, the restarted container was unlocked once it ran)
            if (current != null) unlockQuietly(current.container().raw());
            MigrationRecord failed = t.failed(request.name(), source.platform.name(), to.name(), at, e);
            return new Outcome(failed, e.logTail(), null);
        } finally {
            // a take that never finished (the program ended, or the stop failed) is abandoned
            if (connections != null) connections.cancel();
            else hostListeners.acceptAgain(); // new handshakes to its listeners come in again, wherever the program runs
            state = StatusReport.State.RUNNING;
        }
    }

    /** The destination runs: it becomes the app's place (noted for --resume); returns a warning when noting failed. */
    private Optional<String> commit(Prepared dest) {
        current = new Running(dest.host(), dest.container());
        currentSince = Instant.now();
        closeQuietly(journal);
        journal = dest.replica().journal();
        prepared = null;
        forgetConnections();
        listener.accept(new RunEvent.Running(dest.host().platform, dest.container().id(), true));
        try {
            runState.record(request, dest.host().platform);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot note the move to " + dest.host().platform.name() + " in " + request.stateDir()
                    + " (talent run --resume needs it): " + e.getMessage());
        }
    }

    /** After a commit the connections live in the destination: the state they were carried in is dropped. */
    private void forgetConnections() {
        try {
            if (tcp != null) tcp.forget();
        } catch (IOException e) {
            listener.accept(new RunEvent.Warning("cannot remove the TCP state of the last migration: " + e.getMessage()));
        }
    }

    private RollBackStep rollBackStep() {
        return new RollBackStep(timeouts.restore(), w -> listener.accept(new RunEvent.Warning(w)),
                " (talent run --resume " + request.name() + " tries again)");
    }

    /** The program runs again on {@code source} after a rollback. */
    private void adoptRestarted(Host source, StepResult.RolledBack b) {
        current = new Running(source, (LocalContainer) b.restarted());
        listener.accept(new RunEvent.Running(source.platform, b.restarted().id(), true));
    }

    /**
     * Restarts the program on {@code source} from the checkpoints talent accepted (never from what the program left
     * in its checkpoint directory, which it may have changed): see {@link RollBackStep}.
     *
     * @throws RollbackFailedException no accepted checkpoint passes, or the program does not run again; the message
     *     says where the checkpoints and the working directory are
     */
    private void restartOnSource(Host source, String why) throws RollbackFailedException, InterruptedException {
        StepResult.RolledBack b = rollBackStep().run(containersOf(source), filesOf(source),
                current == null ? null : current.container(), why, c -> watchExit((LocalContainer) c, source),
                // the connections taken at the stop, if the restarted program restores the checkpoint they belong to
                tcp == null ? hostListeners : new LocalConnections(tcp, timeouts.safePoint(), timeouts.restore()));
        adoptRestarted(source, b);
    }

    private LocalHostContainers containersOf(Host host) {
        return new LocalHostContainers(host, (h, restart, fault) -> createContainer(h, restart, fault, false),
                (h, restart, fault) -> createContainer(h, restart, fault, true));
    }

    private LocalHostFiles filesOf(Host host) {
        return new LocalHostFiles(host, request.name(), accepted, signer, receiver, this::passedOver, true);
    }

    private LocalContainer createContainer(Host host, boolean restart, Optional<String> fault, boolean awaitGo)
            throws ContainerException, IOException, InterruptedException {
        ContainerSpec spec = spec(host, restart, fault);
        // without pre-copy no base is ever named: such a destination only populates
        String mode = ahead.equals(RuntimeContract.AHEAD_BASE) && precopyRounds == 0 ? RuntimeContract.AHEAD_POPULATE : ahead;
        return new LocalContainer(containers.create(awaitGo
                ? spec.withAwaitGo().withEnvironment(RuntimeContract.ENV_AHEAD, mode) : spec));
    }

    private void passedOver(String why) {
        listener.accept(new RunEvent.Warning("passed over a file in the program's checkpoint directory: " + why));
    }

    /** Tells the operator about event lines the FIFOs dropped (rate-limited by each channel). */
    private void reportIgnoredEvents() {
        reportIgnoredEvents(false);
    }

    private void reportIgnoredEvents(boolean now) {
        for (Host h : hosts.values()) {
            h.events.takeReport(now).ifPresent(r -> listener.accept(new RunEvent.Warning(r)));
        }
    }

    private ContainerSpec spec(Host host, boolean restart, Optional<String> fault) {
        containerSerial++;
        String id = request.name() + "-" + host.platform.name() + "-" + containerSerial;
        ContainerSpec spec = LocalApp.spec(id, host, request.binaryFor(host.platform), request.args(), restart, fault,
                precopyRounds > 0);
        if (request.network().isPresent()) {
            spec = spec.withNetwork(new dev.talent.container.NetworkAttachment(request.network().get().config(),
                    address().orElseThrow()));
        }
        return request.programStdout().map(spec::withStdoutFile).orElse(spec);
    }

    private void watchExit(LocalContainer c, Host host) {
        // not kept: the action cannot fail (EventChannel.post drops a line to make room; the command deque is unbounded)
        var _ = c.onExit().thenAccept(status -> {
            host.events.post(new RuntimeEvent.ProcessExited(c.id(), status, System.nanoTime()));
            commands.add(new Exited(c, status));
        });
    }

    private int finish(int status) throws IOException {
        Host last = current.host();
        reportIgnoredEvents(true);
        // the final state of the environment goes home
        TreeSync.mirror(last.work, request.workdir(), request.syncLimits());
        // the run is over: nothing is left to resume
        runState.finished();
        accepted.removeAll();
        releaseAddress();
        var ended = AppHistory.event("end", Instant.now());
        ended.put("platform", last.platform.name());
        ended.put("status", status);
        appHistory.write(ended);
        listener.accept(new RunEvent.Finished(last.platform, status));
        return status;
    }

    /** The run is over: its address is free for others. */
    private void releaseAddress() {
        if (leases == null || address().isEmpty()) return;
        try {
            leases.release(address().get(), request.stateDir());
        } catch (IOException e) {
            listener.accept(new RunEvent.Warning("cannot release the address " + address().get() + ": " + e.getMessage()));
        }
    }

    private void shutdown() {
        // the removals of earlier sources end first (ContainerHost.close would otherwise race them)
        cleanup.close();
        discardPrepared();
        if (current != null) deleteQuietly(current.container());
        // nothing is left to resume (run.json gone): the address is no longer the app's
        if (runState != null && !Files.exists(request.stateDir().resolve(RunState.RUN_FILE), LinkOption.NOFOLLOW_LINKS)) {
            releaseAddress();
        }
        closeQuietly(journal);
        for (Host h : hosts.values()) closeQuietly(h);
        closeQuietly(log);
        closeQuietly(appHistory);
        if (containers != null) closeQuietly(containers);
        closeQuietly(runState);
    }

    /**
     * The source of a committed move is removed off the move's path: on the cleanup thread, runc at the lowest CPU
     * priority, so that the app's effect and the next command (and other apps' moves on this host) do not wait for
     * it. A source with a network of its own (--net) is removed at once, as before: its address lives on in the
     * destination. A run that is killed before the removal leaves a stopped container, which --resume removes.
     */
    private void retire(dev.talent.migrate.pipeline.AppContainer oldSource, Consumer<String> warn) throws InterruptedException {
        if (oldSource.hasNetwork() || !(oldSource instanceof LocalContainer c)) {
            CommitStep.deleteNow(oldSource, warn);
            return;
        }
        try {
            cleanup.execute(() -> {
                try {
                    c.raw().deleteAtLowPriority();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    listener.accept(new RunEvent.Warning("interrupted while removing container " + c.id()));
                } catch (Exception e) {
                    listener.accept(new RunEvent.Warning("cannot remove container " + c.id() + ": " + e.getMessage()));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
            CommitStep.deleteNow(oldSource, warn);
        }
    }

    /** Removing a container that is no longer needed: a failure only leaves garbage behind, so it is reported. */
    private void deleteQuietly(LocalContainer c) {
        try {
            c.raw().delete();
        } catch (Exception e) {
            listener.accept(new RunEvent.Warning("cannot remove container " + c.id() + ": " + e.getMessage()));
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down: nothing more useful to do with it
        }
    }

    @Override
    public StatusReport status() {
        Running r = current;
        Prepared p = prepared;
        List<MigrationRecord> last;
        synchronized (history) {
            last = List.copyOf(history.subList(Math.max(0, history.size() - 10), history.size()));
        }
        return new StatusReport(request.name(), ProcessHandle.current().pid(), r == null ? null : r.host().platform.name(),
                currentSince, startedAt, state, migrationsDone.get(), migrationsFailed.get(), nextMigrationAt,
                p == null ? null : p.host().platform.name(), last, address().map(Object::toString).orElse(null),
                r == null ? null : chooser.restriction(r.host().platform));
    }

    @Override
    public Optional<MigrationRecord> migrate(Optional<String> to, boolean wait)
            throws ControlRequestException, InterruptedException {
        CompletableFuture<MigrationRecord> done;
        try {
            done = requestMigration(to.map(Platform::parse));
        } catch (IllegalArgumentException e) {
            throw new ControlRequestException(e.getMessage().replace("unknown ISA", "unknown platform"));
        }
        if (!wait) return Optional.empty();
        try {
            return Optional.of(done.get());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ControlRequestException(e.getCause().getMessage());
        }
    }

    @Override
    public Alert.Effect alert(Alert alert) throws ControlRequestException, InterruptedException {
        if (alertBook == null) throw new ControlRequestException("this run takes no alerts");
        refreshQuarantine();
        java.util.Set<String> q = new java.util.LinkedHashSet<>(quarantined);
        q.add(alert.tag());
        quarantined = java.util.Set.copyOf(q);
        Running r = current;
        Platform on = r == null ? null : r.host().platform;
        Alert.Effect effect;
        if (finished || on == null) {
            effect = new Alert.Effect(request.name(), "unaffected", on == null ? null : on.name(), null, Instant.now().toString(),
                    "the app is not running");
        } else if (chooser.quarantinedTagsOf(on, java.util.Set.of(alert.tag())).isEmpty()) {
            commands.addFirst(new Requarantine());
            effect = new Alert.Effect(request.name(), "unaffected", on.name(), null, Instant.now().toString(),
                    on.name() + " does not carry " + alert.tag());
        } else {
            CompletableFuture<MigrationRecord> done = new CompletableFuture<>();
            // first in line: not at the next scheduled time
            commands.addFirst(new MigrateNow(Optional.empty(), "alert " + alert.tag(), done));
            try {
                MigrationRecord m = done.get();
                effect = new Alert.Effect(request.name(), m.ok() ? "moved" : "failed", m.from(), m.ok() ? m.to() : null,
                        Instant.now().toString(), m.ok() ? "downtime " + m.downtimeMs() + " ms" : m.failedStep() + ": " + m.error());
            } catch (java.util.concurrent.ExecutionException e) {
                effect = new Alert.Effect(request.name(), "stuck", on.name(), null, Instant.now().toString(),
                        String.valueOf(e.getCause().getMessage()));
            }
        }
        var line = AppHistory.event("alert", Instant.now());
        line.put("tag", alert.tag());
        line.put("reason", alert.reason());
        line.put("raised_at", alert.at());
        line.put("action", effect.action());
        line.put("from", effect.from());
        line.put("to", effect.to());
        line.put("detail", effect.detail());
        if (appHistory != null) appHistory.write(line);
        // (the book gets it from the answer: whoever raised the alert records every app's effect in one update)
        try {
            log.appendEvent(line.toString());
        } catch (IOException e) {
            listener.accept(new RunEvent.Warning("cannot record what alert " + alert.tag() + " did: " + e.getMessage()));
        }
        listener.accept(new RunEvent.AlertHandled(alert.tag(), alert.reason(), effect.action(), effect.from(), effect.to()));
        return effect;
    }

    @Override
    public void alertCleared(String tag) throws ControlRequestException {
        if (alertBook == null) throw new ControlRequestException("this run takes no alerts");
        refreshQuarantine();
        var line = AppHistory.event("alert-clear", Instant.now());
        line.put("tag", tag);
        if (appHistory != null) appHistory.write(line);
        try {
            log.appendEvent(line.toString());
        } catch (IOException e) {
            listener.accept(new RunEvent.Warning("cannot log the clearing of alert " + tag + ": " + e.getMessage()));
        }
        listener.accept(new RunEvent.AlertCleared(tag));
        commands.add(new Requarantine());
    }
}
