package dev.talent.migrate.pipeline;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The destination runs: the move is committed (talent run notes it for {@code --resume}; a fleet commits it in its
 * store) and only then is the source container removed.
 */
public final class CommitStep {

    /** Where the app runs is recorded here. */
    @FunctionalInterface
    public interface Ledger {
        /** Makes the destination the app's place; returns a warning when the record could not be written. */
        Optional<String> commit();
    }

    public StepResult.Committed run(Ledger ledger, AppContainer oldSource, Consumer<String> warn)
            throws InterruptedException {
        Optional<String> warning = ledger.commit();
        try {
            oldSource.delete();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // removing a container that is no longer needed: a failure only leaves garbage behind
            warn.accept("cannot remove container " + oldSource.id() + ": " + e.getMessage());
        }
        return new StepResult.Committed(warning);
    }
}
