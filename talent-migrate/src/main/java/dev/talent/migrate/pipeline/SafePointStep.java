package dev.talent.migrate.pipeline;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.RuntimeEvent;
import dev.talent.migrate.Step;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Stops the source program at a safe point: its network is locked (nothing gets in or out of its namespace, so its
 * sockets neither answer nor lose what the peer sends, which the peer retransmits to the destination), it is asked
 * to checkpoint at its next site and exit 75. The events only time the step: that it stopped at a checkpoint is its
 * exit status. A failure here comes before the stop: the program runs on at the source.
 */
public final class SafePointStep {
    /** The runtime's exit status after a checkpoint requested by {@link Signal#CHECKPOINT_AND_EXIT}. */
    public static final int EXIT_CHECKPOINT = dev.talent.format.RuntimeContract.EXIT_CHECKPOINT;
    static final int LOG_TAIL_LINES = 20;

    /**
     * How long the safe point waits when its fault is injected: the program is never asked, so any wait times out; a
     * short one keeps a test of what follows a timeout from waiting out the real one.
     */
    static final Duration INJECTED_WAIT = Duration.ofSeconds(2);

    private final Duration timeout;
    /** A testing aid ({@link dev.talent.migrate.Step#SAFE_POINT}): the program is not asked to stop. */
    private final boolean fault;

    public SafePointStep(Duration timeout) { this(timeout, false); }

    /**
     * As above; {@code fault} (a testing aid, {@code talent migrate --inject-fault safepoint}): everything of the stop
     * is done but the request itself (the network locked, the connections made ready to be taken), and the wait,
     * shortened to {@link #INJECTED_WAIT}, times out as for a program that does not reach a site in time.
     */
    public SafePointStep(Duration timeout, boolean fault) {
        this.timeout = fault && timeout.compareTo(INJECTED_WAIT) > 0 ? INJECTED_WAIT : timeout;
        this.fault = fault;
    }

    /** Returns {@link StepResult.SafePointReached} or {@link StepResult.ProgramEnded}. */
    public StepResult run(HostContainers host, AppContainer program, Consumer<StepResult> progress)
            throws MigrationFailedException, InterruptedException {
        return run(host, program, ConnectionCarrier.NONE, progress);
    }

    /** As above; {@code connections} is made ready to take the program's TCP connections before it is asked to stop. */
    public StepResult run(HostContainers host, AppContainer program, ConnectionCarrier connections,
            Consumer<StepResult> progress) throws MigrationFailedException, InterruptedException {
        return run(host, program, connections, progress, () -> { });
    }

    /**
     * As above; {@code written} is called once, when the program reports its checkpoint written after the request
     * (while it exits: work on that checkpoint may begin, but only the exit status says that it stopped there).
     */
    public StepResult run(HostContainers host, AppContainer program, ConnectionCarrier connections,
            Consumer<StepResult> progress, Runnable written) throws MigrationFailedException, InterruptedException {
        return run(host, program, connections, progress, written, null);
    }

    /**
     * As above; {@code holder} (the destination, or null) takes the app's traffic at the lock and keeps it until its
     * unlock ({@link AppContainer#holdNetwork()}). When the program does not stop here (a failure, or it ended), the
     * holder's network is locked again: the traffic is the source's.
     */
    public StepResult run(HostContainers host, AppContainer program, ConnectionCarrier connections,
            Consumer<StepResult> progress, Runnable written, AppContainer holder) throws MigrationFailedException,
            InterruptedException {
        AtomicBoolean held = new AtomicBoolean();
        try {
            StepResult r = stop(host, program, connections, progress, written, holder, held);
            if (r instanceof StepResult.ProgramEnded) unhold(holder, held);
            return r;
        } catch (MigrationFailedException | RuntimeException e) {
            unhold(holder, held);
            acceptQuietly(program);
            throw e;
        }
    }

    /**
     * How long a source about to stop waits for the handshakes its listeners already answered (SYN_RECV) to complete
     * while new ones are dropped ({@link AppContainer#dropNewConnections}): a peer's final ACK comes within its round
     * trip; one that was lost comes after the SYN-ACK is sent again (1 s after the first, then 2 s later), so the
     * wait covers the first two of those. Only a handshake whose peer does not answer them waits this long.
     */
    public static final Duration HANDSHAKES = Duration.ofMillis(3500);

    /** The program goes on at the source after a failure before its stop: new handshakes come in again. */
    private static void acceptQuietly(AppContainer program) {
        try {
            program.acceptNewConnections();
        } catch (IOException ignored) {
            // its namespace is gone, and the rules with it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The source's port down once it stopped (a failure leaves it to the rollback, which removes the source). */
    private static void lockQuietly(AppContainer program) {
        try {
            program.lockNetwork();
        } catch (IOException ignored) {
            // its container is removed after the stop, its port with it
        }
    }

    private static void unhold(AppContainer holder, AtomicBoolean held) {
        if (!held.get()) return;
        try {
            holder.lockNetwork();
        } catch (IOException ignored) {
            // the destination is discarded after a failure in any case, its port with it
        }
    }

    private StepResult stop(HostContainers host, AppContainer program, ConnectionCarrier connections,
            Consumer<StepResult> progress, Runnable written, AppContainer holder, AtomicBoolean held)
            throws MigrationFailedException, InterruptedException {
        try {
            // before the lock, so that no peer is left with a handshake the listener's copy will not know (it would
            // answer the peer's next segment with a reset): the answered ones complete into the carried accept queues
            if (program.hasNetwork()) program.dropNewConnections(HANDSHAKES);
        } catch (IOException e) {
            throw new MigrationFailedException(Step.CHECKPOINT, "cannot hold off new connections on " + host.name() + ": "
                    + e.getMessage(), "", e);
        }
        try {
            connections.beforeStop(host, program);
        } catch (IOException e) {
            throw new MigrationFailedException(Step.CHECKPOINT, "cannot prepare to take the TCP connections on "
                    + host.name() + ": " + e.getMessage(), "", e);
        }
        long requested = System.nanoTime();
        boolean pinned = false;
        try {
            if (program.hasNetwork()) {
                long l0 = System.nanoTime();
                // the destination takes the traffic first (its port forwarding): from then on nothing the peers send
                // falls between the two. A hold that pins the app's MAC to the destination's port (one host) keeps
                // the traffic off the source by itself: what the source sends still goes out (an answer it writes
                // before it stops) until its connections are taken (talent-tcp take brings its port down) or it
                // reports its checkpoint. Otherwise (no holder, or one on another host) its port goes down now
                if (holder != null && holder.holdNetwork()) {
                    held.set(true);
                    pinned = holder.holdPinsTraffic();
                }
                if (!pinned) program.lockNetwork();
                progress.accept(new StepResult.SafePointRequested(requested, true, System.nanoTime() - l0));
            } else {
                progress.accept(new StepResult.SafePointRequested(requested, false, 0));
            }
            if (!fault) program.signal(Signal.CHECKPOINT_AND_EXIT);
        } catch (IOException e) {
            throw new MigrationFailedException(Step.CHECKPOINT, "cannot signal the program on " + host.name() + ": "
                    + e.getMessage(), program.logTail(LOG_TAIL_LINES), e);
        }
        long deadline = requested + timeout.toNanos();
        long writtenAt = 0;
        while (true) {
            RuntimeEvent e = host.nextEvent(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            switch (e) {
                case null -> throw new MigrationFailedException(Step.CHECKPOINT, "the program on " + host.name()
                        + " did not reach a checkpoint site within " + timeout.toSeconds() + " s"
                        + (fault ? " (fault injected at step safepoint: it was not asked to stop)" : ""),
                        program.logTail(LOG_TAIL_LINES), null);
                // (one that was read before the request is stale or forged: it times nothing)
                case RuntimeEvent.CheckpointWritten w when w.receivedNanos() >= requested -> {
                    if (writtenAt == 0) {
                        writtenAt = w.receivedNanos();
                        if (pinned) lockQuietly(program); // (if the connections were taken, it is down already)
                        written.run();
                    }
                }
                case RuntimeEvent.CheckpointFailed f -> throw new MigrationFailedException(Step.CHECKPOINT,
                        "the checkpoint could not be written on " + host.name() + ": " + f.message()
                                + "; the program keeps running there", program.logTail(LOG_TAIL_LINES), null);
                case RuntimeEvent.ProcessExited x when x.containerId().equals(program.id()) -> {
                    // ended on its own before reaching a site: nothing to migrate
                    if (x.status() != EXIT_CHECKPOINT) return new StepResult.ProgramEnded(x.status());
                    if (pinned) lockQuietly(program);
                    long stopped = x.receivedNanos();
                    return new StepResult.SafePointReached(writtenAt == 0 ? stopped : writtenAt, stopped);
                }
                default -> { }
            }
        }
    }
}
