package dev.talent.migrate.pipeline;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The destination runs: the move is committed (talent run notes it for {@code --resume}; a fleet commits it in its
 * store) and only then is the source container retired: removed here and now by default, or handed to a
 * {@link Retirement} that removes it off the path of the move (the move is over either way; nothing after the commit
 * needs the old source).
 */
public final class CommitStep {

    /** Where the app runs is recorded here. */
    @FunctionalInterface
    public interface Ledger {
        /** Makes the destination the app's place; returns a warning when the record could not be written. */
        Optional<String> commit();
    }

    /** What becomes of the old source once the move is committed. */
    @FunctionalInterface
    public interface Retirement {
        /** Removes {@code oldSource} (now or later); a failure to remove it only leaves garbage behind, told to {@code warn}. */
        void retire(AppContainer oldSource, Consumer<String> warn) throws InterruptedException;
    }

    private final Retirement retirement;

    /** Removes the old source at once, before the step returns. */
    public CommitStep() {
        this(CommitStep::deleteNow);
    }

    public CommitStep(Retirement retirement) {
        this.retirement = retirement;
    }

    public StepResult.Committed run(Ledger ledger, AppContainer oldSource, Consumer<String> warn)
            throws InterruptedException {
        Optional<String> warning = ledger.commit();
        retirement.retire(oldSource, warn);
        return new StepResult.Committed(warning);
    }

    /** Removes {@code oldSource} now; a failure is a warning. */
    public static void deleteNow(AppContainer oldSource, Consumer<String> warn) throws InterruptedException {
        try {
            oldSource.delete();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // removing a container that is no longer needed: a failure only leaves garbage behind
            warn.accept("cannot remove container " + oldSource.id() + ": " + e.getMessage());
        }
    }
}
