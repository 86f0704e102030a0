package dev.talent.fleet.apps;

import dev.talent.fleet.FleetException;
import dev.talent.fleet.TlsFiles;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's connections to the other agents (mutual TLS with its host certificate): a source agent streams
 * checkpoints and working directories straight to the destination's agent.
 */
public final class AgentLink implements AutoCloseable {
    private final TlsFiles tls;
    private final Map<String, AgentClient> clients = new HashMap<>();

    public AgentLink(TlsFiles tls) { this.tls = tls; }

    synchronized AgentClient to(String address, int port) throws IOException {
        String key = address + ":" + port;
        AgentClient c = clients.get(key);
        if (c == null) {
            ManagedChannel ch;
            try {
                ch = NettyChannelBuilder.forAddress(address, port).sslContext(tls.clientContext()).intercept(ProtocolHeader.STAMP).build();
            } catch (FleetException e) {
                throw new IOException(e.getMessage(), e);
            }
            c = new AgentClient(key, ch);
            clients.put(key, c);
        }
        return c;
    }

    /** The sizes of the app's stdout and stderr logs at the destination. */
    long[] logSizes(AppsMessages.Send to) throws IOException {
        AppsMessages.Reply r = to(to.toAddress(), to.toPort()).op("log-size", to.app(), to.toPlatform(), "", "", 0);
        long err;
        try {
            err = r.text() == null || r.text().length() > 19 ? -1 : Long.parseLong(r.text());
        } catch (NumberFormatException e) {
            err = -1;
        }
        if (r.number() < 0 || err < 0) throw new IOException("the destination answered no log sizes");
        return new long[] {r.number(), err};
    }

    /** Streams a checkpoint; the destination's own time of it, as it answered (ns; 0 when it did not say). */
    long sendCheckpoint(AppsMessages.Send to, AppsMessages.Statement statement, InputStream bytes) throws IOException {
        AppsMessages.Reply r = to(to.toAddress(), to.toPort()).upload(AppsRpc.RECEIVE_CHECKPOINT, new AppsMessages.CheckpointPart(to.toPlatform(), statement, null),
                bytes, b -> new AppsMessages.CheckpointPart(null, null, b));
        return r == null ? 0 : Math.max(0, r.number());
    }

    void sendConnections(AppsMessages.Send to, AppsMessages.Statement statement, InputStream bytes) throws IOException {
        to(to.toAddress(), to.toPort()).upload(AppsRpc.RECEIVE_CONNECTIONS, new AppsMessages.CheckpointPart(to.toPlatform(), statement, null),
                bytes, b -> new AppsMessages.CheckpointPart(null, null, b));
    }

    /** Writes an archive. */
    @FunctionalInterface
    interface Packer {
        void pack(OutputStream out) throws IOException;
    }

    /** A sync the destination refused before applying anything: its logs are not the sizes the source expected. */
    static final class LogsMovedException extends IOException {
        private static final long serialVersionUID = 1L;
        /** How the refusal's status description starts (its code is ABORTED). */
        static final String MARK = "log sizes moved: ";

        LogsMovedException(String message) { super(message); }
    }

    /** Whether a sync to {@code to} sends a boundary after its archive: only to an agent of protocol 3, which reads it. */
    static boolean bounded(AppsMessages.Send to) { return to.destinationSpeaks() >= dev.talent.fleet.Protocol.SYNC_BOUNDARY; }

    /**
     * Sends a sync: the archive {@code packer} writes, then the log parts. {@code expected} (or null): the sizes of the
     * destination's logs the parts start from, which it checks first.
     *
     * @throws LogsMovedException the destination's logs are not of the sizes {@code expected} (nothing was applied)
     */
    AppsMessages.Sync sendSync(AppsMessages.Send to, String mode, List<String> paths, HostedApps.LogTail log, HostedApps.LogTail err,
            Packer packer, long[] expected)
            throws IOException {
        AgentClient c = to(to.toAddress(), to.toPort());
        // to an agent of protocol 3: a boundary after the archive, which the destination then unpacks as it arrives
        boolean bounded = bounded(to);
        AppsMessages.SyncPart head = new AppsMessages.SyncPart(to.app(), to.toPlatform(), mode, paths, log.from(), log.bytes().length,
                err.from(), err.bytes().length, null, expected == null ? null : expected[0], expected == null ? null : expected[1],
                bounded ? Boolean.TRUE : null, null);
        InputStream logs = new java.io.SequenceInputStream(new ByteArrayInputStream(log.bytes()), new ByteArrayInputStream(err.bytes()));
        java.util.function.Function<byte[], AppsMessages.SyncPart> chunk = b -> new AppsMessages.SyncPart(null, null, null, null, 0, 0, 0, 0, b);
        try {
            return whilePacking(packer, in -> bounded ? c.upload(AppsRpc.RECEIVE_SYNC, head, in, chunk, AppsMessages.SyncPart::boundary, logs)
                    : c.upload(AppsRpc.RECEIVE_SYNC, head, new java.io.SequenceInputStream(in, logs), chunk));
        } catch (IOException e) {
            if (expected != null && e.getCause() instanceof io.grpc.StatusRuntimeException s && s.getStatus().getCode() == io.grpc.Status.Code.ABORTED
                    && s.getStatus().getDescription() != null && s.getStatus().getDescription().startsWith(LogsMovedException.MARK)) {
                throw new LogsMovedException(s.getStatus().getDescription().substring(LogsMovedException.MARK.length()));
            }
            throw e;
        }
    }

    /** What reads the packed bytes: an upload. */
    interface PackedReader<R> {
        R read(InputStream packed) throws IOException;
    }

    /**
     * Runs {@code packer} on a thread of its own, writing into a pipe that {@code reader} reads on this thread, and
     * returns what the reader returns. The pipe is closed when the reader is done, so a reader that stops early (the
     * destination refused the stream, the connection broke) ends the packer instead of leaving it blocked on a full
     * pipe and this call waiting for it. A failure of the reader wins over the packer's; the packer's is thrown when
     * the reader succeeded.
     */
    static <R> R whilePacking(Packer packer, PackedReader<R> reader) throws IOException {
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(in);
        IOException[] packFailure = new IOException[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try (out) {
                packer.pack(out);
            } catch (IOException e) {
                packFailure[0] = e;
            }
        });
        R r;
        try {
            r = reader.read(in);
        } finally {
            in.close();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (packFailure[0] != null) throw packFailure[0];
        return r;
    }

    @Override
    public synchronized void close() {
        for (AgentClient c : clients.values()) c.channel().shutdownNow();
        clients.clear();
    }
}
