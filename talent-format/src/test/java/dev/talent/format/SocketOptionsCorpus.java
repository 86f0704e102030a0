package dev.talent.format;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code SOPT} files of the shared corpus ({@link ForgedCorpus}): a valid one both readers accept (the base's
 * listening socket, descriptor 6 on {@code tcp:127.0.0.1:8080}, with its backlog and options), and forged ones both
 * refuse, each reaching the rule it is about (docs/FORMAT.md "SOPT", "Validation"); and the same for a connection
 * (FILE kind 6, descriptor 40) with the options its program set.
 */
final class SocketOptionsCorpus {
    private SocketOptionsCorpus() {}

    /** The base with its listening socket (FILE index 3, descriptor 6) flagged as having SOPT options. */
    static Sections flagged(Checkpoint base) {
        List<OpenFile> files = new ArrayList<>(base.files());
        OpenFile f = files.get(3);
        files.set(3, new OpenFile(f.fd(), f.kind(), f.description(), f.path(), f.access(), f.flags() | OpenFile.OPTIONS,
                f.stdSource(), f.mode(), f.offset(), f.size(), f.site()));
        Checkpoint c = new Checkpoint(base.meta(), base.types(), base.strings(), base.globals(), base.frames(), base.heap(),
                files, base.pendingWait(), base.epoll(), base.signals(), base.environment(), base.errno());
        return Sections.of(CheckpointWriter.write(c));
    }

    /** {@link #flagged} with a connection at descriptor 40 (FILE kind 6) flagged as having SOPT options. */
    static Sections withConnection(Checkpoint base) {
        List<OpenFile> files = new ArrayList<>(base.files());
        OpenFile f = files.get(3);
        files.set(3, new OpenFile(f.fd(), f.kind(), f.description(), f.path(), f.access(), f.flags() | OpenFile.OPTIONS,
                f.stdSource(), f.mode(), f.offset(), f.size(), f.site()));
        files.add(new OpenFile(40, OpenFile.Kind.TCP_CONNECTION, 40, ByteString.utf8("tcp:127.0.0.1:8080-127.0.0.1:40000"),
                OpenFile.Access.READ_WRITE, OpenFile.OPTIONS, 0, "", 0, 0, "accept (a connection)"));
        Checkpoint c = new Checkpoint(base.meta(), base.types(), base.strings(), base.globals(), base.frames(), base.heap(),
                files, base.pendingWait(), base.epoll(), base.signals(), base.environment(), base.errno());
        return Sections.of(CheckpointWriter.write(c));
    }

    /** SO_SNDBUF 40000, SO_LINGER on 7 s, TCP_USER_TIMEOUT 12345, IP_TOS 16, TCP_NOTSENT_LOWAT 16384 */
    static byte[] connectionEntry() {
        return entry(40, 0, 0, opt(RuntimeContract.SOPT_SNDBUF, 40000, 0), opt(RuntimeContract.SOPT_LINGER, 1, 7),
                opt(RuntimeContract.SOPT_TCP_USER_TIMEOUT, 12345, 0), opt(RuntimeContract.SOPT_IP_TOS, 16, 0),
                opt(RuntimeContract.SOPT_TCP_NOTSENT_LOWAT, 16384, 0));
    }

    static byte[] payload(int count, byte[]... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(u32(count));
        for (byte[] e : entries) out.writeBytes(e);
        return out.toByteArray();
    }

    static byte[] entry(long fd, int flags, int backlog, byte[]... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(u32(fd));
        out.write(flags);
        out.writeBytes(u32(backlog));
        out.write(options.length);
        for (byte[] o : options) out.writeBytes(o);
        return out.toByteArray();
    }

    static byte[] opt(int code, int a, int b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(code);
        out.writeBytes(u32(a));
        out.writeBytes(u32(b));
        return out.toByteArray();
    }

    private static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** backlog 16, SO_KEEPALIVE, SO_RCVBUF 65536, SO_LINGER on 5 s, TCP_KEEPIDLE 30, TCP_DEFER_ACCEPT 7, TCP_FASTOPEN 8 */
    static byte[] goodEntry() {
        return entry(6, RuntimeContract.SOPT_FLAG_BACKLOG, 16, opt(RuntimeContract.SOPT_KEEPALIVE, 1, 0),
                opt(RuntimeContract.SOPT_RCVBUF, 65536, 0), opt(RuntimeContract.SOPT_LINGER, 1, 5),
                opt(RuntimeContract.SOPT_TCP_KEEPIDLE, 30, 0), opt(RuntimeContract.SOPT_TCP_DEFER_ACCEPT, 7, 0),
                opt(RuntimeContract.SOPT_TCP_FASTOPEN, 8, 0));
    }

    /**
     * The base's listener (descriptor 6) with the options flag, another TCP listener (42, {@code tcp:0.0.0.0:9090})
     * whose {@code listen()} talent did not see but whose options it carries, an IPv6 UDP socket (41) and a connection
     * (40), each with the options flag: the FILE section {@link #written} completes with SOPT entries from the model.
     */
    static Checkpoint socketsForTheWriter(Checkpoint base) {
        List<OpenFile> files = new ArrayList<>(base.files());
        OpenFile f = files.get(3);
        files.set(3, new OpenFile(f.fd(), f.kind(), f.description(), f.path(), f.access(), f.flags() | OpenFile.OPTIONS,
                f.stdSource(), f.mode(), f.offset(), f.size(), f.site()));
        files.add(new OpenFile(40, OpenFile.Kind.TCP_CONNECTION, 40, ByteString.utf8("tcp:127.0.0.1:8080-127.0.0.1:40000"),
                OpenFile.Access.READ_WRITE, OpenFile.OPTIONS, 0, "", 0, 0, "accept (a connection)"));
        files.add(new OpenFile(41, OpenFile.Kind.LISTENING_SOCKET, 41, ByteString.utf8("udp6:[::]:5353"),
                OpenFile.Access.READ_WRITE, OpenFile.OPTIONS | OpenFile.V6ONLY, 0, "", 0, 0, "bind"));
        files.add(new OpenFile(42, OpenFile.Kind.LISTENING_SOCKET, 42, ByteString.utf8("tcp:0.0.0.0:9090"),
                OpenFile.Access.READ_WRITE, OpenFile.OPTIONS, 0, "", 0, 0, "inherited (open when the program started)"));
        return new Checkpoint(base.meta(), base.types(), base.strings(), base.globals(), base.frames(), base.heap(),
                files, base.pendingWait(), base.epoll(), base.signals(), base.environment(), base.errno());
    }

    /** The entries of {@link #socketsForTheWriter}'s four sockets: one option of each kind of value, every scope. */
    static List<SocketOptions> writtenEntries() {
        return List.of(
                // listen(fd, -1): any int, as the program gave it
                new SocketOptions(6, java.util.OptionalInt.of(-1), List.of(
                        SocketOptions.Option.of(RuntimeContract.SOPT_REUSEADDR, 1),
                        new SocketOptions.Option(RuntimeContract.SOPT_SNDTIMEO, 2, 250_000),
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_NODELAY, 1),
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_MAXSEG, 1400),
                        SocketOptions.Option.of(RuntimeContract.SOPT_IP_TTL, 32),
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_NOTSENT_LOWAT, 0x7FFF_FFFF))),
                new SocketOptions(40, java.util.OptionalInt.empty(), List.of(
                        SocketOptions.Option.of(RuntimeContract.SOPT_KEEPALIVE, 1),
                        SocketOptions.Option.of(RuntimeContract.SOPT_RCVBUF, 0x3FFF_FFFF),
                        new SocketOptions.Option(RuntimeContract.SOPT_LINGER, 0, 30),
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_KEEPCNT, 127),
                        SocketOptions.Option.of(RuntimeContract.SOPT_IP_TOS, 184))),
                new SocketOptions(41, java.util.OptionalInt.empty(), List.of(
                        SocketOptions.Option.of(RuntimeContract.SOPT_BROADCAST, 1),
                        SocketOptions.Option.of(RuntimeContract.SOPT_PRIORITY, 6),
                        SocketOptions.Option.of(RuntimeContract.SOPT_IPV6_TCLASS, 255),
                        SocketOptions.Option.of(RuntimeContract.SOPT_IPV6_UNICAST_HOPS, 1))),
                new SocketOptions(42, java.util.OptionalInt.empty(), List.of(
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_FASTOPEN, 16))));
    }

    /** {@link #socketsForTheWriter} with {@link #writtenEntries}, as the Java writer writes it. */
    static Checkpoint written(Checkpoint base) {
        return socketsForTheWriter(base).withSocketOptions(writtenEntries());
    }

    static void valid(Checkpoint base, Map<String, byte[]> out) {
        // written by CheckpointWriter from the model (not spliced in as bytes)
        out.put("socket-options-written.tck", CheckpointWriter.write(written(base)));
        Sections s = flagged(base);
        out.put("socket-options.tck", s.inserting(s.sections().size(), Wire.SOPT, payload(1, goodEntry())).toBytes());
        Sections c = withConnection(base);
        out.put("connection-options.tck", c.inserting(c.sections().size(), Wire.SOPT,
                payload(2, goodEntry(), connectionEntry())).toBytes());
    }

    static Map<String, byte[]> forged(Checkpoint base) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Sections s = flagged(base);
        int end = s.sections().size();
        out.put("file-options-without-sopt.tck", s.toBytes());
        out.put("sopt-not-a-socket.tck", s.inserting(end, Wire.SOPT, payload(2, goodEntry(), entry(7, 0, 0))).toBytes());
        out.put("sopt-count-zero.tck", s.inserting(end, Wire.SOPT, payload(0)).toBytes());
        out.put("sopt-count-exceeds-bytes.tck", s.inserting(end, Wire.SOPT, payload(100000, goodEntry())).toBytes());
        out.put("sopt-flags.tck", s.inserting(end, Wire.SOPT, payload(1, entry(6, 3, 16))).toBytes());
        out.put("sopt-backlog-without-flag.tck", s.inserting(end, Wire.SOPT, payload(1, entry(6, 0, 16))).toBytes());
        out.put("sopt-unknown-option.tck", s.inserting(end, Wire.SOPT, payload(1, entry(6, 0, 0, opt(99, 1, 0)))).toBytes());
        out.put("sopt-options-out-of-order.tck", s.inserting(end, Wire.SOPT, payload(1, entry(6, 0, 0,
                opt(RuntimeContract.SOPT_RCVBUF, 4096, 0), opt(RuntimeContract.SOPT_KEEPALIVE, 1, 0)))).toBytes());
        out.put("sopt-option-value.tck", s.inserting(end, Wire.SOPT, payload(1, entry(6, 0, 0,
                opt(RuntimeContract.SOPT_TCP_KEEPCNT, 128, 0)))).toBytes());
        out.put("sopt-timeout-microseconds.tck", s.inserting(end, Wire.SOPT, payload(1, entry(6, 0, 0,
                opt(RuntimeContract.SOPT_RCVTIMEO, 1, 1_000_000)))).toBytes());
        out.put("sopt-ipv6-option-on-ipv4.tck", s.inserting(end, Wire.SOPT, payload(1, entry(6, 0, 0,
                opt(RuntimeContract.SOPT_IPV6_TCLASS, 8, 0)))).toBytes());
        out.put("sopt-twice.tck", s.inserting(end, Wire.SOPT, payload(1, goodEntry()))
                .inserting(end, Wire.SOPT, payload(1, goodEntry())).toBytes());
        Sections c = withConnection(base);
        int cend = c.sections().size();
        out.put("sopt-connection-without-entry.tck", c.inserting(cend, Wire.SOPT, payload(1, goodEntry())).toBytes());
        out.put("sopt-connection-backlog.tck", c.inserting(cend, Wire.SOPT, payload(2, goodEntry(),
                entry(40, RuntimeContract.SOPT_FLAG_BACKLOG, 5))).toBytes());
        out.put("sopt-connection-maxseg.tck", c.inserting(cend, Wire.SOPT, payload(2, goodEntry(),
                entry(40, 0, 0, opt(RuntimeContract.SOPT_TCP_MAXSEG, 1400, 0)))).toBytes());
        out.put("sopt-connection-fastopen.tck", c.inserting(cend, Wire.SOPT, payload(2, goodEntry(),
                entry(40, 0, 0, opt(RuntimeContract.SOPT_TCP_FASTOPEN, 8, 0)))).toBytes());
        out.put("sopt-notsent-lowat-negative.tck", c.inserting(cend, Wire.SOPT, payload(2, goodEntry(),
                entry(40, 0, 0, opt(RuntimeContract.SOPT_TCP_NOTSENT_LOWAT, -1, 0)))).toBytes());
        // written by CheckpointWriter from the model, which checks each entry alone but not against FILE: what only
        // the FILE section can tell is the readers' to refuse
        Checkpoint sockets = socketsForTheWriter(base);
        List<SocketOptions> good = writtenEntries();
        out.put("sopt-written-backlog-on-udp.tck", CheckpointWriter.write(sockets.withSocketOptions(List.of(good.get(0),
                good.get(1), new SocketOptions(41, java.util.OptionalInt.of(5), List.of()), good.get(3)))));
        out.put("sopt-written-tcp-option-on-udp.tck", CheckpointWriter.write(sockets.withSocketOptions(List.of(good.get(0),
                good.get(1), new SocketOptions(41, java.util.OptionalInt.empty(),
                        List.of(SocketOptions.Option.of(RuntimeContract.SOPT_TCP_NODELAY, 1))), good.get(3)))));
        out.put("sopt-written-entries-out-of-order.tck", CheckpointWriter.write(sockets.withSocketOptions(List.of(good.get(1),
                good.get(0), good.get(2), good.get(3)))));
        out.put("sopt-written-ipv4-option-on-ipv6.tck", CheckpointWriter.write(sockets.withSocketOptions(List.of(good.get(0),
                good.get(1), new SocketOptions(41, java.util.OptionalInt.empty(),
                        List.of(SocketOptions.Option.of(RuntimeContract.SOPT_IP_TOS, 16))), good.get(3)))));
        out.put("sopt-without-flag.tck", Sections.of(CheckpointWriter.write(base)).inserting(end, Wire.SOPT,
                payload(1, goodEntry())).toBytes());
        return out;
    }
}
