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

    static void valid(Checkpoint base, Map<String, byte[]> out) {
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
        out.put("sopt-without-flag.tck", Sections.of(CheckpointWriter.write(base)).inserting(end, Wire.SOPT,
                payload(1, goodEntry())).toBytes());
        return out;
    }
}
