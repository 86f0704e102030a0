package dev.talent.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class NoReverseLookupsTest {
    @Test
    void anAddressIsNotLookedUpButNamesStillAre() throws Exception {
        // /etc/hosts names 127.0.0.1 "localhost": the JDK's resolver would give that name (after a lookup)
        assertThat(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostName()).isEqualTo("127.0.0.1");
        assertThat(InetAddress.getByAddress(new byte[] {10, (byte) 213, 0, 1}).getCanonicalHostName()).isEqualTo("10.213.0.1");
        assertThat(InetAddress.getByName("localhost").isLoopbackAddress()).isTrue();
    }
}
