package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Protocol;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operations of {@link Protocol#DROPS_NEW_CONNECTIONS}: a source agent drops a --net app's new handshakes before
 * its stop ({@code drop-syns}) and lets them in again ({@code accept-syns}). What a caller sends is hostile: the wait
 * is bounded, and only the app's own container is named (never an address or a port). An agent capped below 7 refuses
 * them as the release before did, and a controller never asks an agent before 7 or a container without a network.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DropSynsProtocolTest {
    @Test
    void theWaitForHandshakesIsBounded() throws IOException {
        assertThat(HostedApps.handshakeWait(1)).isEqualTo(Duration.ofMillis(1));
        assertThat(HostedApps.handshakeWait(3500)).isEqualTo(Duration.ofMillis(3500));
        assertThat(HostedApps.handshakeWait(HostedApps.MAX_HANDSHAKE_WAIT.toMillis())).isEqualTo(HostedApps.MAX_HANDSHAKE_WAIT);
        for (long ms : new long[] {0, -1, HostedApps.MAX_HANDSHAKE_WAIT.toMillis() + 1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> HostedApps.handshakeWait(ms)).as("a wait of " + ms + " ms")
                    .isInstanceOf(IOException.class).hasMessageContaining("out of bounds");
        }
    }

    @Test
    void anAgentCappedBelowSevenDoesNotKnowThem() throws IOException {
        AppsMessages.Op drop = new AppsMessages.Op("drop-syns", "svc", "", "svc-h1-x86_64-1", "", 3500);
        AppsRpc.since(Protocol.DROPS_NEW_CONNECTIONS, drop);
        try {
            Protocol.capAt(Protocol.DROPS_NEW_CONNECTIONS - 1);
            assertThatThrownBy(() -> AppsRpc.since(Protocol.DROPS_NEW_CONNECTIONS, drop)).isInstanceOf(IOException.class)
                    .hasMessage("unknown operation drop-syns");
        } finally {
            Protocol.capAt(Protocol.CURRENT);
        }
    }

    /** Neither has a client to ask (null): each answers by itself. */
    @Test
    void noAgentBeforeSevenAndNoContainerWithoutANetworkIsAsked() throws IOException {
        var old = new GrpcFleetAgents.RemoteContainer(null, "svc", "svc-h1-x86_64-1", true, null, false);
        assertThat(old.dropNewConnections(Duration.ofMillis(3500))).isZero();
        old.acceptNewConnections();
        var plain = new GrpcFleetAgents.RemoteContainer(null, "svc", "svc-h1-x86_64-1", false, null, true);
        assertThat(plain.dropNewConnections(Duration.ofMillis(3500))).isZero();
        plain.acceptNewConnections();
    }
}
