package dev.talent.migrate.pipeline;

import dev.talent.env.SyncReport;
import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.Step;
import java.io.IOException;

/** The final sync while the program is stopped: only what changed since the last pre-sync, found by the journal. */
public final class FinalSyncStep {
    private final boolean injectFault;

    /** @param injectFault fail on purpose ({@code --inject-fault sync}) */
    public FinalSyncStep(boolean injectFault) { this.injectFault = injectFault; }

    public StepResult.FinalSynced run(WorkdirTransport transport, String from, String to) throws MigrationFailedException {
        SyncReport sync;
        try {
            if (injectFault) throw new IOException("fault injected at step sync (--inject-fault sync)");
            sync = transport.finalSync();
        } catch (Exception e) {
            throw new MigrationFailedException(Step.SYNC, "final sync " + from + " -> " + to + " failed: " + e.getMessage(),
                    "", e);
        }
        return new StepResult.FinalSynced(sync, System.nanoTime());
    }
}
