package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BenchReportRendererTest {

    private static Samples samples(double... values) {
        return new Samples(java.util.Arrays.stream(values).boxed().toList());
    }

    @Test
    void overheadTableShowsMediansTheirRatioItsIntervalAndTheGeometricMean() {
        Kernel nbody = Kernel.named("nbody").orElseThrow();
        Kernel sieve = Kernel.named("sieve").orElseThrow();
        Kernel spectral = Kernel.named("spectral").orElseThrow();
        OverheadReport.KernelResult noisy = new OverheadReport.KernelResult(nbody, List.of("2500000"),
                samples(100, 99, 400, 101, 100), samples(102, 500, 101, 103, 102), "x\n");
        OverheadReport report = new OverheadReport(List.of(
                // medians 100 and 102: ratio 1.02, but pairs 2 and 3 put the interval across the target
                noisy,
                // every instrumented run 10% slower than its pair: ratio 1.10, interval [1.10, 1.10]
                new OverheadReport.KernelResult(sieve, List.of("16000000"), samples(200, 210, 190, 205, 195),
                        samples(220, 231, 209, 225.5, 214.5), "y\n"),
                // every instrumented run as fast as its pair: ratio 1, interval [1, 1]
                new OverheadReport.KernelResult(spectral, List.of("1000"), samples(300, 310, 290, 305, 295),
                        samples(300, 310, 290, 305, 295), "z\n")), 5, 1.0, OverheadReport.TARGET);

        String table = BenchReportRenderer.overhead(report);

        RatioInterval interval = noisy.interval();
        assertThat(interval.lower()).isLessThan(1.03);
        assertThat(interval.upper()).isGreaterThan(1.03);
        assertThat(table).containsPattern("(?m)^kernel +size +plain ms +talent ms +ratio  95% interval +target <= 1\\.03 +instr ratio$");
        assertThat(table).containsPattern("(?m)^nbody +2500000 +100\\.0 +102\\.0 +1\\.020  " + java.util.regex.Pattern.quote(
                String.format(java.util.Locale.ROOT, "[%.3f, %.3f]", interval.lower(), interval.upper())) + " +noise +-$");
        assertThat(table).containsPattern("(?m)^sieve +16000000 +200\\.0 +220\\.0 +1\\.100  \\[1\\.100, 1\\.100\\] +OVER +-$");
        assertThat(table).containsPattern("(?m)^spectral +1000 +300\\.0 +300\\.0 +1\\.000  \\[1\\.000, 1\\.000\\] +ok +-$");
        assertThat(table).containsPattern("(?m)^geometric mean of ratios +" + String.format(java.util.Locale.ROOT,
                "%.3f", Math.cbrt(1.02 * 1.10)) + "  - +OVER \\(from the point value\\)$");
        assertThat(table).contains("5 runs of each binary, in back-to-back pairs");
        assertThat(table).contains("95% interval: paired bootstrap of the ratio of medians (2000 resamples of the run pairs");
        assertThat(table).containsPattern("(?m)^noise: the 95% interval \\[lo, hi\\] contains 1\\.03; rerun with --runs 24"
                + " on a quieter machine$");
    }

    @Test
    void instructionCountsFollowTheTableOrItSaysHowToGetThem() {
        Kernel primes = Kernel.named("primes").orElseThrow();
        Kernel sieve = Kernel.named("sieve").orElseThrow();
        OverheadReport counted = new OverheadReport(List.of(
                new OverheadReport.KernelResult(primes, List.of("600"), samples(300, 310, 290, 305, 295),
                        samples(303, 313, 293, 308, 298), "p\n",
                        java.util.Optional.of(new OverheadReport.InstructionCounts(List.of("30"), 57_702_101, 59_536_615))),
                new OverheadReport.KernelResult(sieve, List.of("16000000"), samples(300, 310, 290, 305, 295),
                        samples(303, 313, 293, 308, 298), "s\n")), 5, 1.0, OverheadReport.TARGET);

        String table = BenchReportRenderer.overhead(counted);

        assertThat(table).contains("instructions executed (valgrind cachegrind");
        assertThat(table).containsPattern("(?m)^kernel +size +plain +talent +ratio$");
        assertThat(table).containsPattern("(?m)^primes +30 +57702101 +59536615 +1\\.032$");
        // ... and its ratio next to the timed one, "-" for the kernel not counted
        assertThat(table).containsPattern("(?m)^primes +600 +300\\.0 +303\\.0 +1\\.010  \\[[0-9., ]+\\] +ok +1\\.032$");
        assertThat(table).containsPattern("(?m)^sieve +16000000 +300\\.0 +303\\.0 +1\\.010  \\[[0-9., ]+\\] +ok +-$");
        assertThat(table).doesNotContainPattern("(?m)^sieve +\\d+ +\\d+ +\\d+ +\\d\\.\\d{3}$");

        OverheadReport uncounted = new OverheadReport(List.of(new OverheadReport.KernelResult(sieve, List.of("16000000"),
                samples(300, 310, 290, 305, 295), samples(303, 313, 293, 308, 298), "s\n")), 5, 1.0, OverheadReport.TARGET);
        assertThat(BenchReportRenderer.overhead(uncounted)).containsPattern("(?m)^instructions executed: not counted "
                + "\\(valgrind not found; to count them: sudo apt-get install valgrind\\)$");
    }

    @Test
    void overheadTableExplainsNoiseOnlyWhenAKernelIsWithinIt() {
        OverheadReport report = new OverheadReport(List.of(new OverheadReport.KernelResult(Kernel.named("mandelbrot").orElseThrow(),
                List.of("1600"), samples(300, 310, 290, 305, 295), samples(303, 313, 293, 308, 298), "m\n")),
                5, 1.0, OverheadReport.TARGET);

        String table = BenchReportRenderer.overhead(report);

        assertThat(table).containsPattern("(?m)^mandelbrot .* ok +-$").doesNotContain("noise");
    }

    @Test
    void roundTripTableComparesRestoreWithBuildingFromScratchOnTheSamePlatform() {
        Platform x86 = Platform.glibc(Isa.X86_64);
        Platform arm = Platform.glibc(Isa.AARCH64);
        RoundTripReport report = new RoundTripReport("tree", List.of("1000000", "3"), 3, x86,
                new RoundTripReport.Write(samples(1700, 1750, 1800), samples(0.1, 0.1, 0.1), samples(1500, 1500, 1500),
                        samples(230, 240, 250), samples(3800, 3900, 4000), 66.8, 1_000_000, 70_000_655),
                List.of(new RoundTripReport.Restore(x86, false, samples(800, 790, 810), samples(330, 330, 330),
                                samples(450, 450, 450), samples(0.1, 0.1, 0.1), samples(850, 860, 870)),
                        new RoundTripReport.Restore(arm, true, samples(5000, 5100, 4900), samples(1900, 1900, 1900),
                                samples(3100, 3100, 3100), samples(0.8, 0.8, 0.8), samples(5200, 5200, 5200))),
                List.of(new RoundTripReport.FromScratch(x86, false, samples(2400, 2000, 1600), samples(2800, 2800, 2800)),
                        new RoundTripReport.FromScratch(arm, true, samples(3400, 3400, 3400), samples(4300, 4300, 4300))));

        String table = BenchReportRenderer.roundTrip(report, "heap");

        assertThat(table).startsWith("talent bench heap: tree.c 1000000 3; 3 runs;");
        assertThat(table).contains("checkpoint file: 66.8 MiB (70000655 bytes), 1000000 heap blocks");
        assertThat(table).containsPattern("(?m)^on x86_64 +1750\\.0  \\(0\\.1, 1500\\.0, 240\\.0\\) +3900\\.0$");
        assertThat(table).containsPattern("(?m)^x86_64 -> aarch64 \\(qemu\\) +5000\\.0  \\(1900\\.0, 3100\\.0, 0\\.8\\) +5200\\.0$");
        // restore 800 ms vs building the tree in 2000 ms (medians)
        assertThat(table).containsPattern("(?m)^on x86_64 +2000\\.0  0\\.400 \\(restoring is 2\\.5x faster\\) +2800\\.0$");
        assertThat(table).containsPattern("(?m)^on aarch64 \\(qemu\\) +3400\\.0  1\\.471 \\(restoring is 1\\.5x slower\\) +4300\\.0$");
    }

    private static RuntimeTimings.RequestLatency latency(double toWrittenMs, double toSiteMs) {
        return new RuntimeTimings.RequestLatency(1, toWrittenMs, toSiteMs);
    }

    @Test
    void latencyTableShowsMedianAndP99AgainstTheTargetAndNotesMissingSamples() {
        List<RuntimeTimings.RequestLatency> fast = java.util.stream.IntStream.rangeClosed(1, 50)
                .mapToObj(i -> latency(1 + i * 0.1, 0.05)).toList();   // written 1.1 .. 6.0 ms: median 3.55, p99 6.0
        List<RuntimeTimings.RequestLatency> tail = new java.util.ArrayList<>(fast.subList(0, 46));
        tail.add(latency(30, 0.1));                                     // one slow request of 47 samples: median 3.40, p99 over
        List<RuntimeTimings.RequestLatency> slow = List.of(latency(50, 0.08), latency(60, 0.09), latency(70, 0.1));
        LatencyReport report = new LatencyReport(List.of(
                new LatencyReport.ModeResult(LatencyMode.COMPUTE, fast, List.of()),
                new LatencyReport.ModeResult(LatencyMode.SLEEP, tail, List.of("exit status 0 instead of 75",
                        "no 'ready' line within 10 s", "exit status 0 instead of 75")),
                new LatencyReport.ModeResult(LatencyMode.ACCEPT, slow, List.of())), 50, LatencyReport.TARGET_MS, false);

        String table = BenchReportRenderer.latency(report);

        assertThat(table).startsWith("talent bench latency: x86_64 natively; 50 SIGUSR1 requests per mode")
                .doesNotContain("scaled-down").contains("target <= 10 ms");
        assertThat(table).containsPattern("(?m)^compute loop +50/50 +3\\.55 +6\\.00 ok +0\\.05 +0\\.05 ok$");
        assertThat(table).containsPattern("(?m)^blocked in nanosleep +47/50 +3\\.40 +30\\.00 p99 OVER +0\\.05 +0\\.10 ok$");
        assertThat(table).containsPattern("(?m)^blocked in accept +3/3 +60\\.00 +70\\.00 OVER +0\\.09 +0\\.10 ok$");
        assertThat(table).contains("note: blocked in nanosleep: 3 of 50 requests gave no sample: exit status 0 instead of 75 (2);"
                + " no 'ready' line within 10 s (1)");
        assertThat(table.lines().filter(l -> l.startsWith("note:"))).hasSize(1);
    }

    @Test
    void aScaledDownLatencyRunSaysSo() {
        LatencyReport report = new LatencyReport(List.of(new LatencyReport.ModeResult(LatencyMode.ACCEPT,
                List.of(latency(2, 0.1)), List.of())), 1, LatencyReport.TARGET_MS, true);

        assertThat(BenchReportRenderer.latency(report)).contains("scaled-down check: fewer than the 50 requests of issue #4");
    }

    @Test
    void migrationTablesShowMedianAndP95OfEachPhaseAndTheTargetForNativeToNative() {
        java.util.List<dev.talent.migrate.control.MigrationRecord> natives = new java.util.ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            // downtime i + 20 ms: median 30.5, p95 (19th of 20) 39, max 40; start 15 ms is the largest phase
            natives.add(MigrationReportTest.ok(i % 2 == 1 ? "x86_64" : "x86_64-musl", i % 2 == 1 ? "x86_64-musl" : "x86_64",
                    i, 2, 2.5, 15, 0.5, 2));
        }
        natives.add(MigrationReportTest.failed("x86_64", "x86_64-musl", "restore"));
        MigrationReport.Scenario nativeScenario = new MigrationReport.Scenario("native -> native",
                List.of(MigrationReportTest.X86, MigrationReportTest.MUSL), java.util.Set.of(), true, natives,
                List.of("preparing x86_64-musl failed: disk full"), 755, 756, 3);
        Platform arm = MigrationReportTest.ARM;
        MigrationReport.Scenario cross = new MigrationReport.Scenario("cross-ISA", List.of(MigrationReportTest.X86, arm),
                java.util.Set.of(arm), false, List.of(MigrationReportTest.ok("x86_64", "aarch64", 10, 5, 3, 12, 30, 2),
                MigrationReportTest.ok("aarch64", "x86_64", 20, 5, 3, 12, 2, 2)), List.of(), 100, 101, 3);
        MigrationReport report = new MigrationReport(List.of(nativeScenario, cross), 20,
                dev.talent.migrate.Interval.parse("200ms..500ms"), 7, 10, "2.50 2.60 3.10", "2.70 2.60 3.10", 2);

        String table = BenchReportRenderer.migration(report);

        assertThat(table).startsWith("talent bench migration: ").contains("20 successful migrations per scenario")
                .contains("intervals drawn from 200ms..500ms (seed 7)").doesNotContain("scaled-down")
                .contains("load average 2.50 2.60 3.10 before, 2.70 2.60 3.10 after (2 cores)");
        assertThat(table).contains("native -> native: x86_64, x86_64-musl; 20 ok, 1 failed; 755 steps, stdout (756 lines)"
                + " and 3 files equal to an uninterrupted run's");
        assertThat(table).containsPattern("(?m)^downtime: stop requested -> runs +30\\.50 +39\\.00 +40\\.00  target <= 50: ok$");
        assertThat(table).containsPattern("(?m)^  safe point: checkpoint written +10\\.50 +19\\.00 +20\\.00$");
        assertThat(table).containsPattern("(?m)^  final sync of the workdir +2\\.50 +2\\.50 +2\\.50  \\(median 2 files\\)$");
        assertThat(table).containsPattern("(?m)^  runc start +15\\.00 +15\\.00 +15\\.00$");
        // 10 of each direction; x86_64 -> musl had the odd i: downtimes 21, 23, ... 39
        assertThat(table).containsPattern("(?m)^  x86_64 -> x86_64-musl +10 +30\\.00 +39\\.00$");
        assertThat(table).containsPattern("(?m)^  x86_64-musl -> x86_64 +10 +31\\.00 +40\\.00$");
        assertThat(table).contains("note: x86_64 -> x86_64-musl failed at step restore and was rolled back: the program on"
                + " x86_64-musl did not report that it runs\n");
        assertThat(table).contains("note: preparing x86_64-musl failed: disk full");
        assertThat(table).doesNotContain("largest phase");
        // cross-ISA: no target, emulated platforms marked
        assertThat(table).contains("cross-ISA: x86_64, aarch64 (qemu); 2 ok, 0 failed");
        assertThat(table).containsPattern("(?m)^downtime: stop requested -> runs +51\\.00 +60\\.00 +60\\.00$");
    }

    @Test
    void theCheckpointPhaseIsSplitIntoItsPartsWhenTheRecordsHaveThem() {
        MigrationRecord withParts = MigrationReportTest.ok("x86_64", "x86_64-musl", 1, 9, 0, 0.5, 0.5, 2)
                .withCheckpointParts(new MigrationRecord.CheckpointParts(1.5, 5.0, 2.5));
        MigrationReport.Scenario s = new MigrationReport.Scenario("native -> native",
                List.of(MigrationReportTest.X86, MigrationReportTest.MUSL), java.util.Set.of(), true,
                List.of(withParts), List.of(), 50, 51, 3);
        MigrationReport report = new MigrationReport(List.of(s), 1, dev.talent.migrate.Interval.parse("1s"), 1, 10,
                "1.00 1.00 1.00", "1.00 1.00 1.00", 2);

        assertThat(BenchReportRenderer.migration(report))
                .containsPattern("(?m)^  source exit \\+ checkpoint copy +9\\.00 +9\\.00 +9\\.00$")
                .containsPattern("(?m)^    source exit +1\\.50 +1\\.50 +1\\.50$")
                .containsPattern("(?m)^    take: read, validate, sign +5\\.00 +5\\.00 +5\\.00$")
                .containsPattern("(?m)^    hand-over: verify, write, place +2\\.50 +2\\.50 +2\\.50$");
        // without parts (records of an older talent) the rows are left out
        assertThat(BenchReportRenderer.migration(new MigrationReport(List.of(new MigrationReport.Scenario("native -> native",
                List.of(MigrationReportTest.X86, MigrationReportTest.MUSL), java.util.Set.of(), true,
                List.of(MigrationReportTest.ok("x86_64", "x86_64-musl", 1, 9, 0, 0.5, 0.5, 2)), List.of(), 50, 51, 3)), 1,
                dev.talent.migrate.Interval.parse("1s"), 1, 10, "1.00 1.00 1.00", "1.00 1.00 1.00", 2)))
                .doesNotContain("source exit  ").doesNotContain("take: read");
    }

    @Test
    void aMissedMigrationTargetNamesTheLargestPhase() {
        MigrationReport.Scenario slow = new MigrationReport.Scenario("native -> native",
                List.of(MigrationReportTest.X86, MigrationReportTest.MUSL), java.util.Set.of(), true,
                List.of(MigrationReportTest.ok("x86_64", "x86_64-musl", 5, 3, 4, 60, 1, 2)), List.of(), 50, 51, 3);
        MigrationReport report = new MigrationReport(List.of(slow), 1, dev.talent.migrate.Interval.parse("1s"), 1, 10,
                "1.00 1.00 1.00", "1.00 1.00 1.00", 2);

        assertThat(BenchReportRenderer.migration(report))
                .containsPattern("(?m)^downtime: stop requested -> runs +73\\.00 +73\\.00 +73\\.00  target <= 50: OVER$")
                .contains("largest phase: runc start (median 60.00 ms)")
                .contains("scaled-down check: fewer than the 20 migrations of issue #5");
    }

    @Test
    void bothWaysOfStartingAreShownWithTheirStartPhaseAndTheMedianDowntimesSideBySide() {
        java.util.function.BiFunction<MigrationReport.Start, Double, MigrationReport.Scenario> scenario = (start, startMs) ->
                new MigrationReport.Scenario("native -> native", List.of(MigrationReportTest.X86, MigrationReportTest.MUSL),
                        java.util.Set.of(), true, List.of(MigrationReportTest.ok("x86_64", "x86_64-musl", 1, 4, 2, startMs, 1, 2),
                        MigrationReportTest.ok("x86_64-musl", "x86_64", 1, 4, 2, startMs, 1, 2)), List.of(), 50, 51, 3,
                        java.util.Optional.of(start));
        MigrationReport report = new MigrationReport(List.of(scenario.apply(MigrationReport.Start.RUNC_START, 12.0),
                scenario.apply(MigrationReport.Start.AHEAD, 0.05)), 2, dev.talent.migrate.Interval.parse("1s"), 1, 10,
                "1.00 1.00 1.00", "1.00 1.00 1.00", 2);

        String table = BenchReportRenderer.migration(report);

        assertThat(table).contains("native -> native (runc start in the window): x86_64, x86_64-musl; 2 ok")
                .contains("native -> native (started ahead): x86_64, x86_64-musl; 2 ok")
                .containsPattern("(?m)^  runc start +12\\.00 +12\\.00 +12\\.00$")
                .containsPattern("(?m)^  go \\(started ahead\\) +0\\.05 +0\\.05 +0\\.05$")
                .containsPattern("(?m)^median downtime, side by side +in window +ahead +ratio$")
                // 1 + 4 + 2 + 12 + 1 = 20 against 1 + 4 + 2 + 0.05 + 1 = 8.05
                .containsPattern("(?m)^  native -> native +20\\.00 +8\\.05 +0\\.40x$");
        assertThat(BenchReportRenderer.startComparison(new MigrationReport(List.of(scenario.apply(MigrationReport.Start.AHEAD,
                0.05)), 2, dev.talent.migrate.Interval.parse("1s"), 1, 10, "1", "1", 2))).as("one way only").isEmpty();
    }
    @Test
    void theFirstMigrationIsShownAgainstTheMedianOfTheLaterOnes() {
        java.util.function.Function<Double, MigrationRecord> migration = take -> MigrationReportTest.ok("x86_64",
                "x86_64-musl", 1, take + 3.5, 0, 0.5, 1, 2).withCheckpointParts(new MigrationRecord.CheckpointParts(1.5, take, 2.0));
        MigrationReport.Scenario s = new MigrationReport.Scenario("native -> native",
                List.of(MigrationReportTest.X86, MigrationReportTest.MUSL), java.util.Set.of(), true,
                List.of(migration.apply(100.0), migration.apply(4.0), migration.apply(6.0), migration.apply(5.0)),
                List.of(), 50, 51, 3);
        MigrationReport.Scenario second = new MigrationReport.Scenario("cross-ISA", List.of(MigrationReportTest.X86,
                MigrationReportTest.ARM), java.util.Set.of(), false, List.of(migration.apply(5.0), migration.apply(5.0)),
                List.of(), 50, 51, 3);
        MigrationReport report = new MigrationReport(List.of(s, second), 4, dev.talent.migrate.Interval.parse("1s"), 1, 10,
                "1.00 1.00 1.00", "1.00 1.00 1.00", 2);

        String table = BenchReportRenderer.migration(report);

        // downtime 1 + (take + 3.5) + 0 + 0.5 + 1: 106 first, later 10, 12, 11 (median 11)
        assertThat(table).containsPattern("(?m)^first \\(the JVM's first\\) vs later +first +later med +ratio$")
                .containsPattern("(?m)^  downtime: stop requested -> runs +106\\.00 +11\\.00 +9\\.64x$")
                .containsPattern("(?m)^  take: read, validate, sign +100\\.00 +5\\.00 +20\\.00x$")
                .containsPattern("(?m)^  hand-over: verify, write, place +2\\.00 +2\\.00 +1\\.00x$")
                .containsPattern("(?m)^  source exit +1\\.50 +1\\.50 +1\\.00x$")
                // no ratio to a median of 0
                .containsPattern("(?m)^  final sync of the workdir +0\\.00 +0\\.00 +-$")
                // the scenario run second: its first migration was not the JVM's
                .containsPattern("(?m)^first vs later +first +later med +ratio$");
        // a rolled-back first attempt is no first migration to compare
        MigrationReport.Scenario rolledBack = new MigrationReport.Scenario("native -> native",
                List.of(MigrationReportTest.X86, MigrationReportTest.MUSL), java.util.Set.of(), true,
                List.of(MigrationReportTest.failed("x86_64", "x86_64-musl", "restore"), migration.apply(4.0)),
                List.of(), 50, 51, 3);
        assertThat(BenchReportRenderer.firstAndLater(rolledBack, true)).isEmpty();
    }
}
