package dev.talent.migrate.pipeline;

import java.io.IOException;
import java.math.BigInteger;

/**
 * The program's established TCP connections across one migration (--net): taken from the source at its stop,
 * bound to the checkpoint they belong to, and given to the container that restores that checkpoint (the
 * destination, or the source again after a rollback) before it starts; the restored container's traffic is let
 * through only once it holds them. The local implementation drives talent-container's TCP repair helper. Every step
 * does nothing unless a carrier needs it (an app on its host's own network needs only {@link #beforeStart}).
 */
public interface ConnectionCarrier {

    /** An app whose connections are not carried (no --net): every call does nothing. */
    ConnectionCarrier NONE = new ConnectionCarrier() {};

    /** Source, before the program is asked to stop: be ready to take its connections at the stop. */
    default void beforeStop(HostContainers host, AppContainer program) throws IOException, InterruptedException {}

    /** Source, once checkpoint {@code sequence} was accepted: the connections taken at that stop belong to it. */
    default void taken(BigInteger sequence) throws IOException, InterruptedException {}

    /**
     * Before {@code c} on {@code host} starts to restore checkpoint {@code sequence}: the connections are restored
     * in its network namespace if they belong to that checkpoint (otherwise it gets none).
     */
    default void beforeStart(HostContainers host, AppContainer c, BigInteger sequence) throws IOException, InterruptedException {}

    /** The restored program reported that it runs: waits until it holds the connections, before traffic flows. */
    default void beforeUnlock() throws IOException, InterruptedException {}

    /** The migration failed: a hand-over in progress is abandoned (the connections stay where they are). */
    default void cancel() {}

    /** The connections are live again somewhere: what carried them is history. */
    default void forget() throws IOException {}
}
