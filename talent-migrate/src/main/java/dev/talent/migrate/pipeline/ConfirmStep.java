package dev.talent.migrate.pipeline;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.RuntimeEvent;
import dev.talent.migrate.Step;
import java.io.IOException;
import java.time.Duration;

/**
 * Waits until the destination reports that the program runs again (it restored the checkpoint), then lets its
 * traffic through: its namespace (same address and MAC) takes over the app's connections.
 */
public final class ConfirmStep {
    private final Duration timeout;

    public ConfirmStep(Duration timeout) { this.timeout = timeout; }

    public StepResult.Confirmed run(HostContainers host, AppContainer destination, long startedNanos)
            throws MigrationFailedException, InterruptedException {
        return run(host, destination, startedNanos, ConnectionCarrier.NONE);
    }

    /** As above; before the traffic flows, the program must hold the TCP connections {@code connections} gave it. */
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
                    long ready = Math.max(r.receivedNanos(), startedNanos);
                    if (!destination.hasNetwork()) return new StepResult.Confirmed(ready, 0);
                    long u0 = System.nanoTime();
                    try {
                        connections.beforeUnlock();
                        destination.unlockNetwork();
                    } catch (IOException ce) {
                        throw new MigrationFailedException(Step.RESTORE, ce.getMessage(), "", ce);
                    }
                    long u1 = System.nanoTime();
                    return new StepResult.Confirmed(Math.max(ready, u1), u1 - u0);
                }
                case RuntimeEvent.ProcessExited x -> throw new MigrationFailedException(Step.RESTORE,
                        "the program on " + host.name() + " exited with status " + x.status() + " instead of resuming",
                        destination.logTail(SafePointStep.LOG_TAIL_LINES), null);
                default -> { }
            }
        }
    }
}
