package dev.talent.migrate.pipeline;

import dev.talent.migrate.RollbackFailedException;
import dev.talent.migrate.RuntimeEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Restarts the program on the source after a failure, from the checkpoints talent accepted (never from what the
 * program left in its checkpoint directory, which it may have changed): the directory is refilled with them, their
 * tags checked, and a new container restores the newest (the runtime falls back to the older one if the newest is
 * damaged). The destination is discarded first.
 */
public final class RollBackStep {
    private final Duration timeout;
    private final Consumer<String> warn;
    /** Said after where the state is: how the operator tries again. */
    private final String retryHint;

    public RollBackStep(Duration timeout, Consumer<String> warn, String retryHint) {
        this.timeout = timeout;
        this.warn = warn;
        this.retryHint = retryHint;
    }

    /**
     * Restarts the program on the source from the newest checkpoint talent accepted.
     *
     * @param stopped the source's container, stopped at its checkpoint (removed here), or null when there is none
     * @param watchExit called with the new container before it starts (the caller follows its exit)
     * @throws RollbackFailedException no accepted checkpoint passes, or the program does not run again; the message
     *     says where the checkpoints and the working directory are
     */
    public StepResult.RolledBack run(HostContainers containers, HostFiles files, AppContainer stopped, String why,
            Consumer<AppContainer> watchExit) throws RollbackFailedException, InterruptedException {
        return run(containers, files, stopped, why, watchExit, ConnectionCarrier.NONE);
    }

    /**
     * As above; the restarted program gets the TCP connections taken at the stop if it restores the checkpoint they
     * belong to, and its traffic flows once it holds them.
     */
    public StepResult.RolledBack run(HostContainers containers, HostFiles files, AppContainer stopped, String why,
            Consumer<AppContainer> watchExit, ConnectionCarrier connections)
            throws RollbackFailedException, InterruptedException {
        if (stopped != null) deleteQuietly(stopped);
        String where = "; " + files.whereStateIs() + retryHint;
        String on = containers.name();
        AppContainer c;
        try {
            RestoredCheckpoints restored = files.restoreAcceptedCheckpoints(warn);
            if (restored.copied() == 0) {
                throw new RollbackFailedException("the program cannot go on after " + why + ": talent holds no "
                        + (restored.refused().isEmpty() ? "" : "valid ") + "checkpoint of it" + where);
            }
            c = containers.create(true, Optional.empty());
            containers.clearEvents();
            watchExit.accept(c);
            if (restored.newest().isPresent()) connections.beforeStart(containers, c, restored.newest().get());
            c.start();
        } catch (RollbackFailedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new RollbackFailedException("the program cannot be restarted on " + on + " after " + why + ": "
                    + e.getMessage() + where, e);
        }
        long by = System.nanoTime() + timeout.toNanos();
        while (true) {
            RuntimeEvent e = containers.nextEvent(Duration.ofNanos(Math.max(1, by - System.nanoTime())));
            switch (e) {
                case null -> throw new RollbackFailedException("the program restarted on " + on + " after " + why
                        + " did not report that it runs" + where + "; container log:\n" + c.logTail(SafePointStep.LOG_TAIL_LINES));
                case RuntimeEvent.Ready r -> {
                    try {
                        connections.beforeUnlock();
                        connections.forget();
                        c.unlockNetwork();
                    } catch (IOException e2) {
                        throw new RollbackFailedException("the program restarted on " + on + " after " + why
                                + " runs but its network cannot be unlocked: " + e2.getMessage() + where, e2);
                    }
                    return new StepResult.RolledBack(c);
                }
                case RuntimeEvent.ProcessExited x when x.containerId().equals(c.id()) -> throw new RollbackFailedException(
                        "the program restarted on " + on + " after " + why + " exited with status " + x.status() + where
                                + "; container log:\n" + c.logTail(SafePointStep.LOG_TAIL_LINES));
                default -> { }
            }
        }
    }

    private void deleteQuietly(AppContainer c) throws InterruptedException {
        try {
            c.delete();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            warn.accept("cannot remove container " + c.id() + ": " + e.getMessage());
        }
    }
}
