package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.pipeline.StepResult;
import java.math.BigInteger;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MigrationTimingTest {
    private static final long MS = 1_000_000;

    @Test
    void theCheckpointPhaseIsSplitIntoTheExitTheTakeAndTheHandOver() {
        long now = System.nanoTime();
        MigrationTiming t = new MigrationTiming();
        t.note(new StepResult.SafePointRequested(now - 10 * MS, false, 0));
        t.note(new StepResult.SafePointReached(now - 7 * MS, now - 4 * MS));
        t.note(new StepResult.CheckpointAccepted(BigInteger.TWO, 0));
        long taken = System.nanoTime();
        t.note(new StepResult.CheckpointTransferred(BigInteger.TWO, taken + 20 * MS));

        MigrationRecord r = t.record("app", "h1/x86_64", "h2/aarch64", Instant.EPOCH);

        MigrationRecord.CheckpointParts p = r.parts();
        assertThat(p.exitMs()).isEqualTo(3.0);
        // the take: from the exit to the moment the statement was told, read between now and taken
        assertThat(p.takeMs()).isBetween(4.0, 4.0 + (taken - now) / 1e6 + 0.001);
        assertThat(p.handOverMs()).isGreaterThanOrEqualTo(20.0);
        assertThat(p.exitMs() + p.takeMs() + p.handOverMs()).isCloseTo(r.checkpointMs(), within(0.005));
    }

    @Test
    void aTakeThatHandedTheCheckpointOverGivesTheSendToTheHandOver() {
        long now = System.nanoTime();
        MigrationTiming t = new MigrationTiming();
        t.note(new StepResult.SafePointRequested(now - 200 * MS, false, 0));
        t.note(new StepResult.SafePointReached(now - 197 * MS, now - 194 * MS));
        t.note(new StepResult.CheckpointAccepted(BigInteger.TWO, 0));
        long taken = System.nanoTime();
        // the take's answer came after its send of 150 ms; the pipeline then found it handed over
        t.handedInTake(150 * MS);
        t.note(new StepResult.CheckpointTransferred(BigInteger.TWO, taken));

        MigrationRecord.CheckpointParts p = t.record("app", "h1/x86_64", "h2/aarch64", Instant.EPOCH).parts();

        assertThat(p.exitMs()).isEqualTo(3.0);
        assertThat(p.takeMs()).isBetween(44.0, 44.0 + (taken - now) / 1e6 + 0.001);
        assertThat(p.handOverMs()).isGreaterThanOrEqualTo(150.0);
        // a send said to be longer than the whole take leaves the take 0, never before the exit
        MigrationTiming late = new MigrationTiming();
        late.note(new StepResult.SafePointReached(now - 7 * MS, now - 4 * MS));
        late.note(new StepResult.CheckpointAccepted(BigInteger.TWO, 0));
        late.handedInTake(1_000 * MS);
        late.note(new StepResult.CheckpointTransferred(BigInteger.TWO, System.nanoTime()));
        assertThat(late.record("app", "h1/x86_64", "h2/aarch64", Instant.EPOCH).parts().takeMs()).isZero();
    }

    @Test
    void aReadingBeforeTheOneItFollowsIsNoNegativeDuration() {
        long now = System.nanoTime();
        MigrationTiming t = new MigrationTiming();
        // events read late: the checkpoint's reading is before the safe point's request
        t.note(new StepResult.SafePointRequested(now, false, 0));
        t.note(new StepResult.SafePointReached(now - 5 * MS, now - 4 * MS));

        MigrationRecord r = t.failed("app", "h1/x86_64", "h2/aarch64", Instant.EPOCH, new MigrationFailedException(Step.SYNC, "x"));

        assertThat(r.safePointMs()).isZero();
    }

    @Test
    void whatBoundTheCheckpointGoesIntoTheRecordOfEitherOutcome() {
        dev.talent.format.ByteOrderBinding b = new dev.talent.format.ByteOrderBinding(true, "global u holds a union");
        MigrationTiming t = new MigrationTiming();
        t.note(new StepResult.CheckpointAccepted(BigInteger.TWO, 0, java.util.Optional.of(b)));

        assertThat(t.record("app", "s390x", "s390x", Instant.EPOCH).binding()).isEqualTo(MigrationRecord.Bound.of(b));
        assertThat(t.failed("app", "s390x", "x86_64", Instant.EPOCH, new dev.talent.migrate.MigrationFailedException(
                dev.talent.migrate.Step.CHECKPOINT, "bound", "", null)).binding().value()).isEqualTo(b);
        MigrationTiming unbound = new MigrationTiming();
        unbound.note(new StepResult.CheckpointAccepted(BigInteger.TWO, 0));
        assertThat(unbound.record("app", "s390x", "s390x", Instant.EPOCH).binding()).isNull();
    }

    @Test
    void theDestinationsOwnTimeOfTheHandOverIsAPartOnlyWhenItWasSaid() {
        long now = System.nanoTime();
        MigrationTiming t = new MigrationTiming();
        t.note(new StepResult.SafePointRequested(now - 10 * MS, false, 0));
        t.note(new StepResult.SafePointReached(now - 7 * MS, now - 4 * MS));
        t.note(new StepResult.CheckpointAccepted(BigInteger.TWO, 0));
        t.note(new StepResult.CheckpointTransferred(BigInteger.TWO, System.nanoTime() + 20 * MS));
        assertThat(t.record("app", "h1/x86_64", "h2/x86_64", Instant.EPOCH).parts().receiveMs()).isNull();

        t.handOverReceived(12_345_678);

        assertThat(t.record("app", "h1/x86_64", "h2/x86_64", Instant.EPOCH).parts().receiveMs()).isEqualTo(12.346);
        assertThat(t.failed("app", "h1/x86_64", "h2/x86_64", Instant.EPOCH, new MigrationFailedException(Step.SYNC, "x"))
                .parts().receiveMs()).isEqualTo(12.346);
        t.handOverReceived(0);
        assertThat(t.record("app", "h1/x86_64", "h2/x86_64", Instant.EPOCH).parts().receiveMs()).isNull();
    }

    @Test
    void withoutAHandOverThereAreNoParts() {
        long now = System.nanoTime();
        MigrationTiming t = new MigrationTiming();
        t.note(new StepResult.SafePointRequested(now - 10 * MS, false, 0));
        t.note(new StepResult.SafePointReached(now - 7 * MS, now - 4 * MS));

        assertThat(t.failed("app", "a", "b", Instant.EPOCH, new MigrationFailedException(Step.CHECKPOINT, "refused")).parts()).isNull();
    }

    @Test
    void aStopReadBeforeTheCheckpointWasReportedCountsAsAnExitOfNoTime() {
        long now = System.nanoTime();
        MigrationTiming t = new MigrationTiming();
        t.note(new StepResult.SafePointRequested(now - 10 * MS, false, 0));
        t.note(new StepResult.SafePointReached(now - 7 * MS, now - 8 * MS));
        t.note(new StepResult.CheckpointAccepted(BigInteger.ONE, 0));
        t.note(new StepResult.CheckpointTransferred(BigInteger.ONE, System.nanoTime() + MS));

        MigrationRecord.CheckpointParts p = t.record("app", "a", "b", Instant.EPOCH).parts();

        assertThat(p.exitMs()).isZero();
        assertThat(p.takeMs()).isGreaterThanOrEqualTo(7.0);
    }
}
