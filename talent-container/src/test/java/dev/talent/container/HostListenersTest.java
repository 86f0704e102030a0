package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listeners a checkpoint names (its FILE entries' text, written by the program's runtime: hostile), read before
 * their ports' TIME_WAIT connections are ended: only a numeric address (a name would be looked up) and a port 1 to
 * 65535, short; everything else that says it is a TCP listener is refused, and other entries are not listeners.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HostListenersTest {
    private static HostListeners.Listener l(String address, int port) {
        return new HostListeners.Listener(InetAddress.ofLiteral(address), port);
    }

    @Test
    void aCheckpointsListenersAreRead() {
        assertThat(HostListeners.fromCheckpointPath("tcp:10.213.0.128:8080")).contains(l("10.213.0.128", 8080));
        assertThat(HostListeners.fromCheckpointPath("tcp:0.0.0.0:1")).contains(l("0.0.0.0", 1));
        assertThat(HostListeners.fromCheckpointPath("tcp6:[::]:65535")).contains(l("::", 65535));
        assertThat(HostListeners.fromCheckpointPath("tcp6:[fd54:a:d5::80]:80")).contains(l("fd54:a:d5::80", 80));
        assertThat(HostListeners.fromCheckpointPath("tcp6:[0000:0000:0000:0000:0000:ffff:255.255.255.255]:80")).isPresent();
    }

    @Test
    void otherEntriesAreNotListeners() {
        for (String path : new String[] {"udp:10.0.0.1:53", "udp6:[::]:53", "/etc/passwd", "", "TCP:10.0.0.1:80",
                " tcp:10.0.0.1:80"}) {
            assertThat(HostListeners.fromCheckpointPath(path)).as(path).isEqualTo(Optional.empty());
        }
    }

    @Test
    void whatIsNotExactlyANumericAddressAndAPortIsRefused() {
        for (String path : new String[] {
                "tcp:localhost:80", // a name: never looked up
                "tcp:example.org:80",
                "tcp:10.0.0.1:0", "tcp:10.0.0.1:65536", "tcp:10.0.0.1:999999", "tcp:10.0.0.1:-1", "tcp:10.0.0.1:",
                "tcp:256.0.0.1:80", "tcp:10.0.0:80", "tcp:010.0.0.1:80", "tcp:10.0.0.1",
                "tcp:10.0.0.1:80/../../etc", "tcp:../../etc/passwd:80", "tcp:10.0.0.1:80-10.0.0.2:9",
                "tcp6:::1:80", "tcp6:[fe80::1%eth0]:80", "tcp6:[1:2:3:4:5:6:7:8:9]:80", "tcp6:[::1:80", "tcp6:[]:80",
                "tcp6:[" + ":".repeat(60) + "]:80", "tcp:10.0.0.1:80\n", "tcp:10.0.0.1:8\u00b90"}) {
            assertThatThrownBy(() -> HostListeners.fromCheckpointPath(path)).as(path.replace("\n", "\\n"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
