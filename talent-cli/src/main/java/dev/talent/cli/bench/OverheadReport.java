package dev.talent.cli.bench;

import java.util.List;
import java.util.Optional;

/**
 * What {@code talent bench overhead} measured: per kernel, the wall times of the plain and the instrumented
 * binary in pairs of runs taken back to back ({@code instrumentedMs} run {@code i} and {@code plainMs} run
 * {@code i} form pair {@code i}).
 *
 * @param target the ratio the instrumented build should stay under (1.03: at most 3% slower)
 */
public record OverheadReport(List<KernelResult> kernels, int runs, double scale, double target) {

    public static final double TARGET = 1.03;

    public OverheadReport {
        kernels = List.copyOf(kernels);
        if (kernels.isEmpty()) throw new IllegalArgumentException("no kernels");
    }

    /**
     * Whether a ratio meets the target. On a shared machine a single ratio moves by a few percent from one
     * run of the bench to the next, as much as the target allows, so a kernel's verdict comes from its
     * confidence interval: only an interval wholly on one side of the target decides.
     */
    public enum Verdict {
        /** The whole interval is at or below the target. */
        MET("ok"),
        /** The interval contains the target: these runs cannot tell. */
        WITHIN_NOISE("noise"),
        /** The whole interval is above the target. */
        OVER("OVER");

        private final String label;

        Verdict(String label) { this.label = label; }

        /** How the table prints it. */
        public String label() { return label; }

        public static Verdict of(RatioInterval interval, double target) {
            if (interval.upper() <= target) return MET;
            if (interval.lower() > target) return OVER;
            return WITHIN_NOISE;
        }

        /** For a value without an interval (the geometric mean): met or over, never noise. */
        public static Verdict ofPoint(double ratio, double target) { return ratio <= target ? MET : OVER; }
    }

    /**
     * Instructions each binary (first code layout) executed at {@code arguments} (a smaller size than the timed
     * runs': valgrind runs a program tens of times slower), counted by {@link InstructionCounter}.
     */
    public record InstructionCounts(List<String> arguments, long plain, long instrumented) {
        public InstructionCounts {
            arguments = List.copyOf(arguments);
            if (plain <= 0 || instrumented <= 0) throw new IllegalArgumentException("instruction counts must be positive");
        }

        public double ratio() { return (double) instrumented / plain; }
    }

    /**
     * One kernel: both binaries printed {@code output} on every run; {@code instructions} is empty when they were
     * not counted (no valgrind).
     */
    public record KernelResult(Kernel kernel, List<String> arguments, Samples plainMs, Samples instrumentedMs, String output,
                               Optional<InstructionCounts> instructions) {

        public KernelResult(Kernel kernel, List<String> arguments, Samples plainMs, Samples instrumentedMs, String output) {
            this(kernel, arguments, plainMs, instrumentedMs, output, Optional.empty());
        }

        public KernelResult {
            arguments = List.copyOf(arguments);
            if (plainMs.values().size() != instrumentedMs.values().size()) {
                throw new IllegalArgumentException("runs come in pairs: " + instrumentedMs.values().size()
                        + " instrumented and " + plainMs.values().size() + " plain");
            }
        }

        /** Median instrumented time over median plain time. */
        public double ratio() { return Statistics.ratio(instrumentedMs.median(), plainMs.median()); }

        /** The 95% interval of {@link #ratio()} (computed on each call: 2000 resamples take about a millisecond). */
        public RatioInterval interval() { return RatioInterval.ofMedians(instrumentedMs, plainMs); }
    }

    /** The geometric mean of the kernels' ratios. */
    public double geometricMeanRatio() { return Statistics.geometricMean(kernels.stream().map(KernelResult::ratio).toList()); }
}
