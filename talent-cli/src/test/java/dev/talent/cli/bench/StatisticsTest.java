package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StatisticsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        assertThat(Statistics.median(List.of(9.0, 1.0, 5.0, 300.0, 2.0))).isEqualTo(5.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Statistics.median(List.of(4.0, 1.0, 10.0, 2.0))).isEqualTo(3.0);
    }

    @Test
    void oneOutlierDoesNotMoveTheMedian() {
        assertThat(Statistics.median(List.of(100.0, 101.0, 99.0, 100.5, 5000.0)))
                .isEqualTo(Statistics.median(List.of(100.0, 101.0, 99.0, 100.5, 102.0))).isEqualTo(100.5);
    }

    @Test
    void medianOfAnArrayLeavesTheArrayAsItWas() {
        double[] values = {9.0, 1.0, 5.0, 300.0, 2.0, 4.0};

        assertThat(Statistics.median(values)).isEqualTo(4.5);
        assertThat(values).containsExactly(9.0, 1.0, 5.0, 300.0, 2.0, 4.0);
    }

    @Test
    void medianOfNothingIsRefused() {
        assertThatThrownBy(() -> Statistics.median(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratioIsMeasuredOverBaseline() {
        assertThat(Statistics.ratio(103.0, 100.0)).isCloseTo(1.03, within(1e-12));
        assertThatThrownBy(() -> Statistics.ratio(1.0, 0.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void geometricMeanOfReciprocalRatiosIsOne() {
        assertThat(Statistics.geometricMean(List.of(2.0, 0.5))).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void geometricMeanIsTheNthRootOfTheProduct() {
        assertThat(Statistics.geometricMean(List.of(1.0, 2.0, 4.0))).isCloseTo(2.0, within(1e-12));
        assertThat(Statistics.geometricMean(List.of(1.01, 1.04))).isCloseTo(Math.sqrt(1.01 * 1.04), within(1e-12));
    }

    @Test
    void geometricMeanRefusesNonPositiveValues() {
        assertThatThrownBy(() -> Statistics.geometricMean(List.of(1.0, 0.0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Statistics.geometricMean(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplesKeepRunOrderAndGiveMedianMinMax() {
        Samples s = new Samples(List.of(3.0, 1.0, 2.0));
        assertThat(s.values()).containsExactly(3.0, 1.0, 2.0);
        assertThat(s.median()).isEqualTo(2.0);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(3.0);
    }

    @Test
    void percentileIsTheNearestRankWhateverTheOrder() {
        // 1..200 shuffled by a fixed stride: the 99th percentile of 200 values is the 198th smallest.
        List<Double> values = java.util.stream.IntStream.range(0, 200).mapToObj(i -> (double) ((i * 77) % 200 + 1)).toList();
        assertThat(Statistics.percentile(values, 99)).isEqualTo(198.0);
        assertThat(Statistics.percentile(values, 50)).isEqualTo(100.0);
        assertThat(Statistics.percentile(values, 100)).isEqualTo(200.0);
    }

    @Test
    void p99OfFewerThanAHundredValuesIsTheMaximum() {
        List<Double> fifty = java.util.stream.IntStream.rangeClosed(1, 50).mapToObj(i -> i * 0.5).toList();
        assertThat(Statistics.percentile(fifty, 99)).isEqualTo(25.0);
        assertThat(Statistics.percentile(List.of(3.0, 9.0, 1.0), 99)).isEqualTo(9.0);
    }

    @Test
    void percentileIsAlwaysOneOfTheValues() {
        // nearest rank, no interpolation: the 90th percentile of 1, 2, 3, 4 is 4 (rank ceil(3.6)), the 75th is 3
        assertThat(Statistics.percentile(List.of(4.0, 2.0, 1.0, 3.0), 90)).isEqualTo(4.0);
        assertThat(Statistics.percentile(List.of(4.0, 2.0, 1.0, 3.0), 75)).isEqualTo(3.0);
        assertThat(new Samples(List.of(5.0)).percentile(99)).isEqualTo(5.0);
    }

    @Test
    void percentileRefusesNoValuesAndOutOfRangeRanks() {
        assertThatThrownBy(() -> Statistics.percentile(List.of(), 99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Statistics.percentile(List.of(1.0), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Statistics.percentile(List.of(1.0), 101)).isInstanceOf(IllegalArgumentException.class);
    }
}
