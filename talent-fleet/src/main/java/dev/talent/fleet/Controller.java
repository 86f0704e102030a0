package dev.talent.fleet;

import io.etcd.jetcd.election.CampaignResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code talent controller}: keeps no state of its own. Every controller registers under a lease of
 * {@link #LEASE_TTL_S} seconds ({@code /talent/controllers/HOST}) and campaigns in etcd's election
 * ({@link EtcdKeys#ELECTION}) with that lease; the one elected writes {@code /talent/leader} under the same lease. A
 * leader that dies loses its lease within the TTL, its election key goes with it, and the next campaigner is elected.
 * A controller whose lease is lost stops at once (exit 1), so two never believe they lead.
 */
public final class Controller {
    public static final long LEASE_TTL_S = 2;
    /** How long TALENT_FLEET_FAULT=commit-stall holds the first migration a leader drives before its commit. */
    static final long COMMIT_STALL_MS = 6_000;
    /** How long TALENT_FLEET_FAULT=precopy-stall holds the first pre-copy phase a leader drives after its first round. */
    static final long PRECOPY_STALL_MS = 10_000;

    private Controller() {}

    /** The testing aids {@code TALENT_FLEET_FAULT} names (comma-separated: {@code commit-stall},
     * {@code commit-stall-every}, {@code precopy-stall}, {@code requests}). */
    static java.util.Set<String> testingFaults(String env) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (env == null) return out;
        for (String s : env.split(",", -1)) if (!s.isBlank()) out.add(s.strip());
        return out;
    }

    public static int run(String host, java.nio.file.Path fleetConf, Consumer<String> events, CountDownLatch stop,
            dev.talent.fleet.apps.AgentsConnector connector) throws FleetException, InterruptedException {
        return run(host, fleetConf, events, stop, connector, dev.talent.fleet.apps.AppReconciler.DEFAULT_HOST_GRACE_MS);
    }

    /** {@code hostGraceMs}: how long a host's agent may hold no lease before its apps are rescheduled ({@code --host-grace}). */
    public static int run(String host, java.nio.file.Path fleetConf, Consumer<String> events, CountDownLatch stop,
            dev.talent.fleet.apps.AgentsConnector connector, long hostGraceMs) throws FleetException, InterruptedException {
        return run(host, fleetConf, events, stop, connector, dev.talent.fleet.apps.Graces.of(hostGraceMs), Alerting.NONE,
                new ControllerMetrics(host));
    }

    /**
     * The controller's moving-target policy and alerts endpoint.
     *
     * @param listen where to serve {@code /v1/alerts} over HTTPS with mutual TLS ({@code --alerts ADDR:PORT}); empty:
     *               this controller takes no alerts (others may)
     * @param policy the policy file's ({@code --policy FILE}): tags of places, diversity of scheduled moves
     * @param retention what etcd keeps of undeployed apps ({@code --keep-ended}, {@code --keep-ended-for})
     */
    public record Alerting(java.util.Optional<java.net.InetSocketAddress> listen, dev.talent.fleet.apps.FleetPolicy policy,
            dev.talent.fleet.apps.AppArchive.Retention retention) {
        public static final Alerting NONE = new Alerting(java.util.Optional.empty(), dev.talent.fleet.apps.FleetPolicy.NONE);

        /** The default retention of ended apps ({@code AppArchive.Retention.DEFAULT}). */
        public Alerting(java.util.Optional<java.net.InetSocketAddress> listen, dev.talent.fleet.apps.FleetPolicy policy) {
            this(listen, policy, dev.talent.fleet.apps.AppArchive.Retention.DEFAULT);
        }
    }

    /** How long {@code POST /v1/alerts} waits for the leader to record the alert's effect on every app concerned. */
    static final long ALERT_SETTLE_MS = 30_000;

    /** {@code metrics}: what {@code --metrics} serves (the migrations it drives, whether it leads, the fleet while it does). */
    public static int run(String host, java.nio.file.Path fleetConf, Consumer<String> events, CountDownLatch stop,
            dev.talent.fleet.apps.AgentsConnector connector, dev.talent.fleet.apps.Graces graces, Alerting alerting, ControllerMetrics metrics)
            throws FleetException, InterruptedException {
        FleetConfig config = FleetConfig.read(fleetConf);
        Records.ControllerRecord self = new Records.ControllerRecord(host, ProcessHandle.current().pid(), System.currentTimeMillis());
        CountDownLatch lost = new CountDownLatch(1);
        try (Etcd etcd = Etcd.connect(config); LeaseKeeper lease = Startup.retry(stop, events, () -> {
                LeaseKeeper l = LeaseKeeper.grant(etcd, LEASE_TTL_S, lost);
                try {
                    etcd.put(EtcdKeys.controller(host), self, l.id());
                    return l;
                } catch (FleetException | InterruptedException e) {
                    l.close();
                    throw e;
                }
            })) {
            if (lease == null) return 0;
            try (dev.talent.fleet.apps.AlertEndpoint endpoint = alerting.listen().isEmpty() ? null
                    : dev.talent.fleet.apps.AlertEndpoint.start(alerting.listen().get(), config.tls(),
                            new dev.talent.fleet.apps.FleetAlertService(new dev.talent.fleet.apps.FleetAlerts(etcd),
                                    new dev.talent.fleet.apps.AppStore(etcd), ALERT_SETTLE_MS, System::currentTimeMillis), events)) {
                if (endpoint != null) {
                    etcd.put(EtcdKeys.alertEndpoint(host), new Records.AlertEndpoint(host, endpoint.url().toString()), lease.id());
                    events.accept("alerts: POST/GET " + endpoint.url() + "/v1/alerts (mutual TLS, the fleet CA's certificates)");
                }
                return lead(host, config, etcd, lease, self, lost, events, stop, connector, graces, alerting, metrics);
            }
        }
    }

    private static int lead(String host, FleetConfig config, Etcd etcd, LeaseKeeper lease, Records.ControllerRecord self,
            CountDownLatch lost, Consumer<String> events, CountDownLatch stop, dev.talent.fleet.apps.AgentsConnector connector,
            dev.talent.fleet.apps.Graces graces, Alerting alerting, ControllerMetrics metrics) throws FleetException, InterruptedException {
        {
            byte[] proposal;
            try {
                proposal = Etcd.JSON.writeValueAsBytes(self);
            } catch (java.io.IOException e) {
                throw new FleetException("cannot encode the proposal: " + e.getMessage(), e);
            }
            events.accept("campaigning (lease " + Long.toHexString(lease.id()) + ", TTL " + LEASE_TTL_S + " s)");
            CompletableFuture<CampaignResponse> campaign = etcd.client().getElectionClient()
                    .campaign(Etcd.bytes(EtcdKeys.ELECTION), lease.id(), io.etcd.jetcd.ByteSequence.from(proposal));
            CampaignResponse won = null;
            while (won == null) {
                if (stop.getCount() == 0) { campaign.cancel(true); return 0; }
                if (lost.getCount() == 0) { campaign.cancel(true); events.accept("stopping: " + lease.reason()); return 1; }
                try {
                    won = campaign.get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // still waiting for the leader before us to go
                } catch (ExecutionException e) {
                    throw new FleetException("election failed: " + FleetException.reason(e.getCause()), e.getCause());
                }
            }
            Records.ControllerRecord leader = new Records.ControllerRecord(host, self.pid(), System.currentTimeMillis());
            etcd.put(EtcdKeys.LEADER, leader, lease.id());
            events.accept("leading (election key " + won.getLeader().getKey() + ", revision " + won.getLeader().getRevision()
                    + "; a host whose agent holds no lease for " + graces.lostMs() + " ms is lost, " + graces.restartMs()
                    + " ms if its agent stopped to be restarted)");
            // while it leads: the apps (they stop when it is stopped or its lease is lost: the fence fails its writes)
            CountDownLatch either = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try {
                    Agent.awaitEither(stop, lost);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                either.countDown();
            });
            // its commands carry its epoch (the election key's creation revision): agents refuse them once another leads
            try (dev.talent.fleet.apps.FleetAgents agents = connector.connectAsLeader(config, etcd, won.getLeader().getRevision())) {
                var store = new dev.talent.fleet.apps.AppStore(etcd, java.util.Optional.of(won.getLeader().getKey()));
                var reconciler = new dev.talent.fleet.apps.AppReconciler(store, agents, etcd, host, System::currentTimeMillis,
                        new java.util.Random(), events, graces);
                reconciler.usePolicy(alerting.policy());
                reconciler.useRetention(alerting.retention());
                // a testing aid (FleetAppIT): the first migration this controller drives stalls inside its downtime window
                // and (TALENT_FLEET_FAULT=requests) honours migrate --inject-fault; both may be given, comma-separated
                java.util.Set<String> faults = testingFaults(System.getenv("TALENT_FLEET_FAULT"));
                if (faults.contains("commit-stall")) reconciler.stallOnceBeforeCommit(COMMIT_STALL_MS);
                // (FleetAgentKillIT) every migration stalls there: an agent is killed -9 inside it
                if (faults.contains("commit-stall-every")) reconciler.stallEveryCommit(COMMIT_STALL_MS);
                // (FleetPrecopyFailoverIT) the first pre-copy it drives stalls after its first round: the leader is killed there
                if (faults.contains("precopy-stall")) reconciler.stallOnceInPrecopy(PRECOPY_STALL_MS);
                if (faults.contains("requests")) reconciler.allowInjectedFaults();
                reconciler.onRecord(metrics::migration);
                reconciler.onAlertEffect(metrics::alertEffect);
                metrics.leading(() -> ControllerMetrics.FleetView.read(etcd));
                try {
                    dev.talent.fleet.apps.AppLeader.lead(etcd, reconciler, store, either, events);
                } finally {
                    metrics.notLeading();
                }
            }
            if (lost.getCount() == 0) {
                events.accept("stopping: " + lease.reason());
                return 1;
            }
            return 0;
        }
    }
}
