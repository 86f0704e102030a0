package dev.talent.migrate.pipeline;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One container of an app on one host, as the migration pipeline drives it. The local implementation wraps a runc
 * container of this machine; a remote one forwards each call to the agent of the host that holds it (nothing here
 * is a path: the container's files stay on its host).
 */
public interface AppContainer {

    String id();

    /** Whether the container has a network of its own (--net), which the pipeline locks and unlocks. */
    boolean hasNetwork();

    /** Takes the container's network off the traffic (nothing in or out) until {@link #unlockNetwork()}. */
    void lockNetwork() throws IOException;

    /** Lets the container's traffic through again; nothing to do without a network. */
    void unlockNetwork() throws IOException;

    /**
     * For a destination prepared to hold its app's packets: takes the app's traffic at the network lock (while the
     * source's is locked) and keeps it, instead of letting it be dropped, until {@link #unlockNetwork()}. Nothing to
     * do otherwise (the default: the traffic is dropped and retransmitted by the peers). Returns whether it took it.
     */
    default boolean holdNetwork() throws IOException { return false; }

    /**
     * Whether this destination's hold also keeps the app's traffic off the source by itself, so that the source may go
     * on sending (an answer written just before it stops) until it stops: on one host the bridge's entry for the app's
     * MAC is pinned to the destination's port. A destination on another host does not (the segment's bridges would
     * learn the MAC back at the source from any frame the source sent): the source is then locked at the hold.
     */
    default boolean holdPinsTraffic() { return false; }

    /**
     * A source about to stop: new handshakes are dropped (their peers send their SYN again later, to wherever the app
     * is then) and the ones already answered are given up to {@code max} to complete into their listeners' accept
     * queues, which the checkpoint carries; returns how many were still half done. Undone by
     * {@link #acceptNewConnections()} or {@link #unlockNetwork()}. Nothing to do without a network (the default).
     */
    default int dropNewConnections(Duration max) throws IOException, InterruptedException { return 0; }

    /** Undoes {@link #dropNewConnections}; nothing to do when it was not called. */
    default void acceptNewConnections() throws IOException, InterruptedException {}

    /**
     * The pid of the container's init as this machine sees it (its program is a descendant), while it runs here;
     * empty for a container of another host, one not started, or one that cannot say (the default).
     */
    default java.util.OptionalLong hostPid() { return java.util.OptionalLong.empty(); }

    /**
     * Tells the network segment that the app's address is here now (a gratuitous ARP from its namespace), after
     * {@link #unlockNetwork()} on a host other than the one it left; nothing to do without a network.
     */
    default void announce() throws IOException, InterruptedException {}

    /** Sends {@code signal} to the program; false when it has already exited (nothing was sent). */
    boolean signal(Signal signal) throws IOException;

    /**
     * Starts a created container (runc start); a container started ahead ({@link #startedAhead()}) instead gets its
     * go: its runtime, already running and waiting, reads its checkpoint.
     */
    void start() throws IOException, InterruptedException;

    /**
     * Whether this container was started ahead of the stop ({@link HostContainers#createStartedAhead}): its runtime
     * waits for the go that {@link #start()} gives.
     */
    default boolean startedAhead() { return false; }

    /**
     * Returns once a container started ahead waits for its go, waiting at most {@code timeout}.
     *
     * @throws IOException it exited, or does not wait within the timeout
     */
    default void awaitReady(Duration timeout) throws IOException, InterruptedException {
        throw new IOException("container " + id() + " was not started ahead");
    }

    /**
     * Whether this container, started ahead, restores a pre-copy image ahead when it is named to it
     * ({@link #restoreAhead}; its runtime was started with {@code TALENT_AHEAD=base}).
     */
    default boolean restoresBaseAhead() { return false; }

    /**
     * Names the pre-copy image {@code image}, received into this container's checkpoint directory, to its runtime
     * waiting for its go, which restores it ahead and reports {@link dev.talent.migrate.RuntimeEvent.AheadRestored}.
     *
     * @throws IOException it does not wait (exited), or the name could not be written
     */
    default void restoreAhead(String image) throws IOException {
        throw new IOException("container " + id() + " does not restore a base ahead");
    }

    /** Completes with the program's exit status once it has exited. */
    CompletableFuture<Integer> onExit();

    /** The last lines of the container's own log, for error messages. */
    String logTail(int lines);

    /** Removes the container (killing what still runs in it). */
    void delete() throws IOException, InterruptedException;
}
