package dev.talent.migrate;

import dev.talent.container.ContainerHost;
import dev.talent.container.ContainerSpec;
import dev.talent.container.NetworkAttachment;
import dev.talent.format.RuntimeContract;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.CheckpointReceiver;
import dev.talent.migrate.pipeline.CheckpointSignature;
import dev.talent.migrate.pipeline.CheckpointSigner;
import dev.talent.migrate.pipeline.CheckpointVerifier;
import dev.talent.migrate.pipeline.HostContainers;
import dev.talent.migrate.pipeline.HostFiles;
import dev.talent.migrate.pipeline.OutgoingCheckpoint;
import dev.talent.migrate.pipeline.RestoredCheckpoints;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One app on this machine outside {@code talent run} (a fleet agent's): its places (one per platform, each with its
 * working directory, checkpoint directory and event FIFO, as {@code talent run} lays them out), the checkpoints
 * talent accepted of it, and the pipeline's local implementations over them: containers are made as
 * {@code talent run} makes them ({@link #spec}), each container's exit is posted to its place's events.
 */
public final class LocalApp implements AutoCloseable {
    private final ContainerHost containers;
    private final String app;
    private final Path dir;
    private final AcceptedCheckpoints accepted;
    private final CheckpointSigner signer;
    private final CheckpointReceiver receiver;
    private final Consumer<String> warn;
    private final Map<Platform, Place> places = new LinkedHashMap<>();
    private int serial;
    /** --net: every container of the app gets a namespace of its own with this address (empty: the host's network). */
    private volatile Optional<NetworkAttachment> network = Optional.empty();

    private LocalApp(ContainerHost containers, String app, Path dir, AcceptedCheckpoints accepted, CheckpointSigner signer,
            CheckpointReceiver receiver, Consumer<String> warn) {
        this.containers = containers;
        this.app = app;
        this.dir = dir;
        this.accepted = accepted;
        this.signer = signer;
        this.receiver = receiver;
        this.warn = warn;
    }

    /**
     * The app {@code app} in {@code dir} (its places under {@code places/}, its accepted checkpoints under
     * {@code accepted/}): checkpoints it hands over are signed by {@code signer}, those it receives are checked by
     * {@code verifier}.
     */
    public static LocalApp open(ContainerHost containers, String app, Path dir, CheckpointSigner signer,
            CheckpointVerifier verifier, Consumer<String> warn) throws IOException {
        AcceptedCheckpoints accepted = AcceptedCheckpoints.open(dir.resolve("accepted"), app, AcceptedCheckpoints.DEFAULT_MAX_BYTES);
        return new LocalApp(containers, app, dir, accepted,
                signer, new CheckpointReceiver(verifier, app, AcceptedCheckpoints.DEFAULT_MAX_BYTES), warn);
    }

    /**
     * Gives every container made from now on a network namespace of its own with {@code attachment}'s address and MAC
     * (as {@code talent run --net} does): each created with its bridge port down, switched by the pipeline's lock.
     */
    public void network(NetworkAttachment attachment) { network = Optional.of(attachment); }

    /** The app's TCP connections across a migration (--net), made on first use; their state file is {@code tcp.state}. */
    private TcpCarrier tcp;
    private dev.talent.container.TcpRepair.Taking taking;
    private dev.talent.container.TcpRepair.Giving giving;

    private synchronized TcpCarrier tcp() throws IOException {
        if (tcp == null) {
            try {
                tcp = new TcpCarrier(containers.tcpRepair(), dir.resolve("tcp.state"));
            } catch (dev.talent.container.ContainerException e) {
                throw new IOException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return tcp;
    }

    /**
     * Makes the TCP repair helper ready (built for this host on first use, which takes a while): called when a place
     * is prepared, so that it is not built inside a migration's downtime.
     */
    public void readyConnections() throws IOException { tcp(); }

    /** Makes a destination container of this app ready to hold the app's packets at the network lock (--net). */
    public void prepareHold(PacketHold hold, AppContainer c) throws InterruptedException {
        hold.prepare(containers, c);
    }

    /** The state file of the connections taken with checkpoint {@code sequence}, if any (source: to send it). */
    public synchronized Optional<Path> connectionState(BigInteger sequence) throws IOException {
        return tcp().stateOf(sequence);
    }

    /**
     * Destination: the connections of checkpoint {@code sequence} that another host took, in {@code file} (a file in
     * this app's directory, verified by the caller: signed by a host of the fleet); returns how many.
     */
    public synchronized int receiveConnections(BigInteger sequence, Path file) throws IOException {
        return tcp().received(sequence, file);
    }

    /** Where a received connection state is written before it is checked (in the app's directory). */
    public Path incomingConnections() { return dir.resolve("tcp.state.incoming"); }

    /** Waits until the program restored from them holds the connections given ({@link Place#giveConnections}). */
    public void connectionsHeld(java.time.Duration timeout) throws IOException, InterruptedException {
        dev.talent.container.TcpRepair.Giving g;
        synchronized (this) {
            g = giving;
            giving = null;
        }
        if (g == null) return;
        try {
            g.finish(timeout);
        } catch (dev.talent.container.ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A hand-over in progress is abandoned (the connections stay where they are). */
    public synchronized void cancelConnections() {
        if (taking != null) taking.cancel();
        taking = null;
        if (giving != null) giving.cancel();
        giving = null;
    }

    /** The connections are live again somewhere: their state here is history. */
    public synchronized void forgetConnections() throws IOException {
        if (tcp != null) tcp.forget();
    }

    /** Whether the app's containers get a network of their own. */
    public Optional<NetworkAttachment> network() { return network; }

    /**
     * The container spec {@code talent run} gives a program on {@code host}: its binary and arguments over the place's
     * working directory, checkpoint directory and event FIFO; {@code fault} is an injected failure (tests).
     */
    static ContainerSpec spec(String id, Host host, Path binary, List<String> args, boolean restart, Optional<String> fault) {
        return spec(id, host, binary, args, restart, fault, false);
    }

    /** The same, with the runtime's pre-copy images enabled when {@code precopy} ({@code talent run --precopy}). */
    static ContainerSpec spec(String id, Host host, Path binary, List<String> args, boolean restart, Optional<String> fault,
            boolean precopy) {
        Map<String, String> env = new LinkedHashMap<>();
        if (precopy) env.put(RuntimeContract.ENV_PRECOPY, "1");
        fault.ifPresent(f -> env.put(RuntimeContract.ENV_FAULT, f));
        // A stop checkpoint is copied at once into the accepted checkpoints (fsynced there: the recovery copy), so
        // the runtime need not fsync it itself; its periodic ones stay durable (docs/FORMAT.md "Durability").
        env.put(RuntimeContract.ENV_FSYNC, "recovery");
        return new ContainerSpec(id, host.platform, binary, args, host.work, host.checkpoints, host.events.path(), env, restart);
    }

    /** One platform's place of the app on this machine. */
    public final class Place {
        private final Host host;
        private final Path binary;
        private final List<String> args;
        private final Path stdout;
        private final Optional<Path> stderr;
        private final String label;
        private final boolean precopy;
        /**
         * Its files, made once: the pre-copy image received for the coming stop (the base a delta keeps) is remembered
         * from its receipt to the delta's, which come in separate calls.
         */
        private HostFiles files;

        private Place(Host host, Path binary, List<String> args, Path stdout, Optional<Path> stderr, String label, boolean precopy) {
            this.precopy = precopy;
            this.host = host;
            this.binary = binary;
            this.args = List.copyOf(args);
            this.stdout = stdout;
            this.stderr = stderr;
            this.label = label;
        }

        public Platform platform() { return host.platform; }

        /** The program's working directory here (mounted at /work). */
        public Path work() { return host.work; }

        /** Creates containers of the program here (each one's exit is posted to the events as ProcessExited). */
        public HostContainers containers() {
            HostContainers local = new LocalHostContainers(host, (h, restart, fault) -> container(h, restart, fault, false),
                    (h, restart, fault) -> container(h, restart, fault, true));
            return new HostContainers() {
                @Override
                public String name() { return label; }

                @Override
                public AppContainer create(boolean restart, Optional<String> fault) throws IOException, InterruptedException {
                    return local.create(restart, fault);
                }

                @Override
                public AppContainer createStartedAhead(Optional<String> fault) throws IOException, InterruptedException {
                    return local.createStartedAhead(fault);
                }

                @Override
                public RuntimeEvent nextEvent(java.time.Duration timeout) throws InterruptedException { return local.nextEvent(timeout); }

                @Override
                public void clearEvents() { local.clearEvents(); }
            };
        }

        /**
         * A container of the program here (its exit is posted to the events as ProcessExited); {@code awaitGo}: a restart
         * whose runtime, once started, populates its globals' pages and waits for its go (never a pre-copy base: none is
         * named to a fleet's destination).
         */
        private LocalContainer container(Host h, boolean restart, Optional<String> fault, boolean awaitGo)
                throws dev.talent.container.ContainerException, IOException, InterruptedException {
            String id = app + "-" + label.replace('/', '-') + "-" + nextSerial();
            ContainerSpec s0 = spec(id, h, binary, args, restart, fault, precopy).withStdoutFile(stdout);
            ContainerSpec s1 = awaitGo ? s0.withAwaitGo().withEnvironment(RuntimeContract.ENV_AHEAD, RuntimeContract.AHEAD_POPULATE) : s0;
            ContainerSpec s = network.map(s1::withNetwork).orElse(s1);
            LocalContainer c = new LocalContainer(containers.create(stderr.map(s::withStderrFile).orElse(s)));
            // not kept: the action only posts an event, which cannot fail (EventChannel.post drops a line to make room)
            var _ = c.onExit().thenAccept(status -> h.events.post(new RuntimeEvent.ProcessExited(c.id(), status, System.nanoTime())));
            return c;
        }

        public synchronized HostFiles files() {
            if (files == null) files = newFiles();
            return files;
        }

        private HostFiles newFiles() {
            // a migration's checkpoint is taken in memory and handed over from there; its recovery copy is written
            // (and fsynced) by keepTakenCheckpoint, after the downtime, or by whatever reads the accepted ones first
            HostFiles local = new LocalHostFiles(host, app, accepted, signer, receiver,
                    why -> warn.accept("passed over a file in the program's checkpoint directory: " + why), true);
            return new HostFiles() {
                @Override
                public String name() { return label; }

                @Override
                public void clearCheckpoints() throws IOException { local.clearCheckpoints(); }

                @Override
                public OutgoingCheckpoint takeCheckpoint() throws IOException { return local.takeCheckpoint(); }

                @Override
                public OutgoingCheckpoint takeCheckpoint(dev.talent.migrate.pipeline.EarlySend early) throws IOException {
                    return local.takeCheckpoint(early);
                }

                @Override
                public void keepTakenCheckpoint() throws IOException { local.keepTakenCheckpoint(); }

                @Override
                public void receiveCheckpoint(CheckpointSignature signed, java.io.InputStream bytes) throws IOException {
                    local.receiveCheckpoint(signed, bytes);
                }

                @Override
                public OutgoingCheckpoint takePrecopyImage(String name) throws IOException {
                    if (!precopy) throw new IOException("the program on " + label + " does not take pre-copy rounds (pre-copy image "
                            + Printable.escape(name, 80) + ")");
                    return local.takePrecopyImage(name);
                }

                @Override
                public void receivePrecopyImage(CheckpointSignature signed, java.io.InputStream bytes) throws IOException {
                    local.receivePrecopyImage(signed, bytes);
                }

                @Override
                public RestoredCheckpoints restoreAcceptedCheckpoints(Consumer<String> w) throws IOException {
                    return local.restoreAcceptedCheckpoints(w);
                }

                @Override
                public String whereStateIs() { return "on " + label + ": " + local.whereStateIs(); }
            };
        }

        /**
         * Takes over {@code c}, a container of this place that an earlier process made (a fleet agent that restarted):
         * its exit is posted to the events as for the containers made here, and the ids made here from now on use
         * serials above {@code serial}, its own.
         */
        public AppContainer adopt(AppContainer c, int serial) {
            serialAbove(serial);
            // not kept: the action only posts an event, which cannot fail (EventChannel.post drops a line to make room)
            var _ = c.onExit().thenAccept(status -> host.events.post(new RuntimeEvent.ProcessExited(c.id(), status, System.nanoTime())));
            return c;
        }

        /** Source, before the stop: listens for the program's TCP connections in this place's checkpoint directory. */
        public void takeConnections(java.time.Duration safePoint) throws IOException, InterruptedException {
            synchronized (LocalApp.this) {
                cancelConnections();
                try {
                    taking = tcp().take(host.checkpoints, safePoint);
                } catch (dev.talent.container.ContainerException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        }

        /** Source, the checkpoint {@code sequence} accepted: the connections taken at its stop; returns how many. */
        public int connectionsTaken(BigInteger sequence) throws IOException, InterruptedException {
            synchronized (LocalApp.this) {
                if (taking == null) return 0;
                try {
                    return tcp().taken(taking, sequence);
                } catch (dev.talent.container.ContainerException e) {
                    throw new IOException(e.getMessage(), e);
                } finally {
                    taking = null;
                }
            }
        }

        /**
         * Before {@code c} (a container of this place) starts to restore checkpoint {@code sequence}: the connections
         * of that checkpoint, if this host holds them, are restored in its namespace; its runtime gets them.
         */
        public void giveConnections(AppContainer c, BigInteger sequence, java.time.Duration restore) throws IOException, InterruptedException {
            if (!(c instanceof LocalContainer local)) {
                if (c.hasNetwork()) throw new IOException("container " + c.id() + " was not made here: its connections cannot be given");
                return;
            }
            synchronized (LocalApp.this) {
                try {
                    giving = tcp().give(local.raw(), host.checkpoints, sequence, restore);
                } catch (dev.talent.container.ContainerException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        }

        /**
         * Before a container of an app on this host's own network (no --net) restores checkpoint {@code sequence} of
         * this place: the TIME_WAIT connections that would keep one of its listeners from binding again are ended
         * ({@link dev.talent.container.HostListeners#clearTimeWait}). The listeners are those the checkpoint names (the
         * program's at its stop), read from this host's own copy, never from a caller; a checkpoint too large for the
         * Java reader, or none of that sequence, ends nothing (the restore then says what keeps a listener from
         * binding). Returns how many listeners needed it.
         */
        public int clearTimeWait(BigInteger sequence) throws IOException, InterruptedException {
            if (network.isPresent()) return 0; // its namespace is its own: made new for each container
            for (dev.talent.format.CheckpointDirectory.Entry e : dev.talent.format.CheckpointDirectory.list(host.checkpoints)) {
                if (!e.sequence().equals(sequence)) continue;
                if (java.nio.file.Files.size(e.file()) > AcceptedCheckpoints.VALIDATE_MAX_BYTES) return 0;
                dev.talent.format.Checkpoint c;
                try {
                    c = AcceptedCheckpoints.isDelta(e.file().getFileName().toString())
                            ? dev.talent.format.CheckpointDelta.read(e.file()) : dev.talent.format.CheckpointReader.read(e.file());
                } catch (dev.talent.format.CorruptCheckpointException bad) {
                    throw new IOException("checkpoint " + sequence + " of " + app + " here is not valid: " + bad.getMessage(), bad);
                }
                try {
                    return dev.talent.container.HostListeners.clearTimeWait(AcceptedCheckpoints.listenersOf(c)).size();
                } catch (dev.talent.container.ContainerException x) {
                    throw new IOException(x.getMessage(), x);
                }
            }
            return 0;
        }

        /** Removes the container (best effort: a failure only leaves garbage, told to the warnings). */
        public void delete(AppContainer c) {
            try {
                c.delete();
            } catch (Exception e) {
                warn.accept("cannot remove container " + c.id() + ": " + e.getMessage());
            }
        }
    }

    /**
     * The place of {@code platform} (made on first use): the program is {@code binary} with {@code args}, its stdout
     * appended to {@code stdout}; {@code label} names the place in messages ({@code h1/x86_64}) and container ids.
     */
    public synchronized Place place(Platform platform, Path binary, List<String> args, Path stdout, String label) throws IOException {
        return place(platform, binary, args, stdout, Optional.empty(), label);
    }

    /** The same, with the program's stderr appended to {@code stderr} when given (else each container's own log). */
    public synchronized Place place(Platform platform, Path binary, List<String> args, Path stdout, Optional<Path> stderr, String label)
            throws IOException {
        return place(platform, binary, args, stdout, stderr, label, false);
    }

    /**
     * The same; {@code precopy}: its programs run with the runtime's pre-copy rounds enabled ({@code TALENT_PRECOPY=1},
     * as {@code talent run --precopy}), and its files offer pre-copy images ({@link HostFiles#takePrecopyImage}).
     */
    public synchronized Place place(Platform platform, Path binary, List<String> args, Path stdout, Optional<Path> stderr, String label,
            boolean precopy) throws IOException {
        Place p = places.get(platform);
        if (p == null) {
            p = new Place(Host.create(platform, dir.resolve("places")), binary, args, stdout, stderr, label, precopy);
            places.put(platform, p);
        }
        return p;
    }

    /** Forgets the place of {@code platform} and removes its files (its containers must be gone). */
    public synchronized void dropPlace(Platform platform) throws IOException {
        Place p = places.remove(platform);
        if (p == null) return;
        p.host.close();
        StateFiles.deleteTree(p.host.dir);
    }

    /** Whether the container host knows {@code id} (for checks of ids from the network). */
    public boolean hasContainer(String id) { return containers.container(id).isPresent(); }

    /**
     * Stops reading the places' events and keeps everything (their FIFOs too): the app's containers are left to the
     * next process on this state directory (a fleet agent that stops, or an in-process one that stands for a killed one).
     */
    public synchronized void detach() {
        for (Place p : places.values()) {
            try {
                p.host.detach();
            } catch (IOException e) {
                warn.accept("cannot stop reading the events of " + p.label + ": " + e.getMessage());
            }
        }
    }

    /** Closes the places' event channels and removes everything of the app here. */
    public synchronized void removeAll() throws IOException {
        close();
        accepted.removeAll();
        StateFiles.deleteTree(dir);
    }

    @Override
    public synchronized void close() {
        for (Place p : places.values()) {
            try {
                p.host.close();
            } catch (IOException e) {
                warn.accept("cannot close the events of " + p.label + ": " + e.getMessage());
            }
        }
        places.clear();
    }

    private synchronized int nextSerial() { return ++serial; }

    private synchronized void serialAbove(int n) { serial = Math.max(serial, n); }
}
