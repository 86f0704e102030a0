package dev.talent.migrate;

import dev.talent.env.SyncReport;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.pipeline.StepResult;
import java.time.Instant;

/**
 * Clock readings of one migration ({@link System#nanoTime()} of the process that runs the pipeline; 0 = not reached)
 * and the {@link MigrationRecord} made of them: for {@code talent run}'s {@link Orchestrator} (places named by
 * platform) and a fleet's pipeline (places {@code host/platform}) alike.
 */
public final class MigrationTiming {
    private long requested, checkpointWritten, checkpointTransferred, synced, started, ready;
    /** --net: when the destination's traffic was let through, after the commit (0: no network, or not reached). */
    private long unlocked;
    /** The source program's exit, and when the pipeline had the source's statement of its checkpoint. */
    private long stopped, accepted;
    /** Pre-copy before the stop (null: none); the size of the stop's checkpoint when it was a delta. */
    private StepResult.Precopied precopied;
    private Long deltaBytes;
    private SyncReport sync;
    private boolean network;
    private long netNanos;
    /** The destination's own time of the checkpoint's hand-over, as it said (0: not said). */
    private long receiveNanos;
    private int sockets;
    /** What bound the stop's checkpoint to its writer's byte order (null: nothing, or not known). */
    private MigrationRecord.Bound binding;

    /** Takes the readings of one step's result. */
    public void note(StepResult r) {
        switch (r) {
            case StepResult.SafePointRequested q -> {
                requested = q.atNanos();
                network = q.network();
                netNanos += q.lockNanos();
            }
            case StepResult.SafePointReached p -> {
                checkpointWritten = p.checkpointWrittenNanos();
                stopped = p.stoppedNanos();
            }
            case StepResult.CheckpointAccepted a -> {
                sockets = a.sockets();
                binding = a.binding().map(MigrationRecord.Bound::of).orElse(null);
                // told as soon as the source's statement is there (the step result carries no reading of its own)
                accepted = System.nanoTime();
            }
            case StepResult.CheckpointTransferred c -> checkpointTransferred = c.atNanos();
            case StepResult.FinalSynced f -> {
                sync = f.report();
                synced = f.atNanos();
            }
            case StepResult.Started s -> started = s.atNanos();
            case StepResult.Confirmed c -> {
                ready = c.readyNanos();
                netNanos += c.unlockNanos();
            }
            case StepResult.Precopied p -> precopied = p;
            case StepResult.CheckpointSize s -> deltaBytes = s.delta() ? s.bytes() : null;
            case StepResult.ProgramEnded e -> { }
            case StepResult.DestinationReady d -> { }
            case StepResult.Committed c -> {
                unlocked = c.unlockedNanos();
                netNanos += c.unlockNanos();
            }
            case StepResult.RolledBack b -> { }
        }
    }

    /** Time the network part took outside the steps' own readings (the TCP hand-over). */
    public void addNetNanos(long nanos) { netNanos += nanos; }

    /**
     * The source's take handed the checkpoint over before it answered, the send taking {@code nanos}: the take's part
     * ended that long before its statement reached the pipeline (the parts' order keeps it after the exit).
     */
    public void handedInTake(long nanos) {
        if (accepted != 0 && nanos > 0) accepted -= nanos;
    }

    /** The destination's own time of the hand-over (a fleet agent's answer: head to file placed); 0 or less: not said. */
    public void handOverReceived(long nanos) { receiveNanos = Math.max(0, nanos); }

    public MigrationRecord record(String app, String from, String to, Instant at) {
        // with a network the downtime ends when its traffic flows: after the commit (which no phase covers)
        return new MigrationRecord(app, from, to, true, ms(requested, Math.max(ready, unlocked)), ms(requested, checkpointWritten),
                ms(checkpointWritten, checkpointTransferred), ms(checkpointTransferred, synced), ms(synced, started),
                ms(started, ready), null, null, at, files(), sync == null ? 0 : sync.bytesCopied(), mode(), sockets, netMs())
                .withPrecopy(precopy()).withCheckpointParts(parts()).withBinding(binding);
    }

    public MigrationRecord failed(String app, String from, String to, Instant at, MigrationFailedException e) {
        return new MigrationRecord(app, from, to, false, null, ms(requested, checkpointWritten),
                ms(checkpointWritten, checkpointTransferred), ms(checkpointTransferred, synced), ms(synced, started),
                ms(started, ready), e.step().label(), e.describe(), at, files(), sync == null ? 0 : sync.bytesCopied(),
                mode(), sockets, netMs()).withPrecopy(precopy()).withCheckpointParts(parts()).withBinding(binding);
    }

    /** Where the checkpoint phase went, once the checkpoint was handed over; null before. */
    private MigrationRecord.CheckpointParts parts() {
        if (checkpointWritten == 0 || checkpointTransferred == 0) return null;
        // a stop reading before the "checkpoint written" one (events read late) counts as none
        long exit = Math.max(checkpointWritten, stopped == 0 ? checkpointWritten : stopped);
        long take = accepted == 0 ? exit : Math.max(exit, accepted);
        return new MigrationRecord.CheckpointParts(ms(checkpointWritten, exit), ms(exit, take), ms(take, checkpointTransferred),
                receiveNanos == 0 ? null : Math.round(receiveNanos / 1e3) / 1e3);
    }

    private MigrationRecord.Precopy precopy() {
        return precopied == null ? null : new MigrationRecord.Precopy(precopied.rounds(), precopied.baseBytes(),
                deltaBytes, Math.round(precopied.tookNanos() / 1e3) / 1e3,
                precopied.aheadBytes() < 0 ? null : precopied.aheadBytes());
    }

    private Double netMs() { return network ? Math.round(netNanos / 1e3) / 1e3 : null; }

    private int files() { return sync == null ? 0 : sync.filesCopied() + sync.filesDeleted(); }

    private String mode() { return sync == null ? null : sync.mode(); }

    /**
     * Milliseconds from one reading to the other; null when the step was not reached. A reading taken before the one
     * it follows (events read late) counts as none: a record's durations are never negative.
     */
    private static Double ms(long from, long to) {
        return from == 0 || to == 0 ? null : Math.round(Math.max(0, to - from) / 1e3) / 1e3;
    }
}
