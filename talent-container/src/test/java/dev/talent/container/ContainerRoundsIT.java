package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.Platform;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Measures what a migration pays for its destination: create (done ahead of time), start (on the critical
 * path), and how soon the exit of a program is known. Prints medians; asserts only that every run worked.
 */
@Timeout(120)
class ContainerLatencyIT {

    private static final int ROUNDS = 15;

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "aarch64"})
    void createStartAndExitDetection(String name) throws Exception {
        TestPlatforms.requireContainers();
        Platform platform = TestPlatforms.usable(name);
        Path probe = TestPlatforms.probe(platform, dir.resolve("build"));
        List<Long> create = new ArrayList<>();
        List<Long> start = new ArrayList<>();
        List<Long> startToExitSeen = new ArrayList<>();
        List<Long> exitToExitSeen = new ArrayList<>();
        List<Long> delete = new ArrayList<>();
        try (ContainerHost host = ContainerHost.open(dir.resolve("state"), OutputStream.nullOutputStream())) {
            for (int round = 0; round < ROUNDS; round++) {
                ContainerSpec spec = TestPlatforms.spec(dir, "lat-" + round, platform, probe, List.of("stamp"));
                long t0 = System.nanoTime();
                Container container = host.create(spec);
                long t1 = System.nanoTime();
                CompletableFuture<long[]> seen = container.onExit()
                        .thenApply(code -> new long[] {code, System.nanoTime(), nanosOf(Instant.now())});
                container.start();
                long t2 = System.nanoTime();
                long[] exit = seen.get(30, TimeUnit.SECONDS);
                long t3 = System.nanoTime();
                container.delete();
                long t4 = System.nanoTime();

                assertThat(exit[0]).isZero();
                String stamp = Files.readString(spec.stdoutFile().orElseThrow()).strip();
                assertThat(stamp).startsWith("t=");
                if (round == 0) continue; // warm-up (class loading, JIT, page cache)
                create.add(t1 - t0);
                start.add(t2 - t1);
                startToExitSeen.add(exit[1] - t1);
                exitToExitSeen.add(exit[2] - Long.parseLong(stamp.substring(2)));
                delete.add(t4 - t3);
            }
        }
        System.out.printf(Locale.ROOT, "container latency %s (median of %d, ms): create %.1f, start %.1f, "
                        + "start call to exit seen %.1f, program exit to exit seen %.2f, delete (exited) %.1f%n",
                name, ROUNDS - 1, median(create), median(start), median(startToExitSeen), median(exitToExitSeen),
                median(delete));
    }

    private static long nanosOf(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return sorted.get(sorted.size() / 2) / 1e6;
    }

}
