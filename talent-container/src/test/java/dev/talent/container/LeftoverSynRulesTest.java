package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules dropping new handshakes that an agent killed between a source's drop and its stop left in the namespace:
 * found in {@code iptables -S INPUT}'s lines (as iptables prints the rule NetworkSlot inserts), so that its successor
 * can delete them when the migration's caller lets new connections in again; nothing else.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class LeftoverSynRulesTest {

    @Test
    void theDropRulesOfBothFamiliesAreFoundAsTheirDeleteArguments() {
        String v4 = "-P INPUT ACCEPT\n-A INPUT -d 10.213.0.128/32 -i eth0 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP\n";
        assertThat(NetworkSlot.leftoverSynRules(v4)).isEqualTo(List.of(List.of("INPUT", "-d", "10.213.0.128/32", "-i", "eth0",
                "-p", "tcp", "-m", "tcp", "--tcp-flags", "FIN,SYN,RST,ACK", "SYN", "-j", "DROP")));
        String v6 = "-A INPUT -d fd54::80/128 -i eth0 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP\n";
        assertThat(NetworkSlot.leftoverSynRules(v6)).hasSize(1);
    }

    @Test
    void nothingElseIsTouched() {
        assertThat(NetworkSlot.leftoverSynRules("")).isEmpty();
        String others = """
                -P INPUT ACCEPT
                -A INPUT -d 10.213.0.128/32 -i eth0 -j NFQUEUE --queue-num 0
                -A INPUT -i eth0 -p tcp -j DROP
                -A INPUT -i eth1 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP
                -A INPUT -i eth0 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT
                -A OUTPUT -i eth0 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP
                -A INPUT -i eth0 -p udp -j DROP
                """;
        assertThat(NetworkSlot.leftoverSynRules(others)).isEmpty();
    }
}
