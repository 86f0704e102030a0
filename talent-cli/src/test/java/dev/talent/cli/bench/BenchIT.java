package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.talent.cli.RuntimeEnvironment;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code talent bench overhead} from the packaged jar on one kernel at a tenth of its size, and
 * {@code talent bench latency} with a few requests per mode.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class BenchIT {

    private static final Path JAR = Path.of("target", "talent.jar").toAbsolutePath();
    private static final Path CACHE = Path.of("target", "it-cache").toAbsolutePath();

    @Test
    void overheadPrintsAWellFormedTableOfMediansAndRatios(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        CapturedRun bench = talent(dir, tmp, "bench", "overhead", "--runs", "5", "--kernels", "sieve", "--scale", "0.1");

        assertThat(bench.exitCode()).as(bench.stdout() + bench.stderr()).isZero();
        assertThat(bench.stdout()).contains("5 runs of each binary").contains("target <= 1.03");
        String ratioPattern = "(\\d+\\.\\d{3})";
        Matcher row = Pattern.compile("(?m)^sieve +(\\d+) +(\\d+\\.\\d) +(\\d+\\.\\d) +" + ratioPattern + "  \\["
                + ratioPattern + ", " + ratioPattern + "\\] +(ok|OVER|noise) +(\\d+\\.\\d{3}|-)$").matcher(bench.stdout());
        assertThat(row.find()).as(bench.stdout()).isTrue();
        assertThat(Long.parseLong(row.group(1))).isEqualTo(Kernel.named("sieve").orElseThrow().size(0.1));
        double plain = Double.parseDouble(row.group(2));
        double instrumented = Double.parseDouble(row.group(3));
        double ratio = Double.parseDouble(row.group(4));
        double lower = Double.parseDouble(row.group(5));
        double upper = Double.parseDouble(row.group(6));
        assertThat(plain).isPositive();
        assertThat(instrumented).isPositive();
        // The printed ratio is the ratio of the printed medians (up to their rounding to 0.1 ms).
        assertThat(ratio).isCloseTo(instrumented / plain, within(0.002 + 0.1 / plain));
        assertThat(ratio).isBetween(lower, upper);
        // The verdict follows from the interval (a bound printed as 1.030 may be on either side of the target).
        String verdict = row.group(7);
        if (upper < 1.03) assertThat(verdict).isEqualTo("ok");
        if (lower > 1.03) assertThat(verdict).isEqualTo("OVER");
        if (lower < 1.03 && upper > 1.03) assertThat(verdict).isEqualTo("noise");
        // One kernel: the geometric mean is its ratio.
        assertThat(bench.stdout()).containsPattern("(?m)^geometric mean of ratios +" + Pattern.quote(row.group(4))
                + "  - +(ok|OVER) \\(from the point value\\)$");
        assertThat(bench.stdout()).contains("95% interval: paired bootstrap");
        // Instruction counts when valgrind is installed (.ci/run installs it), else how to get them.
        if (InstructionCounter.onPath().isPresent()) {
            Matcher counts = Pattern.compile("(?m)^sieve +(\\d+) +(\\d+) +(\\d+) +(\\d\\.\\d{3})$").matcher(bench.stdout());
            assertThat(counts.find()).as(bench.stdout()).isTrue();
            assertThat(Long.parseLong(counts.group(1))).isEqualTo(Kernel.named("sieve").orElseThrow()
                    .size(0.1 * OverheadBench.COUNT_SCALE));
            long plainCount = Long.parseLong(counts.group(2));
            long instrumentedCount = Long.parseLong(counts.group(3));
            // the instrumented binary does all the plain one does, plus the runtime's start-up and its tests
            assertThat(instrumentedCount).isGreaterThan(plainCount);
            assertThat(Double.parseDouble(counts.group(4))).isCloseTo((double) instrumentedCount / plainCount, within(0.0006));
            assertThat(bench.stdout().lines().count()).isEqualTo(verdict.equals("noise") ? 9 : 8);
        } else {
            assertThat(bench.stdout()).contains("instructions executed: not counted (valgrind not found");
            assertThat(bench.stdout().lines().count()).isEqualTo(verdict.equals("noise") ? 7 : 6);
        }
        // progress is for a terminal: a captured stderr gets none (issue 16)
        assertThat(bench.stderr()).doesNotContain("sieve run 1/");
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
        // progress is for a terminal: a captured stderr gets none (issue 16)
        assertThat(bench.stderr()).doesNotContain("run 1/");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("talent-bench-"))).isEmpty();
        }
    }

    @Test
    void migrationPrintsDowntimeAndPhasesOfBothScenariosAfterCheckingTheOutput(@TempDir Path dir) throws Exception {
        assumeTrue(dev.talent.container.Runc.find().isPresent(), "runc is not installed (apt-get install runc)");
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "runc containers need root");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        CapturedRun bench = talent(dir, tmp, "bench", "migration", "--migrations", "3", "--cross", "aarch64");

        assertThat(bench.exitCode()).as(bench.stdout() + bench.stderr()).isZero();
        String out = bench.stdout();
        assertThat(out).startsWith("talent bench migration: ").contains("3 successful migrations per scenario")
                .contains("scaled-down check").containsPattern("load average [0-9.]+ [0-9.]+ [0-9.]+ before");
        // by default each scenario runs with runc start in the window and with the destination started ahead
        for (String start : List.of("runc start in the window", "started ahead")) {
            assertThat(out).containsPattern("(?m)^native -> native \\(" + start + "\\): x86_64, x86_64-musl; 3 ok, \\d+ failed; \\d+ steps,"
                    + " stdout \\(\\d+ lines\\) and 3 files equal to an uninterrupted run's$");
            assertThat(out).containsPattern("(?m)^cross-ISA \\(" + start + "\\): x86_64, aarch64 \\(qemu\\); 3 ok, \\d+ failed;");
        }
        String time = "(\\d+\\.\\d\\d)";
        Matcher downtime = Pattern.compile("(?m)^downtime: stop requested -> runs +" + time + " +" + time + " +" + time
                + "(  target <= 50: (ok|OVER))?$").matcher(out);
        List<String> verdicts = new ArrayList<>();
        while (downtime.find()) {
            double median = Double.parseDouble(downtime.group(1));
            double p95 = Double.parseDouble(downtime.group(2));
            assertThat(median).isPositive().isLessThanOrEqualTo(p95);
            assertThat(p95).isLessThanOrEqualTo(Double.parseDouble(downtime.group(3)));
            verdicts.add(downtime.group(5) == null ? "none" : downtime.group(5));
            if (downtime.group(5) != null) assertThat(downtime.group(5)).isEqualTo(median <= 50 ? "ok" : "OVER");
        }
        // the target applies to native -> native only
        assertThat(verdicts).as(out).hasSize(4);
        assertThat(verdicts.subList(0, 2)).allSatisfy(v -> assertThat(v).isIn("ok", "OVER"));
        assertThat(verdicts.subList(2, 4)).containsOnly("none");
        for (String phase : List.of("safe point: checkpoint written", "source exit \\+ checkpoint copy",
                "final sync of the workdir", "restore: started -> runs")) {
            // (?!x): not the lines of a scenario's "first vs later" block, whose third column is a ratio
            assertThat(Pattern.compile("(?m)^  " + phase + " +" + time + " +" + time + " +" + time + "(?!x)").matcher(out).results())
                    .as(phase + " in\n" + out).hasSize(4);
        }
        // each scenario's first migration against its later ones' median (when that first one succeeded), the first
        // scenario's being the JVM's first
        long jvmFirst = Pattern.compile("(?m)^first \\(the JVM's first\\) vs later +first +later med +ratio$").matcher(out).results().count();
        long others = Pattern.compile("(?m)^first vs later +first +later med +ratio$").matcher(out).results().count();
        assertThat(jvmFirst).as(out).isLessThanOrEqualTo(1);
        assertThat(jvmFirst + others).as(out).isBetween(2L, 4L);
        // runc start is a phase of the window only; started ahead, the window holds the go instead
        for (String phase : List.of("runc start", "go \\(started ahead\\)")) {
            assertThat(Pattern.compile("(?m)^  " + phase + " +" + time + " +" + time + " +" + time).matcher(out).results())
                    .as(phase + " in\n" + out).hasSize(2);
        }
        assertThat(out).containsPattern("(?m)^  native -> native +" + time + " +" + time + " +\\d+\\.\\d\\dx$")
                .containsPattern("(?m)^  cross-ISA +" + time + " +" + time + " +\\d+\\.\\d\\dx$");
        // three migrations per scenario, by hop
        Matcher hop = Pattern.compile("(?m)^  (\\S+) -> (\\S+) +(\\d+) +" + time + " +" + time + "$").matcher(out);
        int migrations = 0;
        while (hop.find()) migrations += Integer.parseInt(hop.group(3));
        assertThat(migrations).as(out).isEqualTo(12);
        // progress is for a terminal: a captured stderr gets none (issue 16)
        assertThat(bench.stderr()).doesNotContain("migration 1/");
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
