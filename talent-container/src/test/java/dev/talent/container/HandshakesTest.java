package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HandshakesTest {
    @Test
    void onlyTheLinesInStateSynRecvAreHandshakesInProgress() {
        List<String> table = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0",
                "   1: 0200DB0A:1F90 0100DB0A:A1B2 03 00000000:00000000 02:000003E8 00000000     0        0 0 0 0",
                "   2: 0200DB0A:1F90 0100DB0A:A1B4 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0",
                "   3: 0200DB0A:1F90 0100DB0A:A1B6 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0",
                "   4: 0200DB0A:1F90 0100DB0A:A1B8 03 00000000:00000000 02:000007D0 00000001     0        0 0 0 0",
                "");
        assertThat(Handshakes.count(table)).isEqualTo(2);
        assertThat(Handshakes.count(List.of())).isZero();
    }
}
