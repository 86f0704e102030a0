package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operations of {@link Protocol#STARTS_AHEAD}: a destination agent starts the restarting container before the stop
 * ({@code create-ahead}) and says when its runtime waits for its go ({@code await-go}), so that the start inside the
 * downtime is the go alone. A caller's wait is bounded; an agent capped below 9 refuses both as the release before
 * did; the controller asks only an agent of 9, and only for an app without --net and without pre-copy rounds.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class StartsAheadProtocolTest {
    private static AppsMessages.Start app(boolean net, Integer precopy) {
        return new AppsMessages.Start("svc", "x86_64", Map.of("x86_64", "ab"), List.of("1"), "", net, 2, null, precopy);
    }

    @Test
    void theWaitForTheGoIsBounded() throws IOException {
        assertThat(HostedApps.awaitGoWait(1)).isEqualTo(Duration.ofMillis(1));
        assertThat(HostedApps.awaitGoWait(HostedApps.MAX_AWAIT_GO.toMillis())).isEqualTo(HostedApps.MAX_AWAIT_GO);
        for (long ms : new long[] {0, -1, HostedApps.MAX_AWAIT_GO.toMillis() + 1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> HostedApps.awaitGoWait(ms)).as("a wait of " + ms + " ms")
                    .isInstanceOf(IOException.class).hasMessageContaining("out of bounds");
        }
    }

    @Test
    void anAgentCappedBelowNineDoesNotKnowThem() throws IOException {
        AppsMessages.Op create = new AppsMessages.Op(AppsRpc.CREATE_AHEAD, "svc", "x86_64", "", "", 0);
        AppsMessages.Op await = new AppsMessages.Op(AppsRpc.AWAIT_GO, "svc", "", "svc-h2-x86_64-1", "", 1000);
        AppsRpc.since(Protocol.STARTS_AHEAD, create);
        AppsRpc.since(Protocol.STARTS_AHEAD, await);
        try {
            Protocol.capAt(Protocol.STARTS_AHEAD - 1);
            assertThatThrownBy(() -> AppsRpc.since(Protocol.STARTS_AHEAD, create)).isInstanceOf(IOException.class)
                    .hasMessage("unknown operation create-ahead");
            assertThatThrownBy(() -> AppsRpc.since(Protocol.STARTS_AHEAD, await)).isInstanceOf(IOException.class)
                    .hasMessage("unknown operation await-go");
        } finally {
            Protocol.capAt(Protocol.CURRENT);
        }
    }

    @Test
    void onlyADestinationOfNineStartsAheadAnAppWithoutNetOrRounds() {
        assertThat(Protocol.CURRENT).isGreaterThanOrEqualTo(Protocol.STARTS_AHEAD);
        assertThat(GrpcFleetAgents.startsAhead(app(false, null), Protocol.CURRENT, Protocol.CURRENT)).isTrue();
        assertThat(GrpcFleetAgents.startsAhead(app(false, null), 1, Protocol.STARTS_AHEAD)).as("any source").isTrue();
        assertThat(GrpcFleetAgents.startsAhead(app(false, null), Protocol.CURRENT, Protocol.STARTS_AHEAD - 1))
                .as("an older destination").isFalse();
        assertThat(GrpcFleetAgents.startsAhead(app(true, null), Protocol.CURRENT, Protocol.CURRENT)).as("--net").isFalse();
        assertThat(GrpcFleetAgents.startsAhead(app(false, 3), Protocol.CURRENT, Protocol.CURRENT)).as("pre-copy rounds").isFalse();
        // rounds asked for but not taken (a source before pre-copy): everything is copied at the stop, started ahead
        assertThat(GrpcFleetAgents.startsAhead(app(false, 3), Protocol.PRECOPY - 1, Protocol.CURRENT)).isTrue();
    }

    /** No client to ask (null): each answers by itself, before any call. */
    @Test
    void noAgentBeforeNineIsAskedAndOnlyAContainerStartedAheadIsAwaited() throws IOException {
        var place = new GrpcFleetAgents.RemotePlace(null, "svc", new FleetAgents.Placement("h2", "x86_64"),
                new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 7443), Protocol.STARTS_AHEAD - 1);
        assertThatThrownBy(() -> place.createStartedAhead(Optional.empty())).isInstanceOf(IOException.class)
                .hasMessageContaining("does not start a destination ahead");
        var plain = new GrpcFleetAgents.RemoteContainer(null, "svc", "svc-h2-x86_64-1", false);
        assertThat(plain.startedAhead()).isFalse();
        assertThat(plain.withBeforeStart("x86_64").startedAhead()).isFalse();
        assertThatThrownBy(() -> plain.awaitReady(Duration.ofSeconds(1))).isInstanceOf(IOException.class)
                .hasMessageContaining("not started ahead");
        var ahead = new GrpcFleetAgents.RemoteContainer(null, "svc", "svc-h2-x86_64-1", false, null, false, true);
        assertThat(ahead.startedAhead()).isTrue();
        assertThat(ahead.withBeforeStart("x86_64").startedAhead()).as("its before-start and go in one call").isTrue();
    }
}
