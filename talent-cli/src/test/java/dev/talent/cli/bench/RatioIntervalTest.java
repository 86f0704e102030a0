package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RatioIntervalTest {

    private static Samples samples(double... values) {
        return new Samples(java.util.Arrays.stream(values).boxed().toList());
    }

    @Test
    void aBinaryAgainstItsOwnTimesGivesTheIntervalOfExactlyOne() {
        Samples times = samples(240, 460, 300, 310, 255, 420, 280);

        RatioInterval interval = RatioInterval.ofMedians(times, times);

        assertThat(interval).isEqualTo(new RatioInterval(1.0, 1.0));
    }

    @Test
    void constantTimesCollapseTheIntervalToTheirRatio() {
        RatioInterval interval = RatioInterval.ofMedians(samples(110, 110, 110, 110, 110), samples(100, 100, 100, 100, 100));

        assertThat(interval.lower()).isEqualTo(interval.upper()).isEqualTo(110.0 / 100);
    }

    @Test
    void clearlySeparatedTimesGiveAnIntervalThatExcludesOne() {
        // Every measured run 8-12% slower than its pair, with the load varying from pair to pair by far more.
        Samples measured = samples(330, 495, 270, 388, 440, 298, 352, 415, 505, 280, 365);
        Samples baseline = samples(300, 450, 245, 350, 400, 270, 320, 372, 460, 252, 330);

        RatioInterval interval = RatioInterval.ofMedians(measured, baseline);

        assertThat(interval.lower()).isGreaterThan(1.0);
        assertThat(interval.contains(1.0)).isFalse();
        assertThat(OverheadReport.Verdict.of(interval, 1.03)).isEqualTo(OverheadReport.Verdict.OVER);
    }

    @Test
    void overlappingNoisyTimesGiveAnIntervalAroundOne() {
        // The same spread in both: which binary ran slower changes from pair to pair.
        Samples measured = samples(300, 450, 245, 350, 400, 270, 320, 372, 460, 252, 330);
        Samples baseline = samples(330, 430, 270, 340, 420, 250, 335, 360, 470, 245, 320);

        RatioInterval interval = RatioInterval.ofMedians(measured, baseline);

        assertThat(interval.contains(1.0)).isTrue();
        assertThat(interval.upper() - interval.lower()).isPositive();
    }

    @Test
    void theIntervalAlwaysContainsTheRatioOfTheMedians() {
        Random random = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            int n = 5 + random.nextInt(17);
            double[] measured = new double[n];
            double[] baseline = new double[n];
            for (int i = 0; i < n; i++) {
                // skewed times, as on a loaded machine: mostly near 300 ms, sometimes far slower
                measured[i] = 240 + 60 * random.nextDouble() + (random.nextInt(4) == 0 ? 200 * random.nextDouble() : 0);
                baseline[i] = 240 + 60 * random.nextDouble() + (random.nextInt(4) == 0 ? 200 * random.nextDouble() : 0);
            }
            Samples m = samples(measured);
            Samples b = samples(baseline);

            RatioInterval interval = RatioInterval.ofMedians(m, b);

            assertThat(interval.contains(Statistics.ratio(m.median(), b.median()))).as("trial %d: %s", trial, interval).isTrue();
        }
    }

    @Test
    void theOrderOfThePairsDoesNotMatter() {
        List<double[]> pairs = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 11; i++) pairs.add(new double[] {300 + 150 * random.nextDouble(), 290 + 150 * random.nextDouble()});
        RatioInterval inOrder = of(pairs);

        for (int shuffle = 0; shuffle < 5; shuffle++) {
            Collections.shuffle(pairs, random);
            assertThat(of(pairs)).isEqualTo(inOrder);
        }
    }

    @Test
    void theSameSamplesGiveTheSameInterval() {
        Samples measured = samples(330, 495, 270, 388, 440, 298, 352);
        Samples baseline = samples(330, 430, 270, 340, 420, 250, 335);

        assertThat(RatioInterval.ofMedians(measured, baseline)).isEqualTo(RatioInterval.ofMedians(measured, baseline));
    }

    @Test
    void unpairedSamplesAreRefused() {
        assertThatThrownBy(() -> RatioInterval.ofMedians(samples(1, 2, 3), samples(1, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 and 2");
    }

    @Test
    void verdictsDecideOnlyWhenTheWholeIntervalIsOnOneSideOfTheTarget() {
        assertThat(OverheadReport.Verdict.of(new RatioInterval(0.98, 1.03), 1.03)).isEqualTo(OverheadReport.Verdict.MET);
        assertThat(OverheadReport.Verdict.of(new RatioInterval(1.0, 1.04), 1.03)).isEqualTo(OverheadReport.Verdict.WITHIN_NOISE);
        assertThat(OverheadReport.Verdict.of(new RatioInterval(1.03, 1.10), 1.03)).isEqualTo(OverheadReport.Verdict.WITHIN_NOISE);
        assertThat(OverheadReport.Verdict.of(new RatioInterval(1.031, 1.10), 1.03)).isEqualTo(OverheadReport.Verdict.OVER);
    }

    private static RatioInterval of(List<double[]> pairs) {
        return RatioInterval.ofMedians(new Samples(pairs.stream().map(p -> p[0]).toList()),
                new Samples(pairs.stream().map(p -> p[1]).toList()));
    }
}
