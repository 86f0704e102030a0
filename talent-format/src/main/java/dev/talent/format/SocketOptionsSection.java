package dev.talent.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates an {@code SOPT} payload (docs/FORMAT.md "SOPT", "Validation"), by the rules the C runtime's
 * {@code sockopts.c} applies: the listen backlog and the options of the sockets of FILE kind 3 and of the connections
 * of kind 6. What needs the FILE section (each entry a kind 3 or 6 socket with the options flag, each such socket
 * listed once, TCP options and the backlog only on a TCP socket, neither the backlog nor TCP_MAXSEG nor TCP_FASTOPEN
 * on a connection, IPv4 and IPv6 options only on that family) is checked by {@link #check} once every section is
 * read.
 */
final class SocketOptionsSection {
    private SocketOptionsSection() {}

    /** One option: its code, its value ({@code b} only for SO_LINGER and the timeouts, else 0), and where it was read. */
    record Option(int code, int a, int b, long offset) {}

    /** One entry: the socket's descriptor, its flags, the listen backlog (0 without the flag), its options. */
    record Entry(long fd, int flags, int backlog, List<Option> options, long offset) {}

    private enum Scope { ANY, TCP, V4, V6 }

    enum Kind { INT, LINGER, TIMEVAL }

    private record Spec(String label, Scope scope, Kind kind, int min, int max, boolean onConnection) {
        Spec(String label, Scope scope, Kind kind, int min, int max) {
            this(label, scope, kind, min, max, true);
        }
    }

    private static Spec spec(int code) {
        return switch (code) {
            case RuntimeContract.SOPT_REUSEADDR -> new Spec("SO_REUSEADDR", Scope.ANY, Kind.INT, 0, 1);
            case RuntimeContract.SOPT_KEEPALIVE -> new Spec("SO_KEEPALIVE", Scope.ANY, Kind.INT, 0, 1);
            case RuntimeContract.SOPT_RCVBUF -> new Spec("SO_RCVBUF", Scope.ANY, Kind.INT, 1, 0x3FFF_FFFF);
            case RuntimeContract.SOPT_SNDBUF -> new Spec("SO_SNDBUF", Scope.ANY, Kind.INT, 1, 0x3FFF_FFFF);
            case RuntimeContract.SOPT_LINGER -> new Spec("SO_LINGER", Scope.ANY, Kind.LINGER, 0, 1);
            case RuntimeContract.SOPT_RCVLOWAT -> new Spec("SO_RCVLOWAT", Scope.ANY, Kind.INT, 1, Integer.MAX_VALUE);
            case RuntimeContract.SOPT_BROADCAST -> new Spec("SO_BROADCAST", Scope.ANY, Kind.INT, 0, 1);
            case RuntimeContract.SOPT_PRIORITY -> new Spec("SO_PRIORITY", Scope.ANY, Kind.INT, 0, 255);
            case RuntimeContract.SOPT_RCVTIMEO -> new Spec("SO_RCVTIMEO", Scope.ANY, Kind.TIMEVAL, 0, Integer.MAX_VALUE);
            case RuntimeContract.SOPT_SNDTIMEO -> new Spec("SO_SNDTIMEO", Scope.ANY, Kind.TIMEVAL, 0, Integer.MAX_VALUE);
            case RuntimeContract.SOPT_OOBINLINE -> new Spec("SO_OOBINLINE", Scope.ANY, Kind.INT, 0, 1);
            case RuntimeContract.SOPT_TCP_NODELAY -> new Spec("TCP_NODELAY", Scope.TCP, Kind.INT, 0, 1);
            case RuntimeContract.SOPT_TCP_KEEPIDLE -> new Spec("TCP_KEEPIDLE", Scope.TCP, Kind.INT, 1, 32767);
            case RuntimeContract.SOPT_TCP_KEEPINTVL -> new Spec("TCP_KEEPINTVL", Scope.TCP, Kind.INT, 1, 32767);
            case RuntimeContract.SOPT_TCP_KEEPCNT -> new Spec("TCP_KEEPCNT", Scope.TCP, Kind.INT, 1, 127);
            case RuntimeContract.SOPT_TCP_DEFER_ACCEPT -> new Spec("TCP_DEFER_ACCEPT", Scope.TCP, Kind.INT, 0, Integer.MAX_VALUE);
            case RuntimeContract.SOPT_TCP_FASTOPEN -> new Spec("TCP_FASTOPEN", Scope.TCP, Kind.INT, 0, Integer.MAX_VALUE, false);
            case RuntimeContract.SOPT_TCP_MAXSEG -> new Spec("TCP_MAXSEG", Scope.TCP, Kind.INT, 88, 32767, false);
            case RuntimeContract.SOPT_TCP_USER_TIMEOUT -> new Spec("TCP_USER_TIMEOUT", Scope.TCP, Kind.INT, 0, Integer.MAX_VALUE);
            case RuntimeContract.SOPT_IP_TOS -> new Spec("IP_TOS", Scope.V4, Kind.INT, 0, 255);
            case RuntimeContract.SOPT_IP_TTL -> new Spec("IP_TTL", Scope.V4, Kind.INT, 1, 255);
            case RuntimeContract.SOPT_IPV6_TCLASS -> new Spec("IPV6_TCLASS", Scope.V6, Kind.INT, 0, 255);
            case RuntimeContract.SOPT_IPV6_UNICAST_HOPS -> new Spec("IPV6_UNICAST_HOPS", Scope.V6, Kind.INT, 1, 255);
            case RuntimeContract.SOPT_TCP_NOTSENT_LOWAT ->
                    new Spec("TCP_NOTSENT_LOWAT", Scope.TCP, Kind.INT, 0, Integer.MAX_VALUE);
            default -> null;
        };
    }

    /** The C name of a known option code ({@link #problem} is null for it). */
    static String label(int code) {
        return spec(code).label();
    }

    /** How a known option's two values are read. */
    static Kind kind(int code) {
        return spec(code).kind();
    }

    /** Null when {@code code} is known and {@code a}, {@code b} in its range (docs/FORMAT.md "SOPT"), else the problem. */
    static String problem(int code, int a, int b) {
        Spec s = spec(code);
        if (s == null) return "option code " + code + " unknown";
        boolean bOk = switch (s.kind()) {
            case LINGER -> b >= 0;
            case TIMEVAL -> b >= 0 && b <= 999_999;
            case INT -> b == 0;
        };
        if (a < s.min() || a > s.max() || !bOk) return "option " + s.label() + " value " + a + ", " + b + " out of range";
        return null;
    }

    /** The public form of what {@link #read} returned. */
    static List<SocketOptions> model(List<Entry> entries) {
        List<SocketOptions> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            List<SocketOptions.Option> options = new ArrayList<>(e.options().size());
            for (Option o : e.options()) options.add(new SocketOptions.Option(o.code(), o.a(), o.b()));
            out.add(new SocketOptions(e.fd(), (e.flags() & RuntimeContract.SOPT_FLAG_BACKLOG) != 0
                    ? java.util.OptionalInt.of(e.backlog()) : java.util.OptionalInt.empty(), options));
        }
        return List.copyOf(out);
    }

    /**
     * An {@code SOPT} payload as the C runtime writes it: the entries in the order given (a reader refuses them out of
     * increasing {@code fd} order), each option's two values.
     */
    static byte[] write(List<SocketOptions> entries) {
        CheckpointWriter.Out out = new CheckpointWriter.Out();
        out.u32(entries.size());
        for (SocketOptions e : entries) {
            out.u32(e.fd());
            out.u8(e.backlog().isPresent() ? RuntimeContract.SOPT_FLAG_BACKLOG : 0);
            out.u32(e.backlog().orElse(0) & 0xFFFF_FFFFL);
            out.u8(e.options().size());
            for (SocketOptions.Option o : e.options()) {
                out.u8(o.code());
                out.u32(o.a() & 0xFFFF_FFFFL);
                out.u32(o.b() & 0xFFFF_FFFFL);
            }
        }
        return out.toByteArray();
    }

    static List<Entry> read(PayloadReader in) throws CorruptCheckpointException {
        int at = in.offset();
        // fd 4, flags 1, backlog 4, option count 1
        int n = in.count("socket count", 10);
        if (n == 0) throw in.error(at, "no socket (a writer leaves the section out instead)");
        List<Entry> out = new ArrayList<>(n);
        long last = -1;
        for (int i = 0; i < n; i++) {
            int eat = in.offset();
            long fd = in.u32("descriptor of socket " + i);
            int flags = in.u8("flags of socket " + i);
            int backlog = (int) in.u32("backlog of socket " + i);
            int count = in.u8("option count of socket " + i);
            String what = "socket " + fd;
            if (fd > 0x7FFF_FFFFL || fd <= last) {
                throw in.error(eat, what + ": descriptor out of range or not in increasing order");
            }
            last = fd;
            if ((flags & ~RuntimeContract.SOPT_FLAG_BACKLOG) != 0) {
                throw in.error(eat, what + ": flags " + String.format("0x%02x", flags) + " out of range (only bit 0)");
            }
            if ((flags & RuntimeContract.SOPT_FLAG_BACKLOG) == 0 && backlog != 0) {
                throw in.error(eat, what + ": a backlog without its flag");
            }
            if (count > RuntimeContract.SOPT_MAX_CODE) {
                throw in.error(eat, what + ": " + count + " options (at most " + RuntimeContract.SOPT_MAX_CODE + ")");
            }
            List<Option> options = new ArrayList<>(count);
            int previous = 0;
            for (int j = 0; j < count; j++) {
                int oat = in.offset();
                int code = in.u8("option code of " + what);
                int a = (int) in.u32("option value of " + what);
                int b = (int) in.u32("option value of " + what);
                Spec s = spec(code);
                if (s == null || code <= previous) {
                    throw in.error(oat, what + ": option code " + code + " unknown or not in increasing order");
                }
                previous = code;
                String problem = problem(code, a, b);
                if (problem != null) throw in.error(oat, what + ": " + problem);
                options.add(new Option(code, a, b, oat));
            }
            out.add(new Entry(fd, flags, backlog, List.copyOf(options), eat));
        }
        return List.copyOf(out);
    }

    /**
     * Against the FILE section: every entry a kind 3 or 6 socket with the options flag, every such socket an entry, the
     * backlog and TCP options only on a TCP socket, neither the backlog nor TCP_MAXSEG nor TCP_FASTOPEN on a connection
     * (the TCP repair carries the MSS; Fast Open cannot be set once connected), IPv4 and IPv6 options only on that
     * family. Returns null or the
     * problem and its offset (-1: in FILE).
     */
    static Problem check(List<Entry> entries, List<OpenFile> files) {
        java.util.Map<Long, OpenFile> sockets = new java.util.HashMap<>();
        for (OpenFile f : files) {
            if (f.kind() == OpenFile.Kind.LISTENING_SOCKET || f.kind() == OpenFile.Kind.TCP_CONNECTION) {
                sockets.put(f.fd(), f);
            }
        }
        java.util.Set<Long> listed = new java.util.HashSet<>();
        for (Entry e : entries) {
            OpenFile f = sockets.get(e.fd());
            if (f == null || (f.flags() & RuntimeContract.FILE_FLAG_OPTIONS) == 0) {
                return new Problem(e.offset(), "descriptor " + e.fd()
                        + " is not a socket of the FILE section (kind 3 or 6) with the options flag");
            }
            listed.add(e.fd());
            String path = f.path().toLenientString();
            boolean tcp = path.startsWith("tcp");
            boolean v6 = path.startsWith("tcp6:") || path.startsWith("udp6:");
            boolean connection = f.kind() == OpenFile.Kind.TCP_CONNECTION;
            if ((e.flags() & RuntimeContract.SOPT_FLAG_BACKLOG) != 0 && (!tcp || connection)) {
                return new Problem(e.offset(), "socket " + e.fd() + ": a backlog on a "
                        + (connection ? "connection" : "UDP socket"));
            }
            for (Option o : e.options()) {
                Spec s = spec(o.code());
                boolean applies = switch (s.scope()) {
                    case ANY -> true;
                    case TCP -> tcp;
                    case V4 -> !v6;
                    case V6 -> v6;
                };
                if (connection && !s.onConnection()) {
                    return new Problem(o.offset(), "socket " + e.fd() + ": option " + s.label()
                            + " is not carried on a connection");
                }
                if (!applies) {
                    return new Problem(o.offset(), "socket " + e.fd() + ": option " + s.label() + " does not apply to a "
                            + (tcp ? "TCP" : "UDP") + (v6 ? " IPv6" : " IPv4") + " socket");
                }
            }
        }
        for (OpenFile f : files) {
            if ((f.kind() == OpenFile.Kind.LISTENING_SOCKET || f.kind() == OpenFile.Kind.TCP_CONNECTION)
                    && (f.flags() & RuntimeContract.FILE_FLAG_OPTIONS) != 0
                    && !listed.contains(f.fd())) {
                return new Problem(-1, "socket " + f.fd() + " has the options flag but no entry in SOPT");
            }
        }
        return null;
    }

    /** A cross-check's finding: where (-1: the FILE section) and what. */
    record Problem(long offset, String message) {}
}
