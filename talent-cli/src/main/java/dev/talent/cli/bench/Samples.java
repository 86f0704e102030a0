package dev.talent.cli.bench;

import java.util.List;

/** The values one quantity took over the runs of a benchmark, in run order. */
public record Samples(List<Double> values) {

    public Samples {
        values = List.copyOf(values);
        if (values.isEmpty()) throw new IllegalArgumentException("no samples");
    }

    /** The median: the middle value, or the mean of the two middle values for an even count. */
    public double median() { return Statistics.median(values); }

    /** The {@code p}-th percentile by nearest rank ({@link Statistics#percentile}). */
    public double percentile(double p) { return Statistics.percentile(values, p); }

    public double min() { return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow(); }

    public double max() { return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow(); }
}
