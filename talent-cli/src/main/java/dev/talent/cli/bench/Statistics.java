package dev.talent.cli.bench;

import java.util.Collection;
import java.util.List;

/**
 * The arithmetic of the reports. Medians, not means: this machine is shared, and a run that another job
 * slowed down must not move the result.
 */
public final class Statistics {

    private Statistics() {}

    public static double median(Collection<Double> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("median of no values");
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
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
