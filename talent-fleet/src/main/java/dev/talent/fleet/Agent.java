package dev.talent.fleet;

import dev.talent.fleet.apps.AppsRpc;
import dev.talent.fleet.apps.HostedApps;
import dev.talent.fleet.apps.PlacementFence;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.ToolchainProbe;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code talent agent}: the daemon on every host. It serves the agent's gRPC service over mutual TLS 1.3 (peers
 * without a certificate from the fleet CA are refused in the handshake), records its host in etcd
 * ({@code /talent/hosts/NAME/info}: address, port, platforms) and holds {@code /talent/agents/NAME} under a lease
 * of {@link #LEASE_TTL_S} seconds that it keeps alive, so a dead agent disappears from etcd within that time.
 */
public final class Agent {
    public static final long LEASE_TTL_S = 3;

    /** Where an agent keeps its apps unless told ({@code --state}). */
    public static final Path DEFAULT_STATE = Path.of("/var/lib/talent/agent");

    /** How an agent runs; {@code state}: its directory (blobs, apps, containers). */
    public record Settings(String name, String address, int port, Path fleetConf, List<String> platforms, Path state) {
        public Settings { platforms = List.copyOf(platforms); }

        public Settings(String name, String address, int port, Path fleetConf, List<String> platforms) {
            this(name, address, port, fleetConf, platforms, DEFAULT_STATE);
        }
    }

    private Agent() {}

    /** The platforms this machine can run a program of (cross compiler or native, and qemu-user where needed). */
    public static List<String> detectPlatforms() {
        ToolchainProbe probe = ToolchainProbe.ofHost();
        return probe.probe(probe.defaultTargets()).stream().filter(PlatformSupport::isRunnable).map(s -> s.platform().name()).toList();
    }

    /**
     * Runs until {@code stop} opens (exit status 0) or the lease is lost (1: the host would be seen dead, so the
     * agent stops and its supervisor starts it again).
     */
    public static int run(Settings s, Consumer<String> events, CountDownLatch stop) throws FleetException, InterruptedException {
        return run(s, events, stop, new dev.talent.fleet.apps.AgentMetrics(s.name()));
    }

    /**
     * As {@link #run(Settings, Consumer, CountDownLatch)}, counting into {@code metrics} (what {@code --metrics}
     * serves); the host's facts ({@link HostFacts#detect}) are detected before it registers and published with it.
     */
    public static int run(Settings s, Consumer<String> events, CountDownLatch stop, dev.talent.fleet.apps.AgentMetrics metrics)
            throws FleetException, InterruptedException {
        FleetConfig config = FleetConfig.read(s.fleetConf());
        long since = System.currentTimeMillis();
        Records.AgentAlive self = new Records.AgentAlive(s.name(), ProcessHandle.current().pid(), since);
        Server server;
        HostedApps apps = HostedApps.open(s.name(), s.state(), config.tls(), events);
        apps.metrics(metrics);
        config.net().ifPresent(n -> apps.network(n.config()));
        // what an agent killed in the middle of a move left dropping new connections to its app's ports, as talent run does
        apps.removeLeftoverSynDrops();
        Etcd etcd;
        try {
            etcd = Etcd.connect(config);
        } catch (FleetException e) {
            apps.detach();
            throw e;
        }
        // the apps outlive this agent (SIGTERM or a kill): the next one adopts them; resuming one asks etcd first
        apps.keepAppsAtExit(() -> {
            try {
                return PlacementFence.load(etcd, s.name());
            } catch (FleetException e) {
                throw new IOException(e.getMessage(), e);
            }
        });
        try {
            // the apps an earlier agent on this state directory left running are taken over before anyone can ask,
            // each only if etcd still places it here at the epoch it was started at (a lost host's stale copy stops)
            PlacementFence fence = Startup.retry(stop, events, () -> PlacementFence.load(etcd, s.name()));
            if (fence == null) {
                apps.detach();
                etcd.close();
                return 0;
            }
            apps.recover(fence);
        } catch (IOException e) {
            apps.detach();
            etcd.close();
            throw new FleetException("cannot take over the apps in " + s.state() + ": " + e.getMessage(), e);
        } catch (InterruptedException | RuntimeException e) {
            apps.detach();
            etcd.close();
            throw e;
        }
        // controllers' commands carry their leadership epoch: a deposed leader's are refused (etcd says who leads)
        dev.talent.fleet.apps.EpochFence leaders = new dev.talent.fleet.apps.EpochFence(() -> leaderEpoch(etcd));
        io.etcd.jetcd.Watch.Watcher election = watchElection(etcd, leaders, events);
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(s.address(), s.port()))
                    .sslContext(config.tls().serverContext())
                    .addService(io.grpc.ServerInterceptors.intercept(AgentRpc.service(() -> self), metrics.interceptor()))
                    .addService(io.grpc.ServerInterceptors.intercept(AppsRpc.service(apps), dev.talent.fleet.apps.LeaderEpoch.check(leaders),
                            metrics.interceptor()))
                    .build().start();
        } catch (IOException e) {
            election.close();
            apps.detach();
            etcd.close();
            throw new FleetException("cannot listen on " + s.address() + ":" + s.port() + ": " + e.getMessage(), e);
        }
        events.accept("serving gRPC (mutual TLS 1.3) on " + s.address() + ":" + server.getPort());
        // the apps' logs are written by the programs themselves: bounded here, every second
        Thread capper = Thread.ofVirtual().name("talent-log-cap").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(HostedApps.CAP_EVERY);
                    apps.capLogs();
                }
            } catch (InterruptedException e) {
                // the agent stops
            }
        });
        // a --net copy left off the network (held) where etcd places its app with nothing in flight: this agent lets it
        // on itself, every few seconds and at each change of the placements or migrations (no leader's unlock reached it)
        java.util.concurrent.Semaphore look = new java.util.concurrent.Semaphore(0);
        Thread converger = Thread.ofVirtual().name("talent-net-converge").start(() -> convergeNetworks(apps, etcd, s.name(), look, events));
        List<io.etcd.jetcd.Watch.Watcher> placements = List.of(EtcdKeys.PLACEMENT, EtcdKeys.MIGRATIONS).stream()
                .map(prefix -> etcd.client().getWatchClient().watch(Etcd.bytes(prefix),
                        io.etcd.jetcd.options.WatchOption.builder().isPrefix(true).build(), r -> look.release()))
                .toList();
        CountDownLatch lost = new CountDownLatch(1);
        try (etcd) {
            // what each platform is, detected on it (cached under the state directory): published with the host
            List<dev.talent.policy.PlatformFacts> facts = HostFacts.detect(s.platforms(), s.state(), events);
            LeaseKeeper lease = Startup.retry(stop, events, () -> {
                LeaseKeeper l = LeaseKeeper.grant(etcd, LEASE_TTL_S, lost);
                try {
                    etcd.put(EtcdKeys.hostInfo(s.name()), new Records.HostInfo(s.name(), s.address(), server.getPort(), s.platforms(), facts,
                            Protocol.speaking() == 1 ? null : Protocol.speaking()), 0);
                    etcd.put(EtcdKeys.agent(s.name()), self, l.id());
                    // back within the controller's grace period: the host is not lost
                    Etcd.await(etcd.client().getKVClient().delete(Etcd.bytes(EtcdKeys.hostDown(s.name()))), "delete the down mark of " + s.name());
                    Etcd.await(etcd.client().getKVClient().delete(Etcd.bytes(EtcdKeys.agentRestarting(s.name()))),
                            "delete the restart mark of " + s.name());
                    return l;
                } catch (FleetException | InterruptedException e) {
                    l.close();
                    throw e;
                }
            });
            if (lease == null) return 0;
            try (lease) {
                events.accept("registered " + s.name() + " (platforms " + String.join(",", s.platforms()) + ") under lease "
                        + Long.toHexString(lease.id()) + ", TTL " + LEASE_TTL_S + " s");
                int status = awaitEither(stop, lost);
                if (status != 0) events.accept("stopping: " + lease.reason());
                else sayRestarting(etcd, s.name(), apps.count(), events);
                return status;
            }
        } finally {
            placements.forEach(io.etcd.jetcd.Watch.Watcher::close);
            converger.interrupt();
            election.close();
            capper.interrupt();
            server.shutdown();
            server.awaitTermination(2, TimeUnit.SECONDS);
            server.shutdownNow();
            // its apps run on (an upgrade or a restart must not stop them): the next agent adopts them
            apps.detach();
        }
    }

    /**
     * Runs {@link HostedApps#convergeNetwork} every {@link HostedApps#NETWORK_CHECK_EVERY} and whenever {@code look} is
     * released (a change under the placements or migrations), until interrupted; a failure is said and tried again.
     */
    static void convergeNetworks(HostedApps apps, Etcd etcd, String host, java.util.concurrent.Semaphore look, Consumer<String> events) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (look.tryAcquire(HostedApps.NETWORK_CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS)) look.drainPermits();
                try {
                    apps.convergeNetwork(() -> {
                        try {
                            return PlacementFence.load(etcd, host);
                        } catch (FleetException e) {
                            throw new IOException(e.getMessage(), e);
                        }
                    });
                } catch (IOException | RuntimeException e) {
                    events.accept("cannot check the --net containers held off the network: " + e.getMessage() + " (tried again in "
                            + HostedApps.NETWORK_CHECK_EVERY.toSeconds() + " s)");
                }
            }
        } catch (InterruptedException e) {
            // the agent stops
        }
    }

    /** The creation revision of the leading controller's election key (its epoch); 0 when none leads. */
    static long leaderEpoch(Etcd etcd) throws FleetException, InterruptedException {
        try {
            io.etcd.jetcd.election.LeaderResponse r = etcd.client().getElectionClient().leader(Etcd.bytes(EtcdKeys.ELECTION))
                    .get(5, TimeUnit.SECONDS);
            return r.getKv() == null ? 0 : r.getKv().getCreateRevision();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof io.etcd.jetcd.election.NoLeaderException) return 0;
            throw new FleetException("etcd: election leader failed: " + FleetException.reason(e.getCause()), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new FleetException("etcd: election leader did not answer within 5 s", e);
        }
    }

    /**
     * Keeps {@code fence} at the leader's epoch: once at the start and at every change of the election (a leader
     * elected, or one gone), so a deposed leader's commands are refused even before the next one calls this agent.
     */
    private static io.etcd.jetcd.Watch.Watcher watchElection(Etcd etcd, dev.talent.fleet.apps.EpochFence fence, Consumer<String> events) {
        Runnable refresh = () -> Thread.ofVirtual().start(() -> {
            try {
                fence.refresh();
            } catch (FleetException e) {
                events.accept("cannot read the leader's epoch: " + e.getMessage() + " (a new leader's first command reads it)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        io.etcd.jetcd.Watch.Watcher w = etcd.client().getWatchClient().watch(Etcd.bytes(EtcdKeys.ELECTION),
                io.etcd.jetcd.options.WatchOption.builder().isPrefix(true).build(), r -> refresh.run());
        refresh.run();
        return w;
    }

    /**
     * Before its lease goes: this agent stopped on a signal (an upgrade, a restart) and leaves its apps running, so
     * the leader gives the host {@code --restart-grace} rather than {@code --host-grace} (an agent restarted on a
     * loaded machine may take longer than a lost host should be waited for). Best effort: etcd unreachable, the
     * host gets the shorter grace.
     */
    private static void sayRestarting(Etcd etcd, String host, int apps, Consumer<String> events) throws InterruptedException {
        try {
            etcd.put(EtcdKeys.agentRestarting(host), new Records.AgentRestarting(host, ProcessHandle.current().pid(),
                    System.currentTimeMillis(), apps), 0);
        } catch (FleetException e) {
            events.accept("cannot tell the controllers that this agent restarts: " + e.getMessage());
        }
    }

    /** 0 when {@code stop} opens first, 1 when {@code lost} does. */
    static int awaitEither(CountDownLatch stop, CountDownLatch lost) throws InterruptedException {
        while (true) {
            if (stop.await(100, TimeUnit.MILLISECONDS)) return 0;
            if (lost.getCount() == 0) return 1;
        }
    }
}
