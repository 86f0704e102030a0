package dev.talent.migrate.pipeline;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.Step;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Hands the stopped program's checkpoint over: the source accepts it from the directory talent owns (kept where the
 * program cannot write) and signs it; the destination receives it as a stream and verifies the signature, size and
 * digest before it puts it where its runtime reads. A refusal on either side fails the migration (rollback).
 */
public final class TransferStep {

    /** Tells {@link StepResult.CheckpointAccepted} to {@code progress} once the source has accepted the checkpoint. */
    public StepResult.CheckpointTransferred run(HostFiles source, HostFiles destination, Consumer<StepResult> progress)
            throws MigrationFailedException, InterruptedException {
        return run(source, destination, ConnectionCarrier.NONE, progress);
    }

    /** As above; the TCP connections {@code connections} took at the stop are bound to the accepted checkpoint. */
    public StepResult.CheckpointTransferred run(HostFiles source, HostFiles destination, ConnectionCarrier connections,
            Consumer<StepResult> progress) throws MigrationFailedException, InterruptedException {
        OutgoingCheckpoint ck;
        try {
            ck = source.takeCheckpoint();
        } catch (IOException | RuntimeException e) {
            throw new MigrationFailedException(Step.CHECKPOINT, "the checkpoint the program on " + source.name()
                    + " left is refused: " + e.getMessage(), "", e);
        }
        progress.accept(new StepResult.CheckpointAccepted(ck.sequence(), Math.max(0, ck.sockets()), ck.binding()));
        progress.accept(new StepResult.CheckpointSize(ck.signature().size(), ck.name().endsWith(
                dev.talent.format.RuntimeContract.DELTA_SUFFIX)));
        java.util.Optional<Boolean> to = destination.bigEndian();
        if (ck.binding().isPresent() && to.isPresent() && to.get() != ck.binding().get().bigEndian()) {
            // defence in depth: talent run and the fleet choose destinations of the bound byte order once they know it;
            // the first checkpoint that binds it can meet a destination drawn before, which would refuse it (exit 65)
            dev.talent.format.ByteOrderBinding b = ck.binding().get();
            throw new MigrationFailedException(Step.CHECKPOINT, "checkpoint " + ck.sequence() + " is bound to the "
                    + b.order() + " byte order (" + b.why() + "): not handed to " + destination.name() + ", which is "
                    + dev.talent.format.ByteOrderBinding.name(to.get()) + "; the program goes on from it on "
                    + source.name());
        }
        try {
            connections.taken(ck.sequence());
        } catch (IOException e) {
            throw new MigrationFailedException(Step.CHECKPOINT, "the TCP connections of the program on " + source.name()
                    + " were not taken: " + e.getMessage(), "", e);
        }
        try (InputStream in = ck.bytes().open()) {
            destination.receiveCheckpoint(ck.signature(), in);
        } catch (IOException | RuntimeException e) {
            throw new MigrationFailedException(Step.SYNC, "cannot hand checkpoint " + ck.sequence() + " to "
                    + destination.name() + ": " + e.getMessage(), "", e);
        }
        return new StepResult.CheckpointTransferred(ck.sequence(), System.nanoTime());
    }
}
