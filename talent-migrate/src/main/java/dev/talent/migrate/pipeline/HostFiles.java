package dev.talent.migrate.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * The files of one app on one host that a migration moves: its checkpoints. The source side accepts the checkpoint
 * its stopped program left and offers it as a signed stream; the destination side receives such a stream, checks
 * its signature and only then puts it where the runtime will read it. Nothing here is a path of the other host: a
 * remote implementation sends the same stream over the network.
 */
public interface HostFiles {

    /** The host (and platform) for messages. */
    String name();

    /**
     * Whether this host's platform is big-endian; empty when this side does not know (then a checkpoint bound to a byte
     * order is handed over anyway, and the destination's runtime refuses it if it must: exit 65, rollback).
     */
    default java.util.Optional<Boolean> bigEndian() { return java.util.Optional.empty(); }

    /** Removes every checkpoint from the app's checkpoint directory on this host. */
    void clearCheckpoints() throws IOException;

    /**
     * Source side: accepts the newest acceptable checkpoint the stopped program left (kept where the program cannot
     * write) and signs it with this host's key.
     *
     * @throws dev.talent.migrate.CheckpointRefusedException none is acceptable (the message says why)
     */
    OutgoingCheckpoint takeCheckpoint() throws IOException;

    /**
     * As {@link #takeCheckpoint()}, and {@code early} may be told of the checkpoint as soon as it is read, signed and
     * not yet validated, so that its send overlaps the validation ({@link EarlySend}: its end waits for it). A host that
     * cannot tell it does not (the default); the caller then sends what this returns, as before.
     */
    default OutgoingCheckpoint takeCheckpoint(EarlySend early) throws IOException { return takeCheckpoint(); }

    /**
     * Source side, once the destination runs or before a rollback: the checkpoint {@link #takeCheckpoint} handed over
     * is kept among the accepted ones (written and fsynced: the recovery copy). A host may hold it in memory until
     * then, so that the fsync is no part of the downtime; one that kept it at once does nothing here.
     *
     * @throws IOException it could not be written (it is no longer held; the older accepted checkpoints stay)
     */
    default void keepTakenCheckpoint() throws IOException { }

    /**
     * Destination side: empties the checkpoint directory and writes the checkpoint read from {@code bytes} into it,
     * once its size and digest match {@code signed} and the signature verifies (and the signer's certificate, when
     * a CA is configured). Nothing of a refused checkpoint is left where the runtime reads.
     *
     * @throws CheckpointSignatureException the signature is missing, wrong, or from a signer this host does not trust
     */
    void receiveCheckpoint(CheckpointSignature signed, InputStream bytes) throws IOException;

    /**
     * Source side after a failed migration: empties the checkpoint directory and refills it with the checkpoints
     * talent accepted (their tags checked); each refused one is also told to {@code warn}.
     */
    RestoredCheckpoints restoreAcceptedCheckpoints(Consumer<String> warn) throws IOException;

    /**
     * Source side, while the program runs: accepts the pre-copy image {@code name} a round left (kept where the program
     * cannot write, as a checkpoint is) and signs it: the base of the delta the program writes at its stop.
     *
     * @throws IOException this host does not offer pre-copy, or the image is not acceptable
     */
    default OutgoingCheckpoint takePrecopyImage(String name) throws IOException {
        throw new IOException("host " + name() + " does not offer pre-copy (pre-copy image " + name + ")");
    }

    /**
     * Destination side, while the source's program runs: empties the checkpoint directory and puts the pre-copy image
     * read from {@code bytes} there, verified as {@link #receiveCheckpoint} verifies a checkpoint. A delta received
     * afterwards by {@link #receiveCheckpoint} keeps the image it names.
     */
    default void receivePrecopyImage(CheckpointSignature signed, InputStream bytes) throws IOException {
        throw new IOException("host " + name() + " does not offer pre-copy (pre-copy image " + signed.name() + ")");
    }

    /** Where an operator finds the accepted checkpoints and the working directory, for error messages. */
    String whereStateIs();
}
