package dev.talent.migrate;

import dev.talent.migrate.pipeline.CheckpointReceiver;
import dev.talent.migrate.pipeline.CheckpointSignature;
import dev.talent.migrate.pipeline.CheckpointSignatureException;
import dev.talent.migrate.pipeline.CheckpointSigner;
import dev.talent.migrate.pipeline.HostFiles;
import dev.talent.migrate.pipeline.OutgoingCheckpoint;
import dev.talent.migrate.pipeline.RestoredCheckpoints;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One platform's checkpoints on this machine: the source side accepts what the stopped program left (into talent's
 * {@link AcceptedCheckpoints}) and signs it with the run's key; the destination side receives a signed stream into a
 * staging directory of the host ({@code incoming/}, mounted in no container) and moves it into the checkpoint
 * directory only once it verifies. With {@code keepLater}, a small checkpoint is taken in memory and handed over from
 * there, its recovery copy written by {@link #keepTakenCheckpoint()} (talent run's pipeline: after the downtime).
 */
final class LocalHostFiles implements HostFiles {
    private final Host host;
    private final String app;
    private final AcceptedCheckpoints accepted;
    private final CheckpointSigner signer;
    private final CheckpointReceiver receiver;
    private final Consumer<String> passedOver;
    /** Whether {@link #takeCheckpoint()} may leave the recovery copy to {@link #keepTakenCheckpoint()}. */
    private final boolean keepLater;
    /** The pre-copy image this host received for the coming stop (kept when the delta comes), or null. */
    private String precopyImage;

    LocalHostFiles(Host host, String app, AcceptedCheckpoints accepted, CheckpointSigner signer, CheckpointReceiver receiver,
            Consumer<String> passedOver) {
        this(host, app, accepted, signer, receiver, passedOver, false);
    }

    /** As above; {@code keepLater}: the caller calls {@link #keepTakenCheckpoint()} after each hand-over. */
    LocalHostFiles(Host host, String app, AcceptedCheckpoints accepted, CheckpointSigner signer, CheckpointReceiver receiver,
            Consumer<String> passedOver, boolean keepLater) {
        this.keepLater = keepLater;
        this.host = host;
        this.app = app;
        this.accepted = accepted;
        this.signer = signer;
        this.receiver = receiver;
        this.passedOver = passedOver;
    }

    @Override
    public String name() { return host.toString(); }

    @Override
    public java.util.Optional<Boolean> bigEndian() {
        return java.util.Optional.of(host.platform.bigEndian());
    }

    @Override
    public void clearCheckpoints() throws IOException { host.clearCheckpoints(); }

    @Override
    public OutgoingCheckpoint takeCheckpoint() throws IOException { return takeCheckpoint(null); }

    /**
     * With {@code keepLater}: the newest checkpoint read into memory is signed and given to {@code early} before
     * talent's reader validates it (its send's end waits for that validation); without, as {@link #takeCheckpoint()}.
     */
    @Override
    public OutgoingCheckpoint takeCheckpoint(dev.talent.migrate.pipeline.EarlySend early) throws IOException {
        if (keepLater) {
            AcceptedCheckpoints.BeforeValidation before = early == null ? null : (read, bytes, validated) -> early.start(
                    new OutgoingCheckpoint(read.name(), read.sequence(), read.sockets(),
                            signer.sign(app, read.name(), read.sequence(), read.size(), read.sha256()),
                            () -> new java.io.ByteArrayInputStream(bytes)), validated);
            AcceptedCheckpoints.Taken t = accepted.take(host.checkpoints, passedOver, before);
            AcceptedCheckpoints.Accepted a = t.accepted();
            CheckpointSignature signature = signer.sign(app, a.name(), a.sequence(), a.size(), a.sha256());
            byte[] bytes = t.bytes();
            return new OutgoingCheckpoint(a.name(), a.sequence(), a.sockets(), signature,
                    bytes == null ? () -> accepted.open(a) : () -> new java.io.ByteArrayInputStream(bytes), accepted.binding());
        }
        AcceptedCheckpoints.Accepted a = accepted.accept(host.checkpoints, passedOver);
        CheckpointSignature signature = signer.sign(app, a.name(), a.sequence(), a.size(), a.sha256());
        return new OutgoingCheckpoint(a.name(), a.sequence(), a.sockets(), signature, () -> accepted.open(a),
                accepted.binding());
    }

    @Override
    public void keepTakenCheckpoint() throws IOException { accepted.keepPending(); }

    @Override
    public void receiveCheckpoint(CheckpointSignature signed, InputStream bytes) throws IOException {
        // a delta keeps the pre-copy image received before the stop (its base; the runtime checks length and CRC)
        String keep = AcceptedCheckpoints.isDelta(signed.name()) ? precopyImage : null;
        receiver.receive(signed, bytes, host.dir.resolve("incoming"), host.checkpoints,
                dir -> StateFiles.emptyDirectoryBut(dir, keep));
        precopyImage = null;
    }

    @Override
    public OutgoingCheckpoint takePrecopyImage(String name) throws IOException {
        AcceptedCheckpoints.Accepted a = accepted.acceptImage(host.checkpoints, name);
        CheckpointSignature signature = signer.sign(app, a.name(), a.sequence(), a.size(), a.sha256());
        return new OutgoingCheckpoint(a.name(), a.sequence(), a.sockets(), signature, () -> accepted.open(a));
    }

    @Override
    public void receivePrecopyImage(CheckpointSignature signed, InputStream bytes) throws IOException {
        if (!dev.talent.format.RuntimeContract.PRECOPY_IMAGE_NAME.matcher(signed.name()).matches()) {
            throw new CheckpointSignatureException("the pre-copy image handed over is named " + Printable.escape(
                    signed.name(), 80) + ", not pre-<round>.tck; refused");
        }
        receiver.receive(signed, bytes, host.dir.resolve("incoming"), host.checkpoints, StateFiles::emptyDirectory);
        precopyImage = signed.name();
    }

    @Override
    public RestoredCheckpoints restoreAcceptedCheckpoints(Consumer<String> warn) throws IOException {
        StateFiles.emptyDirectory(host.checkpoints);
        int copied = 0;
        java.math.BigInteger newest = null;
        List<String> refused = new ArrayList<>();
        List<AcceptedCheckpoints.Accepted> all = new ArrayList<>(accepted.list());
        // the pre-copy images the accepted deltas are built on (copied like them, tags checked; not counted)
        for (AcceptedCheckpoints.Accepted image : accepted.images()) {
            try {
                accepted.copyInto(image, host.checkpoints);
            } catch (IOException e) {
                refused.add(e.getMessage());
            }
        }
        for (AcceptedCheckpoints.Accepted a : all) {
            try {
                accepted.copyInto(a, host.checkpoints);
                copied++;
                if (newest == null || a.sequence().compareTo(newest) > 0) newest = a.sequence();
            } catch (IOException e) {
                refused.add(e.getMessage());
            }
        }
        for (String r : refused) warn.accept(r);
        return new RestoredCheckpoints(copied, java.util.Optional.ofNullable(newest), refused);
    }

    @Override
    public String whereStateIs() {
        return "the checkpoints talent accepted are in " + accepted.directory() + ", the program's working directory in "
                + host.work;
    }
}
