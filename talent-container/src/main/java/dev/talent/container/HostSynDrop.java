package dev.talent.container;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * New TCP handshakes to the listeners of a program on the host's network dropped while it stops and moves (a source
 * about to stop, {@code talent run} without {@code --net}): an nftables table of the host's own ({@code inet} family,
 * hook input, which loopback traffic passes too) drops each incoming SYN to a listener's address and port, nothing
 * else. The peer gets no answer and sends its SYN again after its retransmission timeout (1 s, then 3 s...), to the
 * copy that listens by then: a delay, where the listener closing with the source answers with a reset (refused) and
 * resets whatever its queues still held (talent-container/README.md, "SYN_RECV"). Removed by {@link #remove()}
 * (idempotent) once the copy listens, or when the source goes on; when the process that installed it exits first
 * (the JVM's shutdown: SIGTERM, SIGINT, SIGHUP, {@code System.exit}) by a shutdown hook; when it is killed (SIGKILL,
 * a crash, the OOM killer) by the next talent process that calls {@link #removeLeftovers()}: the table's name says
 * which process owns it, by pid and start time ({@link #tableFor}), so that a pid reused by another process does
 * not keep a dead owner's table.
 */
public final class HostSynDrop {
    /** {@code talent_syn_OWNERPID_OWNERSTART_APPPID}: the owner's start time in clock ticks since boot, /proc/PID/stat. */
    private static final Pattern OWNED = Pattern.compile("talent_syn_(\\d{1,10})_(\\d{1,20})_(\\d{1,10})");
    /** {@code talent_syn_APPPID}: what talent wrote before the owner was named; its app's pid is all it tells. */
    private static final Pattern APP_ONLY = Pattern.compile("talent_syn_(\\d{1,10})");
    /** The tables of this process not yet removed: the shutdown hook removes them. */
    private static final Set<HostSynDrop> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private final String table;
    private boolean open = true;

    private HostSynDrop(String table) { this.table = table; }

    /**
     * The table's name for the program whose pid is {@code appPid}, owned by this process: its pid and start time
     * (one table per program; a later talent process tells from them whether the owner still runs).
     */
    public static String tableFor(long appPid) throws ContainerException {
        long self = ProcessHandle.current().pid();
        OptionalLong start = startTime(self);
        if (start.isEmpty()) throw new ContainerException("cannot read this process's start time (/proc/" + self + "/stat)");
        return "talent_syn_" + self + "_" + start.getAsLong() + "_" + appPid;
    }

    /**
     * Drops new handshakes to {@code listeners} until {@link #remove()} (or this process exits); {@code table} names the
     * nftables table ({@link #tableFor}).
     */
    public static HostSynDrop install(String table, List<HostListeners.Listener> listeners)
            throws ContainerException, InterruptedException {
        if (!table.matches("[a-z][a-z0-9_]{0,63}")) throw new IllegalArgumentException("table name " + table);
        if (listeners.isEmpty()) throw new IllegalArgumentException("no listener");
        if (HOOKED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(HostSynDrop::removeAllOpen, "talent-syn-drop-exit"));
        }
        HostSynDrop d = new HostSynDrop(table);
        // registered before the table exists: an exit between the two then tries a delete that finds nothing
        OPEN.add(d);
        try {
            nft(List.of("-f", "-"), rules(table, listeners), "cannot drop new connections to the program's listeners");
        } catch (ContainerException | RuntimeException e) {
            OPEN.remove(d);
            throw e;
        }
        return d;
    }

    /** The shutdown hook: every table of this process still there is removed (new handshakes come in again). */
    private static void removeAllOpen() {
        for (HostSynDrop d : List.copyOf(OPEN)) {
            try {
                d.remove();
            } catch (ContainerException e) {
                // exiting: nothing to report to; the next talent process's removeLeftovers() removes it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A table that a talent process which no longer runs left behind, removed: {@code why} says how it was told. */
    public record Leftover(String table, String why) {}

    /**
     * Removes the tables dropping handshakes that talent processes which no longer run left behind (killed in the middle
     * of a move: the program's ports would drop every new client for good) and returns them. A table whose owner runs
     * (same pid, same start time) is kept, and so is one of the earlier naming whose program still runs. Nothing when
     * nftables is not installed or its tables cannot be read (not root: such a process cannot have made one either).
     *
     * @throws ContainerException when a leftover is found but cannot be removed
     */
    public static List<Leftover> removeLeftovers() throws ContainerException, InterruptedException {
        CapturedRun listed;
        try {
            listed = ProcessRunner.capture(List.of("nft", "list", "tables", "inet"), EnvironmentChange.NONE, null);
        } catch (IOException e) {
            return List.of();
        }
        if (listed.exitCode() != 0) return List.of();
        List<String> tables = listed.stdout().lines().map(String::strip).filter(l -> l.startsWith("table inet "))
                .map(l -> l.substring("table inet ".length()).strip()).toList();
        List<Leftover> removed = new ArrayList<>();
        for (Leftover l : leftovers(tables, HostSynDrop::startTime)) {
            CapturedRun r;
            try {
                r = ProcessRunner.capture(List.of("nft", "delete", "table", "inet", l.table()), EnvironmentChange.NONE, null);
            } catch (IOException e) {
                throw new ContainerException("cannot remove the leftover nft table " + l.table() + ": " + e.getMessage(), e);
            }
            // another talent process starting at the same time may have removed it first
            if (r.exitCode() == 0) removed.add(l);
            else if (!r.stderr().contains("No such file or directory")) {
                throw new ContainerException("cannot remove the leftover nft table " + l.table() + " (" + l.why()
                        + "); new connections to its ports are dropped until it is: " + r.stderr().strip());
            }
        }
        return removed;
    }

    /**
     * Which of the {@code tables} (names of the host's {@code inet} tables) are leftovers: owned by a process whose
     * start time {@code startTime} does not give (it no longer runs) or gives another (its pid was reused); of the
     * earlier naming, those whose program no longer runs.
     */
    static List<Leftover> leftovers(List<String> tables, LongFunction<OptionalLong> startTime) {
        List<Leftover> l = new ArrayList<>();
        for (String t : tables) {
            Matcher owned = OWNED.matcher(t);
            if (owned.matches()) {
                long pid = Long.parseLong(owned.group(1));
                long start = Long.parseLong(owned.group(2));
                OptionalLong now = startTime.apply(pid);
                if (now.isEmpty()) {
                    l.add(new Leftover(t, "its talent process " + pid + " no longer runs"));
                } else if (now.getAsLong() != start) {
                    l.add(new Leftover(t, "its talent process " + pid + " no longer runs (pid " + pid
                            + " is another process's now)"));
                }
                continue;
            }
            Matcher appOnly = APP_ONLY.matcher(t);
            if (appOnly.matches()) {
                long pid = Long.parseLong(appOnly.group(1));
                if (startTime.apply(pid).isEmpty()) l.add(new Leftover(t, "its program (pid " + pid + ") no longer runs"));
            }
        }
        return l;
    }

    /**
     * The start time of process {@code pid} (field 22 of /proc/PID/stat, clock ticks since boot), or empty when it does
     * not run. The fields are counted after the last ')': the command name before it may hold spaces and parentheses.
     */
    static OptionalLong startTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return startTimeOf(stat);
    }

    /** Field 22 of a /proc/PID/stat text, or empty when it is not one. */
    static OptionalLong startTimeOf(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) return OptionalLong.empty();
        String[] f = stat.substring(close + 1).strip().split(" ", -1);
        // f[0] is field 3 (the state): field 22 is f[19]
        if (f.length < 20) return OptionalLong.empty();
        try {
            return OptionalLong.of(Long.parseLong(f[19]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The table's text: one rule per listener, matching a SYN without ACK to its port, and its address unless it listens
     * on all (an IPv6 wildcard takes IPv4 too, as a dual-stack listener does).
     */
    static String rules(String table, List<HostListeners.Listener> listeners) {
        StringBuilder b = new StringBuilder("table inet ").append(table).append(" {\n  chain input {\n")
                .append("    type filter hook input priority 0; policy accept;\n");
        for (HostListeners.Listener l : listeners) {
            b.append("    ");
            if (l.address() instanceof Inet4Address a) {
                b.append(a.isAnyLocalAddress() ? "meta nfproto ipv4 " : "ip daddr " + a.getHostAddress() + " ");
            } else if (l.address() instanceof Inet6Address a && !a.isAnyLocalAddress()) {
                b.append("ip6 daddr ").append(a.getHostAddress().replaceAll("%.*", "")).append(' ');
            }
            b.append("tcp dport ").append(l.port()).append(" tcp flags & (syn | ack) == syn drop\n");
        }
        return b.append("  }\n}\n").toString();
    }

    /** New handshakes come in again. Idempotent. */
    public synchronized void remove() throws ContainerException, InterruptedException {
        if (!open) return;
        nft(List.of("delete", "table", "inet", table), "", "cannot let new connections in again (nft table " + table + ")");
        open = false;
        OPEN.remove(this);
    }

    private static void nft(List<String> args, String input, String what) throws ContainerException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add("nft");
        command.addAll(args);
        CapturedRun r;
        Path in = null;
        try {
            if (!input.isEmpty()) {
                in = Files.createTempFile("talent-syn", ".nft");
                Files.writeString(in, input);
                command.set(command.size() - 1, in.toString());
            }
            r = ProcessRunner.capture(command, EnvironmentChange.NONE, null);
        } catch (IOException e) {
            throw new ContainerException(what + ": " + e.getMessage(), e);
        } finally {
            if (in != null) {
                try {
                    Files.deleteIfExists(in);
                } catch (IOException ignored) {
                    // a temporary file of a few hundred bytes
                }
            }
        }
        if (r.exitCode() != 0) throw new ContainerException(what + ": " + r.stderr().strip());
    }
}
