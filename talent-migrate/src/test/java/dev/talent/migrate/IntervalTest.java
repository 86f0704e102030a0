package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IntervalTest {

    @Test
    void parsesRangesAndSingleValuesInEveryUnit() {
        assertThat(Interval.parse("5s..20s")).isEqualTo(new Interval(Duration.ofSeconds(5), Duration.ofSeconds(20)));
        assertThat(Interval.parse("500ms..1.5s")).isEqualTo(new Interval(Duration.ofMillis(500), Duration.ofMillis(1500)));
        assertThat(Interval.parse(" 2m ")).isEqualTo(new Interval(Duration.ofMinutes(2), Duration.ofMinutes(2)));
        assertThat(Interval.parse("1h..2h").max()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void refusesWhatDoesNotParseWithTheExpectedForm() {
        assertThatThrownBy(() -> Interval.parse("5..20")).hasMessageContaining("'5' is not a duration")
                .hasMessageContaining("expected MIN..MAX such as 5s..20s");
        assertThatThrownBy(() -> Interval.parse("20s..5s")).hasMessageContaining("below its minimum");
        assertThatThrownBy(() -> Interval.parse("0s..5s")).hasMessageContaining("'0s' is shorter than 1 ms");
        assertThatThrownBy(() -> new Interval(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1))).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> Interval.parse("0.1ms")).hasMessageContaining("shorter than 1 ms");
        assertThatThrownBy(() -> Interval.parse("fast")).hasMessageContaining("cannot read the interval 'fast'");
    }

    @Test
    void drawsUniformlyWithinTheBounds() {
        Interval i = Interval.parse("100ms..200ms");
        Random random = new Random(7);
        long below150 = 0;
        for (int n = 0; n < 10_000; n++) {
            Duration d = i.draw(random);
            assertThat(d).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
            if (d.compareTo(Duration.ofMillis(150)) < 0) below150++;
        }
        assertThat(below150).isBetween(4_500L, 5_500L);
    }
}
