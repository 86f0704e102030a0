package dev.talent.fleet.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The messages of the agents' apps service ({@code talent.fleet.v1.Apps}), as JSON records: every one that comes from
 * the network is hostile input (the marshaller bounds its size and refuses unknown fields; the handlers check names,
 * digests and ids before they use them). A field added after protocol 1 ({@link dev.talent.fleet.Protocol}) is left out
 * when null, and null whenever the receiver speaks a version without it: a receiver of an older release, which refuses
 * fields it does not know, never sees it.
 */
// the byte[] fields are JSON base64 strings on the wire, carried from the network to a file and never compared or hashed
@SuppressWarnings("ArrayRecordComponent")
final class AppsMessages {
    private AppsMessages() {}

    /** A piece of a byte stream (a blob upload's first one names its digest and size). */
    record Chunk(String sha256, long size, byte[] data) {}

    /** A small answer: a text, a number, a flag. */
    record Reply(String text, long number, boolean flag) {}

    /** A small request about an app (and a platform, a container, an argument). */
    record Op(String op, String app, String platform, String id, String arg, long number) {
        static Op of(String op, String app) { return new Op(op, app, "", "", "", 0); }
    }

    /**
     * An app to start (or a destination to prepare): what it runs on each platform; {@code epoch}: the placement's
     * generation the controller started it at (kept along with the app, see {@code PlacementFence}); {@code ip}: the
     * app's address with {@code net} (its namespace's on every host), else null; {@code precopy}: the most pre-copy
     * rounds a migration of it does (its programs run with {@code TALENT_PRECOPY=1}), null for none; said only to an
     * agent of protocol {@value dev.talent.fleet.Protocol#PRECOPY} or newer, and by one only to such a caller.
     */
    record Start(String app, String platform, Map<String, String> binaries, List<String> args, String workdir, boolean net, long epoch,
            String ip, @JsonInclude(JsonInclude.Include.NON_NULL) Integer precopy) {
        Start(String app, String platform, Map<String, String> binaries, List<String> args, String workdir, boolean net, long epoch,
                String ip) {
            this(app, platform, binaries, args, workdir, net, epoch, ip, null);
        }

        /** The same without pre-copy (what an agent before protocol 5 reads). */
        Start withoutPrecopy() { return new Start(app, platform, binaries, args, workdir, net, epoch, ip, null); }

        /** Whether its programs take pre-copy rounds. */
        boolean precopies() { return precopy != null && precopy > 0; }

        Start(String app, String platform, Map<String, String> binaries, List<String> args, String workdir, boolean net, long epoch) {
            this(app, platform, binaries, args, workdir, net, epoch, null);
        }

        Start(String app, String platform, Map<String, String> binaries, List<String> args, String workdir, boolean net) {
            this(app, platform, binaries, args, workdir, net, 0);
        }
    }

    record State(String kind, String platform, long since, int status) {}

    /** A chunk of a log: {@code data} is the log from {@code from} (past the offset asked when its start was dropped) to {@code next}. */
    record Logs(byte[] data, long from, long next, boolean ended) {}

    /**
     * A runtime event; {@code ageNanos}: how long ago the agent read it (clocks of hosts are not compared). A
     * {@code precopied} event (round in {@code sequence}, image in {@code message}) carries the image's {@code bytes}
     * and {@code deltaBytes} (-1: not known) to a caller of protocol {@value dev.talent.fleet.Protocol#PRECOPY} or
     * newer; null otherwise (and absent from the JSON).
     */
    record Event(String kind, String platform, long sequence, String message, int status, String containerId, long ageNanos,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long bytes, @JsonInclude(JsonInclude.Include.NON_NULL) Long deltaBytes) {
        Event(String kind, String platform, long sequence, String message, int status, String containerId, long ageNanos) {
            this(kind, platform, sequence, message, status, containerId, ageNanos, null, null);
        }
    }

    /**
     * A checkpoint's signed statement ({@code sequence} in decimal); {@code binding}: what binds the checkpoint to its
     * writer's byte order, said by a source agent to a caller of protocol {@value dev.talent.fleet.Protocol#STATEMENT_BINDING}
     * or newer in the answer to a take (null otherwise, and never in a stream between agents). {@code handedNanos} and
     * {@code receivedNanos} (both or neither, to a caller of {@value dev.talent.fleet.Protocol#HANDED_IN_TAKE} or newer,
     * never in a stream between agents): the take waited for the send ahead it was asked for, which the destination
     * answered as received and verified; how long that send took at the source (ns) and the destination's own time of
     * it (ns; 0: not said).
     */
    record Statement(String app, String name, String sequence, int sockets, long size, byte[] sha256, byte[] signature,
            byte[] signerKey, List<byte[]> chain,
            @JsonInclude(JsonInclude.Include.NON_NULL) dev.talent.migrate.control.MigrationRecord.Bound binding,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long handedNanos,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long receivedNanos) {
        Statement(String app, String name, String sequence, int sockets, long size, byte[] sha256, byte[] signature,
                byte[] signerKey, List<byte[]> chain) {
            this(app, name, sequence, sockets, size, sha256, signature, signerKey, chain, null, null, null);
        }

        /** This statement with what binds its checkpoint to its writer's byte order (null: nothing, or not said). */
        Statement withBinding(dev.talent.migrate.control.MigrationRecord.Bound b) {
            return new Statement(app, name, sequence, sockets, size, sha256, signature, signerKey, chain, b, handedNanos, receivedNanos);
        }

        /** This statement as the answer of a take that handed its checkpoint over (null, null: it did not). */
        Statement withHanded(Long handed, Long received) {
            return new Statement(app, name, sequence, sockets, size, sha256, signature, signerKey, chain, binding, handed, received);
        }

        /** The most a hand-over said in a take's answer may have taken: longer than any call waits. */
        static final long MAX_HANDED_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

        /**
         * Whether the take handed its checkpoint over, as its answer says: both times or neither, each 0 to
         * {@link #MAX_HANDED_NANOS} (an agent's answer is hostile input).
         *
         * @throws java.io.IOException the answer says one without the other, or a time out of bounds
         */
        boolean handed() throws java.io.IOException {
            if (handedNanos == null && receivedNanos == null) return false;
            if (handedNanos == null || receivedNanos == null || handedNanos < 0 || handedNanos > MAX_HANDED_NANOS
                    || receivedNanos < 0 || receivedNanos > MAX_HANDED_NANOS)
                throw new java.io.IOException("a take's answer says a malformed hand-over: " + handedNanos + " ns, " + receivedNanos + " ns");
            return true;
        }
    }

    /**
     * From the caller to a source agent: send the app's checkpoint or working directory to that agent. {@code toProtocol}:
     * the protocol version that agent speaks ({@link dev.talent.fleet.Protocol}); null (left out, for a source of
     * protocol 1, which refuses the field): 1, so the source sends nothing that agent's release may not know.
     */
    record Send(String app, String platform, String toAddress, int toPort, String toPlatform, String mode,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer toProtocol) {
        Send(String app, String platform, String toAddress, int toPort, String toPlatform, String mode) {
            this(app, platform, toAddress, toPort, toPlatform, mode, null);
        }

        /** The same request with another mode. */
        Send mode(String m) { return new Send(app, platform, toAddress, toPort, toPlatform, m, toProtocol); }

        /** The version the destination agent speaks (1 when not said). */
        int destinationSpeaks() { return dev.talent.fleet.Protocol.spokenTo(dev.talent.fleet.Protocol.of(toProtocol)); }
    }

    /** The stream of a checkpoint from agent to agent: the first part carries the statement. */
    record CheckpointPart(String platform, Statement statement, byte[] data) {}

    /**
     * The stream of a sync from agent to agent: the first part carries the header (mode, paths, where each log part
     * goes in the destination's stdout and stderr logs and how long it is); the data is the archive, then the stdout
     * part, then the stderr part. {@code expectLog}/{@code expectErr}: the sizes of the destination's logs the
     * source's log parts start from, which the destination checks before it applies anything (the last sync to it left
     * them so), or null when the source asked for them in this sync.
     *
     * <p>{@code bounded} (protocol 3, in the head; null otherwise): the archive is followed by a boundary, a part with
     * only {@code archiveLength} (how many bytes of archive came before it), and then the log parts; the destination
     * unpacks the archive as it arrives instead of spooling the stream until its end.
     */
    record SyncPart(String app, String platform, String mode, List<String> paths, long logFrom, long logLength, long errFrom,
            long errLength, byte[] data, @JsonInclude(JsonInclude.Include.NON_NULL) Long expectLog,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long expectErr, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean bounded,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long archiveLength) {
        SyncPart(String app, String platform, String mode, List<String> paths, long logFrom, long logLength, long errFrom,
                long errLength, byte[] data) {
            this(app, platform, mode, paths, logFrom, logLength, errFrom, errLength, data, null, null, null, null);
        }

        SyncPart(String app, String platform, String mode, List<String> paths, long logFrom, long logLength, long errFrom,
                long errLength, byte[] data, Long expectLog, Long expectErr) {
            this(app, platform, mode, paths, logFrom, logLength, errFrom, errLength, data, expectLog, expectErr, null, null);
        }

        /** The boundary after a bounded sync's archive. */
        static SyncPart boundary(long archiveLength) {
            return new SyncPart(null, null, null, null, 0, 0, 0, 0, null, null, null, null, archiveLength);
        }

        /** Whether this part is a chunk of bytes and nothing else. */
        boolean isChunk() {
            return data != null && app == null && platform == null && mode == null && paths == null && logFrom == 0 && logLength == 0
                    && errFrom == 0 && errLength == 0 && expectLog == null && expectErr == null && bounded == null && archiveLength == null;
        }

        /** Whether this part is a boundary and nothing else. */
        boolean isBoundary() {
            return archiveLength != null && app == null && platform == null && mode == null && paths == null && logFrom == 0
                    && logLength == 0 && errFrom == 0 && errLength == 0 && data == null && expectLog == null && expectErr == null
                    && bounded == null;
        }
    }

    record Sync(String mode, int filesCopied, int filesDeleted, long bytesCopied, int entriesVanished, long nanos) {}

    record Restored(int copied, String newest, List<String> refused) {}
}
