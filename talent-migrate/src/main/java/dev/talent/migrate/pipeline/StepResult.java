package dev.talent.migrate.pipeline;

import dev.talent.env.SyncReport;
import java.math.BigInteger;
import java.util.Optional;

/**
 * What each step of a migration produced, in the order the steps run. Clock readings are {@link System#nanoTime()};
 * the orchestrator turns them into the migration's record.
 */
public sealed interface StepResult {

    /**
     * Pre-copy before the stop: {@code rounds} copy-on-write images were taken while the program ran, the newest,
     * {@code image} of {@code baseBytes} bytes, handed to the destination; {@code lastDeltaBytes} is how much the
     * last round changed since the one before (-1 after a single round); it all took {@code tookNanos}, including
     * the wait for a destination started ahead to restore that image ahead: {@code aheadBytes} it decoded (0: it could
     * not use it), -1 when it was not asked to or did not say in time.
     */
    record Precopied(int rounds, String image, long baseBytes, long lastDeltaBytes, long tookNanos, long aheadBytes)
            implements StepResult {
        /** Without a destination that restores its base ahead. */
        public Precopied(int rounds, String image, long baseBytes, long lastDeltaBytes, long tookNanos) {
            this(rounds, image, baseBytes, lastDeltaBytes, tookNanos, -1);
        }
    }

    /** The checkpoint the source accepted at the stop is {@code bytes} long; {@code delta}: written as a delta. */
    record CheckpointSize(long bytes, boolean delta) implements StepResult {}

    /**
     * The destination, started ahead of the stop, waits for its go ({@code talent run --prestart}); {@code waitedNanos}
     * is how long the pipeline waited for that before it stopped the source (no part of the downtime).
     */
    record DestinationReady(long waitedNanos) implements StepResult {}

    /** The stop was asked for at {@code atNanos}; {@code lockNanos} is the time the network lock took (0 without). */
    record SafePointRequested(long atNanos, boolean network, long lockNanos) implements StepResult {}

    /** The source program wrote its checkpoint ({@code checkpointWrittenNanos}) and stopped ({@code stoppedNanos}). */
    record SafePointReached(long checkpointWrittenNanos, long stoppedNanos) implements StepResult {}

    /** The source program ended on its own (with {@code status}) before it reached a site: nothing to migrate. */
    record ProgramEnded(int status) implements StepResult {}

    /**
     * The source accepted the stopped program's checkpoint {@code sequence}, which carries {@code sockets} sockets;
     * {@code binding}: what binds it to its writer's byte order, when the source read it (empty: nothing, or not known).
     */
    record CheckpointAccepted(BigInteger sequence, int sockets, java.util.Optional<dev.talent.format.ByteOrderBinding> binding)
            implements StepResult {
        public CheckpointAccepted {
            java.util.Objects.requireNonNull(binding);
        }

        /** Accepted without a binding known. */
        public CheckpointAccepted(BigInteger sequence, int sockets) { this(sequence, sockets, java.util.Optional.empty()); }
    }

    /** The checkpoint was signed and handed to the destination, which verified it. */
    record CheckpointTransferred(BigInteger sequence, long atNanos) implements StepResult {}

    /** The destination's replica received what changed since the last pre-sync. */
    record FinalSynced(SyncReport report, long atNanos) implements StepResult {}

    /** The destination container was started. */
    record Started(long atNanos) implements StepResult {}

    /** The destination reported that the program runs ({@code readyNanos}); {@code unlockNanos} its network unlock. */
    record Confirmed(long readyNanos, long unlockNanos) implements StepResult {}

    /**
     * The move is recorded, the destination's traffic let through ({@code unlockedNanos}, 0 without a network: from then
     * on its peers are answered; {@code unlockNanos} the unlock took), and the source container removed;
     * {@code warning} when recording it failed.
     */
    record Committed(Optional<String> warning, long unlockedNanos, long unlockNanos) implements StepResult {
        /** Without a network to unlock. */
        public Committed(Optional<String> warning) { this(warning, 0, 0); }
    }

    /** After a failure, the program runs again on the source in {@code restarted}. */
    record RolledBack(AppContainer restarted) implements StepResult {}
}
