package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.env.SyncLimits;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RunStateTest {
    @TempDir
    Path state;

    private RunRequest request() {
        return new RunRequest("app", Path.of("/b/app"), List.of("a b", "c"), List.of(Platform.parse("x86_64"),
                Platform.parse("s390x")), Optional.of(Interval.parse("1s..2s")), OptionalInt.of(3), Path.of("/w"), state,
                Duration.ofSeconds(30), Optional.of(Path.of("/l.jsonl")), Optional.empty(), Optional.empty(), Optional.empty(),
                new SyncLimits(1 << 20, 100, 10));
    }

    @Test
    void oneSupervisorAtATime() throws IOException {
        try (RunState first = RunState.lock(state)) {
            assertThat(first).isNotNull();
            assertThatThrownBy(() -> RunState.lock(state)).hasMessageContaining("another talent run (pid "
                    + ProcessHandle.current().pid() + ") supervises the state directory");
        }
        RunState.lock(state).close();
    }

    @Test
    void theRecordBringsBackTheRequestAndTheLastPlatformUntilTheRunEnds() throws IOException {
        try (RunState s = RunState.lock(state)) {
            assertThat(s.saved()).isEmpty();
            s.record(request(), Platform.parse("s390x"));
        }
        RunState.Saved saved = RunState.saved(state).orElseThrow();
        assertThat(saved.platform().name()).isEqualTo("s390x");
        assertThat(saved.request()).isEqualTo(request());
        try (RunState s = RunState.lock(state)) {
            s.finished();
        }
        assertThat(RunState.saved(state)).isEmpty();
    }
}
