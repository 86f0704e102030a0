package dev.talent.migrate.pipeline;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.RollbackFailedException;
import dev.talent.migrate.Step;
import dev.talent.env.SyncReport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * Runs one migration as its steps, in order: destination ready (one started ahead waits for its go), safe point, transfer, final sync, start, confirm, commit (the destination
 * was prepared beforehand). Each step is a unit of its own with a typed result, told to {@code progress} as soon as it
 * is there. Until the source stops, a failure leaves the program running there; from the stop on, any failure, of
 * whatever kind, discards the destination and rolls back: the program restarts on the source from the newest
 * checkpoint talent accepted, before the failure is reported. The destination's network (--net) stays locked, or
 * holding its peers' packets, until the commit; the source is removed only after the commit. The
 * recovery copy of the checkpoint handed over is kept ({@link HostFiles#keepTakenCheckpoint()}) once the destination
 * runs, after the downtime, or before a rollback.
 */
public final class MigrationPipeline {

    /** One side of the migration: a host's containers, its files, and the app's container there. */
    public record Side(HostContainers containers, HostFiles files, AppContainer container) {}

    /** What the caller does around the steps. */
    public record Hooks(StartStep.BeforeStart beforeStart, CommitStep.Ledger ledger, Runnable discardDestination,
            Consumer<AppContainer> watchExit, Consumer<String> warn, ConnectionCarrier connections) {
        /** Without TCP connections to carry. */
        public Hooks(StartStep.BeforeStart beforeStart, CommitStep.Ledger ledger, Runnable discardDestination,
                Consumer<AppContainer> watchExit, Consumer<String> warn) {
            this(beforeStart, ledger, discardDestination, watchExit, warn, ConnectionCarrier.NONE);
        }
    }

    /** How a migration that did not fail ended. */
    public sealed interface Outcome {
        /** The program runs on the destination; the move is committed. */
        record Moved(StepResult.Committed committed) implements Outcome {}

        /** The program ended on its own before it reached a safe point: nothing was migrated. */
        record Ended(int status) implements Outcome {}
    }

    private final SafePointStep safePoint;
    private final TransferStep transfer;
    private final FinalSyncStep finalSync;
    private final StartStep start;
    private final ConfirmStep confirm;
    private final CommitStep commit;
    private final RollBackStep rollBack;
    /** Pre-copy before the stop, or null (the stop writes a full checkpoint). */
    private final PrecopyStep precopy;
    /** Before anything else: a destination started ahead must wait for its go. */
    private final DestinationReadyStep destinationReady;
    /** Whether the final sync runs on a thread of its own beside the checkpoint's hand-over. */
    private boolean syncBesideTransfer;
    /** Whether, beside the hand-over, the working directory is pre-synced once more at the checkpoint's report. */
    private boolean presyncAtReport;

    /** How long {@link DestinationReadyStep} waits when the constructor is not given one. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(30);

    public MigrationPipeline(SafePointStep safePoint, TransferStep transfer, FinalSyncStep finalSync, StartStep start,
            ConfirmStep confirm, CommitStep commit, RollBackStep rollBack) {
        this(null, safePoint, transfer, finalSync, start, confirm, commit, rollBack);
    }

    /** As above, with {@code precopy} (null: none) run before the safe point. */
    public MigrationPipeline(PrecopyStep precopy, SafePointStep safePoint, TransferStep transfer, FinalSyncStep finalSync,
            StartStep start, ConfirmStep confirm, CommitStep commit, RollBackStep rollBack) {
        this(new DestinationReadyStep(DEFAULT_READY_TIMEOUT), precopy, safePoint, transfer, finalSync, start, confirm, commit,
                rollBack);
    }

    /** As above, with {@code destinationReady} run first. */
    public MigrationPipeline(DestinationReadyStep destinationReady, PrecopyStep precopy, SafePointStep safePoint,
            TransferStep transfer, FinalSyncStep finalSync, StartStep start, ConfirmStep confirm, CommitStep commit,
            RollBackStep rollBack) {
        this.destinationReady = destinationReady;
        this.precopy = precopy;
        this.safePoint = safePoint;
        this.transfer = transfer;
        this.finalSync = finalSync;
        this.start = start;
        this.confirm = confirm;
        this.commit = commit;
        this.rollBack = rollBack;
    }

    /**
     * Runs the final sync on a thread of its own while the checkpoint is handed over (both need only the stopped
     * program, and neither reads what the other writes: the working directory and the checkpoint directory), for a
     * {@link WorkdirTransport} and {@link HostFiles} that may be used from two threads at once. The sync's result is
     * then told after the hand-over's, its time the part of the sync that outlasted the hand-over; a failure of
     * either waits for the other to end before the rollback. The working directory is also pre-synced once more when
     * the runtime reports its checkpoint written, while the program exits ({@link #withSyncBesideTransfer(boolean,
     * boolean)}).
     */
    public MigrationPipeline withSyncBesideTransfer(boolean beside) {
        return withSyncBesideTransfer(beside, beside);
    }

    /**
     * As {@link #withSyncBesideTransfer(boolean)}; {@code presyncAtReport}: whether the pre-sync at the checkpoint's
     * report is made (with {@code beside} only). It pays where a sync is cheap and much may have changed since the last
     * pre-sync (talent run's local replica, pre-synced every few seconds); where a sync is a round trip of its own and
     * the last one was just before the stop (a fleet's, mirrored at the prepare), it only puts a second sync before
     * the final one.
     */
    public MigrationPipeline withSyncBesideTransfer(boolean beside, boolean presyncAtReport) {
        this.syncBesideTransfer = beside;
        this.presyncAtReport = beside && presyncAtReport;
        return this;
    }

    /**
     * Migrates the program from {@code source} to the prepared {@code destination}, step by step.
     *
     * @throws MigrationFailedException a step failed; when it failed after the source stopped, the program was
     *     restarted on the source first ({@link StepResult.RolledBack} was told to {@code progress}); so too when the
     *     thread was interrupted after the stop, which is then thrown as this with the thread's interrupt set
     * @throws RollbackFailedException the restart on the source failed too: the program does not run
     */
    public Outcome run(Side source, Side destination, WorkdirTransport workdir, Hooks hooks, Consumer<StepResult> progress)
            throws MigrationFailedException, RollbackFailedException, InterruptedException {
        ConnectionCarrier connections = hooks.connections();
        StepResult stop;
        try {
            if (destination.container().startedAhead()) {
                progress.accept(destinationReady.run(destination.containers(), destination.container()));
            }
        } catch (MigrationFailedException | RuntimeException e) {
            // before the stop: the program runs on at the source; the destination is of no use any more
            connections.cancel();
            hooks.discardDestination().run();
            throw e;
        }
        if (precopy != null) {
            // while the program runs: a failure here leaves it running on the source
            StepResult pre;
            try {
                pre = precopy.run(source.containers(), source.container(), source.files(), destination.files(),
                        destination.containers(), destination.container());
            } catch (MigrationFailedException e) {
                connections.cancel();
                // a destination started ahead that could not restore its base ahead is of no use any more
                if (e.step() == Step.PREPARE) hooks.discardDestination().run();
                throw e;
            } catch (RuntimeException e) {
                connections.cancel();
                throw e;
            }
            progress.accept(pre);
            if (pre instanceof StepResult.ProgramEnded ended) return new Outcome.Ended(ended.status());
        }
        // Once the runtime reports its checkpoint written, while the program exits (sync beside the transfer): the
        // working directory is pre-synced once more, so that the final sync after the exit copies only what changed since.
        EarlySync early = presyncAtReport ? new EarlySync(workdir) : null;
        Runnable written = () -> {
            if (early != null) early.start();
        };
        try {
            stop = safePoint.run(source.containers(), source.container(), connections, progress, written,
                    destination.container());
        } catch (MigrationFailedException e) {
            connections.cancel();
            settleEarlySync(early, hooks);
            throw e;
        }
        progress.accept(stop);
        if (stop instanceof StepResult.ProgramEnded ended) {
            settleEarlySync(early, hooks);
            return new Outcome.Ended(ended.status());
        }
        // from here on the program is stopped: any failure, of whatever kind, restarts it on the source
        Step step = Step.CHECKPOINT;
        FutureTask<StepResult.FinalSynced> sync = new FutureTask<>(() -> {
            SyncReport before = earlySync(early, source, destination);
            StepResult.FinalSynced last = finalSync.run(workdir, source.containers().name(), destination.containers().name());
            return before == null ? last : new StepResult.FinalSynced(combined(before, last.report()), last.atNanos());
        });
        Thread syncThread = syncBesideTransfer ? Thread.ofPlatform().daemon().name("talent-final-sync").start(sync) : null;
        try {
            StepResult.CheckpointTransferred moved = transfer.run(source.files(), destination.files(), connections, progress);
            progress.accept(moved);
            step = Step.SYNC;
            if (syncThread == null) sync.run();
            StepResult.FinalSynced synced = syncResult(sync);
            // beside the hand-over, the sync's phase is what it added to the downtime after it
            progress.accept(syncThread == null ? synced
                    : new StepResult.FinalSynced(synced.report(), Math.max(synced.atNanos(), moved.atNanos())));
            step = Step.START;
            StepResult.Started started = start.run(destination.containers(), destination.container(), c -> {
                hooks.beforeStart().run(c);
                connections.beforeStart(destination.containers(), c, moved.sequence());
            });
            progress.accept(started);
            step = Step.RESTORE;
            progress.accept(confirm.run(destination.containers(), destination.container(), started.atNanos(), connections));
        } catch (MigrationFailedException failure) {
            throw afterStopFailed(failure, false, sync, syncThread, source, hooks, progress);
        } catch (RuntimeException e) {
            throw afterStopFailed(new MigrationFailedException(step, "step " + step.label() + " failed: " + e, "", e), false,
                    sync, syncThread, source, hooks, progress);
        } catch (InterruptedException e) {
            throw afterStopFailed(new MigrationFailedException(step, "step " + step.label() + " interrupted", "", e), true,
                    sync, syncThread, source, hooks, progress);
        }
        keepTaken(source, hooks);
        // the destination's traffic flows only once the move is committed (a commit that throws leaves it locked)
        StepResult.Committed done = commit.run(hooks.ledger(), source.container(), destination.container(), hooks.warn());
        progress.accept(done);
        return new Outcome.Moved(done);
    }

    /**
     * The pre-sync started when the checkpoint was reported written (called on the pipeline's thread, from within the
     * safe point, so whether it was started is settled once the safe point returned).
     */
    private static final class EarlySync {
        private final FutureTask<SyncReport> task;
        private boolean started;

        EarlySync(WorkdirTransport workdir) { this.task = new FutureTask<>(workdir::presync); }

        void start() {
            if (started) return;
            started = true;
            Thread.ofPlatform().daemon().name("talent-early-sync").start(task);
        }

        /** Its report once it ended, null if it never started; its failure as thrown. */
        SyncReport await() throws ExecutionException, InterruptedException {
            return started ? task.get() : null;
        }
    }

    /**
     * The early pre-sync's report once it ended, or null. Its failure fails the final sync (the replica may be partly
     * updated: rollback).
     */
    private static SyncReport earlySync(EarlySync early, Side source, Side destination)
            throws MigrationFailedException, InterruptedException {
        if (early == null) return null;
        try {
            return early.await();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new MigrationFailedException(Step.SYNC, "final sync " + source.containers().name() + " -> "
                    + destination.containers().name() + " failed: " + c.getMessage(), "", c);
        }
    }

    /**
     * After a stop that did not happen (safe point failed, program ended): waits for an early pre-sync; when it failed,
     * the prepared destination's replica may be partly updated and is discarded.
     */
    private static void settleEarlySync(EarlySync early, Hooks hooks) throws InterruptedException {
        if (early == null) return;
        try {
            early.await();
        } catch (ExecutionException e) {
            hooks.discardDestination().run();
        }
    }

    /** Two journal syncs, one after the other, as one report (the destination tree as the last one left it). */
    static SyncReport combined(SyncReport a, SyncReport b) {
        return new SyncReport(SyncReport.JOURNAL, a.filesCopied() + b.filesCopied(), a.filesDeleted() + b.filesDeleted(),
                a.bytesCopied() + b.bytesCopied(), a.entriesVanished() + b.entriesVanished(), a.nanos() + b.nanos(),
                a.entriesSkipped() + b.entriesSkipped(), b.treeBytes(), b.treeEntries());
    }

    /** The final sync's result, or its failure as it was thrown. */
    private static StepResult.FinalSynced syncResult(FutureTask<StepResult.FinalSynced> sync)
            throws MigrationFailedException, InterruptedException {
        try {
            return sync.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case MigrationFailedException m -> throw m;
                case RuntimeException r -> throw r;
                case Error r -> throw r;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /**
     * A step after the stop failed or the pipeline's thread was interrupted: the sync beside the hand-over is waited for
     * (nothing may write into the destination's place while it is removed; on an interrupt it is cancelled first, as
     * its result is of no use any more), then the program restarts on the source. The wait and the rollback run with
     * the thread's interrupt set aside, so that an interrupt cannot leave the program stopped on no host; it is set
     * again before the failure is returned to be thrown.
     */
    private MigrationFailedException afterStopFailed(MigrationFailedException failure, boolean interrupted,
            FutureTask<StepResult.FinalSynced> sync, Thread syncThread, Side source, Hooks hooks,
            Consumer<StepResult> progress) throws RollbackFailedException, InterruptedException {
        interrupted |= Thread.interrupted();
        if (syncThread != null) {
            if (interrupted) sync.cancel(true);
            while (true) {
                try {
                    syncThread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    sync.cancel(true);
                }
            }
        }
        try {
            rollBack(source, hooks, failure, progress);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        return failure;
    }

    /** The checkpoint handed over joins the accepted ones; when it cannot, the older ones stay (told to warn). */
    private static void keepTaken(Side source, Hooks hooks) {
        try {
            source.files().keepTakenCheckpoint();
        } catch (IOException | RuntimeException e) {
            hooks.warn().accept("cannot keep the recovery copy of the checkpoint handed over on " + source.files().name()
                    + ": " + e.getMessage() + "; talent holds the older accepted checkpoints only");
        }
    }

    /** The destination failed after the source stopped: the source goes on from the newest accepted checkpoint. */
    private void rollBack(Side source, Hooks hooks, MigrationFailedException failure, Consumer<StepResult> progress)
            throws RollbackFailedException, InterruptedException {
        hooks.connections().cancel();
        hooks.discardDestination().run();
        keepTaken(source, hooks);
        progress.accept(rollBack.run(source.containers(), source.files(), source.container(),
                "failed step " + failure.step().label(), hooks.watchExit(), hooks.connections()));
    }
}
