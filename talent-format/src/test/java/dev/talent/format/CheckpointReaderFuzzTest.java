package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Jazzer over the Java checkpoint reader ({@link CheckpointReaderFuzzTarget}). In the unit lane
 * {@link #everySeedReplaysWithinItsBounds} replays every file of the shared corpus (valid, forged, forged-for-program
 * and found: the fuzzers' seeds and the inputs they found) through the same target, each within a time and an
 * allocation bound. Fuzzing runs use Jazzer's standalone driver on the same target and seeds
 * ({@code talent bench fuzz}; talent-cli's FuzzBenchIT in CI).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CheckpointReaderFuzzTest {
    static final Path CORPUS = Path.of("src/test/resources/corpus");
    /** The seed folders, shared with the C fuzzer (talent-runtime/src/test/fuzz). */
    static final List<String> SEEDS = List.of("valid", "forged", "forged-for-program", "found");

    /**
     * Jazzer's JUnit entry, for {@code JAZZER_FUZZ=1}. Skipped otherwise: in regression mode it would only replay an
     * empty input, after 40 s of loading Jazzer's agent. Jazzer 0.24 cannot instrument Java 25 class files, so this
     * entry fuzzes without coverage feedback; {@code talent bench fuzz} runs the same target with Jazzer's
     * standalone driver on classes it can instrument, and is what the CI lane (FuzzBenchIT) uses.
     */
    @FuzzTest(maxDuration = "60s")
    @EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
    void checkpointReader(byte[] data) {
        CheckpointReaderFuzzTarget.fuzzerTestOneInput(data);
    }

    @TestFactory
    Stream<DynamicTest> everySeedReplaysWithinItsBounds() throws IOException {
        List<Path> seeds = seeds();
        assertThat(seeds).hasSizeGreaterThan(80);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return seeds.stream().map(f -> DynamicTest.dynamicTest(CORPUS.relativize(f).toString(), () -> {
            byte[] data = Files.readAllBytes(f);
            long allocated = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                long before = threads.getCurrentThreadAllocatedBytes();
                CheckpointReaderFuzzTarget.fuzzerTestOneInput(data);
                return threads.getCurrentThreadAllocatedBytes() - before;
            });
            // memory bounded by the file's size (docs/FORMAT.md "Validation"): two reads and two renderings
            assertThat(allocated).as("bytes allocated for %s (%d bytes)", f, data.length).isLessThan(64L * 1024 * 1024 + 400L * data.length);
        }));
    }

    static List<Path> seeds() throws IOException {
        List<Path> all = new java.util.ArrayList<>();
        for (String dir : SEEDS) {
            Path d = CORPUS.resolve(dir);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> files = Files.list(d)) {
                files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().forEach(all::add);
            }
        }
        return all;
    }
}
