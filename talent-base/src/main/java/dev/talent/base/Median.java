package dev.talent.base;

import java.util.Arrays;
import java.util.Collection;

/** The median of measurements: on a shared machine one slowed-down run must not move a result as a mean would. */
public final class Median {

    private Median() {}

    /** The median of {@code values} (left as they are: a sorted copy is used); the mean of the middle two for an even count. */
    public static double of(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("median of no values");
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double of(long[] values) {
        return of(Arrays.stream(values).asDoubleStream().toArray());
    }

    public static double of(Collection<? extends Number> values) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray());
    }
}
