package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class NetworkConfigTest {

    @Test
    void defaultsAreTalent0On10_211() {
        NetworkConfig c = NetworkConfig.defaults();
        assertThat(c.bridge()).isEqualTo("talent0");
        assertThat(c.subnet()).isEqualTo("10.211.0.0/16");
        assertThat(c.gateway()).hasToString("10.211.0.1");
    }

    @Test
    void addressesAreParsedStrictly() {
        assertThat(Ipv4.parse("10.211.0.2").value()).isEqualTo(0x0AD30002);
        assertThat(Ipv4.parse("255.255.255.255")).hasToString("255.255.255.255");
        for (String bad : new String[] {"10.211.0", "10.211.0.256", "010.1.1.1", "1.2.3.4 ", "a.b.c.d", "1..2.3", ""}) {
            assertThatThrownBy(() -> Ipv4.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not an IPv4 address");
        }
    }

    @Test
    void theMacIsLocallyAdministeredAndDerivedFromTheAddress() {
        assertThat(Ipv4.parse("10.211.3.7").mac()).isEqualTo("02:54:0a:d3:03:07");
    }

    @Test
    void appAddressesMustBeHostAddressesOfTheSubnetOtherThanTheGateway() {
        NetworkConfig c = NetworkConfig.of("tb0", "192.168.50.0/24", "192.168.50.254");
        c.checkAppAddress(Ipv4.parse("192.168.50.1"));
        for (String taken : new String[] {"192.168.50.0", "192.168.50.255", "192.168.50.254", "192.168.51.1"}) {
            assertThatThrownBy(() -> c.checkAppAddress(Ipv4.parse(taken))).as(taken)
                    .hasMessageContaining("is not a free host address of 192.168.50.0/24");
        }
    }

    @Test
    void badConfigsAreRefused() {
        assertThatThrownBy(() -> NetworkConfig.of("a-name-that-is-too-long", "10.0.0.0/8", null)).hasMessageContaining("1 to 15");
        assertThatThrownBy(() -> NetworkConfig.of("br;rm", "10.0.0.0/8", null)).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> NetworkConfig.of("tb0", "10.1.2.3/16", null)).hasMessageContaining("host bits set");
        assertThatThrownBy(() -> NetworkConfig.of("tb0", "10.0.0.0/31", null)).hasMessageContaining("/8 to /30");
        assertThatThrownBy(() -> NetworkConfig.of("tb0", "10.0.0.0", null)).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> NetworkConfig.of("tb0", "10.0.0.0/16", "10.1.0.1")).hasMessageContaining("gateway");
    }

    @Test
    void namesOfASlotFitTheKernelsLimitsAndDependOnTheStateDirectory() {
        String id = "a".repeat(128);
        assertThat(NetworkSlot.portName(Path.of("/s1"), id)).hasSize(14).startsWith("tn");
        assertThat(NetworkSlot.portName(Path.of("/s1"), "x")).isNotEqualTo(NetworkSlot.portName(Path.of("/s2"), "x"));
        assertThat(NetworkSlot.namespaceName(Path.of("/s1"), id).length()).isLessThan(255);
        assertThat(NetworkSlot.namespaceName(Path.of("/s1"), "app-x86_64-1")).startsWith("talent-app-x86_64-1-");
    }

    @Test
    void theGuardDropsEverythingButTheAppsOwnMacAndAddress() {
        NetworkAttachment a = new NetworkAttachment(NetworkConfig.defaults(), Ipv4.parse("10.211.0.2"));
        String guard = NetworkSlot.guard("tn0123456789ab", a, false);
        assertThat(guard).contains("table bridge tn0123456789ab")
                .contains("hook forward").contains("hook input")
                .contains("iifname \"tn0123456789ab\" ether saddr != 02:54:0a:d3:00:02 drop")
                .contains("ip saddr != 10.211.0.2 drop")
                .contains("arp saddr ip != 10.211.0.2 drop")
                .contains("ether type != { ip, arp } drop");
    }

    @Test
    void theIpv6GuardLetsOnlyTheAppsIpv6AndLinkLocalAddressesThrough() {
        NetworkAttachment a = new NetworkAttachment(NetworkConfig.defaults(), Ipv4.parse("10.211.0.2"));
        assertThat(NetworkSlot.guard("tn0123456789ab", a, true))
                .contains("ether type ip6 ip6 saddr != { fd74:616c:656e::ad3:2, fe80::54:aff:fed3:2 } drop")
                .contains("ether type != { ip, arp, ip6 } drop");
        assertThat(NetworkSlot.linkLocal(Ipv4.parse("192.168.1.20"))).isEqualTo("fe80::54:c0ff:fea8:114");
    }

    @Test
    void theIpv6AddressesComeFromTheUniqueLocalPrefixAndTheIpv4Address() {
        NetworkConfig c = NetworkConfig.defaults();
        assertThat(c.subnet6()).isEqualTo("fd74:616c:656e::/64");
        assertThat(c.gateway6()).isEqualTo("fd74:616c:656e::1");
        assertThat(c.address6(Ipv4.parse("10.211.3.7"))).isEqualTo("fd74:616c:656e::ad3:307");
        NetworkConfig d = c.withSubnet6("fd00:0:0:7::/64");
        assertThat(d.gateway6()).isEqualTo("fd00:0:0:7::1");
        assertThat(d.address6(Ipv4.parse("10.0.0.2"))).isEqualTo("fd00::7:0:0:a00:2");
        assertThatThrownBy(() -> c.withSubnet6("2001:db8::/64")).hasMessageContaining("unique-local");
        assertThatThrownBy(() -> c.withSubnet6("fd00::/48")).hasMessageContaining("/64");
        assertThatThrownBy(() -> c.withSubnet6("fd00::1/64")).hasMessageContaining("host bits");
        assertThatThrownBy(() -> c.withSubnet6("localhost/64")).hasMessageContaining("not an IPv6 address");
        assertThatThrownBy(() -> c.withSubnet6("10.0.0.0/64")).hasMessageContaining("not an IPv6 address");
    }
}
