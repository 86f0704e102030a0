package dev.talent.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HostGraceTest {
    @Test
    void readsMillisecondsSecondsAndMinutes() {
        assertThat(HostGrace.parseMs("30s")).isEqualTo(30_000);
        assertThat(HostGrace.parseMs("2m")).isEqualTo(120_000);
        assertThat(HostGrace.parseMs("1500ms")).isEqualTo(1_500);
    }

    @Test
    void refusesWhatIsNotABoundedDuration() {
        for (String bad : new String[] {"", "30", "-5s", "1h", "999ms", "2000m", "5 s"})
            assertThatThrownBy(() -> HostGrace.parseMs(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
}
