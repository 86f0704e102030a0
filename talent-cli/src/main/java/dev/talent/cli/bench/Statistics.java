package dev.talent.cli.bench;

import dev.talent.base.Median;
import java.util.Arrays;
import java.util.Collection;

/**
 * The arithmetic of the reports. Medians, not means: this machine is shared, and a run that another job
 * slowed down must not move the result.
 */
public final class Statistics {

    private Statistics() {}

    public static double median(Collection<Double> values) {
        return Median.of(values);
    }

    /** The median of {@code values} (left as they are: a sorted copy is used). */
    public static double median(double[] values) {
        return Median.of(values);
    }

    /**
     * The {@code p}-th percentile by nearest rank: the smallest value that at least {@code p}% of the values do
     * not exceed, always one of the values (no interpolation). With fewer than 100 values the 99th percentile
     * is therefore the maximum.
     */
    public static double percentile(Collection<Double> values, double p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return percentileOfSorted(sorted, p);
    }

    /** {@link #percentile} of values already sorted in ascending order (the bootstrap's many resamples). */
    static double percentileOfSorted(double[] sorted, double p) {
        if (sorted.length == 0) throw new IllegalArgumentException("percentile of no values");
        if (!(p > 0 && p <= 100)) throw new IllegalArgumentException("percentile must be in (0, 100], not " + p);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[rank - 1];
    }

    /** {@code measured / baseline}: above 1 means measured is slower. */
    public static double ratio(double measured, double baseline) {
        if (!(baseline > 0)) throw new IllegalArgumentException("baseline must be positive, not " + baseline);
        return measured / baseline;
    }

    /** The geometric mean, the mean that fits ratios (a 2x and a 0.5x average to 1x). */
    public static double geometricMean(Collection<Double> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("geometric mean of no values");
        double logSum = 0;
        for (double v : values) {
            if (!(v > 0)) throw new IllegalArgumentException("geometric mean needs positive values, not " + v);
            logSum += Math.log(v);
        }
        return Math.exp(logSum / values.size());
    }
}
