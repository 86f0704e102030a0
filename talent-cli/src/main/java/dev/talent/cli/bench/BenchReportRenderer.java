package dev.talent.cli.bench;

import dev.talent.toolchain.Platform;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders benchmark reports as the plain-text tables {@code talent bench} prints. */
public final class BenchReportRenderer {

    private BenchReportRenderer() {}

    public static String overhead(OverheadReport report) {
        StringBuilder out = new StringBuilder();
        out.append(f("talent bench overhead: x86_64, no checkpoint taken; %d runs of each binary, alternating"
                + " (instrumented, plain, ...); medians of wall time%s%n", report.runs(),
                report.scale() == 1.0 ? "" : f(" (work scaled by %s)", report.scale())));
        out.append(f("%-11s %10s %12s %12s %7s  %s%n", "kernel", "size", "plain ms", "talent ms", "ratio",
                f("target <= %.2f", report.target())));
        for (OverheadReport.KernelResult k : report.kernels()) {
            out.append(f("%-11s %10s %12.1f %12.1f %7.3f  %s%n", k.kernel().name(), String.join(" ", k.arguments()),
                    k.plainMs().median(), k.instrumentedMs().median(), k.ratio(), verdict(k.meets(report.target()))));
        }
        double geomean = report.geometricMeanRatio();
        out.append(f("%-61s %7.3f  %s%n", "geometric mean of ratios", geomean, verdict(geomean <= report.target())));
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

    private static String verdict(boolean met) { return met ? "ok" : "OVER"; }

    private static String mib(double mib) { return f("%.1f MiB", mib); }

    static String f(String format, Object... args) { return String.format(Locale.ROOT, format, args); }

    /** A progress line for stderr. */
    public static String progress(BenchEvent event) {
        return switch (event) {
            case BenchEvent.Building b -> f("talent bench: building %s (%s) for %s", b.program(),
                    b.instrumented() ? "talent build" : "plain gcc", platforms(b.platforms()));
            case BenchEvent.PlatformSkipped s -> f("talent bench: leaving out %s (apt-get install %s)", s.support().platform(),
                    String.join(" ", s.support().missingPackages()));
            case BenchEvent.Measuring m -> f("talent bench: %s run %d/%d", m.what(), m.run(), m.runs());
        };
    }

    private static String platforms(List<Platform> platforms) { return BenchWorkspace.platformNames(platforms); }
}
