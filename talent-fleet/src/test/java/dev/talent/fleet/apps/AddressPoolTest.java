package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.container.Ipv4;
import dev.talent.fleet.AppNetwork;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AddressPoolTest {
    private static final AppNetwork LAB = AppNetwork.of("tfapp0", "10.213.0.0/24", "10.213.0.1", "10.213.0.128-10.213.0.130", null);

    private static Ipv4 ip(String s) { return Ipv4.parse(s); }

    @Test
    void givesTheLowestFreeAddressOfTheRange() {
        assertThat(AddressPool.choose(LAB, Map.of(), Optional.empty())).isEqualTo(ip("10.213.0.128"));
        assertThat(AddressPool.choose(LAB, Map.of(ip("10.213.0.128"), "a"), Optional.empty())).isEqualTo(ip("10.213.0.129"));
        assertThat(AddressPool.choose(LAB, Map.of(ip("10.213.0.129"), "a"), Optional.empty())).isEqualTo(ip("10.213.0.128"));
    }

    @Test
    void neverGivesAnAddressTwiceAndSaysWhenTheRangeIsFull() {
        Map<Ipv4, String> taken = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            Ipv4 a = AddressPool.choose(LAB, taken, Optional.empty());
            assertThat(taken).doesNotContainKey(a);
            taken.put(a, "app" + i);
        }
        assertThat(taken).hasSize(3);
        assertThatThrownBy(() -> AddressPool.choose(LAB, taken, Optional.empty()))
                .hasMessageContaining("every address of the fleet's app range 10.213.0.128-10.213.0.130 is held");
    }

    @Test
    void takesTheAskedAddressOnlyInsideTheRangeAndWhenFree() {
        assertThat(AddressPool.choose(LAB, Map.of(ip("10.213.0.128"), "a"), Optional.of(ip("10.213.0.130")))).isEqualTo(ip("10.213.0.130"));
        assertThatThrownBy(() -> AddressPool.choose(LAB, Map.of(ip("10.213.0.129"), "web"), Optional.of(ip("10.213.0.129"))))
                .hasMessage("address 10.213.0.129 is held by app web");
        // a host's address (h1 is .11) and the gateway are outside the apps' range
        assertThatThrownBy(() -> AddressPool.choose(LAB, Map.of(), Optional.of(ip("10.213.0.11"))))
                .hasMessageContaining("outside the fleet's app range");
        assertThatThrownBy(() -> AddressPool.choose(LAB, Map.of(), Optional.of(ip("10.213.0.1"))))
                .hasMessageContaining("not a free host address");
        assertThatThrownBy(() -> AddressPool.choose(LAB, Map.of(), Optional.of(ip("10.214.0.129"))))
                .hasMessageContaining("not a free host address");
    }

    @Test
    void theRangeMustLieInTheSubnet() {
        assertThatThrownBy(() -> AppNetwork.of("b", "10.213.0.0/24", null, "10.213.0.200-10.213.1.5", null))
                .hasMessageContaining("10.213.1.5");
        assertThatThrownBy(() -> AppNetwork.of("b", "10.213.0.0/24", null, "10.213.0.200-10.213.0.100", null))
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> AppNetwork.of("b", "10.213.0.0/24", null, "10.213.0.200", null))
                .hasMessageContaining("FIRST-LAST");
        assertThatThrownBy(() -> AppNetwork.of("b", "10.213.0.0/24", null, "10.213.0.254-10.213.0.255", null))
                .hasMessageContaining("10.213.0.255 is not a free host address");
    }
}
