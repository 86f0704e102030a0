package dev.talent.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MedianTest {

    @Test
    void middleValueOrMeanOfTheMiddleTwo() {
        double[] values = {5, 1, 3};

        assertThat(Median.of(values)).isEqualTo(3.0);
        assertThat(values).containsExactly(5, 1, 3); // not sorted in place
        assertThat(Median.of(new long[] {4, 1, 3, 100})).isEqualTo(3.5);
        assertThat(Median.of(List.of(2, 7))).isEqualTo(4.5);
    }

    @Test
    void noValuesHaveNoMedian() {
        assertThatThrownBy(() -> Median.of(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
