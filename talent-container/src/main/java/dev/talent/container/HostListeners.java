package dev.talent.container;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The listening TCP sockets of a program that shares the host's network (a container without a network of its own,
 * {@code talent run} without {@code --net}), and what keeps their copies from binding again after a stop.
 *
 * <p>The restore recreates each listener with a {@code bind} (talent-runtime files.c {@code restore_listen}), with
 * {@code SO_REUSEADDR} on for the bind only. A server that closes its connections first leaves each of them in
 * TIME_WAIT on its port, and a TIME_WAIT socket keeps the {@code SO_REUSEADDR} of the connection it was, which the
 * connection had from its listener: when the program never set it, Linux refuses every bind to that port, even one
 * with {@code SO_REUSEADDR}, until the TIME_WAIT ends (60 s). The copy of such a server (the destination, or the
 * source again after a rollback) could not restore, where under {@code --net} the restoring namespace is new and
 * holds none. So before such a copy starts, a listener's address that a bind like the restore's cannot take has the
 * TIME_WAIT sockets of its port removed ({@code SOCK_DESTROY}, {@code ss -K}), which makes the same namespace what
 * a new one is under {@code --net} (talent-container/README.md, "TIME_WAIT"). Nothing else is touched: a port that
 * takes the bind keeps its TIME_WAIT sockets, and a port another socket holds is left to the restore's own error.
 */
public final class HostListeners {
    private static final String LISTEN = "0A";

    /** A listening TCP socket's local address (a wildcard address listens on all). */
    public record Listener(InetAddress address, int port) {
        public Listener {
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port);
        }
    }

    private HostListeners() {}

    /**
     * The listening TCP sockets of process {@code pid} and its descendants ({@code /proc}: their descriptors and the
     * TCP tables of their namespace); empty when the process is gone.
     */
    public static List<Listener> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        for (long p : pids) inodes.addAll(socketInodes(Path.of("/proc", Long.toString(p), "fd")));
        List<Listener> found = new ArrayList<>();
        if (inodes.isEmpty()) return found;
        Path net = Path.of("/proc", Long.toString(pid), "net");
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(net.resolve(table));
            } catch (NoSuchFileException e) {
                continue; // the process ended, or no IPv6
            }
            for (Listener l : listening(lines, inodes)) if (!found.contains(l)) found.add(l);
        }
        return found;
    }

    /** The longest listener a checkpoint names ({@code tcp6:[}, 45 characters, {@code ]:65535}); anything longer is refused. */
    static final int MAX_CHECKPOINT_PATH = 58;
    private static final java.util.regex.Pattern TCP4 = java.util.regex.Pattern.compile(
            "tcp:((?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])):([0-9]{1,5})");
    private static final java.util.regex.Pattern TCP6 = java.util.regex.Pattern.compile("tcp6:\\[([0-9a-fA-F:.]{2,45})\\]:([0-9]{1,5})");

    /**
     * The listening TCP socket a checkpoint's FILE entry names ({@code tcp:A.B.C.D:PORT} or {@code tcp6:[IPV6]:PORT},
     * docs/FORMAT.md "FILE"), or empty for any other entry (an unconnected UDP socket: nothing of TIME_WAIT keeps it
     * from binding). The text is the program's runtime's, hostile like the rest of a checkpoint: it is read only when it
     * is short, a numeric address (never a name, which would be looked up) and a port 1 to 65535; anything else that
     * starts like a TCP listener is refused.
     *
     * @throws IllegalArgumentException a {@code tcp} or {@code tcp6} entry that is not exactly such an address and port
     */
    public static java.util.Optional<Listener> fromCheckpointPath(String path) {
        if (!path.startsWith("tcp:") && !path.startsWith("tcp6:")) return java.util.Optional.empty();
        String shown = path.length() > MAX_CHECKPOINT_PATH ? path.substring(0, MAX_CHECKPOINT_PATH) + "..." : path;
        shown = shown.replaceAll("[^\\x20-\\x7e]", "?");
        java.util.regex.Matcher m = path.length() > MAX_CHECKPOINT_PATH ? null
                : (path.startsWith("tcp6:") ? TCP6 : TCP4).matcher(path);
        if (m == null || !m.matches()) throw new IllegalArgumentException("not a listening TCP address and port: '" + shown + "'");
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range in '" + shown + "'");
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(m.group(1)); // a literal only: no name is ever looked up
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a numeric address in '" + shown + "'", e);
        }
        return java.util.Optional.of(new Listener(a, port));
    }

    /**
     * What a program on the host's network still has in progress on its listeners' ports, from the TCP tables:
     * {@code handshakes} answered but not completed (SYN_RECV, request sockets of the kernel that no checkpoint
     * carries), {@code queued} completed connections not accepted yet (its listeners' accept queues: reset when the
     * listener closes with the source) and {@code connections} the TCP sockets it holds that are not listening (which
     * refuse a stop on the host's network). A stop with none of them loses nothing of its listeners' peers.
     */
    public record Pending(int handshakes, int queued, int connections) {
        public boolean none() { return handshakes == 0 && queued == 0 && connections == 0; }
    }

    /**
     * What process {@code pid} and its descendants have in progress ({@link Pending}) on the ports of
     * {@code listeners}; none when the process is gone.
     */
    public static Pending pending(long pid, List<Listener> listeners) throws IOException {
        Set<String> inodes = new HashSet<>();
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        for (long p : pids) inodes.addAll(socketInodes(Path.of("/proc", Long.toString(p), "fd")));
        Path net = Path.of("/proc", Long.toString(pid), "net");
        Pending all = new Pending(0, 0, 0);
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(net.resolve(table));
            } catch (NoSuchFileException e) {
                continue; // the process ended, or no IPv6
            }
            Pending p = pending(lines, inodes, listeners);
            all = new Pending(all.handshakes() + p.handshakes(), all.queued() + p.queued(), all.connections() + p.connections());
        }
        return all;
    }

    private static final String SYN_RECV = "03";
    private static final String CLOSE = "07";

    /**
     * {@link Pending} among the lines of a {@code /proc/net/tcp} or {@code tcp6} table: a SYN_RECV line whose local
     * port is a listener's (a request socket has no inode: its port tells whose it is; a listener on a wildcard address
     * takes every address), the receive queue of a listening line whose inode is one of {@code inodes} (for a listener
     * the kernel shows its accept queue's length there), and any other line of those inodes but an unconnected socket
     * (CLOSE).
     */
    static Pending pending(List<String> lines, Set<String> inodes, List<Listener> listeners) {
        int handshakes = 0;
        int queued = 0;
        int connections = 0;
        for (String line : lines) {
            String[] f = line.strip().split("\\s+", 11);
            if (f.length < 10) continue;
            if (f[3].equals(SYN_RECV)) {
                Listener local = address(f[1]);
                if (local != null && listeners.stream().anyMatch(l -> l.port() == local.port()
                        && (l.address().isAnyLocalAddress() || l.address().equals(local.address())))) {
                    handshakes++;
                }
            } else if (inodes.contains(f[9])) {
                if (f[3].equals(LISTEN)) {
                    int colon = f[4].indexOf(':');
                    try {
                        if (colon > 0) queued += Integer.parseInt(f[4].substring(colon + 1), 16);
                    } catch (NumberFormatException e) {
                        // not a line of the kernel's format
                    }
                } else if (!f[3].equals(CLOSE)) {
                    connections++;
                }
            }
        }
        return new Pending(handshakes, queued, connections);
    }

    /**
     * Waits until process {@code pid} has nothing in progress on the ports of {@code listeners} ({@link Pending#none}),
     * reading the tables every millisecond (no event exists for a request socket that completes, and a read costs
     * microseconds), or until {@code max} has passed; returns what it had at the last read.
     */
    public static Pending awaitNone(long pid, List<Listener> listeners, java.time.Duration max)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            Pending p = pending(pid, listeners);
            long now = System.nanoTime();
            if (p.none() || now - deadline >= 0) return p;
            Thread.sleep(java.time.Duration.ofNanos(Math.min(1_000_000L, deadline - now)));
        }
    }

    /** A table's {@code ADDRESS:PORT} field, or null when it is not one. */
    private static Listener address(String field) {
        int colon = field.indexOf(':');
        if (colon < 0) return null;
        String hex = field.substring(0, colon);
        if (hex.length() != 8 && hex.length() != 32) return null;
        try {
            ByteBuffer b = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
            for (int i = 0; i < hex.length(); i += 8) b.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
            return new Listener(InetAddress.getByAddress(b.array()), Integer.parseInt(field.substring(colon + 1), 16));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The inodes of the sockets among the descriptors in {@code fdDir} ({@code socket:[N]}). */
    private static Set<String> socketInodes(Path fdDir) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (NoSuchFileException e) {
                    // closed meanwhile
                }
            }
        } catch (NoSuchFileException e) {
            // the process ended
        }
        return inodes;
    }

    /**
     * The listening sockets among the lines of a {@code /proc/net/tcp} or {@code tcp6} table whose inode is one of
     * {@code inodes}. A line is {@code sl local rem st tx:rx tr:when retr uid timeout inode ...}; an address is the
     * kernel's 32-bit words in hexadecimal, each in the host's byte order, then {@code :} and the port.
     */
    static List<Listener> listening(List<String> lines, Set<String> inodes) {
        List<Listener> found = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.strip().split("\\s+", 11);
            if (f.length < 10 || !f[3].equals(LISTEN) || !inodes.contains(f[9])) continue;
            Listener l = address(f[1]); // null: not a line of the kernel's format, ignored like the header
            if (l != null) found.add(l);
        }
        return found;
    }

    /**
     * Before a program that shares this process's network namespace restores {@code listeners}: each one whose
     * address a bind like the restore's ({@code SO_REUSEADDR} on) cannot take has the TIME_WAIT sockets of its port
     * removed (only those of its address, unless it listens on all). Returns the listeners that needed it.
     */
    public static List<Listener> clearTimeWait(List<Listener> listeners) throws ContainerException, InterruptedException {
        List<Listener> cleared = new ArrayList<>();
        for (Listener l : listeners) {
            if (bindable(l)) continue;
            List<String> command = new ArrayList<>(List.of("ss", "-K", "-H", "-t", "-n", "state", "time-wait",
                    "sport", "=", ":" + l.port()));
            if (!l.address().isAnyLocalAddress()) {
                command.addAll(List.of("src", l.address() instanceof Inet6Address
                        ? "[" + l.address().getHostAddress() + "]" : l.address().getHostAddress()));
            }
            CapturedRun r;
            try {
                r = ProcessRunner.capture(command, EnvironmentChange.NONE, null);
            } catch (IOException e) {
                throw new ContainerException("cannot end the TIME_WAIT connections of port " + l.port() + ": " + e.getMessage(), e);
            }
            if (r.exitCode() != 0) {
                throw new ContainerException("cannot end the TIME_WAIT connections of port " + l.port() + ": "
                        + r.stderr().strip());
            }
            cleared.add(l);
        }
        return cleared;
    }

    /** Whether a socket with {@code SO_REUSEADDR} on, as the restore makes it, can bind to {@code l}'s address now. */
    private static boolean bindable(Listener l) {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(l.address(), l.port()));
            return true;
        } catch (BindException e) {
            return false;
        } catch (IOException e) {
            return true; // not a conflict on the port: left to the restore, which names its own error
        }
    }
}
