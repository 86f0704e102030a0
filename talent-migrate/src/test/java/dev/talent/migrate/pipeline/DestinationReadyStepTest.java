package dev.talent.migrate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.Step;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The check before the stop that a destination started ahead waits for its go (in-memory host, no container). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DestinationReadyStepTest {
    @TempDir
    Path dir;

    final List<String> journal = new ArrayList<>();
    FakeHost dst;

    @BeforeEach
    void host() throws IOException {
        dst = new FakeHost("aarch64", dir, journal);
    }

    @Test
    void aDestinationThatWaitsForItsGoPassesAndIsAskedOnce() throws Exception {
        FakeHost.FakeContainer c = dst.createStartedAhead(Optional.empty());
        StepResult.DestinationReady r = new DestinationReadyStep(Duration.ofSeconds(1)).run(dst, c);
        assertThat(r.waitedNanos()).isNotNegative();
        assertThat(journal).containsExactly("aarch64 create and start ahead " + c.id, "aarch64 ready? " + c.id);
        assertThat(c.running).isTrue();
    }

    @Test
    void aDestinationOnlyCreatedPassesWithoutBeingAsked() throws Exception {
        FakeHost.FakeContainer c = dst.create(true, Optional.empty());
        assertThat(new DestinationReadyStep(Duration.ofSeconds(1)).run(dst, c).waitedNanos()).isZero();
        assertThat(journal).containsExactly("aarch64 create " + c.id);
    }

    @Test
    void aDestinationThatDoesNotComeToWaitFailsTheStepBeforeAnyStopWithItsLog() throws Exception {
        FakeHost.FakeContainer c = dst.createStartedAhead(Optional.empty());
        dst.aheadNeverWaits = true;
        assertThatThrownBy(() -> new DestinationReadyStep(Duration.ofMillis(20)).run(dst, c))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("the destination started ahead on aarch64 does not wait for its go: container "
                        + c.id + " does not wait for its go after 20 ms")
                .satisfies(e -> {
                    assertThat(((MigrationFailedException) e).step()).isEqualTo(Step.PREPARE);
                    assertThat(((MigrationFailedException) e).logTail()).isEqualTo("log of " + c.id);
                });
    }

    @Test
    void aDestinationThatEndedFailsTheStep() throws Exception {
        FakeHost.FakeContainer c = dst.createStartedAhead(Optional.empty());
        c.signal(Signal.KILL);
        assertThatThrownBy(() -> new DestinationReadyStep(Duration.ofSeconds(1)).run(dst, c))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("ended before it waited for its go");
    }
}
