package dev.talent.cli.bench;

import java.util.List;

/**
 * What {@code talent bench overhead} measured: per kernel, the wall times of the plain and the instrumented
 * binary, run alternately in the same loop.
 *
 * @param target the ratio the instrumented build should stay under (1.03: at most 3% slower)
 */
public record OverheadReport(List<KernelResult> kernels, int runs, double scale, double target) {

    public static final double TARGET = 1.03;

    public OverheadReport {
        kernels = List.copyOf(kernels);
        if (kernels.isEmpty()) throw new IllegalArgumentException("no kernels");
    }

    /** One kernel: both binaries printed {@code output} on every run. */
    public record KernelResult(Kernel kernel, List<String> arguments, Samples plainMs, Samples instrumentedMs, String output) {

        public KernelResult {
            arguments = List.copyOf(arguments);
        }

        /** Median instrumented time over median plain time. */
        public double ratio() { return Statistics.ratio(instrumentedMs.median(), plainMs.median()); }

        public boolean meets(double target) { return ratio() <= target; }
    }

    /** The geometric mean of the kernels' ratios. */
    public double geometricMeanRatio() { return Statistics.geometricMean(kernels.stream().map(KernelResult::ratio).toList()); }
}
