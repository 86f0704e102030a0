package dev.talent.migrate.pipeline;

import dev.talent.env.SyncReport;
import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.Step;
import java.util.Optional;

/**
 * Prepares a destination while the program runs: its checkpoint directory emptied, its replica of the working
 * directory mirrored, its container created (not started), or, started ahead ({@code talent run --prestart}), created
 * and started with its runtime waiting for its go. A failure leaves nothing behind: the program is not touched.
 */
public final class PrepareStep {

    /** A prepared destination: its container, its replica and how long preparing took. */
    public record Prepared(AppContainer container, WorkdirTransport replica, SyncReport sync, long tookNanos) {}

    /**
     * Prepares the destination without starting its container.
     *
     * @param fault an injected failure of the destination's runtime ({@code restore}), empty in production
     */
    public Prepared run(HostContainers containers, HostFiles files, WorkdirTransport replica, Optional<String> fault)
            throws MigrationFailedException, InterruptedException {
        return run(containers, files, replica, fault, false);
    }

    /** As above; with {@code startAhead} the container is started at once and waits for its go. */
    public Prepared run(HostContainers containers, HostFiles files, WorkdirTransport replica, Optional<String> fault,
            boolean startAhead) throws MigrationFailedException, InterruptedException {
        long t0 = System.nanoTime();
        AppContainer c = null;
        try {
            files.clearCheckpoints();
            SyncReport sync = replica.mirror();
            c = startAhead ? containers.createStartedAhead(fault) : containers.create(true, fault);
            return new Prepared(c, replica, sync, System.nanoTime() - t0);
        } catch (InterruptedException e) {
            discard(c, replica);
            throw e;
        } catch (Exception e) {
            String tail = c == null ? "" : c.logTail(SafePointStep.LOG_TAIL_LINES);
            discard(c, replica);
            throw new MigrationFailedException(Step.PREPARE, "cannot prepare " + containers.name() + ": " + e.getMessage(),
                    tail, e);
        }
    }

    private static void discard(AppContainer c, WorkdirTransport replica) {
        replica.close();
        if (c == null) return;
        try {
            c.delete();
        } catch (Exception ignored) {
            // a container created for nothing: removing it is best effort, the failure is reported by the caller
        }
    }
}
