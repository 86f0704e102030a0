package dev.talent.migrate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.RollbackFailedException;
import dev.talent.migrate.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a migration can fail, with in-memory hosts (no root, no container): before the source stops the program
 * runs on there untouched; from the stop on, the destination is discarded and the program restarts on the source from
 * the checkpoint talent accepted, so nothing is lost; nothing is committed and the source is removed only after a
 * commit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MigrationPipelineTest {
    static final Duration WAIT = Duration.ofMillis(300);

    @TempDir
    java.nio.file.Path dir;

    final List<String> journal = Collections.synchronizedList(new ArrayList<>());
    final List<StepResult> results = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /** The final sync runs beside the checkpoint's hand-over (talent run's way). */
    boolean syncBeside;
    /** With {@link #syncBeside}: the pre-sync at the checkpoint's report too (talent run's way; a fleet's has none). */
    boolean presyncAtReport = true;
    FakeHost src;
    FakeHost dst;
    FakeHost.FakeContainer program;
    FakeHost.FakeContainer prepared;
    FakeHost.FakeReplica replica;
    boolean syncFault;
    boolean startFault;
    /** A fleet's {@code --inject-fault safepoint}: the program is not asked to stop. */
    boolean safePointFault;
    /** The ledger throws (a fleet's commit that did not reach etcd). */
    boolean commitFails;

    @BeforeEach
    void hosts() throws IOException {
        src = new FakeHost("x86_64", dir, journal);
        dst = new FakeHost("aarch64", dir, journal);
        dst.trust(src.signer);
        program = src.running();
        prepared = dst.create(true, Optional.empty());
        replica = new FakeHost.FakeReplica(journal);
        journal.clear();
    }

    /** Pre-copy before the stop (null: none). */
    PrecopyStep precopy;

    MigrationPipeline.Outcome migrate() throws MigrationFailedException, RollbackFailedException, InterruptedException {
        MigrationPipeline pipeline = new MigrationPipeline(precopy, new SafePointStep(WAIT, safePointFault), new TransferStep(),
                new FinalSyncStep(syncFault), new StartStep(startFault), new ConfirmStep(WAIT), new CommitStep(),
                new RollBackStep(WAIT, warnings::add, " (retry)")).withSyncBesideTransfer(syncBeside, presyncAtReport);
        MigrationPipeline.Hooks hooks = new MigrationPipeline.Hooks(
                c -> journal.add("before start " + c.id()),
                () -> {
                    journal.add("commit");
                    if (commitFails) throw new IllegalStateException("the commit did not happen (etcd refused it)");
                    return Optional.empty();
                },
                () -> {
                    journal.add("discard destination");
                    prepared.delete();
                    replica.close();
                },
                c -> journal.add("watch " + c.id()),
                warnings::add);
        return pipeline.run(new MigrationPipeline.Side(src, src, program), new MigrationPipeline.Side(dst, dst, prepared),
                replica, hooks, results::add);
    }

    /** The migration failed at {@code step} after the stop: the program runs on the source again, from {@code state}. */
    MigrationFailedException assertRolledBack(Step step, String message, String state) throws IOException {
        MigrationFailedException e = catchThrowableOfType(MigrationFailedException.class, this::migrate);
        assertThat(e).as("the migration fails").isNotNull();
        assertThat(e.step()).isEqualTo(step);
        assertThat(e.getMessage()).contains(message);
        assertThat(results.getLast()).isInstanceOf(StepResult.RolledBack.class);
        FakeHost.FakeContainer restarted = (FakeHost.FakeContainer) ((StepResult.RolledBack) results.getLast()).restarted();
        // the program goes on at the source from the checkpoint talent accepted: nothing lost
        assertThat(src.alive()).containsExactly(restarted);
        assertThat(restarted.restart).isTrue();
        assertThat(restarted.running).isTrue();
        assertThat(restarted.locked).isFalse();
        assertThat(restarted.restoredFrom).isEqualTo(state);
        assertThat(program.deleted).as("the stopped source container is removed").isTrue();
        // the destination is gone before the source restarts, and nothing was committed
        assertThat(dst.alive()).isEmpty();
        assertThat(replica.closed).isTrue();
        assertThat(journal).doesNotContain("commit");
        assertThat(journal.indexOf("discard destination")).isLessThan(journal.indexOf("x86_64 create " + restarted.id));
        assertThat(journal).contains("watch " + restarted.id);
        return e;
    }

    /** The migration failed before the stop: the program was never stopped, the prepared destination stays. */
    void assertRunsOnUntouched(Step step, String message) {
        MigrationFailedException e = catchThrowableOfType(MigrationFailedException.class, this::migrate);
        assertThat(e).as("the migration fails").isNotNull();
        assertThat(e.step()).isEqualTo(step);
        assertThat(e.getMessage()).contains(message);
        assertThat(program.deleted).isFalse();
        assertThat(src.alive()).containsExactly(program);
        assertThat(dst.alive()).containsExactly(prepared);
        assertThat(results).noneMatch(r -> r instanceof StepResult.RolledBack);
        assertThat(journal).doesNotContain("commit", "discard destination");
    }

    @Test
    void aMigrationRunsEveryStepInOrderAndRemovesTheSourceOnlyAfterTheCommit() throws Exception {
        MigrationPipeline.Outcome o = migrate();
        assertThat(o).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(results).extracting(r -> r.getClass().getSimpleName()).containsExactly("SafePointRequested",
                "SafePointReached", "CheckpointAccepted", "CheckpointSize", "CheckpointTransferred", "FinalSynced", "Started",
                "Confirmed", "Committed");
        assertThat(prepared.restoredFrom).isEqualTo("TALENTCK counter=41");
        assertThat(prepared.running).isTrue();
        assertThat(dst.checkpointFiles()).containsExactly("ckpt-000041.tck");
        assertThat(journal).containsSubsequence("x86_64 signal CHECKPOINT_AND_EXIT x86_64-1", "x86_64 accepted ckpt-000041.tck",
                "aarch64 received ckpt-000041.tck", "final sync", "before start aarch64-1", "aarch64 start aarch64-1",
                "commit", "x86_64 delete x86_64-1");
        assertThat(src.alive()).isEmpty();
        StepResult.SafePointReached stop = (StepResult.SafePointReached) results.get(1);
        assertThat(stop.checkpointWrittenNanos()).isLessThanOrEqualTo(stop.stoppedNanos());
        assertThat(((StepResult.SafePointRequested) results.getFirst()).network()).isTrue();
        assertThat(warnings).isEmpty();
    }

    @Test
    void aCheckpointBoundToTheOtherByteOrderIsNotHandedOverAndTheProgramGoesOnAtTheSource() throws Exception {
        src.binding = new dev.talent.format.ByteOrderBinding(false, "heap block 3 allocated at m.c:9:5 is carried as raw bytes");
        src.bigEndian = false;
        dst.bigEndian = true;
        MigrationFailedException e = assertRolledBack(Step.CHECKPOINT, "checkpoint 41 is bound to the little-endian byte "
                + "order (heap block 3 allocated at m.c:9:5 is carried as raw bytes): not handed to aarch64, which is "
                + "big-endian", "TALENTCK counter=41");
        assertThat(e.getMessage()).contains("the program goes on from it on x86_64");
        // refused before the hand-over: the destination never saw it, nothing was started or restored there
        assertThat(journal).noneMatch(l -> l.startsWith("aarch64 received") || l.startsWith("aarch64 start"));
        assertThat(dst.checkpointFiles()).isEmpty();
    }

    @Test
    void aCheckpointBoundToTheDestinationsByteOrderOrToNoneMoves() throws Exception {
        src.binding = new dev.talent.format.ByteOrderBinding(false, "heap block 3 allocated at m.c:9:5 is carried as raw bytes");
        dst.bigEndian = false;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(prepared.restoredFrom).isEqualTo("TALENTCK counter=41");
    }

    @Test
    void aDestinationThatDoesNotSayItsByteOrderGetsTheCheckpointItsRuntimeDecides() throws Exception {
        src.binding = new dev.talent.format.ByteOrderBinding(true, "global u holds a union");
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
    }

    @Test
    void theFinalSyncBesideTheHandOverEndsBeforeTheStartAndIsToldAfterTheHandOver() throws Exception {
        syncBeside = true;
        replica.millis = 50;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(results).extracting(r -> r.getClass().getSimpleName()).containsExactly("SafePointRequested",
                "SafePointReached", "CheckpointAccepted", "CheckpointSize", "CheckpointTransferred", "FinalSynced", "Started",
                "Confirmed", "Committed");
        StepResult.CheckpointTransferred moved = (StepResult.CheckpointTransferred) results.get(4);
        StepResult.FinalSynced synced = (StepResult.FinalSynced) results.get(5);
        assertThat(synced.atNanos()).isGreaterThanOrEqualTo(moved.atNanos());
        // the pre-sync at the checkpoint's report (2 files) and the final sync (1 file) as one report
        assertThat(synced.report().filesCopied()).isEqualTo(3);
        assertThat(journal.indexOf("final sync")).isLessThan(journal.indexOf("before start aarch64-1"));
        assertThat(journal.indexOf("aarch64 received ckpt-000041.tck")).isLessThan(journal.indexOf("before start aarch64-1"));
        assertThat(prepared.restoredFrom).isEqualTo("TALENTCK counter=41");
    }

    @Test
    void besideTheHandOverWithoutThePresyncAtTheReportTheFinalSyncRunsWhileTheCheckpointIsHandedOver() throws Exception {
        syncBeside = true;
        presyncAtReport = false;
        // the destination receives the checkpoint only once the final sync made its copies: the two run together
        java.util.concurrent.CountDownLatch synced = new java.util.concurrent.CountDownLatch(1);
        dst.receiveAfter = synced;
        replica.onFinalSync = synced::countDown;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(journal).doesNotContain("presync").containsSubsequence("x86_64 signal CHECKPOINT_AND_EXIT x86_64-1",
                "final sync", "aarch64 received ckpt-000041.tck", "before start aarch64-1");
        StepResult.FinalSynced synced2 = results.stream().filter(r -> r instanceof StepResult.FinalSynced)
                .map(r -> (StepResult.FinalSynced) r).findFirst().orElseThrow();
        assertThat(synced2.report().filesCopied()).as("the final sync's report alone").isEqualTo(1);
        assertThat(prepared.restoredFrom).isEqualTo("TALENTCK counter=41");
    }

    @Test
    void aFinalSyncThatFailsWhileTheCheckpointIsHandedOverRollsBackOnceTheHandOverEnded() throws IOException {
        syncBeside = true;
        presyncAtReport = false;
        replica.fails = true;
        // the hand-over ends after the sync failed: the destination (checkpoint received) is discarded, never started
        java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
        dst.receiveAfter = failed;
        replica.onFinalSyncFailure = failed::countDown;
        assertRolledBack(Step.SYNC, "final sync x86_64 -> aarch64 failed: no space left on device", "TALENTCK counter=41");
        assertThat(journal).containsSubsequence("aarch64 received ckpt-000041.tck", "discard destination")
                .noneMatch(l -> l.startsWith("before start") || l.startsWith("aarch64 start"));
    }

    @Test
    void aFinalSyncBesideTheHandOverThatFailsRollsBack() throws IOException {
        syncBeside = true;
        replica.fails = true;
        assertRolledBack(Step.SYNC, "final sync x86_64 -> aarch64 failed: no space left on device", "TALENTCK counter=41");
    }

    @Test
    void aHandOverThatFailsWaitsForTheSyncBesideItBeforeTheDestinationIsDiscarded() throws IOException {
        syncBeside = true;
        replica.millis = 300;
        src.tamperInTransit = true;
        assertRolledBack(Step.SYNC, "does not match its signature", "TALENTCK counter=41");
        assertThat(journal.indexOf("final sync")).isNotNegative().isLessThan(journal.indexOf("discard destination"));
    }

    @Test
    void aHandOverInterruptedWaitsForTheSyncBesideItThenRollsBack() throws Exception {
        syncBeside = true;
        presyncAtReport = false;
        replica.millis = 300;
        // the hand-over blocks until interrupted, while the sync beside it still runs
        dst.receiveAfter = new java.util.concurrent.CountDownLatch(1);
        dst.receiving = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean interruptSet = new java.util.concurrent.atomic.AtomicBoolean();
        Thread migrating = Thread.ofPlatform().name("migrating").start(() -> {
            try {
                migrate();
            } catch (Exception e) {
                thrown.set(e);
            }
            interruptSet.set(Thread.currentThread().isInterrupted());
        });
        dst.receiving.await();
        migrating.interrupt();
        migrating.join();
        assertThat(thrown.get()).isInstanceOf(MigrationFailedException.class);
        assertThat(interruptSet).as("the interrupt is kept for the caller").isTrue();
        assertThat(results.getLast()).isInstanceOf(StepResult.RolledBack.class);
        FakeHost.FakeContainer restarted = (FakeHost.FakeContainer) ((StepResult.RolledBack) results.getLast()).restarted();
        assertThat(src.alive()).containsExactly(restarted);
        assertThat(restarted.running).isTrue();
        assertThat(restarted.restoredFrom).isEqualTo("TALENTCK counter=41");
        assertThat(dst.alive()).isEmpty();
        assertThat(replica.closed).isTrue();
        // the sync beside it ended before the destination was discarded (it was cancelled: it made no copies)
        assertThat(replica.closedWhileSyncing).isFalse();
        assertThat(journal).doesNotContain("commit", "final sync").noneMatch(l -> l.startsWith("aarch64 start"));
    }

    @Test
    void aCheckpointTakenInMemoryIsKeptAfterTheDestinationRunsBeforeTheCommit() throws Exception {
        src.keepLater = true;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(journal).containsSubsequence("x86_64 accepted ckpt-000041.tck", "aarch64 received ckpt-000041.tck",
                "aarch64 start aarch64-1", "x86_64 kept ckpt-000041.tck", "commit", "x86_64 delete x86_64-1");
        assertThat(src.accepted).containsOnlyKeys("ckpt-000041.tck");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aCheckpointTakenInMemoryIsKeptBeforeARollbackWhichRestartsFromIt() throws IOException {
        src.accepted.put("ckpt-000040.tck", "TALENTCK counter=40".getBytes(StandardCharsets.US_ASCII));
        src.keepLater = true;
        replica.fails = true;
        assertRolledBack(Step.SYNC, "final sync x86_64 -> aarch64 failed", "TALENTCK counter=41");
        assertThat(journal.indexOf("x86_64 kept ckpt-000041.tck")).isLessThan(journal.indexOf("x86_64 restored "
                + "[ckpt-000040.tck, ckpt-000041.tck]"));
    }

    @Test
    void aRecoveryCopyThatCannotBeKeptIsToldAndTheMoveStands() throws Exception {
        src.keepLater = true;
        src.keepFails = true;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(prepared.running).isTrue();
        assertThat(warnings).singleElement().asString().contains("cannot keep the recovery copy of the checkpoint handed"
                + " over on x86_64: no space left on device; talent holds the older accepted checkpoints only");
    }

    @Test
    void aRecoveryCopyThatCannotBeKeptBeforeARollbackLeavesTheOlderOne() throws IOException {
        src.accepted.put("ckpt-000040.tck", "TALENTCK counter=40".getBytes(StandardCharsets.US_ASCII));
        src.keepLater = true;
        src.keepFails = true;
        replica.fails = true;
        assertRolledBack(Step.SYNC, "final sync x86_64 -> aarch64 failed", "TALENTCK counter=40");
        assertThat(warnings).anyMatch(w -> w.contains("cannot keep the recovery copy"));
    }

    @Test
    void aProgramThatEndsBeforeItsSafePointIsNotMigrated() throws Exception {
        src.onStop = FakeHost.OnStop.ENDS_ON_ITS_OWN;
        assertThat(migrate()).isEqualTo(new MigrationPipeline.Outcome.Ended(0));
        assertThat(dst.alive()).containsExactly(prepared);
        assertThat(journal).doesNotContain("commit", "discard destination");
    }

    // ---- a destination that holds the peers' packets (talent run --net on one host)

    @Test
    void aDestinationThatHoldsTakesTheTrafficAndTheSourceIsLockedOnlyOnceItStopped() throws Exception {
        prepared.holds = true;
        prepared.pins = true;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        // what the source sends until it stops goes out (an answer written just before the stop): its port goes
        // down once its checkpoint is written (or its connections taken), not at the lock
        assertThat(journal).containsSubsequence("aarch64 hold aarch64-1", "x86_64 signal CHECKPOINT_AND_EXIT x86_64-1",
                "x86_64 lock x86_64-1", "aarch64 start aarch64-1", "commit");
        assertThat(journal.subList(0, journal.indexOf("x86_64 signal CHECKPOINT_AND_EXIT x86_64-1")))
                .doesNotContain("x86_64 lock x86_64-1");
        assertThat(prepared.holding).as("released by the unlock").isFalse();
        assertThat(prepared.locked).isFalse();
    }

    /**
     * A destination on another host (the fleet's) holds, but the segment's bridges would learn the app's MAC back at
     * the source from any frame the source sent: the source is locked at once, before the signal, as without a hold.
     */
    @Test
    void aHoldThatDoesNotPinTheTrafficLocksTheSourceAtOnce() throws Exception {
        prepared.holds = true;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(journal).containsSubsequence("aarch64 hold aarch64-1", "x86_64 lock x86_64-1",
                "x86_64 signal CHECKPOINT_AND_EXIT x86_64-1", "aarch64 start aarch64-1", "commit");
        assertThat(journal.stream().filter(l -> l.equals("x86_64 lock x86_64-1"))).as("locked once").hasSize(1);
    }

    @Test
    void aHoldingDestinationIsLockedAgainWhenTheProgramDoesNotStop() {
        prepared.holds = true;
        src.onStop = FakeHost.OnStop.SILENT;
        assertRunsOnUntouched(Step.CHECKPOINT, "did not reach a checkpoint site");
        assertThat(journal).containsSubsequence("aarch64 hold aarch64-1", "aarch64 lock aarch64-1");
        assertThat(prepared.locked).as("the traffic is the source's again").isTrue();
    }

    @Test
    void aHoldingDestinationIsLockedAgainWhenTheProgramEndedOnItsOwn() throws Exception {
        prepared.holds = true;
        src.onStop = FakeHost.OnStop.ENDS_ON_ITS_OWN;
        assertThat(migrate()).isEqualTo(new MigrationPipeline.Outcome.Ended(0));
        assertThat(prepared.locked).isTrue();
    }

    @Test
    void aDestinationThatDoesNotHoldStaysLockedUntilTheUnlock() throws Exception {
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(journal).noneMatch(l -> l.contains(" hold ")).doesNotContain("aarch64 lock aarch64-1")
                .containsSubsequence("x86_64 lock x86_64-1", "x86_64 signal CHECKPOINT_AND_EXIT x86_64-1");
    }

    // ---- failures before the stop: the program runs on at the source

    @Test
    void safePointTheNetworkCannotBeLocked() {
        src.lockFails = true;
        assertRunsOnUntouched(Step.CHECKPOINT, "cannot signal the program on x86_64: cannot take the port down");
    }

    @Test
    void safePointTheProgramCannotBeSignalled() {
        src.signalFails = true;
        assertRunsOnUntouched(Step.CHECKPOINT, "cannot signal the program on x86_64: no such process");
    }

    @Test
    void safePointTheProgramDoesNotReachASite() {
        src.onStop = FakeHost.OnStop.SILENT;
        assertRunsOnUntouched(Step.CHECKPOINT, "the program on x86_64 did not reach a checkpoint site within 0 s");
    }

    @Test
    void safePointAnInjectedFaultDoesEverythingButAskTheProgramAndTimesOut() {
        safePointFault = true;
        assertRunsOnUntouched(Step.CHECKPOINT, "the program on x86_64 did not reach a checkpoint site within 0 s (fault injected"
                + " at step safepoint: it was not asked to stop)");
        assertThat(journal).contains("x86_64 lock x86_64-1").noneMatch(l -> l.contains("signal"));
        assertThat(program.running).as("never asked, it runs on").isTrue();
    }

    @Test
    void safePointTheCheckpointCannotBeWritten() {
        src.onStop = FakeHost.OnStop.CHECKPOINT_FAILS;
        assertRunsOnUntouched(Step.CHECKPOINT, "the checkpoint could not be written on x86_64: disk full; the program "
                + "keeps running there");
    }

    // ---- failures after the stop: rollback to the source, nothing lost

    @Test
    void transferTheSourceRefusesTheCheckpointTheProgramLeft() throws IOException {
        // talent still holds the checkpoint it accepted at the previous migration
        src.accepted.put("ckpt-000040.tck", "TALENTCK counter=40".getBytes(StandardCharsets.US_ASCII));
        src.takeFails = true;
        assertRolledBack(Step.CHECKPOINT, "the checkpoint the program on x86_64 left is refused", "TALENTCK counter=40");
    }

    @Test
    void transferATamperedCheckpointIsRefusedAndNothingIsRestoredFromIt() throws IOException {
        src.tamperInTransit = true;
        assertRolledBack(Step.SYNC, "cannot hand checkpoint 41 to aarch64: checkpoint ckpt-000041.tck does not match its "
                + "signature", "TALENTCK counter=41");
        assertThat(dst.checkpointFiles()).isEmpty();
        assertThat(prepared.restoredFrom).isNull();
    }

    @Test
    void transferAnUnsignedCheckpointIsRefused() throws IOException {
        src.unsigned = true;
        assertRolledBack(Step.SYNC, "checkpoint ckpt-000041.tck is unsigned; refused", "TALENTCK counter=41");
        assertThat(dst.checkpointFiles()).isEmpty();
    }

    @Test
    void transferACheckpointSignedByAnotherKeyIsRefused() throws IOException {
        src.signer = CheckpointSigner.generate();
        assertRolledBack(Step.SYNC, "is signed by a key this host does not trust; refused", "TALENTCK counter=41");
        assertThat(dst.checkpointFiles()).isEmpty();
    }

    @Test
    void finalSyncFails() throws IOException {
        replica.fails = true;
        assertRolledBack(Step.SYNC, "final sync x86_64 -> aarch64 failed: no space left on device", "TALENTCK counter=41");
    }

    @Test
    void besideTheTransferTheWorkdirIsPresyncedWhenTheCheckpointIsReportedAndFinallySyncedAfterTheExit() throws Exception {
        syncBeside = true;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        // the pre-sync began at the report (before the exit was seen), the final sync came after it
        assertThat(journal).containsSubsequence("x86_64 signal CHECKPOINT_AND_EXIT x86_64-1", "presync", "final sync",
                "before start aarch64-1");
        assertThat(journal.stream().filter("presync"::equals)).hasSize(1);
        StepResult.FinalSynced synced = results.stream().filter(r -> r instanceof StepResult.FinalSynced)
                .map(r -> (StepResult.FinalSynced) r).findFirst().orElseThrow();
        // one report for both: 2 + 1 files copied, 1 deleted, 5 + 3 bytes
        assertThat(synced.report().filesCopied()).isEqualTo(3);
        assertThat(synced.report().filesDeleted()).isEqualTo(1);
        assertThat(synced.report().bytesCopied()).isEqualTo(8);
    }

    @Test
    void withoutTheSyncBesideTheTransferNothingIsPresyncedInsideTheMigration() throws Exception {
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(journal).doesNotContain("presync").contains("final sync");
    }

    @Test
    void aPresyncAtTheReportThatFailsFailsTheSyncAndRollsBack() throws IOException {
        syncBeside = true;
        replica.presyncFails = true;
        assertRolledBack(Step.SYNC, "final sync x86_64 -> aarch64 failed: no space left on device (pre-sync)",
                "TALENTCK counter=41");
        assertThat(journal).doesNotContain("final sync");
    }

    @Test
    void finalSyncInjectedFault() throws IOException {
        syncFault = true;
        assertRolledBack(Step.SYNC, "fault injected at step sync (--inject-fault sync)", "TALENTCK counter=41");
    }

    @Test
    void startTheDestinationDoesNotStart() throws IOException {
        dst.startFails = true;
        MigrationFailedException e = assertRolledBack(Step.START, "the container on aarch64 did not start: runc start failed",
                "TALENTCK counter=41");
        assertThat(e.logTail()).isEqualTo("log of aarch64-1");
    }

    @Test
    void startInjectedFaultKillsTheDestinationFirst() throws IOException {
        startFault = true;
        assertRolledBack(Step.START, "the container on aarch64 did not start", "TALENTCK counter=41");
        assertThat(journal).contains("aarch64 signal KILL aarch64-1");
    }

    @Test
    void confirmTheDestinationExitsInsteadOfResuming() throws IOException {
        dst.onRestore = FakeHost.OnRestore.EXITS;
        assertRolledBack(Step.RESTORE, "the program on aarch64 exited with status 1 instead of resuming", "TALENTCK counter=41");
    }

    /** Found by `talent bench migration`: a program that ended right after its restore ran again on the source. */
    @Test
    void aDestinationThatEndsRightAfterItsRestoreIsConfirmedNotRolledBack() throws Exception {
        dst.onRestore = FakeHost.OnRestore.ENDS_AT_ONCE;
        MigrationPipeline.Outcome o = migrate();
        assertThat(o).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(results).extracting(r -> r.getClass().getSimpleName()).endsWith("Started", "Confirmed", "Committed");
        assertThat(results).noneMatch(r -> r instanceof StepResult.RolledBack);
        assertThat(prepared.restoredFrom).isEqualTo("TALENTCK counter=41");
        assertThat(src.alive()).as("the source was not restarted").isEmpty();
    }

    @Test
    void confirmTheDestinationNeverReports() throws IOException {
        dst.onRestore = FakeHost.OnRestore.SILENT;
        assertRolledBack(Step.RESTORE, "the program on aarch64 did not report that it runs within 0 s", "TALENTCK counter=41");
    }

    // ---- the commit point (--net): the destination's traffic flows only once the move is committed

    /**
     * The destination, held or locked since the stop, is unlocked only after the commit: a peer's data is acknowledged
     * by no copy that the commit does not name. Fails with the unlock in the confirm step (before the commit).
     */
    @Test
    void theDestinationsNetworkIsUnlockedOnlyAfterTheCommitAndBeforeTheSourceGoes() throws Exception {
        prepared.holds = true;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(journal).containsSubsequence("aarch64 hold aarch64-1", "aarch64 start aarch64-1", "commit",
                "aarch64 unlock aarch64-1", "x86_64 delete x86_64-1");
        assertThat(journal.subList(0, journal.indexOf("commit"))).doesNotContain("aarch64 unlock aarch64-1");
        StepResult.Confirmed confirmed = (StepResult.Confirmed) results.get(results.size() - 2);
        StepResult.Committed committed = (StepResult.Committed) results.getLast();
        assertThat(committed.unlockedNanos()).isGreaterThanOrEqualTo(confirmed.readyNanos());
        assertThat(prepared.locked).isFalse();
        assertThat(prepared.holding).isFalse();
    }

    /**
     * A commit that fails leaves the destination off the traffic (still holding: what the peers sent meanwhile was
     * never acknowledged by it) and the source stopped at its checkpoint, for the caller to resolve.
     */
    @Test
    void aCommitThatFailsLeavesTheDestinationHeldAndNeverUnlocked() {
        prepared.holds = true;
        commitFails = true;
        assertThatThrownBy(this::migrate).isInstanceOf(IllegalStateException.class).hasMessageContaining("etcd refused it");
        assertThat(journal).contains("commit").noneMatch(l -> l.startsWith("aarch64 unlock"));
        assertThat(prepared.holding).as("the peers' packets stay queued, unacknowledged").isTrue();
        assertThat(program.deleted).as("the source stays, stopped at its checkpoint").isFalse();
        assertThat(results).noneMatch(r -> r instanceof StepResult.Committed || r instanceof StepResult.RolledBack);
    }

    @Test
    void anUnlockThatFailsAfterTheCommitIsTriedAgainAndTheMoveStands() throws Exception {
        dst.unlockFailsTimes = 2;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(journal).containsSubsequence("commit", "aarch64 unlock failed aarch64-1", "aarch64 unlock failed aarch64-1",
                "aarch64 unlock aarch64-1", "x86_64 delete x86_64-1");
        assertThat(results).noneMatch(r -> r instanceof StepResult.RolledBack);
        assertThat(prepared.locked).isFalse();
        assertThat(warnings).singleElement().asString().contains("unlocked at try 3 after the commit");
    }

    @Test
    void anUnlockThatNeverWorksAfterTheCommitIsToldAndNotRolledBack() throws Exception {
        dst.unlockFails = true;
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(journal.stream().filter(l -> l.equals("aarch64 unlock failed aarch64-1"))).hasSize(CommitStep.UNLOCK_TRIES.size());
        assertThat(results).noneMatch(r -> r instanceof StepResult.RolledBack);
        assertThat(src.alive()).isEmpty();
        assertThat(warnings).singleElement().asString().contains("is committed but its network cannot be unlocked after 5 tries: "
                + "cannot bring the port up");
    }

    @Test
    void anUnexpectedExceptionInAStepAlsoRollsBack() throws IOException {
        dst.eventsBroken = true;
        assertRolledBack(Step.RESTORE, "step restore failed: java.lang.IllegalStateException: the event channel of aarch64 "
                + "is closed", "TALENTCK counter=41");
    }

    // ---- the rollback itself fails: said clearly, with where the state is

    @Test
    void rollBackWithoutAValidAcceptedCheckpointFailsAndSaysWhereTheStateIs() {
        src.restoreFails = true;
        replica.fails = true;
        assertThatThrownBy(this::migrate).isInstanceOf(RollbackFailedException.class)
                .hasMessage("rollback failed: the program cannot go on after failed step sync: talent holds no valid "
                        + "checkpoint of it; the checkpoints are on x86_64 (retry)");
        assertThat(warnings).containsExactly("checkpoint fails its authentication");
        assertThat(journal).doesNotContain("commit");
    }

    @Test
    void rollBackWhenTheRestartedProgramExitsFails() {
        src.onRestore = FakeHost.OnRestore.EXITS;
        replica.fails = true;
        assertThatThrownBy(this::migrate).isInstanceOf(RollbackFailedException.class)
                .hasMessageContaining("the program restarted on x86_64 after failed step sync exited with status 1; the "
                        + "checkpoints are on x86_64 (retry); container log:\nlog of x86_64-2");
    }

    @Test
    void rollBackWhenTheSourceCannotCreateAContainerFails() {
        src.createFails = true;
        replica.fails = true;
        assertThatThrownBy(this::migrate).isInstanceOf(RollbackFailedException.class)
                .hasMessage("rollback failed: the program cannot be restarted on x86_64 after failed step sync: runc create "
                        + "failed on x86_64; the checkpoints are on x86_64 (retry)");
    }

    // ---- prepare: while the program runs; a failure leaves nothing behind and does not touch the program

    @Test
    void prepareCreatesTheDestinationAfterItsReplica() throws Exception {
        FakeHost.FakeReplica r = new FakeHost.FakeReplica(journal);
        PrepareStep.Prepared p = new PrepareStep().run(dst, dst, r, Optional.of("restore"));
        FakeHost.FakeContainer c = (FakeHost.FakeContainer) p.container();
        assertThat(c.restart).isTrue();
        assertThat(c.fault).contains("restore");
        assertThat(p.replica()).isSameAs(r);
        assertThat(r.closed).isFalse();
    }

    @Test
    void prepareThatFailsClosesTheReplicaAndLeavesTheProgramAlone() {
        dst.createFails = true;
        FakeHost.FakeReplica r = new FakeHost.FakeReplica(journal);
        assertThatThrownBy(() -> new PrepareStep().run(dst, dst, r, Optional.empty()))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessage("cannot prepare aarch64: runc create failed on aarch64")
                .extracting(e -> ((MigrationFailedException) e).step()).isEqualTo(Step.PREPARE);
        assertThat(r.closed).isTrue();
        assertThat(program.running).isTrue();
        assertThat(journal).isEmpty();
    }

    // ---- a destination started ahead (talent run --prestart): its runtime waits for the go that the start gives

    /** Replaces the prepared destination by one started ahead. */
    void startAhead() throws IOException {
        prepared.delete();
        prepared = dst.createStartedAhead(Optional.empty());
        journal.clear();
    }

    @Test
    void aDestinationStartedAheadIsCheckedBeforeTheStopAndOnlyGetsItsGoInTheWindow() throws Exception {
        startAhead();
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(results).extracting(r -> r.getClass().getSimpleName()).containsExactly("DestinationReady",
                "SafePointRequested", "SafePointReached", "CheckpointAccepted", "CheckpointSize", "CheckpointTransferred",
                "FinalSynced", "Started", "Confirmed", "Committed");
        assertThat(journal).containsSubsequence("aarch64 ready? " + prepared.id, "x86_64 signal CHECKPOINT_AND_EXIT x86_64-1",
                "aarch64 received ckpt-000041.tck", "final sync", "before start " + prepared.id, "aarch64 go " + prepared.id,
                "commit", "x86_64 delete x86_64-1");
        assertThat(journal).noneMatch(l -> l.startsWith("aarch64 start "));
        assertThat(prepared.restoredFrom).isEqualTo("TALENTCK counter=41");
    }

    @Test
    void aDestinationStartedAheadThatDoesNotWaitFailsTheMigrationBeforeTheStopAndIsDiscarded() throws IOException {
        startAhead();
        dst.aheadNeverWaits = true;
        MigrationFailedException e = catchThrowableOfType(MigrationFailedException.class, this::migrate);
        assertThat(e).isNotNull();
        assertThat(e.step()).isEqualTo(Step.PREPARE);
        assertThat(e.getMessage()).contains("the destination started ahead on aarch64 does not wait for its go");
        // the program was never asked to stop and runs on; the useless destination is gone (the next try prepares anew)
        assertThat(journal).noneMatch(l -> l.contains("CHECKPOINT_AND_EXIT"));
        assertThat(src.alive()).containsExactly(program);
        assertThat(program.running).isTrue();
        assertThat(journal).contains("discard destination");
        assertThat(dst.alive()).isEmpty();
        assertThat(results).noneMatch(r -> r instanceof StepResult.RolledBack);
    }

    @Test
    void aDestinationStartedAheadThatDiedIsDiscardedBeforeTheStop() throws IOException {
        startAhead();
        prepared.signal(Signal.KILL);
        journal.clear();
        MigrationFailedException e = catchThrowableOfType(MigrationFailedException.class, this::migrate);
        assertThat(e.step()).isEqualTo(Step.PREPARE);
        assertThat(e.getMessage()).contains("ended before it waited for its go");
        assertThat(journal).noneMatch(l -> l.contains("CHECKPOINT_AND_EXIT"));
        assertThat(program.running).isTrue();
        assertThat(dst.alive()).isEmpty();
    }

    @Test
    void aDestinationStartedAheadThatDiesInTheWindowIsKilledAndRemovedAndTheSourceGoesOn() throws IOException {
        startAhead();
        startFault = true;
        assertRolledBack(Step.START, "the container on aarch64 did not start: container aarch64-2 does not wait for its go",
                "TALENTCK counter=41");
        assertThat(journal).containsSubsequence("aarch64 ready? aarch64-2", "x86_64 signal CHECKPOINT_AND_EXIT x86_64-1",
                "aarch64 signal KILL aarch64-2", "discard destination", "aarch64 delete aarch64-2");
    }

    @Test
    void aDestinationStartedAheadThatFailsItsRestoreIsRemovedAndTheSourceGoesOn() throws IOException {
        startAhead();
        dst.onRestore = FakeHost.OnRestore.EXITS;
        assertRolledBack(Step.RESTORE, "the program on aarch64 exited with status 1 instead of resuming", "TALENTCK counter=41");
        assertThat(journal).contains("aarch64 go aarch64-2");
    }

    @Test
    void prepareCanStartTheDestinationAhead() throws Exception {
        FakeHost.FakeReplica r = new FakeHost.FakeReplica(journal);
        PrepareStep.Prepared p = new PrepareStep().run(dst, dst, r, Optional.empty(), true);
        FakeHost.FakeContainer c = (FakeHost.FakeContainer) p.container();
        assertThat(c.startedAhead()).isTrue();
        assertThat(c.restart).isTrue();
        assertThat(journal).containsExactly("aarch64 create and start ahead " + c.id);
    }

    @Test
    void withPrecopyTheImageIsHandedOverWhileTheProgramRunsThenTheStopFollows() throws Exception {
        precopy = new PrecopyStep(WAIT, 2);
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(results).extracting(r -> r.getClass().getSimpleName()).startsWith("Precopied", "SafePointRequested");
        assertThat(((StepResult.Precopied) results.getFirst()).rounds()).isEqualTo(2);
        assertThat(journal).containsSubsequence("x86_64 signal PRECOPY_ROUND " + program.id, "aarch64 received pre-000002.tck",
                "x86_64 signal CHECKPOINT_AND_EXIT " + program.id, "aarch64 received ckpt-000041.tck", "commit");
    }

    @Test
    void aDestinationStartedAheadRestoresTheImageAheadBeforeTheStop() throws Exception {
        precopy = new PrecopyStep(WAIT, 2);
        prepared = dst.createStartedAhead(Optional.empty());
        prepared.restoresBase = true;
        journal.clear();
        assertThat(migrate()).isInstanceOf(MigrationPipeline.Outcome.Moved.class);
        assertThat(((StepResult.Precopied) results.get(1)).aheadBytes()).isEqualTo(1 << 20);
        assertThat(journal).containsSubsequence("aarch64 received pre-000002.tck", "aarch64 base pre-000002.tck " + prepared.id,
                "x86_64 signal CHECKPOINT_AND_EXIT " + program.id, "aarch64 received ckpt-000041.tck",
                "aarch64 go " + prepared.id, "commit");
    }

    @Test
    void aDestinationThatEndsWhileRestoringItsBaseAheadIsDiscardedBeforeAnyStop() throws Exception {
        precopy = new PrecopyStep(WAIT, 2);
        prepared = dst.createStartedAhead(Optional.empty());
        prepared.restoresBase = true;
        prepared.aheadExits = true;
        journal.clear();
        MigrationFailedException e = catchThrowableOfType(MigrationFailedException.class, this::migrate);
        assertThat(e).isNotNull();
        assertThat(e.step()).isEqualTo(Step.PREPARE);
        assertThat(program.deleted).isFalse();
        assertThat(program.running).isTrue();
        assertThat(journal).contains("discard destination").noneMatch(j -> j.contains("CHECKPOINT_AND_EXIT"));
        assertThat(results).noneMatch(r -> r instanceof StepResult.RolledBack);
    }

    @Test
    void aPrecopyFailureLeavesTheProgramRunningUntouched() {
        precopy = new PrecopyStep(WAIT, 2);
        src.precopySilent = true;
        assertRunsOnUntouched(Step.PRECOPY, "wrote no pre-copy image");
    }
}
