package dev.talent.fleet.apps;

import dev.talent.fleet.FleetException;
import dev.talent.fleet.TlsFiles;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The apps service of one host on its own (mutual TLS 1.3, the fleet CA only), without etcd: what {@code talent agent}
 * serves besides its registration, for tests that run agents in-process on loopback addresses.
 */
public final class AgentServer implements AutoCloseable {
    private final Server server;
    private final HostedApps apps;

    private AgentServer(Server server, HostedApps apps) {
        this.server = server;
        this.apps = apps;
    }

    public static AgentServer start(String host, InetSocketAddress at, TlsFiles tls, Path state, Consumer<String> events)
            throws FleetException {
        return start(host, at, tls, state, events, false);
    }

    /**
     * As {@link #start}, as a restarted agent: before it serves, it adopts the apps an earlier one on {@code state} left
     * ({@link #detach()}), all of them (there is no etcd to fence them with: {@link PlacementFence#keepAll}); its own
     * apps outlive it in turn.
     */
    public static AgentServer restart(String host, InetSocketAddress at, TlsFiles tls, Path state, Consumer<String> events)
            throws FleetException {
        return start(host, at, tls, state, events, true);
    }

    /**
     * Each stream's HTTP/2 receive window: a 1 MiB checkpoint with its head and framing is a little more than gRPC's
     * default of 1 MiB, so the sender's last bytes depend on a window update from this side in time; at 4 MiB the
     * whole of such a checkpoint fits the first window. What a call has not taken yet stays bounded by its own
     * requests ({@link AppsRpc#REQUEST_AHEAD}).
     */
    static final int FLOW_CONTROL_WINDOW = 4 << 20;

    private static AgentServer start(String host, InetSocketAddress at, TlsFiles tls, Path state, Consumer<String> events,
            boolean adopt) throws FleetException {
        HostedApps apps = HostedApps.open(host, state, tls, events);
        if (adopt) try {
            apps.keepAppsAtExit(() -> PlacementFence.keepAll(host));
            apps.recover(PlacementFence.keepAll(host));
        } catch (IOException e) {
            apps.detach();
            throw new FleetException("cannot take over the apps in " + state + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            apps.detach();
            Thread.currentThread().interrupt();
            throw new FleetException("interrupted while taking over the apps in " + state, e);
        }
        try {
            Server s = NettyServerBuilder.forAddress(at).sslContext(tls.serverContext()).flowControlWindow(FLOW_CONTROL_WINDOW).addService(io.grpc.ServerInterceptors.intercept(AppsRpc.service(apps), apps.metrics().interceptor())).build().start();
            return new AgentServer(s, apps);
        } catch (IOException | FleetException e) {
            apps.close();
            throw e instanceof FleetException f ? f : new FleetException("cannot listen on " + at + ": " + e.getMessage(), e);
        }
    }

    public int port() { return server.getPort(); }

    public HostedApps apps() { return apps; }

    /** Stops serving and leaves the apps running for the agent started next on its state ({@link HostedApps#detach()}). */
    public void detach() {
        apps.keepAppsAtExit(() -> PlacementFence.keepAll("")); // their containers outlive this agent, as an agent's do
        stopServing();
        apps.detach();
    }

    private void stopServing() {
        server.shutdown();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.shutdownNow();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.shutdownNow();
        apps.close();
    }
}
