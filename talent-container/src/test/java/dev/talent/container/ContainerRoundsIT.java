package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.Platform;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The destination side of a migration done several times over on one host, as a migration chain does: create
 * (ahead of time), start, the exit noticed with the program's status, delete, and the next container on the same
 * host. Asserts what must hold on every round, never how long it took (the machine is shared; a wall-clock bound
 * would fail for load, not for a bug). It used to print medians of each step: a benchmark belongs in
 * {@code talent bench}, whose migration benchmark measures the downtime these steps are part of.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ContainerRoundsIT {

    private static final int ROUNDS = 4;

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "aarch64"})
    void createStartExitAndDeleteRoundAfterRound(String name) throws Exception {
        TestPlatforms.requireContainers();
        Platform platform = TestPlatforms.usable(name);
        Path probe = TestPlatforms.probe(platform, dir.resolve("build"));
        try (ContainerHost host = ContainerHost.open(dir.resolve("state"), OutputStream.nullOutputStream())) {
            for (int round = 0; round < ROUNDS; round++) {
                ContainerSpec spec = TestPlatforms.spec(dir, "round-" + round, platform, probe, List.of("stamp"));
                Container container = host.create(spec);
                assertThat(container.state()).isEqualTo(Container.State.CREATED);
                CompletableFuture<long[]> seen = container.onExit()
                        .thenApply(code -> new long[] {code, nanosOf(Instant.now())});
                container.start();
                long[] exit = seen.get(60, TimeUnit.SECONDS);

                assertThat(exit[0]).as("round %d: exit status", round).isZero();
                assertThat(container.state()).isEqualTo(Container.State.EXITED);
                String stamp = Files.readString(spec.stdoutFile().orElseThrow()).strip();
                assertThat(stamp).as("round %d: the program's output", round).matches("t=[0-9]+");
                // the exit is noticed after the program wrote its last line (both from the same real-time clock)
                assertThat(exit[1]).as("round %d: exit seen after the program's stamp", round)
                        .isGreaterThanOrEqualTo(Long.parseLong(stamp.substring(2)));
                Path bundle = container.bundleDirectory();
                container.delete();
                assertThat(container.state()).isEqualTo(Container.State.DELETED);
                assertThat(bundle).doesNotExist();
            }
        }
    }

    private static long nanosOf(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
