package dev.talent.migrate;

import dev.talent.migrate.pipeline.CheckpointReceiver;
import dev.talent.migrate.pipeline.CheckpointSignature;
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
 * directory only once it verifies.
 */
final class LocalHostFiles implements HostFiles {
    private final Host host;
    private final String app;
    private final AcceptedCheckpoints accepted;
    private final CheckpointSigner signer;
    private final CheckpointReceiver receiver;
    private final Consumer<String> passedOver;

    LocalHostFiles(Host host, String app, AcceptedCheckpoints accepted, CheckpointSigner signer, CheckpointReceiver receiver,
            Consumer<String> passedOver) {
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
    public void clearCheckpoints() throws IOException { host.clearCheckpoints(); }

    @Override
    public OutgoingCheckpoint takeCheckpoint() throws IOException {
        AcceptedCheckpoints.Accepted a = accepted.accept(host.checkpoints, passedOver);
        CheckpointSignature signature = signer.sign(app, a.name(), a.sequence(), a.size(), a.sha256());
        return new OutgoingCheckpoint(a.name(), a.sequence(), a.sockets(), signature, () -> accepted.open(a));
    }

    @Override
    public void receiveCheckpoint(CheckpointSignature signed, InputStream bytes) throws IOException {
        receiver.receive(signed, bytes, host.dir.resolve("incoming"), host.checkpoints, StateFiles::emptyDirectory);
    }

    @Override
    public RestoredCheckpoints restoreAcceptedCheckpoints(Consumer<String> warn) throws IOException {
        StateFiles.emptyDirectory(host.checkpoints);
        int copied = 0;
        java.math.BigInteger newest = null;
        List<String> refused = new ArrayList<>();
        for (AcceptedCheckpoints.Accepted a : accepted.list()) {
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
