package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.talent.cli.RuntimeEnvironment;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code talent bench overhead} from the packaged jar on one kernel at a tenth of its size, and
 * {@code talent bench latency} with a few requests per mode.
 */
class BenchIT {

    private static final Path JAR = Path.of("target", "talent.jar").toAbsolutePath();
    private static final Path CACHE = Path.of("target", "it-cache").toAbsolutePath();

    @Test
    void overheadPrintsAWellFormedTableOfMediansAndRatios(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        CapturedRun bench = talent(dir, tmp, "bench", "overhead", "--runs", "5", "--kernels", "sieve", "--scale", "0.1");

        assertThat(bench.exitCode()).as(bench.stdout() + bench.stderr()).isZero();
        assertThat(bench.stdout()).contains("5 runs of each binary").contains("target <= 1.03");
        Matcher row = Pattern.compile("(?m)^sieve +(\\d+) +(\\d+\\.\\d) +(\\d+\\.\\d) +(\\d+\\.\\d{3})  (ok|OVER)$")
                .matcher(bench.stdout());
        assertThat(row.find()).as(bench.stdout()).isTrue();
        assertThat(Long.parseLong(row.group(1))).isEqualTo(Kernel.named("sieve").orElseThrow().size(0.1));
        double plain = Double.parseDouble(row.group(2));
        double instrumented = Double.parseDouble(row.group(3));
        double ratio = Double.parseDouble(row.group(4));
        assertThat(plain).isPositive();
        assertThat(instrumented).isPositive();
        // The printed ratio is the ratio of the printed medians (up to their rounding to 0.1 ms).
        assertThat(ratio).isCloseTo(instrumented / plain, within(0.002 + 0.1 / plain));
        assertThat(row.group(5)).isEqualTo(ratio <= 1.03 ? "ok" : "OVER");
        // One kernel: the geometric mean is its ratio.
        assertThat(bench.stdout()).containsPattern("(?m)^geometric mean of ratios +" + Pattern.quote(row.group(4)) + "  (ok|OVER)$");
        assertThat(bench.stdout().lines().count()).isEqualTo(4);
        // Progress went to stderr, five interleaved runs.
        assertThat(bench.stderr()).contains("sieve run 5/5").doesNotContain("sieve run 6/");
        // The workspace (sources, binaries) was removed.
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("talent-bench-"))).isEmpty();
        }
    }

    @Test
    void latencyPrintsMedianAndP99OfEachWayOfWaiting(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        CapturedRun bench = talent(dir, tmp, "bench", "latency", "--requests", "5", "--scale");

        assertThat(bench.exitCode()).as(bench.stdout() + bench.stderr()).isZero();
        String out = bench.stdout();
        assertThat(out).startsWith("talent bench latency: x86_64 natively; 5 SIGUSR1 requests per mode")
                .contains("scaled-down check").contains("target <= 10 ms");
        String time = "(\\d+\\.\\d\\d)";
        String verdict = "(ok|p99 OVER|OVER)";
        for (LatencyMode mode : LatencyMode.values()) {
            Matcher row = Pattern.compile("(?m)^" + Pattern.quote(mode.description()) + " +(\\d)/5 +" + time + " +" + time + " "
                    + verdict + " +" + time + " +" + time + " " + verdict + "$").matcher(out);
            assertThat(row.find()).as(mode + " row in\n" + out).isTrue();
            int samples = Integer.parseInt(row.group(1));
            assertThat(samples).isBetween(1, 5);
            double writtenMedian = Double.parseDouble(row.group(2)), writtenP99 = Double.parseDouble(row.group(3));
            double siteMedian = Double.parseDouble(row.group(5)), siteP99 = Double.parseDouble(row.group(6));
            assertThat(writtenMedian).isPositive().isLessThanOrEqualTo(writtenP99);
            assertThat(siteMedian).isPositive().isLessThanOrEqualTo(siteP99);
            // The site that took the checkpoint comes before the file is written (up to the printed rounding).
            assertThat(siteMedian).isLessThanOrEqualTo(writtenMedian + 0.01);
            assertThat(row.group(4)).isEqualTo(writtenP99 <= 10 ? "ok" : writtenMedian <= 10 ? "p99 OVER" : "OVER");
            assertThat(row.group(7)).isEqualTo(siteP99 <= 10 ? "ok" : siteMedian <= 10 ? "p99 OVER" : "OVER");
            // A missing sample is explained in a note.
            if (samples < 5) assertThat(out).contains("note: " + mode.description() + ": " + (5 - samples) + " of 5 requests");
        }
        assertThat(out.lines().filter(l -> !l.startsWith("note: "))).hasSize(7);
        assertThat(bench.stderr()).contains("blocked in accept run 5/5").doesNotContain("run 6/");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("talent-bench-"))).isEmpty();
        }
    }

    @Test
    void fewerThanFiftyRequestsIsACommandLineError(@TempDir Path dir) throws Exception {
        CapturedRun bench = talent(dir, dir, "bench", "latency", "--requests", "49");

        assertThat(bench.exitCode()).isEqualTo(64);
        assertThat(bench.stderr()).contains("--requests must be at least 50");
        assertThat(bench.stdout()).isEmpty();
    }

    @Test
    void tooFewRunsIsACommandLineError(@TempDir Path dir) throws Exception {
        CapturedRun bench = talent(dir, dir, "bench", "overhead", "--runs", "3");

        assertThat(bench.exitCode()).isEqualTo(64);
        assertThat(bench.stderr()).contains("--runs must be at least 5");
        assertThat(bench.stdout()).isEmpty();
    }

    private static CapturedRun talent(Path workingDirectory, Path tmp, String... args) throws Exception {
        if (!Files.isRegularFile(JAR)) throw new IllegalStateException(JAR + " is missing: run mvn verify (package comes first)");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return ProcessRunner.capture(command, new EnvironmentChange(Map.of("TALENT_CACHE_DIR", CACHE.toString()),
                RuntimeEnvironment.ALL), workingDirectory);
    }
}
