package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.FleetException;
import dev.talent.fleet.Pki;
import dev.talent.fleet.TlsFiles;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a controller's call to an agent that was down and came back (its supervisor restarted it) must reach the
 * new agent instead of failing at once with {@code UNAVAILABLE: io exception} while the channel sits in its connect
 * backoff; a channel made while the agent is not listening yet (a newly elected leader's) waits for it too. Real
 * gRPC over Netty and mutual TLS on loopback; the agent is restarted on the same port.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AgentClientReconnectTest {
    private static final InetAddress LO = InetAddress.ofLiteral("127.0.0.1");
    @TempDir Path tmp;
    private Pki pki;
    private AgentServer agent;
    private ManagedChannel channel;

    private TlsFiles tls(String name) { return new TlsFiles(pki.caCertificate(), pki.certificate(name), pki.key(name)); }

    @BeforeEach
    void pki() throws FleetException {
        pki = Pki.at(tmp.resolve("pki"));
        pki.init("test fleet");
        pki.issue("h1", Pki.Usage.HOST, List.of(), List.of());
        pki.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
    }

    @AfterEach
    void down() {
        if (channel != null) channel.shutdownNow();
        if (agent != null) agent.close();
    }

    private AgentServer startAgent(int port, String state) throws FleetException {
        return AgentServer.start("h1", new InetSocketAddress(LO, port), tls("h1"), tmp.resolve(state), e -> { });
    }

    private AgentClient client(int port, long connectMs) throws FleetException {
        channel = NettyChannelBuilder.forAddress(LO.getHostAddress(), port).sslContext(tls("cli").clientContext()).build();
        return new AgentClient("h1", channel, connectMs);
    }

    private static String state(AgentClient c) throws IOException {
        return c.call(AppsRpc.STATE, AppsMessages.Op.of("state", "svc")).kind();
    }

    /**
     * Stands in for the dead agent on {@code port} until the channel, left alone, has tried to connect {@code times}
     * times (each accepted connection is closed at once, as a dying agent's would be); its backoff grows each time.
     */
    private void refuseAttempts(int port, int times) throws Exception {
        try (ServerSocket dead = new ServerSocket()) {
            dead.setReuseAddress(true);
            dead.bind(new InetSocketAddress(LO, port));
            dead.setSoTimeout(60_000);
            assertThat(channel.getState(true)).isNotEqualTo(ConnectivityState.READY);
            for (int k = 0; k < times; k++) {
                Socket s = dead.accept();
                s.close();
                System.out.println("AgentClientReconnectTest: connection attempt " + (k + 1) + " at " + System.nanoTime() / 1_000_000 + " ms");
            }
        }
    }

    /**
     * A client that reached the agent once, after the agent was killed and started again on its port while the
     * channel, having seen it down three times, is still in its connect backoff.
     */
    private AgentClient clientOfAnAgentRestartedDuringTheBackoff() throws Exception {
        agent = startAgent(0, "h1");
        int port = agent.port();
        AgentClient c = client(port, AgentClient.CONNECT_MS);
        assertThat(state(c)).isEqualTo("absent");

        agent.close(); // killed; the channel reconnects on its own, backing off more each time (1 s, 1.6 s, 2.56 s, ...)
        agent = null;
        refuseAttempts(port, 3);
        agent = startAgent(port, "h1-restarted");
        assertThat(channel.getState(false)).as("still backing off when the agent is back").isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
        return c;
    }

    @Test
    void aCallReachesARestartedAgentAlthoughTheChannelIsInItsConnectBackoff() throws Exception {
        AgentClient c = clientOfAnAgentRestartedDuringTheBackoff();
        long t0 = System.nanoTime();
        assertThat(state(c)).isEqualTo("absent");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        // the backoff was reset, not waited out (after the third attempt it is 2.56 s less 20 % jitter at least)
        assertThat(ms).as("ms to reach the restarted agent").isLessThan(1500);
    }

    /**
     * A source agent's upload of a checkpoint to a destination agent restarted just before (AgentLink): it reaches the
     * new agent, whose answer (here a refusal of a checkpoint for an app it does not have) comes back, instead of gRPC's
     * UNAVAILABLE at once.
     */
    @Test
    void anUploadReachesARestartedAgentAlthoughTheChannelIsInItsConnectBackoff() throws Exception {
        AgentClient c = clientOfAnAgentRestartedDuringTheBackoff();
        assertThatThrownBy(() -> c.upload(AppsRpc.RECEIVE_CHECKPOINT, new AppsMessages.CheckpointPart("x86_64", null, null),
                new java.io.ByteArrayInputStream(new byte[100]), b -> new AppsMessages.CheckpointPart(null, null, b)))
                .isInstanceOf(IOException.class).hasMessage("a malformed checkpoint statement");
    }

    @Test
    void anAgentThatComesBackAtAnotherPortIsReachedThere() throws Exception {
        agent = startAgent(0, "h1");
        java.util.concurrent.atomic.AtomicReference<InetSocketAddress> at = new java.util.concurrent.atomic.AtomicReference<>(
                new InetSocketAddress(LO, agent.port()));
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (GrpcFleetAgents fleet = new GrpcFleetAgents(tls("cli"), host -> at.get(), GrpcFleetAgents.Timeouts.defaults(), warnings::add)) {
            assertThat(fleet.state("h1", "svc")).isInstanceOf(FleetAgents.AppState.Absent.class);
            agent.close();
            agent = startAgent(0, "h1-restarted"); // its registration in etcd names the new port
            at.set(new InetSocketAddress(LO, agent.port()));
            long t0 = System.nanoTime();
            assertThat(fleet.state("h1", "svc")).isInstanceOf(FleetAgents.AppState.Absent.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("ms").isLessThan(AgentClient.CONNECT_MS / 2);
            assertThat(warnings).anyMatch(w -> w.startsWith("agent h1 is now at 127.0.0.1:" + agent.port()));
        }
    }

    @Test
    void aNewChannelWaitsForAnAgentThatIsStillStarting() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, LO)) {
            port = free.getLocalPort();
        }
        AgentClient c = client(port, AgentClient.CONNECT_MS);
        // the first attempt is refused: nothing listens yet
        Thread starter = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1500);
                agent = startAgent(port, "h1");
            } catch (FleetException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        assertThat(state(c)).isEqualTo("absent");
        starter.join();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(1400);
    }

    @Test
    void anAgentThatStaysDownFailsTheCallAtTheConnectBudgetWithGrpcsReason() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, LO)) {
            port = free.getLocalPort();
        }
        AgentClient c = client(port, 1000);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> state(c)).isInstanceOf(IOException.class).hasMessageContaining("agent h1: State failed: UNAVAILABLE");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(ms).isBetween(900L, 10_000L);
    }
}
