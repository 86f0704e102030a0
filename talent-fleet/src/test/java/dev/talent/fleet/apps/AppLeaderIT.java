package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import dev.talent.migrate.control.MigrationRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The leader's loop (watch + passes) driven through what the commands do: deploy, migrate, wait, undeploy. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AppLeaderIT {
    @TempDir Path tmp;

    /** Controller c1 leading (its loop on a virtual thread) over {@code agents}, until closed. */
    private record Leading(CountDownLatch latch, Thread leader) implements AutoCloseable {
        static Leading start(Etcd etcd, InMemoryAgents agents) {
            AppStore leaderStore = new AppStore(etcd, Optional.of(Etcd.bytes(EtcdKeys.ELECTION + "/c1")));
            AppReconciler reconciler = new AppReconciler(leaderStore, agents, etcd, "c1", System::currentTimeMillis, new Random(1), e -> {});
            CountDownLatch stop = new CountDownLatch(1);
            Thread leader = Thread.ofVirtual().start(() -> {
                try {
                    AppLeader.lead(etcd, reconciler, leaderStore, stop, e -> {});
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return new Leading(stop, leader);
        }

        /** Stops the loop; whether it ended within 5 s. */
        boolean stop() {
            latch.countDown();
            try {
                leader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return !leader.isAlive();
        }

        @Override
        public void close() {
            stop();
        }
    }

    @Test
    void deployMigrateOnScheduleAndOnRequestWaitAndUndeploy() throws Exception {
        try (LoopbackEtcd server = new LoopbackEtcd(); Etcd etcd = server.connect()) {
            for (String h : List.of("h1", "h2", "h3")) {
                etcd.put(EtcdKeys.hostInfo(h), new Records.HostInfo(h, "10.0.0." + h.substring(1), 7000, List.of("x86_64", "aarch64"), List.of(),
                        dev.talent.fleet.Protocol.CURRENT), 0);
                etcd.put(EtcdKeys.agent(h), new Records.AgentAlive(h, 1, 0), 0);
            }
            etcd.put(EtcdKeys.ELECTION + "/c1", Map.of("host", "c1"), 0);
            InMemoryAgents agents = new InMemoryAgents();
            try (Leading leading = Leading.start(etcd, agents)) {
                Path bin = Files.writeString(tmp.resolve("bin"), "program");
                FleetApps apps = new FleetApps(etcd, agents);
                AppRecords.AppRecord app = new AppRecords.AppRecord("svc", Map.of("x86_64", "a".repeat(64), "aarch64", "b".repeat(64)),
                        List.of(), null, false, null, List.of("x86_64", "aarch64"), 200L, 300L, 3, 0, false);
                AppStore.AppView v = apps.deploy(app, new FleetApps.Blobs(Map.of("x86_64", bin, "aarch64", bin), Optional.empty()),
                        Duration.ofSeconds(10));
                assertThat(v.where()).hasValueSatisfying(p -> assertThat(p.platform()).isEqualTo("x86_64"));
                assertThat(agents.journal).filteredOn(j -> j.startsWith("blob")).hasSize(6);
                assertThatThrownBy(() -> apps.deploy(app, new FleetApps.Blobs(Map.of("x86_64", bin, "aarch64", bin), Optional.empty()),
                        Duration.ofSeconds(10))).isInstanceOf(FleetException.class).hasMessageContaining("is deployed");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (apps.view("svc").orElseThrow().migrations().size() < 3 && System.nanoTime() < deadline) Thread.sleep(50);
                assertThat(apps.view("svc").orElseThrow().migrations()).hasSize(3).allMatch(r -> r.reason().equals("schedule"));
                FleetAgents.Placement here = apps.view("svc").orElseThrow().where().orElseThrow();
                String other = here.host().equals("h2") ? "h3" : "h2";
                MigrationRecord r = apps.migrate("svc", other, "aarch64", Duration.ofSeconds(10));
                assertThat(r.ok()).isTrue();
                assertThat(r.to()).isEqualTo(other + "/aarch64");
                assertThat(agents.running("svc")).containsExactly(new FleetAgents.Placement(other, "aarch64"));
                Thread.sleep(700);
                assertThat(apps.view("svc").orElseThrow().migrations()).as("--migrations 3: no more on schedule").hasSize(4);
                agents.host(other).put("svc", new FleetAgents.AppState.Ended("aarch64", 42));
                assertThat(apps.await("svc", Optional.empty(), () -> false).status()).isEqualTo(42);
                apps.undeploy("svc", Duration.ofSeconds(10));
                assertThat(apps.view("svc")).isEmpty();

                // the bench's host-to-host loop: each migration costs the request and the leader's 3 transactions
                AppRecords.AppRecord b = new AppRecords.AppRecord("bench", Map.of("x86_64", "a".repeat(64), "aarch64", "b".repeat(64)),
                        List.of(), null, false, null, List.of("x86_64", "aarch64"), null, null, null, 0, false);
                apps.deploy(b, new FleetApps.Blobs(Map.of("x86_64", bin, "aarch64", bin), Optional.empty()), Duration.ofSeconds(10));
                List<HostToHostBench.Sample> samples = HostToHostBench.run(etcd, apps, "bench", List.of(
                        new FleetAgents.Placement("h1", "x86_64"), new FleetAgents.Placement("h2", "x86_64"),
                        new FleetAgents.Placement("h3", "aarch64")), 4, s -> {});
                assertThat(samples).hasSize(4).allSatisfy(x -> {
                    assertThat(x.record().ok()).isTrue();
                    assertThat(x.etcdWrites()).isEqualTo(4);
                    assertThat(x.record().reason()).isEqualTo("request");
                });
                assertThat(HostToHostBench.quantile(List.of(3.0, 1.0, 2.0, 10.0), 0.5)).isEqualTo(2.0);
                assertThat(HostToHostBench.quantile(List.of(3.0, 1.0, 2.0, 10.0), 0.95)).isEqualTo(10.0);
                apps.undeploy("bench", Duration.ofSeconds(10));
                assertThat(agents.journal).contains("remove svc from " + other);
                assertThat(leading.stop()).as("the leader's loop ends when told").isTrue();
            }
        }
    }

    /**
     * Found in CI (FleetAppIT): a deploy right after an agent restarted failed with the agent's "UNAVAILABLE" at the
     * leader's first try, though the leader tries again: deploy now waits for the next tries, and still reports an
     * error that lasts (after {@link FleetApps#START_ERROR_GRACE}).
     */
    @Test
    void deployWaitsForTheLeadersNextTryAfterATransientStartErrorAndReportsOneThatLasts() throws Exception {
        try (LoopbackEtcd server = new LoopbackEtcd(); Etcd etcd = server.connect()) {
            etcd.put(EtcdKeys.hostInfo("h1"), new Records.HostInfo("h1", "10.0.0.1", 7000, List.of("x86_64"), List.of(), dev.talent.fleet.Protocol.CURRENT), 0);
            etcd.put(EtcdKeys.agent("h1"), new Records.AgentAlive("h1", 1, 0), 0);
            etcd.put(EtcdKeys.ELECTION + "/c1", Map.of("host", "c1"), 0);
            InMemoryAgents agents = new InMemoryAgents();
            agents.unavailableStarts = 1;
            try (Leading _ = Leading.start(etcd, agents)) {
                Path bin = Files.writeString(tmp.resolve("bin"), "program");
                FleetApps apps = new FleetApps(etcd, agents);
                AppRecords.AppRecord app = new AppRecords.AppRecord("svc", Map.of("x86_64", "a".repeat(64)),
                        List.of(), null, false, null, List.of("x86_64"), null, null, null, 0, false);
                AppStore.AppView v = apps.deploy(app, new FleetApps.Blobs(Map.of("x86_64", bin), Optional.empty()),
                        Duration.ofSeconds(20));
                assertThat(v.where()).hasValue(new FleetAgents.Placement("h1", "x86_64"));
                assertThat(agents.journal).filteredOn(j -> j.startsWith("start svc")).hasSize(2);
                apps.undeploy("svc", Duration.ofSeconds(10));

                agents.refuseStart = "runc create failed";
                AppRecords.AppRecord bad = new AppRecords.AppRecord("bad", Map.of("x86_64", "a".repeat(64)),
                        List.of(), null, false, null, List.of("x86_64"), null, null, null, 0, false);
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> apps.deploy(bad, new FleetApps.Blobs(Map.of("x86_64", bin), Optional.empty()),
                        Duration.ofSeconds(30))).isInstanceOf(FleetException.class)
                        .hasMessageContaining("the leader could not start bad").hasMessageContaining("runc create failed");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(FleetApps.START_ERROR_GRACE)
                        .isLessThan(Duration.ofSeconds(30));
            }
        }
    }
}
