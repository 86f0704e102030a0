package dev.talent.migrate.pipeline;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The destination runs: the move is committed (talent run notes it for {@code --resume}; a fleet commits it in its
 * store), then, with a network, the destination's traffic is let through (it was locked, or held the peers' packets,
 * since the stop: a peer's data is acknowledged only by the copy the commit names), and only then is the source
 * container retired: removed here and now by default, or handed to a {@link Retirement} that removes it off the path
 * of the move (the move is over either way; nothing after the commit needs the old source). A commit that fails
 * throws (the ledger's exception) with the destination still off the traffic, for the caller to resume the source;
 * an unlock that fails after the commit is tried again, never rolled back: the commit stands.
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

    /** Waits before each try of the unlock after the commit: the first try at once. */
    static final List<Duration> UNLOCK_TRIES = List.of(Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(200),
            Duration.ofSeconds(1), Duration.ofSeconds(3));

    /** Commits, then retires {@code oldSource}; a destination's traffic is not touched (see the other {@code run}). */
    public StepResult.Committed run(Ledger ledger, AppContainer oldSource, Consumer<String> warn)
            throws InterruptedException {
        return run(ledger, oldSource, null, warn);
    }

    /**
     * Commits, then unlocks {@code destination}'s network (null or without a network: nothing to unlock), then retires
     * {@code oldSource}. The ledger's exception (a commit that did not happen) propagates before anything else is done.
     */
    public StepResult.Committed run(Ledger ledger, AppContainer oldSource, AppContainer destination, Consumer<String> warn)
            throws InterruptedException {
        Optional<String> warning = ledger.commit();
        long unlocked = 0, took = 0;
        if (destination != null && destination.hasNetwork()) {
            long u0 = System.nanoTime();
            unlockAfterCommit(destination, warn);
            unlocked = System.nanoTime();
            took = unlocked - u0;
        }
        retirement.retire(oldSource, warn);
        return new StepResult.Committed(warning, unlocked, took);
    }

    /** The commit stands: the unlock is tried again until it works or {@link #UNLOCK_TRIES} are spent (then warned). */
    private static void unlockAfterCommit(AppContainer destination, Consumer<String> warn) throws InterruptedException {
        String last = "";
        for (int i = 0; i < UNLOCK_TRIES.size(); i++) {
            Duration wait = UNLOCK_TRIES.get(i);
            if (!wait.isZero()) Thread.sleep(wait);
            try {
                destination.unlockNetwork();
                if (i > 0) warn.accept("the network of container " + destination.id() + " was unlocked at try " + (i + 1)
                        + " after the commit (" + last + ")");
                return;
            } catch (IOException | RuntimeException e) {
                last = e.getMessage();
            }
        }
        warn.accept("the move to container " + destination.id() + " is committed but its network cannot be unlocked after "
                + UNLOCK_TRIES.size() + " tries: " + last + "; its connections stall until it is (the move is not undone)");
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
