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

    // lines of /proc/net/tcp as the kernel writes them (x86_64: each address word in little-endian hexadecimal)
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
    private static final String LISTENER = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0";
    private static final String HALF_DONE = "   1: 0100007F:1F90 0100007F:A0B2 03 00000000:00000000 01:00000064 00000000     0        0 0 1 0000000000000000 100 0 0 10 0";
    private static final String HALF_DONE_ELSEWHERE = "   2: 0100007F:1F91 0100007F:A0B3 03 00000000:00000000 01:00000064 00000000     0        0 0 1 0000000000000000 100 0 0 10 0";
    private static final String CONNECTION = "   3: 0100007F:1F90 0100007F:A0B4 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1";
    private static final String TIME_WAIT = "   4: 0100007F:1F90 0100007F:A0B5 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000";
    private static final String UNCONNECTED = "   5: 00000000:1F92 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0";

    @Test
    void whatAListenersPortStillHoldsIsCounted() {
        var inodes = java.util.Set.of("4242", "4343", "4444");
        var listeners = java.util.List.of(l("127.0.0.1", 8080));
        assertThat(HostListeners.pending(java.util.List.of(HEADER, LISTENER, HALF_DONE, HALF_DONE_ELSEWHERE, CONNECTION,
                TIME_WAIT, UNCONNECTED), inodes, listeners)).isEqualTo(new HostListeners.Pending(1, 2, 1));
        // a wildcard listener takes the handshakes of every address; another port's are not its
        assertThat(HostListeners.pending(java.util.List.of(HALF_DONE, HALF_DONE_ELSEWHERE), inodes,
                java.util.List.of(l("0.0.0.0", 8080)))).isEqualTo(new HostListeners.Pending(1, 0, 0));
        assertThat(HostListeners.pending(java.util.List.of(HALF_DONE), inodes, java.util.List.of(l("127.0.0.2", 8080))))
                .isEqualTo(new HostListeners.Pending(0, 0, 0));
        // sockets of other programs (inodes not the program's) and TIME_WAIT (no descriptor) are not waited for
        assertThat(HostListeners.pending(java.util.List.of(LISTENER, CONNECTION, TIME_WAIT), java.util.Set.of(), listeners).none())
                .isTrue();
        assertThat(HostListeners.pending(java.util.List.of("garbage", "   9: zz:1F90 0100007F:A0B2 03", ""), inodes, listeners)
                .none()).isTrue();
    }

    @Test
    void newHandshakesAreDroppedPerListener() {
        assertThat(HostSynDrop.rules("talent_syn_7", java.util.List.of(l("127.0.0.1", 8080), l("0.0.0.0", 81),
                l("::", 82), l("fd54::80", 83)))).isEqualTo("""
                table inet talent_syn_7 {
                  chain input {
                    type filter hook input priority 0; policy accept;
                    ip daddr 127.0.0.1 tcp dport 8080 tcp flags & (syn | ack) == syn drop
                    meta nfproto ipv4 tcp dport 81 tcp flags & (syn | ack) == syn drop
                    tcp dport 82 tcp flags & (syn | ack) == syn drop
                    ip6 daddr fd54:0:0:0:0:0:0:80 tcp dport 83 tcp flags & (syn | ack) == syn drop
                  }
                }
                """);
    }
}
