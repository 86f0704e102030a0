package dev.talent.migrate.pipeline;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.Step;
import java.io.IOException;
import java.time.Duration;

/**
 * Before the stop: a destination started ahead ({@code talent run --prestart}) must be waiting for its go, so that
 * the go is all that is left of the start inside the downtime. It may still be starting (a migration right after it
 * was prepared, qemu-user's start-up): this waits for it, with the program still running on the source. A
 * destination that exited or does not come to wait fails the migration here, before the stop; the caller discards it
 * (the next attempt prepares a new one). A destination that was not started ahead passes at once.
 */
public final class DestinationReadyStep {
    private final Duration timeout;

    public DestinationReadyStep(Duration timeout) { this.timeout = timeout; }

    public StepResult.DestinationReady run(HostContainers host, AppContainer destination)
            throws MigrationFailedException, InterruptedException {
        if (!destination.startedAhead()) return new StepResult.DestinationReady(0);
        long t0 = System.nanoTime();
        try {
            destination.awaitReady(timeout);
        } catch (IOException e) {
            throw new MigrationFailedException(Step.PREPARE, "the destination started ahead on " + host.name()
                    + " does not wait for its go: " + e.getMessage(), destination.logTail(SafePointStep.LOG_TAIL_LINES), e);
        }
        return new StepResult.DestinationReady(System.nanoTime() - t0);
    }
}
