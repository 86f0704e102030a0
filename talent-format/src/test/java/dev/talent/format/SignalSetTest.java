package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** talent's portable signal set word (docs/FORMAT.md "Signal sets"). */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SignalSetTest {

    @Test
    void standardSignalsByNumberRealTimeOnesFromSigrtmin() {
        assertThat(SignalSet.text((1L << 1) | (1L << 14) | (1L << 33) | (1L << 63))).isEqualTo("{2, 15, SIGRTMIN+1, SIGRTMIN+31}");
        assertThat(SignalSet.text(0)).isEqualTo("{}");
        assertThat(SignalSet.text(0x7FFF_FFFFL | (1L << 31))).startsWith("{1, 2, 3,").endsWith("30, 31, SIGRTMIN..SIGRTMAX}");
    }

    @Test
    void everyRealTimeSignalExcludesNamingThemAgain() {
        assertThat(SignalSet.canonical(1L << 31)).isTrue();
        assertThat(SignalSet.canonical((1L << 32) | (1L << 40))).isTrue();
        assertThat(SignalSet.canonical((1L << 31) | (1L << 32))).isFalse();
        assertThat(SignalSet.canonical((1L << 31) | Long.MIN_VALUE)).isFalse();
    }
}
