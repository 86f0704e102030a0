package dev.talent.fleet.apps;

import dev.talent.container.ContainerException;
import dev.talent.container.ContainerExit;
import dev.talent.container.ContainerHost;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.SafePointStep;
import dev.talent.migrate.pipeline.Signal;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A running container that an earlier agent on this state directory made and this one takes over (the agent was
 * killed or upgraded while its apps ran). Its init is not this process's child (it was re-parented when its agent
 * died), so its exit is watched through {@code /proc/PID/stat} (the pid and its start time, so a reused pid is not
 * taken for it) every {@link #POLL_NANOS}, and signals go through {@code runc kill}, which checks the same.
 *
 * <p>Its exit status is not this process's to reap: it is read from the record talent-init wrote in the container's
 * bundle before it exited ({@link ContainerExit}, hostile input checked there), as the status a parent would have seen
 * (128 + n for signal n). Without a record (a container started by an init older than the record, or an init killed
 * itself) an exit after this agent asked for a checkpoint ({@link Signal#CHECKPOINT_AND_EXIT}) is taken as the stop at
 * that checkpoint ({@link SafePointStep#EXIT_CHECKPOINT}; the checkpoint is then verified as any other before it is
 * used); any other exit completes {@link #onExit()} with {@link #UNKNOWN_STATUS}.
 */
final class AdoptedContainer implements AppContainer {
    /** The exit status of an adopted container that ended on its own: not knowable here. */
    static final int UNKNOWN_STATUS = -1;
    static final long POLL_NANOS = 25_000_000;
    private static final int KILLED = 128 + 9;
    private static final int MAX_STAT = 4096, MAX_TAIL = 64 * 1024;

    private final ContainerHost host;
    private final String id;
    private final int pid;
    private final long startTime;
    private final Path log;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    /** Where its init's record of the exit is read once the process is gone. */
    private final ExitRecord record;
    private volatile boolean checkpointAsked;
    private volatile boolean deleted;
    /** --net: the app's address (its namespace, made by the agent before, is found by the container's id). */
    private final java.util.Optional<dev.talent.container.Ipv4> address;

    /** How the container's program ended, as its init recorded it (empty: no record). */
    @FunctionalInterface
    interface ExitRecord {
        java.util.Optional<ContainerExit> read() throws IOException;
    }

    private AdoptedContainer(ContainerHost host, String id, int pid, long startTime, Path log,
            java.util.Optional<dev.talent.container.Ipv4> address, ExitRecord record) {
        this.record = record;
        this.address = address;
        this.host = host;
        this.log = log;
        this.id = id;
        this.pid = pid;
        this.startTime = startTime;
    }

    /**
     * Takes over the running container {@code id} whose init runc says is {@code pid} (its stderr goes to {@code log});
     * fails when that process is gone.
     */
    static AdoptedContainer adopt(ContainerHost host, String id, int pid, Path log,
            java.util.Optional<dev.talent.container.Ipv4> address) throws IOException {
        return adopt(host, id, pid, log, address, () -> host.leftoverExit(id));
    }

    /** As above, the exit's record read from {@code record}. */
    static AdoptedContainer adopt(ContainerHost host, String id, int pid, Path log,
            java.util.Optional<dev.talent.container.Ipv4> address, ExitRecord record) throws IOException {
        Stat s = stat(pid).orElseThrow(() -> new IOException("the process " + pid + " of container " + id + " is gone"));
        if (s.gone()) throw new IOException("the process " + pid + " of container " + id + " has ended");
        AdoptedContainer c = new AdoptedContainer(host, id, pid, s.startTime(), log, address, record);
        Thread.ofVirtual().name("talent-adopted-" + id).start(c::watch);
        return c;
    }

    /** A process's state letter and start time (clock ticks after boot), from {@code /proc/PID/stat}. */
    record Stat(char state, long startTime) {
        boolean gone() { return state == 'Z' || state == 'X' || state == 'x'; }
    }

    /** Parses {@code /proc/PID/stat}: the command (field 2) may hold any byte, so fields are counted after its last ')'. */
    static java.util.Optional<Stat> parseStat(String text) {
        int close = text.lastIndexOf(')');
        if (close < 0 || close + 2 >= text.length()) return java.util.Optional.empty();
        String[] f = text.substring(close + 2).strip().split(" ", -1);
        // after the command: state (field 3) ... starttime (field 22)
        if (f.length < 20 || f[0].length() != 1) return java.util.Optional.empty();
        try {
            long start = Long.parseLong(f[19]);
            return start < 0 ? java.util.Optional.empty() : java.util.Optional.of(new Stat(f[0].charAt(0), start));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static java.util.Optional<Stat> stat(int pid) throws IOException {
        Path p = Path.of("/proc", Integer.toString(pid), "stat");
        byte[] b;
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            byte[] buf = new byte[MAX_STAT];
            int n = f.read(buf);
            b = n <= 0 ? new byte[0] : java.util.Arrays.copyOf(buf, n);
        } catch (java.io.FileNotFoundException | NoSuchFileException e) {
            return java.util.Optional.empty();
        }
        return parseStat(new String(b, StandardCharsets.ISO_8859_1));
    }

    /** Whether the process is still the container's init (same pid, same start time, not a zombie). */
    private boolean alive() {
        try {
            OptionalLong start = stat(pid).filter(s -> !s.gone()).map(s -> OptionalLong.of(s.startTime())).orElse(OptionalLong.empty());
            return start.isPresent() && start.getAsLong() == startTime;
        } catch (IOException e) {
            return false;
        }
    }

    private void watch() {
        while (!exit.isDone() && alive()) LockSupport.parkNanos(POLL_NANOS);
        if (deleted) {
            exit.complete(KILLED);
            return;
        }
        // the init renamed its record into place before it exited, so it is there once the process is gone
        java.util.Optional<ContainerExit> recorded;
        try {
            recorded = record.read();
        } catch (IOException | RuntimeException e) {
            recorded = java.util.Optional.empty();
        }
        exit.complete(recorded.map(ContainerExit::code)
                .orElse(checkpointAsked ? SafePointStep.EXIT_CHECKPOINT : UNKNOWN_STATUS));
    }

    @Override
    public String id() { return id; }

    @Override
    public boolean hasNetwork() { return address.isPresent(); }

    /** Its init, while it is still the process this agent adopted. */
    @Override
    public OptionalLong hostPid() { return alive() ? OptionalLong.of(pid) : OptionalLong.empty(); }

    /**
     * Its port goes down; first, a claim of the app's MAC that a hold by the agent that died left on its port is
     * released (the segment learns the app's place elsewhere again; one netlink call, nothing when there is none).
     */
    @Override
    public void lockNetwork() throws IOException {
        endHold(false);
        setNetwork(false);
    }

    /**
     * Its port comes up, then a hold the agent that died left on it ends: a destination held since the network lock
     * whose agent was killed before the unlock (which comes after the commit). The holding helper died with that agent,
     * and without a listener its queue rules would drop every packet to the app for good (FleetAgentKillIT).
     */
    @Override
    public void unlockNetwork() throws IOException {
        setNetwork(true);
        heldRulesEnded = endHold(true);
    }

    /**
     * A source whose agent was killed after it dropped new handshakes (protocol 7's {@code drop-syns}) and before the
     * stop: the migration failed, and its caller asks this agent to let them in again. The rules are in the container's
     * namespace, unknown to this agent but for what {@code iptables -S} lists: those are removed.
     */
    @Override
    public void acceptNewConnections() throws IOException, InterruptedException {
        if (address.isEmpty()) return;
        try {
            host.endLeftoverSynDrop(id);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** How many queue rules of a dead agent's hold the last {@link #unlockNetwork()} removed (none: it was not held). */
    int heldRulesEnded() { return heldRulesEnded; }

    private volatile int heldRulesEnded;

    private int endHold(boolean rules) throws IOException {
        if (address.isEmpty()) return 0;
        try {
            return host.endLeftoverHold(id, address.get(), rules);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while ending the hold of container " + id, e);
        }
    }

    @Override
    public void announce() throws IOException, InterruptedException {
        if (address.isEmpty()) return;
        try {
            host.announceLeftover(id, address.get());
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Switches its bridge port (--net); a --net container whose port is gone cannot be locked: an error, never silence. */
    private void setNetwork(boolean up) throws IOException {
        if (address.isEmpty()) return;
        try {
            if (!host.setLeftoverNetwork(id, up))
                throw new IOException("container " + id + " of a --net app has no network port on this host any more");
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean signal(Signal signal) throws IOException {
        if (exit.isDone() || !alive()) return false;
        String name = switch (signal) {
            case CHECKPOINT_AND_EXIT -> "USR1";
            case PRECOPY_ROUND -> "URG";
            case TERMINATE -> "TERM";
            case KILL -> "KILL";
        };
        if (signal == Signal.CHECKPOINT_AND_EXIT) checkpointAsked = true;
        try {
            host.signalLeftover(id, name);
            return true;
        } catch (ContainerException e) {
            if (!alive()) return false;
            throw new IOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling container " + id, e);
        }
    }

    @Override
    public void start() {
        throw new IllegalStateException("container " + id + " was adopted running: it cannot be started again");
    }

    @Override
    public CompletableFuture<Integer> onExit() { return exit.copy(); }

    /** The last lines of the container's stderr log (bounded, non-printable characters replaced). */
    @Override
    public String logTail(int lines) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long size = f.length();
            int n = (int) Math.min(size, MAX_TAIL);
            byte[] b = new byte[n];
            f.seek(size - n);
            f.readFully(b);
            List<String> all = new String(b, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())).replaceAll("[^\\x20-\\x7e\\n\\t]", "?");
        } catch (IOException e) {
            return "(no log of container " + id + ": " + e.getMessage() + ")";
        }
    }

    /** Kills it if it runs and removes runc's state and its bundle ({@code runc delete --force}). */
    @Override
    public void delete() throws IOException, InterruptedException {
        synchronized (this) {
            if (deleted) return;
            deleted = true;
        }
        try {
            host.removeLeftover(id);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
        exit.complete(KILLED);
    }

    @Override
    public String toString() { return "adopted container " + id + " (pid " + pid + ")"; }
}
