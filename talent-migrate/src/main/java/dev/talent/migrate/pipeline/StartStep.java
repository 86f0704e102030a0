package dev.talent.migrate.pipeline;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.Step;
import java.util.concurrent.TimeUnit;

/** Starts the prepared destination container (runc start); its runtime then restores the checkpoint. */
public final class StartStep {
    private final boolean injectFault;

    /** @param injectFault kill the destination before it is started, so that the start fails for real */
    public StartStep(boolean injectFault) { this.injectFault = injectFault; }

    /**
     * Starts the destination's container.
     *
     * @param beforeStart what the caller does first (forgets the destination's old events, watches its exit); a
     *     failure there fails this step
     */
    public StepResult.Started run(HostContainers host, AppContainer destination, BeforeStart beforeStart)
            throws MigrationFailedException {
        try {
            beforeStart.run(destination);
            if (injectFault) {
                // the destination dies before it is started: runc start then fails for real
                destination.signal(Signal.KILL);
                destination.onExit().get(10, TimeUnit.SECONDS);
            }
            destination.start();
        } catch (Exception e) {
            throw new MigrationFailedException(Step.START, "the container on " + host.name() + " did not start: "
                    + e.getMessage(), destination.logTail(SafePointStep.LOG_TAIL_LINES), e);
        }
        return new StepResult.Started(System.nanoTime());
    }

    /** Work done just before the start. */
    @FunctionalInterface
    public interface BeforeStart {
        void run(AppContainer destination) throws Exception;
    }
}
