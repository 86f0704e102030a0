package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AnnounceTest {
    @Test
    void theGratuitousArpNamesTheAppsAddressAndMacAsSenderAndItsAddressAsTarget() {
        byte[] arp = Announce.arp(Ipv4.parse("10.213.0.128"));
        assertThat(arp).hasSize(Announce.ARP_SIZE);
        // Ethernet/IPv4, 6/4, request; sender 02:54:0a:d5:00:80 10.213.0.128; target 00..00 10.213.0.128
        assertThat(HexFormat.of().formatHex(arp)).isEqualTo("0001" + "0800" + "06" + "04" + "0001"
                + "02540ad50080" + "0ad50080" + "000000000000" + "0ad50080");
    }
}
