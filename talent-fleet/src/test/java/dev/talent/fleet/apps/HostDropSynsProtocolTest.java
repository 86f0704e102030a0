package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operations of {@link Protocol#HOST_DROPS_NEW_CONNECTIONS}: a source agent drops new handshakes to the listeners
 * of an app on its host's own network before its stop ({@code host-drop-syns}) and lets them in again
 * ({@code host-accept-syns}). An agent capped below 8 refuses them as the release before did; a controller asks no
 * source agent before 8 (its release's way, said in an event) and nothing of an app with a network of its own.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HostDropSynsProtocolTest {
    @Test
    void anAgentCappedBelowEightDoesNotKnowThem() throws IOException {
        for (String op : List.of("host-drop-syns", "host-accept-syns")) {
            AppsMessages.Op o = new AppsMessages.Op(op, "svc", "", "svc-h1-x86_64-1", "", 3500);
            AppsRpc.since(Protocol.HOST_DROPS_NEW_CONNECTIONS, o);
            try {
                Protocol.capAt(Protocol.HOST_DROPS_NEW_CONNECTIONS - 1);
                assertThatThrownBy(() -> AppsRpc.since(Protocol.HOST_DROPS_NEW_CONNECTIONS, o)).isInstanceOf(IOException.class)
                        .hasMessage("unknown operation " + op);
            } finally {
                Protocol.capAt(Protocol.CURRENT);
            }
        }
    }

    /** No agent client to ask (null): a call would fail; each answers by itself. */
    @Test
    void aSourceAgentBeforeEightIsNotAskedAndThatIsSaid() throws Exception {
        List<String> said = new ArrayList<>();
        var source = place("h1", Protocol.HOST_DROPS_NEW_CONNECTIONS - 1);
        var h = connections(source).hostNetwork(said::add);
        h.beforeStop(source, new GrpcFleetAgents.RemoteContainer(null, "svc", "svc-h1-x86_64-1", false));
        h.beforeUnlock();
        h.acceptAgain();
        assertThat(said).singleElement().asString().contains("svc: agent h1 speaks protocol 7: new connections to its listeners on h1"
                + " are not held off during the move");
    }

    @Test
    void anAppWithANetworkOfItsOwnIsNotAskedForIt() throws Exception {
        List<String> said = new ArrayList<>();
        var source = place("h1", Protocol.CURRENT);
        var h = connections(source).hostNetwork(said::add);
        h.beforeStop(source, new GrpcFleetAgents.RemoteContainer(null, "svc", "svc-h1-x86_64-1", true));
        h.beforeUnlock();
        h.acceptAgain();
        assertThat(said).isEmpty();
    }

    private static GrpcFleetAgents.RemotePlace place(String host, int speaks) {
        return new GrpcFleetAgents.RemotePlace(null, "svc", new FleetAgents.Placement(host, "x86_64"),
                new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 1), speaks);
    }

    private static GrpcFleetAgents.RemoteConnections connections(GrpcFleetAgents.RemotePlace source) {
        return new GrpcFleetAgents.RemoteConnections("svc", source, place("h2", Protocol.CURRENT),
                new GrpcFleetAgents.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }
}
