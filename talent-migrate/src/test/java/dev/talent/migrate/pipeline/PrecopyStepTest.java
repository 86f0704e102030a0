package dev.talent.migrate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.Step;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Pre-copy rounds with in-memory hosts: how many rounds, which image reaches the destination, and every failure. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PrecopyStepTest {
    static final Duration WAIT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    final List<String> journal = Collections.synchronizedList(new ArrayList<>());
    FakeHost src;
    FakeHost dst;
    FakeHost.FakeContainer program;

    @BeforeEach
    void hosts() throws IOException {
        src = new FakeHost("x86_64", dir, journal);
        dst = new FakeHost("s390x", dir, journal);
        dst.trust(src.signer);
        program = src.running();
    }

    StepResult run(int maxRounds) throws MigrationFailedException, InterruptedException {
        return new PrecopyStep(WAIT, maxRounds).run(src, program, src, dst);
    }

    @Test
    void roundsStopWhenTheChangeNoLongerShrinksAndTheNewestImageReachesTheDestination() throws Exception {
        src.precopyDeltas = new long[] {-1, 1000, 990, 10, 5};
        StepResult r = run(5);
        StepResult.Precopied p = (StepResult.Precopied) r;
        // round 2 measures the change (1000), round 3 barely shrinks it (990 > 3/4 of 1000): no fourth round
        assertThat(p.rounds()).isEqualTo(3);
        assertThat(p.image()).isEqualTo("pre-000003.tck");
        assertThat(p.lastDeltaBytes()).isEqualTo(990);
        assertThat(p.baseBytes()).isPositive();
        assertThat(dst.checkpointFiles()).containsExactly("pre-000003.tck");
        assertThat(journal).containsSubsequence("x86_64 accepted pre-000003.tck", "s390x received pre-000003.tck");
        assertThat(program.running).as("the program never stopped").isTrue();
    }

    @Test
    void theProgressIsToldAfterEachRoundThenAfterTheHandOver() throws Exception {
        src.precopyDeltas = new long[] {-1, 1000, 990, 10, 5};
        List<String> told = new ArrayList<>();
        PrecopyStep.Progress progress = (rounds, bytes, nanos, handedOver) -> {
            assertThat(bytes).isPositive();
            assertThat(nanos).isNotNegative();
            try {
                told.add(rounds + (handedOver ? " handed over" : "") + " " + dst.checkpointFiles());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        StepResult.Precopied p = (StepResult.Precopied) new PrecopyStep(WAIT, 5).withProgress(progress).run(src, program, src, dst);
        assertThat(p.rounds()).isEqualTo(3);
        // each round as it is taken (nothing at the destination yet), then the newest image once it is there
        assertThat(told).containsExactly("1 []", "2 []", "3 []", "3 handed over [pre-000003.tck]");
    }

    @Test
    void aProgressThatFailsFailsTheStepBeforeAnyStop() throws IOException {
        // the fleet's etcd refused the phase (another controller leads): the step fails, the program runs on
        PrecopyStep.Progress refusing = (rounds, bytes, nanos, handedOver) -> {
            throw new MigrationFailedException(Step.PRECOPY, "etcd refused the pre-copy phase");
        };
        assertThatThrownBy(() -> new PrecopyStep(WAIT, 3).withProgress(refusing).run(src, program, src, dst))
                .isInstanceOfSatisfying(MigrationFailedException.class, e -> assertThat(e.step()).isEqualTo(Step.PRECOPY))
                .hasMessageContaining("etcd refused");
        assertThat(program.running).as("the program never stopped").isTrue();
        assertThat(dst.checkpointFiles()).as("nothing handed over").isEmpty();
    }

    @Test
    void roundsGoOnWhileTheChangeShrinksUpToTheLimit() throws Exception {
        src.precopyDeltas = new long[] {-1, 1000, 500, 100, 10};
        assertThat(((StepResult.Precopied) run(4)).rounds()).isEqualTo(4);
        assertThat(dst.checkpointFiles()).containsExactly("pre-000004.tck");
    }

    @Test
    void oneRoundTakesOneImage() throws Exception {
        StepResult.Precopied p = (StepResult.Precopied) run(1);
        assertThat(p.rounds()).isEqualTo(1);
        assertThat(p.lastDeltaBytes()).isEqualTo(-1);
        assertThat(dst.checkpointFiles()).containsExactly("pre-000001.tck");
    }

    @Test
    void aProgramThatTakesNoImageFailsThePrecopyBeforeAnyStop() {
        src.precopySilent = true;
        assertThatThrownBy(() -> run(3)).isInstanceOfSatisfying(MigrationFailedException.class, e -> {
            assertThat(e.step()).isEqualTo(Step.PRECOPY);
            assertThat(e.getMessage()).contains("wrote no pre-copy image", "keeps running");
        });
        assertThat(program.running).isTrue();
        assertThat(journal).noneMatch(j -> j.contains("CHECKPOINT_AND_EXIT"));
    }

    @Test
    void aProgramThatEndsMeanwhileIsNotMigrated() throws Exception {
        src.precopyEnds = true;
        assertThat(run(3)).isEqualTo(new StepResult.ProgramEnded(0));
    }

    @Test
    void anImageTheDestinationRefusesFailsBeforeTheStop() throws IOException {
        dst.trust(dev.talent.migrate.pipeline.CheckpointSigner.generate());
        assertThatThrownBy(() -> run(1)).isInstanceOfSatisfying(MigrationFailedException.class, e -> {
            assertThat(e.step()).isEqualTo(Step.PRECOPY);
            assertThat(e.getMessage()).contains("cannot hand the pre-copy image pre-000001.tck to s390x");
        });
        assertThat(program.running).isTrue();
        assertThat(dst.checkpointFiles()).isEmpty();
    }

    /** A destination started ahead with TALENT_AHEAD=base, on {@link #dst}. */
    FakeHost.FakeContainer aheadDestination() throws IOException {
        FakeHost.FakeContainer c = dst.createStartedAhead(java.util.Optional.empty());
        c.restoresBase = true;
        return c;
    }

    StepResult runTo(FakeHost.FakeContainer target, int maxRounds) throws MigrationFailedException, InterruptedException {
        return new PrecopyStep(WAIT, maxRounds).run(src, program, src, dst, dst, target);
    }

    @Test
    void theImageIsNamedToADestinationThatRestoresItAheadOnceItIsThere() throws Exception {
        src.precopyDeltas = new long[] {-1, 1000, 990};
        FakeHost.FakeContainer target = aheadDestination();
        target.aheadBytes = 16 << 20;
        StepResult.Precopied p = (StepResult.Precopied) runTo(target, 3);
        assertThat(p.image()).isEqualTo("pre-000003.tck");
        assertThat(p.aheadBytes()).isEqualTo(16 << 20);
        assertThat(journal).containsSubsequence("s390x received pre-000003.tck", "s390x base pre-000003.tck " + target.id);
        assertThat(journal).filteredOn(j -> j.contains(" base ")).hasSize(1);
        assertThat(program.running).isTrue();
    }

    @Test
    void aBaseTheDestinationCouldNotUseIsCountedAsNothingAhead() throws Exception {
        FakeHost.FakeContainer target = aheadDestination();
        target.aheadBytes = 0;
        assertThat(((StepResult.Precopied) runTo(target, 1)).aheadBytes()).isZero();
    }

    @Test
    void aDestinationThatDoesNotSayInTimeLeavesTheAheadBytesUnknown() throws Exception {
        FakeHost.FakeContainer target = aheadDestination();
        target.aheadBytes = -1;
        StepResult.Precopied p = (StepResult.Precopied) runTo(target, 1);
        assertThat(p.aheadBytes()).isEqualTo(-1);
        assertThat(p.image()).isEqualTo("pre-000001.tck");
    }

    @Test
    void aDestinationThatOnlyPopulatesIsNotToldTheBase() throws Exception {
        FakeHost.FakeContainer target = dst.createStartedAhead(java.util.Optional.empty());
        assertThat(((StepResult.Precopied) runTo(target, 1)).aheadBytes()).isEqualTo(-1);
        assertThat(journal).noneMatch(j -> j.contains(" base "));
    }

    @Test
    void aDestinationThatEndsWhenToldItsBaseFailsThePrepareBeforeAnyStop() throws Exception {
        FakeHost.FakeContainer target = aheadDestination();
        target.aheadExits = true;
        assertThatThrownBy(() -> runTo(target, 1)).isInstanceOfSatisfying(MigrationFailedException.class, e -> {
            assertThat(e.step()).isEqualTo(Step.PREPARE);
            assertThat(e.getMessage()).contains("ended while it restored its base pre-000001.tck ahead");
        });
        assertThat(program.running).isTrue();
        assertThat(journal).noneMatch(j -> j.contains("CHECKPOINT_AND_EXIT"));
    }

    @Test
    void theInjectedStaleBaseReplacesTheImageRestoredAheadWithTheNextRoundsUnnamed() throws Exception {
        FakeHost.FakeContainer target = aheadDestination();
        StepResult.Precopied p = (StepResult.Precopied) new PrecopyStep(WAIT, 1, true).run(src, program, src, dst, dst, target);
        assertThat(p.rounds()).isEqualTo(2);
        assertThat(p.image()).isEqualTo("pre-000002.tck");
        assertThat(p.aheadBytes()).isEqualTo(1 << 20);
        assertThat(dst.checkpointFiles()).containsExactly("pre-000002.tck");
        assertThat(journal).containsSubsequence("s390x base pre-000001.tck " + target.id, "s390x received pre-000002.tck");
        assertThat(journal).filteredOn(j -> j.contains(" base ")).hasSize(1);
    }

    @Test
    void atLeastOneRound() {
        assertThatThrownBy(() -> new PrecopyStep(WAIT, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
