package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hold rules an agent killed between a destination's hold and its unlock left in the namespace: found in
 * {@code iptables -S INPUT}'s lines (as iptables prints them), so that its successor can delete them; nothing else.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class LeftoverHoldRulesTest {

    @Test
    void theQueueRulesOfBothFamiliesAreFoundAsTheirDeleteArguments() {
        String v4 = "-P INPUT ACCEPT\n-A INPUT -d 10.211.0.7/32 -i eth0 -j NFQUEUE --queue-num 0\n";
        assertThat(NetworkSlot.leftoverHoldRules(v4))
                .isEqualTo(List.of(List.of("INPUT", "-d", "10.211.0.7/32", "-i", "eth0", "-j", "NFQUEUE", "--queue-num", "0")));
        String v6 = "-P INPUT ACCEPT\n-A INPUT -d fd00::7/128 -i eth0 ! -p ipv6-icmp -j NFQUEUE --queue-num 0\n";
        assertThat(NetworkSlot.leftoverHoldRules(v6)).isEqualTo(List.of(
                List.of("INPUT", "-d", "fd00::7/128", "-i", "eth0", "!", "-p", "ipv6-icmp", "-j", "NFQUEUE", "--queue-num", "0")));
        assertThat(NetworkSlot.leftoverHoldRules("-A INPUT -d 10.211.0.7/32 -i eth0 -j NFQUEUE\n")).hasSize(1);
    }

    @Test
    void nothingElseIsTouched() {
        assertThat(NetworkSlot.leftoverHoldRules("")).isEmpty();
        assertThat(NetworkSlot.leftoverHoldRules("-P INPUT ACCEPT\n")).isEmpty();
        String others = """
                -A INPUT -i eth0 -j DROP
                -A INPUT -j NFQUEUE --queue-num 3
                -A OUTPUT -d 10.211.0.7/32 -j NFQUEUE --queue-num 0
                -N NFQUEUE
                """;
        assertThat(NetworkSlot.leftoverHoldRules(others)).isEmpty();
    }
}
