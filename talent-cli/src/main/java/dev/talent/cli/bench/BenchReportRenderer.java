package dev.talent.cli.bench;

import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Platform;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders benchmark reports as the plain-text tables {@code talent bench} prints. */
public final class BenchReportRenderer {

    private BenchReportRenderer() {}

    /** The number of runs {@code talent bench overhead} suggests when an interval straddles the target. */
    static final int RERUN_RUNS = 24;

    public static String overhead(OverheadReport report) {
        StringBuilder out = new StringBuilder();
        out.append(f("talent bench overhead: x86_64, no checkpoint taken; %d runs of each binary, in back-to-back pairs"
                + " (instrumented first, then plain first, alternating) through %d code layouts; medians of wall time%s%n",
                report.runs(), OverheadBench.LAYOUT_SHIFTS.size(),
                report.scale() == 1.0 ? "" : f(" (work scaled by %s)", report.scale())));
        String target = number(report.target());
        // The instruction ratio (valgrind, at a smaller size; the table below) next to the timed one, so that one line
        // says whether added work or something instructions do not show (memory traffic, layout) costs the time.
        out.append(line(f("%-11s %10s %12s %12s %7s  %-16s %-15s %s", "kernel", "size", "plain ms", "talent ms", "ratio",
                f("%.0f%% interval", RatioInterval.CONFIDENCE * 100), "target <= " + target, "instr ratio")));
        boolean noise = false;
        for (OverheadReport.KernelResult k : report.kernels()) {
            RatioInterval interval = k.interval();
            OverheadReport.Verdict verdict = OverheadReport.Verdict.of(interval, report.target());
            noise |= verdict == OverheadReport.Verdict.WITHIN_NOISE;
            out.append(line(f("%-11s %10s %12.1f %12.1f %7.3f  %-16s %-15s %s", k.kernel().name(),
                    String.join(" ", k.arguments()), k.plainMs().median(), k.instrumentedMs().median(), k.ratio(),
                    f("[%.3f, %.3f]", interval.lower(), interval.upper()), verdict.label(),
                    k.instructions().map(c -> f("%.3f", c.ratio())).orElse("-"))));
        }
        double geomean = report.geometricMeanRatio();
        out.append(line(f("%-48s %7.3f  %-16s %s", "geometric mean of ratios", geomean, "-",
                OverheadReport.Verdict.ofPoint(geomean, report.target()).label() + " (from the point value)")));
        out.append(f("%.0f%% interval: paired bootstrap of the ratio of medians (%d resamples of the run pairs, fixed seed);"
                + " ok: the whole interval <= %s, OVER: the whole interval > %s%n", RatioInterval.CONFIDENCE * 100,
                RatioInterval.RESAMPLES, target, target));
        if (noise) {
            out.append(f("noise: the %.0f%% interval [lo, hi] contains %s; rerun with --runs %d on a quieter machine%n",
                    RatioInterval.CONFIDENCE * 100, target, RERUN_RUNS));
        }
        out.append(instructions(report));
        return out.toString();
    }

    /**
     * The instruction counts under the table: the work the instrumentation adds, free of the noise and of the
     * code-layout luck that move the timed ratio (but blind to what costs no instructions).
     */
    private static String instructions(OverheadReport report) {
        if (report.kernels().stream().allMatch(k -> k.instructions().isEmpty())) {
            return f("instructions executed: not counted (%s)%n", InstructionCounter.MISSING);
        }
        StringBuilder out = new StringBuilder();
        out.append(f("instructions executed (valgrind cachegrind, first layout, at a smaller size: the work added, without"
                + " timing noise or layout luck; blind to branch layout and mispredictions)%n"));
        out.append(line(f("%-11s %10s %16s %16s %7s", "kernel", "size", "plain", "talent", "ratio")));
        for (OverheadReport.KernelResult k : report.kernels()) {
            if (k.instructions().isEmpty()) continue;
            OverheadReport.InstructionCounts c = k.instructions().get();
            out.append(line(f("%-11s %10s %16d %16d %7.3f", k.kernel().name(), String.join(" ", c.arguments()), c.plain(),
                    c.instrumented(), c.ratio())));
        }
        return out.toString();
    }

    public static String roundTrip(RoundTripReport report, String title) {
        StringBuilder out = new StringBuilder();
        RoundTripReport.Write w = report.write();
        out.append(f("talent bench %s: %s.c %s; %d runs; medians (ms) of the runtime's TALENT_VERBOSE timing lines and of"
                + " whole-process wall time%n", title, report.program(), String.join(" ", report.arguments()), report.runs()));
        out.append(f("checkpoint file: %s (%d bytes), %d heap blocks%n", mib(w.sizeMiB()), w.fileBytes(), w.heapBlocks()));
        out.append(f("%-26s %10s  %-44s %10s%n", "checkpoint write", "total", "(collect, encode, write+fsync)", "process"));
        out.append(f("%-26s %10.1f  %-44s %10.1f%n", "on " + report.writer().name(), w.totalMs().median(),
                f("(%.1f, %.1f, %.1f)", w.collectMs().median(), w.encodeMs().median(), w.writeMs().median()),
                w.processMs().median()));
        out.append(f("%-26s %10s  %-44s %10s%n", "restore", "total", "(read+validate, heap, globals+frames)", "process"));
        for (RoundTripReport.Restore r : report.restores()) {
            out.append(f("%-26s %10.1f  %-44s %10.1f%n", hop(report.writer(), r.platform(), r.emulated()), r.totalMs().median(),
                    f("(%.1f, %.1f, %.1f)", r.readMs().median(), r.heapMs().median(), r.globalsFramesMs().median()),
                    r.processMs().median()));
        }
        if (!report.fromScratch().isEmpty()) {
            out.append(f("%-26s %10s  %-44s %10s%n", "from scratch (no restore)", "build", "restore total / build time", "process"));
            for (RoundTripReport.FromScratch s : report.fromScratch()) {
                Optional<RoundTripReport.Restore> restore = report.restores().stream()
                        .filter(r -> r.platform().equals(s.platform())).findFirst();
                String compared = restore.map(r -> f("%.3f (%s)", Statistics.ratio(r.totalMs().median(), s.buildMs().median()),
                        speedup(s.restoreSpeedup(r)))).orElse("");
                out.append(f("%-26s %10.1f  %-44s %10.1f%n", "on " + s.platform().name() + (s.emulated() ? " (qemu)" : ""),
                        s.buildMs().median(), compared, s.processMs().median()));
            }
        }
        return out.toString();
    }

    /** Native target of issue 13: write and restore of array state at 1 GB/s, or half the disk's speed when it is the limit. */
    static final double TARGET_MB_PER_S = 1000;

    /**
     * Throughput of each size's checkpoint write and restores (the file's bytes over the runtime's total time), next
     * to memcpy of the same bytes and to writing them raw to the same disk, with and without fsync.
     */
    public static String throughput(List<RoundTripReport> reports, List<RawBaseline> baselines) {
        StringBuilder out = new StringBuilder();
        out.append(f("throughput in MB/s (10^6 bytes/s of the checkpoint file over the runtime's total time), medians; raw: the"
                + " same number of bytes copied by memcpy, written to the checkpoint's disk in 8 MiB writes (like dd bs=8M),"
                + " with fsync (conv=fsync), and read back%n"));
        out.append(f("target natively: write (with fsync) >= %s MB/s or >= 50%% of raw write+fsync; restore >= %s MB/s or"
                + " >= 50%% of raw read%n", number(TARGET_MB_PER_S), number(TARGET_MB_PER_S)));
        for (int i = 0; i < reports.size(); i++) {
            RoundTripReport r = reports.get(i);
            RawBaseline raw = baselines.get(i);
            long bytes = r.write().fileBytes();
            double rawSync = RawBaseline.mbPerSecond(bytes, raw.writeFsyncMs().median());
            double rawRead = RawBaseline.mbPerSecond(bytes, raw.readMs().median());
            out.append(line(f("%-34s %12s %12s", r.program() + " (" + mib(bytes / 1048576.0) + ")", "ms", "MB/s")));
            double write = RawBaseline.mbPerSecond(bytes, r.write().totalMs().median());
            out.append(line(f("%-34s %12.1f %12.0f  %s", "  write on " + r.writer().name() + " (fsync)", r.write().totalMs().median(),
                    write, verdict(write, rawSync))));
            for (RoundTripReport.Restore restore : r.restores()) {
                double mbs = RawBaseline.mbPerSecond(bytes, restore.totalMs().median());
                out.append(line(f("%-34s %12.1f %12.0f  %s", "  restore " + hop(r.writer(), restore.platform(), restore.emulated()),
                        restore.totalMs().median(), mbs, restore.emulated() ? "" : verdict(mbs, rawRead))));
            }
            out.append(line(f("%-34s %12.1f %12.0f", "  raw memcpy", raw.memcpyMs().median(),
                    RawBaseline.mbPerSecond(bytes, raw.memcpyMs().median()))));
            out.append(line(f("%-34s %12.1f %12.0f", "  raw write (page cache)", raw.writeMs().median(),
                    RawBaseline.mbPerSecond(bytes, raw.writeMs().median()))));
            out.append(line(f("%-34s %12.1f %12.0f", "  raw write+fsync", raw.writeFsyncMs().median(), rawSync)));
            out.append(line(f("%-34s %12.1f %12.0f", "  raw read (page cache)", raw.readMs().median(), rawRead)));
        }
        return out.toString();
    }

    private static String verdict(double mbPerSecond, double rawMbPerSecond) {
        if (mbPerSecond >= TARGET_MB_PER_S) return "ok (>= " + number(TARGET_MB_PER_S) + ")";
        if (mbPerSecond >= 0.5 * rawMbPerSecond) return f("ok (%.0f%% of raw)", 100 * mbPerSecond / rawMbPerSecond);
        return f("UNDER (%.0f%% of raw)", 100 * mbPerSecond / rawMbPerSecond);
    }

    public static String latency(LatencyReport report) {
        StringBuilder out = new StringBuilder();
        out.append(f("talent bench latency: %s natively; %d SIGUSR1 requests per mode, each to a fresh process; the"
                + " runtime's request-latency lines (TALENT_VERBOSE=1)%s%n", LatencyBench.PLATFORM.name(), report.requests(),
                report.scaled() ? f(" (scaled-down check: fewer than the %d requests of issue #4)", LatencyReport.MINIMUM_REQUESTS)
                        : ""));
        out.append(f("times in ms; p%.0f by nearest rank (the maximum below 100 samples); target <= %s ms%n",
                LatencyReport.PERCENTILE, number(report.targetMs())));
        out.append(line(f("%-22s %7s   %-26s   %-26s", "", "", "signal -> checkpoint written", "signal -> site taking it")));
        out.append(line(f("%-22s %7s   %8s %8s %-8s   %8s %8s %-8s", "mode", "samples", "median", "p99", "", "median", "p99", "")));
        for (LatencyReport.ModeResult m : report.modes()) {
            out.append(line(f("%-22s %7s   %s   %s", m.mode().description(), m.latencies().size() + "/" + m.requested(),
                    latencyCells(m.toWrittenMs(), report.targetMs()), latencyCells(m.toSiteMs(), report.targetMs()))));
        }
        for (LatencyReport.ModeResult m : report.modes()) {
            if (m.missing().isEmpty()) continue;
            out.append(f("note: %s: %d of %d requests gave no sample: %s%n", m.mode().description(), m.missing().size(),
                    m.requested(), m.missingReasons().entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                            .collect(java.util.stream.Collectors.joining("; "))));
        }
        return out.toString();
    }

    public static String migration(MigrationReport report) {
        StringBuilder out = new StringBuilder();
        out.append(f("talent bench migration: talent run's orchestrator migrating %s (state in globals, a heap buffer and"
                + " an open file; %d ms steps) between runc containers; %d successful migrations per scenario at"
                + " intervals drawn from %s (seed %d)%s%n", MigrationBench.SOURCE, report.stepMs(), report.migrations(),
                report.every(), report.seed(), report.scaled()
                        ? f(" (scaled-down check: fewer than the %d migrations of issue #5)", MigrationReport.MINIMUM_MIGRATIONS)
                        : ""));
        out.append(f("load average %s before, %s after (%d cores); times in ms; p%.0f by nearest rank; target: median"
                + " downtime <= %s ms native -> native%n", report.loadBefore(), report.loadAfter(), report.cores(),
                MigrationReport.PERCENTILE, number(MigrationReport.TARGET_MS)));
        // the scenarios ran in this order in one JVM: the first one's first migration was the JVM's
        boolean jvmFirst = true;
        for (MigrationReport.Scenario s : report.scenarios()) {
            out.append(System.lineSeparator());
            out.append(f("%s: %s; %d ok, %d failed; %d steps, stdout (%d lines) and %d files equal to an uninterrupted"
                    + " run's%n", s.heading(), s.platforms().stream().map(p -> p.name() + (s.emulated().contains(p) ? " (qemu)" : ""))
                            .collect(java.util.stream.Collectors.joining(", ")), s.succeeded().size(), s.failed().size(),
                    s.steps(), s.outputLines(), s.files()));
            out.append(line(f("%-36s %9s %9s %9s", "phase", "median", "p" + (int) MigrationReport.PERCENTILE, "max")));
            for (MigrationReport.Phase phase : MigrationReport.Phase.values()) {
                if (phase.part() && s.phase(phase).isEmpty()) continue;
                String label = (phase == MigrationReport.Phase.DOWNTIME ? "" : phase.part() ? "    " : "  ")
                        + (phase == MigrationReport.Phase.START ? s.start().map(MigrationReport.Start::phaseLabel)
                                .orElse(phase.label()) : phase.label());
                String extra = switch (phase) {
                    case DOWNTIME -> s.meetsTarget().map(ok -> f("  target <= %s: %s", number(MigrationReport.TARGET_MS),
                            ok ? "ok" : "OVER")).orElse("");
                    case SYNC -> s.syncFiles().map(n -> f("  (median %s files)", number(n.median()))).orElse("");
                    default -> "";
                };
                out.append(line(f("%-36s %s%s", label, timeCells(s.phase(phase)), extra)));
            }
            if (s.meetsTarget().filter(ok -> !ok).isPresent()) {
                s.dominantPhase().ifPresent(p -> out.append(f("largest phase: %s (median %.2f ms)%n", p.label(),
                        s.phase(p).orElseThrow().median())));
            }
            out.append(firstAndLater(s, jvmFirst));
            jvmFirst = false;
            out.append(line(f("%-36s %9s %9s %9s", "hop (downtime)", "count", "median", "p" + (int) MigrationReport.PERCENTILE)));
            for (var hop : s.hops().entrySet()) {
                Samples downtime = MigrationReport.samples(hop.getValue(), MigrationReport.Phase.DOWNTIME).orElseThrow();
                out.append(line(f("  %-34s %9d %9.2f %9.2f", hop.getKey(), hop.getValue().size(), downtime.median(),
                        downtime.percentile(MigrationReport.PERCENTILE))));
            }
            for (var failed : s.failed()) {
                out.append(f("note: %s -> %s failed at step %s and was rolled back: %s%n", failed.from(), failed.to(),
                        failed.failedStep(), failed.error().lines().findFirst().orElse("")));
            }
            for (String note : s.notes()) out.append(f("note: %s%n", note));
        }
        out.append(startComparison(report));
        return out.toString();
    }

    /** The downtime and the phases its Java code runs in (the first migration of a JVM loads and compiles it). */
    private static final List<MigrationReport.Phase> FIRST_PHASES = List.of(MigrationReport.Phase.DOWNTIME,
            MigrationReport.Phase.SOURCE_EXIT, MigrationReport.Phase.TAKE, MigrationReport.Phase.HAND_OVER,
            MigrationReport.Phase.SYNC);

    /**
     * The scenario's first migration against the median of the later ones (downtime, the parts of the checkpoint's
     * copy and the final sync); empty without a successful first migration and a later one. {@code jvmFirst}: the scenario
     * ran first, its first migration was the JVM's.
     */
    static String firstAndLater(MigrationReport.Scenario s, boolean jvmFirst) {
        Optional<MigrationRecord> first = s.first();
        List<MigrationRecord> later = s.later();
        if (first.isEmpty() || later.isEmpty()) return "";
        StringBuilder out = new StringBuilder();
        out.append(line(f("%-36s %9s %9s %9s", jvmFirst ? "first (the JVM's first) vs later" : "first vs later",
                "first", "later med", "ratio")));
        for (MigrationReport.Phase phase : FIRST_PHASES) {
            Double one = phase.of(first.get());
            Optional<Samples> rest = MigrationReport.samples(later, phase);
            if (one == null || rest.isEmpty()) continue;
            double median = rest.get().median();
            out.append(line(f("  %-34s %9.2f %9.2f %s", phase.label(), one, median,
                    median > 0 ? f("%8.2fx", one / median) : f("%9s", "-"))));
        }
        return out.toString();
    }

    /**
     * Each scenario measured both ways in this run, side by side: median downtime with the destination started
     * ahead against with runc start in the window, and their ratio; empty when no scenario was measured both ways.
     */
    static String startComparison(MigrationReport report) {
        StringBuilder out = new StringBuilder();
        Map<String, Map<MigrationReport.Start, Samples>> byTitle = new LinkedHashMap<>();
        for (MigrationReport.Scenario s : report.scenarios()) {
            if (s.start().isEmpty()) continue;
            s.phase(MigrationReport.Phase.DOWNTIME).ifPresent(d ->
                    byTitle.computeIfAbsent(s.title(), k -> new java.util.EnumMap<>(MigrationReport.Start.class))
                            .put(s.start().get(), d));
        }
        for (var e : byTitle.entrySet()) {
            Samples window = e.getValue().get(MigrationReport.Start.RUNC_START);
            Samples ahead = e.getValue().get(MigrationReport.Start.AHEAD);
            if (window == null || ahead == null) continue;
            if (out.isEmpty()) {
                out.append(System.lineSeparator());
                out.append(line(f("%-36s %9s %9s %9s", "median downtime, side by side", "in window", "ahead", "ratio")));
            }
            out.append(line(f("  %-34s %9.2f %9.2f %8.2fx", e.getKey(), window.median(), ahead.median(),
                    ahead.median() / window.median())));
        }
        return out.toString();
    }

    private static String timeCells(Optional<Samples> samples) {
        if (samples.isEmpty()) return f("%9s %9s %9s", "-", "-", "-");
        Samples s = samples.get();
        return f("%9.2f %9.2f %9.2f", s.median(), s.percentile(MigrationReport.PERCENTILE), s.max());
    }

    /** Median, p99 and a verdict: ok when the p99 meets the target, "p99 OVER" when only the median does. */
    private static String latencyCells(Optional<Samples> samples, double targetMs) {
        if (samples.isEmpty()) return f("%8s %8s %-8s", "-", "-", "");
        double median = samples.get().median();
        double p99 = samples.get().percentile(LatencyReport.PERCENTILE);
        String verdict = p99 <= targetMs ? "ok" : median <= targetMs ? "p99 OVER" : "OVER";
        return f("%8.2f %8.2f %-8s", median, p99, verdict);
    }

    private static String line(String text) { return text.stripTrailing() + System.lineSeparator(); }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String hop(Platform writer, Platform reader, boolean emulated) {
        return writer.name() + " -> " + reader.name() + (emulated ? " (qemu)" : "");
    }

    private static String speedup(double speedup) {
        return speedup >= 1 ? f("restoring is %.1fx faster", speedup) : f("restoring is %.1fx slower", 1 / speedup);
    }

    private static String mib(double mib) { return f("%.1f MiB", mib); }

    // the fix Error Prone proposes is @FormatMethod, from error_prone_annotations, which is not a dependency of talent
    @SuppressWarnings("AnnotateFormatMethod")
    static String f(String format, Object... args) { return String.format(Locale.ROOT, format, args); }

    /** A progress line for stderr. */
    public static String progress(BenchEvent event) {
        return switch (event) {
            case BenchEvent.Building b -> f("talent bench: building %s (%s) for %s", b.program(),
                    b.instrumented() ? "talent build" : "plain gcc", platforms(b.platforms()));
            case BenchEvent.PlatformSkipped s -> f("talent bench: leaving out %s (apt-get install %s)", s.support().platform(),
                    String.join(" ", s.support().missingPackages()));
            case BenchEvent.Measuring m -> f("talent bench: %s run %d/%d", m.what(), m.run(), m.runs());
            case BenchEvent.Migration m -> m.record().ok()
                    ? f("talent bench: %s: migration %d/%d %s -> %s, downtime %.1f ms", m.scenario(), m.succeeded(), m.wanted(),
                            m.record().from(), m.record().to(), m.record().downtimeMs())
                    : f("talent bench: %s: migration %s -> %s failed at step %s (rolled back)", m.scenario(),
                            m.record().from(), m.record().to(), m.record().failedStep());
        };
    }

    private static String platforms(List<Platform> platforms) { return BenchWorkspace.platformNames(platforms); }
}
