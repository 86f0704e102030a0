package dev.talent.container;

import dev.talent.base.FileTrees;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs platforms as containers on this machine, for one {@code talent run}: opened once with the run's state
 * directory, it creates {@link Container}s with runc and deletes those still alive when it is closed or when
 * the JVM shuts down (Ctrl-C on talent run leaves no container behind; only a SIGKILL of the JVM does).
 *
 * <p>State directory layout: {@code runc/} (runc's --root: only this run's containers), {@code bundles/<id>/},
 * {@code logs/<id>.log} (each container's stderr), {@code init/} (talent's container init, built once).
 */
public final class ContainerHost implements AutoCloseable {

    private static final int ERROR_TAIL_LINES = 20;
    private static boolean subreaper;

    private final Path stateDir;
    private final Path bundlesDir;
    private final Path logsDir;
    private final Runc runc;
    private final RuncCommands commands;
    private final Path init;
    private final ToolchainProbe probe;
    private TcpRepair tcpRepair;
    private final OutputStream stderrSink;
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    /** Ids between the start and the end of {@link #create}: reserved, not yet in {@link #containers}. */
    private final Set<String> creating = new HashSet<>();
    private final Thread shutdownHook;
    private volatile boolean closed;

    private ContainerHost(Path stateDir, Runc runc, Path init, ToolchainProbe probe, OutputStream stderrSink) {
        this.stateDir = stateDir;
        this.bundlesDir = stateDir.resolve("bundles");
        this.logsDir = stateDir.resolve("logs");
        this.runc = runc;
        this.commands = new RuncCommands(runc, stateDir.resolve("runc"));
        this.init = init;
        this.probe = probe;
        this.stderrSink = stderrSink;
        this.shutdownHook = Thread.ofPlatform().name("talent-container-cleanup").unstarted(this::deleteAllAtShutdown);
    }

    /** As {@link #open(Path, OutputStream)}, forwarding the containers' stderr to this JVM's stderr. */
    public static ContainerHost open(Path stateDir) throws ContainerException, IOException, InterruptedException {
        return open(stateDir, System.err);
    }

    /**
     * Opens a host on this machine's runc, keeping its state in {@code stateDir} (created if missing). What the
     * containers write to stderr is forwarded, line by line as it comes, to {@code stderrSink} (talent run
     * passes System.err). Needs root: runc creates namespaces and mounts (rootless containers are not supported).
     */
    public static ContainerHost open(Path stateDir, OutputStream stderrSink) throws ContainerException, IOException, InterruptedException {
        return open(stateDir, stderrSink, ToolchainProbe.ofHost());
    }

    /** As {@link #open(Path, OutputStream)}, finding compilers and emulators with {@code probe}. */
    public static ContainerHost open(Path stateDir, OutputStream stderrSink, ToolchainProbe probe)
            throws ContainerException, IOException, InterruptedException {
        Runc runc = Runc.locate();
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) {
            throw new ContainerException("running platforms as containers needs root (runc creates namespaces and "
                    + "mounts; rootless containers are not supported); this process runs as uid " + uid);
        }
        becomeSubreaper();
        Path dir = stateDir.toAbsolutePath().normalize();
        for (String sub : List.of("runc", "bundles", "logs")) Files.createDirectories(dir.resolve(sub));
        Path init = InitBinary.ensure(dir.resolve("init"), probe);
        OciBundle.warmUp(); // here rather than in the first create()
        ContainerHost host = new ContainerHost(dir, runc, init, probe, stderrSink);
        Runtime.getRuntime().addShutdownHook(host.shutdownHook);
        return host;
    }

    private static synchronized void becomeSubreaper() throws ContainerException {
        if (subreaper) return;
        try {
            ProcessControl.becomeChildSubreaper();
        } catch (NativeCallException e) {
            throw new ContainerException("cannot make talent the parent of its containers' processes: " + e.getMessage(), e);
        }
        subreaper = true;
    }

    public Path stateDirectory() { return stateDir; }

    /** The TCP repair helper (compiled on first use, kept beside the container init). */
    public synchronized TcpRepair tcpRepair() throws ContainerException, IOException, InterruptedException {
        if (tcpRepair == null) tcpRepair = TcpRepair.ensure(stateDir.resolve("init"), probe);
        return tcpRepair;
    }

    public Runc runc() { return runc; }

    RuncCommands commands() { return commands; }

    /** The containers created and not yet deleted. */
    public List<Container> containers() { return List.copyOf(containers.values()); }

    public Optional<Container> container(String id) { return Optional.ofNullable(containers.get(id)); }

    /**
     * Writes the bundle and runs {@code runc create}: when this returns, the container's namespaces and mounts
     * exist and its init waits for {@link Container#start()}. Prepare a migration's destination with this ahead
     * of time, so that starting it costs only {@code runc start}.
     */
    public Container create(ContainerSpec spec) throws ContainerException, IOException, InterruptedException {
        if (closed) throw new IllegalStateException("container host " + stateDir + " is closed");
        reserve(spec.id());
        try {
            return createReserved(spec);
        } finally {
            synchronized (creating) {
                creating.remove(spec.id());
                creating.notifyAll();
            }
        }
    }

    private void reserve(String id) throws ContainerException {
        synchronized (creating) {
            if (containers.containsKey(id) || creating.contains(id)) {
                throw new ContainerException("cannot create container " + id + ": this host already has a container with that id");
            }
            creating.add(id);
        }
    }

    private Container createReserved(ContainerSpec spec) throws ContainerException, IOException, InterruptedException {
        String id = spec.id();
        checkHostPaths(spec);
        PlatformSupport support = probe.probe(spec.platform());
        if (!support.isRunnable()) {
            throw new ContainerException("cannot create container " + id + ": "
                    + new PlatformUnavailableException(spec.platform(), "run", support.missingForRun()).getMessage());
        }
        Path bundleDir = bundlesDir.resolve(id);
        Path runcState = commands.root().resolve(id);
        if (Files.exists(bundleDir) || Files.exists(runcState)) {
            throw new ContainerException("cannot create container " + id + ": " + (Files.exists(runcState) ? runcState : bundleDir)
                    + " exists (another talent run on this state directory, or one that did not clean up); if none runs,"
                    + " remove it with: " + runc + " --root " + commands.root() + " delete --force " + id + "; rm -r " + bundleDir);
        }
        Path log = spec.stderrFile().orElse(logsDir.resolve(id + ".log"));
        long logFrom = 0;
        if (spec.stderrFile().isEmpty()) {
            Files.deleteIfExists(log); // a log of an earlier run's container with the same id
            Files.createFile(log);
        } else {
            // a log that outlives containers (appended to): only what this container adds is forwarded
            if (!Files.exists(log, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createFile(log);
            if (!Files.isRegularFile(log, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                throw new ContainerException("cannot create container " + id + ": its stderr file " + log + " is not a regular file");
            logFrom = Files.size(log);
        }
        OciBundle bundle;
        int status;
        NetworkSlot slot = null;
        try {
            if (spec.network().isPresent()) slot = NetworkSlot.create(stateDir, id, spec.network().get());
            bundle = OciBundle.write(bundleDir, spec, new HostBinaries(init, support.emulator()),
                    Optional.ofNullable(slot).map(NetworkSlot::namespacePath));
            status = commands.create(id, bundle.dir(), bundle.pidFile(), spec.stdoutFile(), log);
        } catch (ContainerException | IOException | InterruptedException | RuntimeException e) {
            FileTrees.deleteRecursively(bundleDir);
            closeQuietly(slot);
            throw e;
        }
        if (status != 0) {
            FileTrees.deleteRecursively(bundleDir);
            closeQuietly(slot);
            String tail = LogTail.read(log, ERROR_TAIL_LINES);
            throw new ContainerException("runc create failed for container " + id + " (" + spec.platform()
                    + ", exit status " + status + "); runc's output below, also in " + log, tail);
        }
        int pid;
        try {
            pid = Integer.parseInt(Files.readString(bundle.pidFile()).strip());
        } catch (NumberFormatException | IOException e) {
            commands.delete(id);
            FileTrees.deleteRecursively(bundleDir);
            closeQuietly(slot);
            throw new ContainerException("runc create wrote no readable pid for container " + id + " in " + bundle.pidFile(), e);
        }
        LogForwarder forwarder = LogForwarder.start(log, logFrom, stderrSink, "talent-log-" + id);
        Container container = Container.created(this, spec, bundle, log, pid, forwarder, Optional.ofNullable(slot));
        containers.put(id, container);
        return container;
    }

    /** How long the shutdown hook waits for containers being created (a prepared destination) before it deletes all. */
    private static final java.time.Duration CREATION_GRACE = java.time.Duration.ofSeconds(15);

    /**
     * Waits (at most {@code grace}) until no container is being created: one in the middle of its creation has its
     * network namespace, bridge port and guard table but is not among {@link #containers()} yet, and the JVM would
     * halt before anything removed them (seen: Ctrl-C while a --net run prepared its next destination left them).
     * Once created it is deleted with the others; a creation that fails removes its own.
     */
    private void awaitCreations(java.time.Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (creating) {
            while (!creating.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                try {
                    creating.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void closeQuietly(NetworkSlot slot) {
        if (slot == null) return;
        try {
            slot.close();
        } catch (ContainerException | IOException e) {
            // the creation failed already; what is left has the container's names (removeLeftover finds it)
        }
    }

    private static void checkHostPaths(ContainerSpec spec) throws ContainerException {
        String prefix = "cannot create container " + spec.id() + ": ";
        if (!Files.isRegularFile(spec.program())) throw new ContainerException(prefix + "no program file " + spec.program());
        if (!Files.isDirectory(spec.workdir())) throw new ContainerException(prefix + "workdir " + spec.workdir() + " is not a directory");
        if (!Files.isDirectory(spec.checkpointDir())) {
            throw new ContainerException(prefix + "checkpoint directory " + spec.checkpointDir() + " is not a directory");
        }
        if (!Files.exists(spec.eventFile()) || Files.isDirectory(spec.eventFile())) {
            throw new ContainerException(prefix + "event file " + spec.eventFile() + " must exist (a FIFO or a file)");
        }
    }

    /**
     * A container that an earlier {@code talent run} on this state directory left behind (it was killed before it
     * could delete it): runc still knows it, or its bundle is still there.
     *
     * @param status runc's status ({@code created}, {@code running}, {@code paused}, {@code stopped}), or
     *               {@code gone} when runc has no state for it (only the bundle is left)
     */
    public record Leftover(String id, String status) {}

    /** The containers of this state directory that this host did not create (leftovers of a killed run). */
    public List<Leftover> leftovers() throws IOException, InterruptedException {
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        for (Path dir : List.of(commands.root(), bundlesDir)) {
            try (var entries = Files.list(dir)) {
                entries.map(p -> p.getFileName().toString()).filter(ContainerHost::isContainerId).forEach(ids::add);
            }
        }
        ids.removeAll(containers.keySet());
        synchronized (creating) {
            ids.removeAll(creating);
        }
        List<Leftover> found = new java.util.ArrayList<>();
        for (String id : ids) found.add(new Leftover(id, leftoverStatus(id)));
        return found;
    }

    /**
     * Whether leftover {@code id} is a destination started ahead that still waits for its go: its program never ran
     * (it has read no checkpoint), so nothing of the app is in it. Asking ends that wait: the runtime reads end of
     * file and exits 64 without reading a checkpoint.
     */
    public boolean leftoverAwaitsGo(String id) throws IOException {
        if (!isContainerId(id)) return false;
        Path fifo = bundlesDir.resolve(id).resolve(OciBundle.GO_FIFO);
        Object mode;
        try {
            mode = Files.getAttribute(fifo, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        if (!(mode instanceof Integer m) || (m & 0170000) != 0010000) return false;
        try (GoFifo go = new GoFifo(fifo)) {
            return go.open();
        }
    }

    private static boolean isContainerId(String name) {
        return name.matches("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");
    }

    private String leftoverStatus(String id) throws IOException, InterruptedException {
        if (!Files.isDirectory(commands.root().resolve(id), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return "gone";
        var run = commands.state(id);
        if (run.exitCode() != 0) return "gone";
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.stdout());
            String status = node.path("status").asText("");
            return status.matches("[a-z]{1,16}") ? status : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * A leftover container's process as runc reports it, checked: runc's state names this id and this host's bundle
     * of it, a known status, and (unless stopped) an init pid in the kernel's range.
     *
     * @param pid the host pid of the container's init; 0 when it is {@code stopped}
     */
    public record LeftoverProcess(String id, String status, int pid) {}

    /** The largest pid Linux hands out (pid_max's ceiling). */
    static final int PID_MAX = 4_194_304;
    private static final int MAX_STATE_CHARS = 64 * 1024;

    /**
     * What runc says of the leftover container {@code id} (one this host did not create: an earlier process's, which a
     * restarted agent takes over), validated as hostile input; empty when runc has no state for it or its state does
     * not hold up (another id, another bundle, an unknown status, a pid out of range).
     */
    public Optional<LeftoverProcess> leftoverProcess(String id) throws IOException, InterruptedException {
        if (!isContainerId(id) || containers.containsKey(id)) return Optional.empty();
        if (!Files.isDirectory(commands.root().resolve(id), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        var run = commands.state(id);
        if (run.exitCode() != 0) return Optional.empty();
        return parseState(id, run.stdout(), bundlesDir.resolve(id));
    }

    /** runc's state JSON of {@code id}, checked against what this host expects of it. */
    static Optional<LeftoverProcess> parseState(String id, String json, Path bundle) {
        if (json.length() > MAX_STATE_CHARS) return Optional.empty();
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject() || !id.equals(node.path("id").asText(null))) return Optional.empty();
        if (!bundle.toString().equals(node.path("bundle").asText(null))) return Optional.empty();
        String status = node.path("status").asText("");
        if (!List.of("created", "running", "paused", "stopped").contains(status)) return Optional.empty();
        com.fasterxml.jackson.databind.JsonNode pid = node.path("pid");
        if (!pid.isInt()) return Optional.empty();
        int p = pid.intValue();
        if (status.equals("stopped")) return Optional.of(new LeftoverProcess(id, status, 0));
        if (p < 2 || p > PID_MAX) return Optional.empty();
        return Optional.of(new LeftoverProcess(id, status, p));
    }

    /**
     * How the program of the leftover container {@code id} ended, as its init recorded it in the bundle (see
     * {@link ContainerExit}); empty when there is no such record (it still runs, it was killed with its init, its
     * bundle is gone, or its init was older than the record). Asked only once the container stopped.
     */
    public Optional<ContainerExit> leftoverExit(String id) throws IOException {
        if (!isContainerId(id) || containers.containsKey(id)) return Optional.empty();
        return ContainerExit.read(bundlesDir.resolve(id).resolve(OciBundle.EXIT_DIR));
    }

    /** Sends {@code signal} (a name such as {@code USR1}) to a leftover container with {@code runc kill}. */
    public void signalLeftover(String id, String signal) throws ContainerException, IOException, InterruptedException {
        var run = commands.kill(id, signal);
        if (run.exitCode() != 0) {
            throw new ContainerException("runc kill " + id + " " + signal + " failed (exit status " + run.exitCode() + ")",
                    run.stderr());
        }
    }

    /**
     * Waits until the leftover container is no longer running (it is not this JVM's child, so runc's view is
     * polled); true when it stopped within {@code timeout}.
     */
    public boolean awaitLeftoverStop(String id, java.time.Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String status = leftoverStatus(id);
            if (!status.equals("running") && !status.equals("paused")) return true;
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(50);
        }
    }

    /**
     * Locks ({@code up} false) or unlocks the network of a leftover container (--net: its bridge port); false when it
     * has no network of its own.
     */
    public boolean setLeftoverNetwork(String id, boolean up) throws ContainerException {
        if (containers.containsKey(id)) throw new IllegalArgumentException(id + " is not a leftover");
        return NetworkSlot.setLeftoverPort(stateDir, id, up);
    }

    /**
     * Ends the hold a killed process left on a leftover container's network (its app's address {@code address}): the
     * queue rules whose helper died with it and its claim of the app's MAC ({@link NetworkSlot#endLeftoverHold}).
     * Returns how many queue rules it removed (none: it did not hold). Without {@code rules}, only the MAC's entry.
     */
    public int endLeftoverHold(String id, Ipv4 address, boolean rules) throws ContainerException, IOException, InterruptedException {
        if (containers.containsKey(id)) throw new IllegalArgumentException(id + " is not a leftover");
        return NetworkSlot.endLeftoverHold(stateDir, id, NetworkSlot.mac(address), rules);
    }

    /**
     * Lets new handshakes into a leftover container's namespace again: the rules a killed agent's
     * {@link NetworkSlot#dropNewConnections} left ({@link NetworkSlot#endLeftoverSynDrop}). Returns how many it removed.
     */
    public int endLeftoverSynDrop(String id) throws ContainerException, IOException, InterruptedException {
        if (containers.containsKey(id)) throw new IllegalArgumentException(id + " is not a leftover");
        return NetworkSlot.endLeftoverSynDrop(stateDir, id);
    }

    /** A gratuitous ARP of {@code address} from a leftover container's network namespace ({@link Announce}). */
    public void announceLeftover(String id, Ipv4 address) throws ContainerException, InterruptedException {
        if (containers.containsKey(id)) throw new IllegalArgumentException(id + " is not a leftover");
        Announce.gratuitousArp(NetworkSlot.leftoverNamespace(stateDir, id), address);
    }

    /** Kills a leftover container if it runs, removes its runc state and its bundle. */
    public void removeLeftover(String id) throws ContainerException, IOException, InterruptedException {
        if (containers.containsKey(id)) throw new IllegalArgumentException(id + " is not a leftover");
        if (Files.isDirectory(commands.root().resolve(id), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            var run = commands.delete(id);
            if (run.exitCode() != 0 && !run.stderr().contains("does not exist")) {
                throw new ContainerException("cannot remove the leftover container " + id + ": runc delete failed (exit status "
                        + run.exitCode() + "); its state is in " + commands.root(), run.stderr());
            }
        }
        FileTrees.deleteRecursively(bundlesDir.resolve(id));
        NetworkSlot.removeLeftover(stateDir, id);
    }

    void forget(Container container) {
        containers.remove(container.id(), container);
    }

    /**
     * Deletes every container still here (killing those that run). An interrupt does not cut this short, since
     * it would leave containers behind: the remaining ones are still deleted, then the interrupt is restored.
     */
    @Override
    public void close() throws ContainerException, IOException {
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or done
        }
        ContainerException first = null;
        boolean interrupted = false;
        for (Container container : containers()) {
            try {
                container.delete();
            } catch (ContainerException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            } catch (InterruptedException e) {
                interrupted = true;
                try {
                    container.delete();
                } catch (ContainerException | InterruptedException again) {
                    ContainerException failed = new ContainerException("cannot delete container " + container.id()
                            + " while interrupted: " + again.getMessage());
                    if (first == null) first = failed;
                    else first.addSuppressed(failed);
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (first != null) throw first;
    }

    /**
     * The containers of this host outlive this process: no shutdown hook kills them when the JVM exits (a daemon
     * stopped by SIGTERM whose successor takes them over, see {@link #leftovers()}); {@link #close()} still deletes them.
     */
    public void keepContainersAtExit() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs or ran
        }
    }

    private void deleteAllAtShutdown() {
        closed = true;
        awaitCreations(CREATION_GRACE);
        List<Container> all = containers();
        // All killed first, so they die in parallel; then each is deleted.
        for (Container container : all) {
            try {
                container.signal(Signals.SIGKILL);
            } catch (ContainerException e) {
                // delete below tries again
            }
        }
        for (Container container : all) {
            try {
                container.delete();
            } catch (ContainerException | IOException | InterruptedException | RuntimeException e) {
                // Nothing can report it at this point; the state directory keeps what is left.
            }
        }
    }

    @Override
    public String toString() { return "container host " + stateDir + " (" + containers.size() + " containers)"; }
}
