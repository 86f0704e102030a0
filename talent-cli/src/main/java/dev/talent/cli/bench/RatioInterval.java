package dev.talent.cli.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A 95% confidence interval for {@code median(measured) / median(baseline)} by a paired percentile bootstrap.
 * Run {@code i} of the measured and run {@code i} of the baseline binary ran back to back, so they form a pair
 * that shared the machine's load at that moment; resampling whole pairs keeps that coupling, where resampling
 * the two sets independently would count the load common to both as noise twice.
 *
 * <p>Reproducible: the pairs are put in a canonical order (by baseline, then measured value) before resampling
 * with a fixed seed, so the interval is a function of the set of pairs alone, not of the order the runs came
 * in, and a report can be recomputed from its samples.
 */
public record RatioInterval(double lower, double upper) {

    public static final double CONFIDENCE = 0.95;
    public static final int RESAMPLES = 2000;
    /** Any constant will do; a fixed one makes the interval a pure function of the samples. */
    static final long SEED = 0x7a1e_17_b007L;

    public RatioInterval {
        if (!(lower > 0 && lower <= upper)) throw new IllegalArgumentException("not an interval of ratios: [" + lower + ", " + upper + "]");
    }

    /**
     * The interval for {@code median(measured) / median(baseline)}, where {@code measured.values().get(i)} and
     * {@code baseline.values().get(i)} are the two runs of pair {@code i}.
     *
     * <p>With few, skewed pairs the percentiles of the resampled ratios can miss the ratio of the samples
     * themselves; the interval is then widened to include it, so it always contains the printed ratio.
     */
    public static RatioInterval ofMedians(Samples measured, Samples baseline) {
        int n = measured.values().size();
        if (baseline.values().size() != n) {
            throw new IllegalArgumentException("pairs need as many measured as baseline runs, not " + n + " and "
                    + baseline.values().size());
        }
        int[] canonical = IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> baseline.values().get(i))
                        .thenComparingDouble(i -> measured.values().get(i)))
                .mapToInt(Integer::intValue).toArray();
        double[] m = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = measured.values().get(canonical[i]);
            b[i] = baseline.values().get(canonical[i]);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double[] ratios = new double[RESAMPLES];
        double[] rm = new double[n];
        double[] rb = new double[n];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(n);
                rm[i] = m[pick];
                rb[i] = b[pick];
            }
            ratios[r] = Statistics.ratio(Statistics.median(rm), Statistics.median(rb));
        }
        Arrays.sort(ratios);
        double tail = (1 - CONFIDENCE) / 2 * 100;
        double lower = Statistics.percentileOfSorted(ratios, tail);
        double upper = Statistics.percentileOfSorted(ratios, 100 - tail);
        double point = Statistics.ratio(measured.median(), baseline.median());
        return new RatioInterval(Math.min(lower, point), Math.max(upper, point));
    }

    public boolean contains(double value) { return lower <= value && value <= upper; }
}
