package dev.talent.migrate.pipeline;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.RuntimeEvent;
import dev.talent.migrate.Step;
import java.io.IOException;
import java.time.Duration;

/**
 * Waits until the destination reports that the program runs again (it restored the checkpoint) and, with a network,
 * that it holds the TCP connections it was given. Its traffic is NOT let through here: the destination stays locked
 * (or holding the peers' packets) until the move is committed ({@link CommitStep} unlocks it), so that nothing a peer
 * sends is acknowledged by a copy that a failed commit then removes.
 */
public final class ConfirmStep {
    private final Duration timeout;

    public ConfirmStep(Duration timeout) { this.timeout = timeout; }

    public StepResult.Confirmed run(HostContainers host, AppContainer destination, long startedNanos)
            throws MigrationFailedException, InterruptedException {
        return run(host, destination, startedNanos, ConnectionCarrier.NONE);
    }

    /** As above; the program must hold the TCP connections {@code connections} gave it (its traffic flows after the commit). */
    public StepResult.Confirmed run(HostContainers host, AppContainer destination, long startedNanos,
            ConnectionCarrier connections) throws MigrationFailedException, InterruptedException {
        long readyBy = startedNanos + timeout.toNanos();
        while (true) {
            RuntimeEvent e = host.nextEvent(Duration.ofNanos(Math.max(1, readyBy - System.nanoTime())));
            switch (e) {
                case null -> throw new MigrationFailedException(Step.RESTORE, "the program on " + host.name()
                        + " did not report that it runs within " + timeout.toSeconds() + " s",
                        destination.logTail(SafePointStep.LOG_TAIL_LINES), null);
                // a fast restore can report before `runc start` itself has returned
                case RuntimeEvent.Ready r -> {
                    return confirmed(r, destination, startedNanos, connections, false);
                }
                case RuntimeEvent.ProcessExited x -> {
                    // The runtime reports Ready through its FIFO before the program goes on, and its exit is posted
                    // when runc sees it: a program that ends right after its restore can have its exit read first.
                    // Taken for a failed restore, it would run again from the checkpoint on the source, doing twice
                    // what it did here. So a Ready still on its way settles it.
                    RuntimeEvent.Ready late = readyAfterExit(host, readyBy);
                    if (late == null) {
                        throw new MigrationFailedException(Step.RESTORE, "the program on " + host.name()
                                + " exited with status " + x.status() + " instead of resuming",
                                destination.logTail(SafePointStep.LOG_TAIL_LINES), null);
                    }
                    return confirmed(late, destination, startedNanos, connections, true);
                }
                default -> { }
            }
        }
    }

    /**
     * How long a Ready may follow the destination's exit: the runtime wrote it before the program went on, so it is
     * in the FIFO already and only the reader thread stands between.
     */
    static final Duration READY_AFTER_EXIT = Duration.ofSeconds(2);

    /** A Ready that comes within {@link #READY_AFTER_EXIT} (and before {@code readyBy}) after an exit; null if none. */
    private static RuntimeEvent.Ready readyAfterExit(HostContainers host, long readyBy) throws InterruptedException {
        long until = Math.min(readyBy, System.nanoTime() + READY_AFTER_EXIT.toNanos());
        while (true) {
            long left = until - System.nanoTime();
            if (left <= 0) return null;
            if (host.nextEvent(Duration.ofNanos(left)) instanceof RuntimeEvent.Ready r) return r;
        }
    }

    private static StepResult.Confirmed confirmed(RuntimeEvent.Ready r, AppContainer destination, long startedNanos,
            ConnectionCarrier connections, boolean exited) throws MigrationFailedException, InterruptedException {
        long ready = Math.max(r.receivedNanos(), startedNanos);
        long u0 = System.nanoTime();
        try {
            connections.beforeUnlock();
        } catch (IOException ce) {
            // a program that resumed and already ended holds no connection: its traffic no longer matters
            if (!exited) throw new MigrationFailedException(Step.RESTORE, ce.getMessage(), "", ce);
        }
        long u1 = System.nanoTime();
        // on the host's network the carrier only lets new handshakes in again (the copy listens): not in the downtime
        if (!destination.hasNetwork()) return new StepResult.Confirmed(ready, 0);
        return new StepResult.Confirmed(Math.max(ready, u1), u1 - u0);
    }
}
