package dev.talent.fleet;

import dev.talent.migrate.RunMetrics;
import dev.talent.migrate.control.MigrationRecord;
import io.etcd.jetcd.KeyValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The metrics of one {@code talent controller} ({@code --metrics}), in Micrometer's Prometheus registry. Names
 * (Prometheus form):
 * <pre>
 *   talent_migrations_total{app,outcome,step,reason}      as talent run's ({@link RunMetrics}); reason: schedule, request,
 *                                                         drain, alert, host-lost
 *   talent_migration_downtime_seconds{app}                histogram, as talent run's
 *   talent_migration_phase_seconds{app,phase}             histogram, as talent run's
 *   talent_sync_bytes_total{app}, talent_sync_files_total{app}   the final syncs of the migrations it drove
 *   talent_controller_leader{host}                        1 while this controller leads, else 0
 *   talent_fleet_hosts{state="up|down|drained"}           the fleet's hosts, read from etcd at each scrape (leader only)
 *   talent_fleet_apps{host,platform}                      apps placed on each host and platform (leader only)
 *   talent_controller_refresh_errors_total                scrapes whose read of etcd failed (the gauges keep their values)
 * </pre>
 * Migrations are counted by the controller that wrote their record (the leader then): after a fail-over the new
 * leader counts from zero, as every Prometheus counter of a restarted process does. Only the leader exports the
 * fleet's gauges, so a sum over all controllers counts each host and app once. Alerts: each effect the leader records
 * ({@link #alertEffect}) counts in {@code talent_alerts_total} as in {@code talent run}.
 */
public final class ControllerMetrics {
    /** What the leader reads of the fleet at a scrape. */
    @FunctionalInterface
    public interface FleetSource {
        FleetView read() throws FleetException, InterruptedException;
    }

    /**
     * The fleet as etcd says at one moment.
     *
     * @param up         each registered host: whether its agent holds its lease
     * @param drained    the drained hosts
     * @param placements host, platform of each placed app
     */
    public record FleetView(Map<String, Boolean> up, Set<String> drained, List<Records.Placement> placements) {
        public FleetView {
            up = Map.copyOf(up);
            drained = Set.copyOf(drained);
            placements = List.copyOf(placements);
        }

        /** Reads the hosts, their leases, the drained marks and the placements. */
        public static FleetView read(Etcd etcd) throws FleetException, InterruptedException {
            Set<String> alive = new HashSet<>();
            for (KeyValue kv : etcd.list(EtcdKeys.AGENTS))
                alive.add(kv.getKey().toString(StandardCharsets.UTF_8).substring(EtcdKeys.AGENTS.length()));
            Map<String, Boolean> up = new TreeMap<>();
            Set<String> drained = new HashSet<>();
            for (KeyValue kv : etcd.list(EtcdKeys.HOSTS)) {
                String key = kv.getKey().toString(StandardCharsets.UTF_8);
                if (key.endsWith("/drained")) drained.add(Etcd.decode(kv, Records.Drained.class).host());
                if (!key.endsWith("/info")) continue;
                Records.HostInfo h = Etcd.decode(kv, Records.HostInfo.class);
                up.put(h.name(), alive.contains(h.name()));
            }
            List<Records.Placement> placements = new ArrayList<>();
            for (KeyValue kv : etcd.list(EtcdKeys.PLACEMENT)) placements.add(Etcd.decode(kv, Records.Placement.class));
            return new FleetView(up, drained, placements);
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RunMetrics run = new RunMetrics(registry);
    private final AtomicInteger leader = new AtomicInteger();
    private final MultiGauge hosts;
    private final MultiGauge apps;
    private final Counter refreshErrors;
    private volatile FleetSource source;

    /** The metrics of the controller on {@code host}. */
    public ControllerMetrics(String host) {
        Gauge.builder("talent.controller.leader", leader, AtomicInteger::get).description("1 while this controller leads, else 0")
                .tag("host", host).register(registry);
        hosts = MultiGauge.builder("talent.fleet.hosts")
                .description("The fleet's hosts: up (its agent holds its lease), down, drained (up or down); leader only").register(registry);
        apps = MultiGauge.builder("talent.fleet.apps").description("Apps placed on each host and platform; leader only").register(registry);
        refreshErrors = Counter.builder("talent.controller.refresh.errors")
                .description("Scrapes whose read of the fleet from etcd failed (the fleet gauges keep their last values)").register(registry);
    }

    /** The registry (for meters a later part of the controller adds). */
    public PrometheusMeterRegistry registry() { return registry; }

    /** The metrics shared with {@code talent run}: migrations, their histograms, syncs, alerts. */
    public RunMetrics run() { return run; }

    /** One effect of an alert the leader recorded ({@code talent_alerts_total{app,tag,action}}, as {@code talent run}). */
    public void alertEffect(dev.talent.policy.Alert alert, dev.talent.policy.Alert.Effect effect) {
        run.record(effect.app(), new dev.talent.migrate.RunEvent.AlertHandled(alert.tag(), alert.reason(), effect.action(),
                effect.from(), effect.to()));
    }

    /** One migration record the leader wrote (any outcome, any reason). */
    public void migration(MigrationRecord r) { run.migration(r); }

    /** This controller leads from now on; the fleet's gauges are read through {@code fleet} at each scrape. */
    public void leading(FleetSource fleet) {
        source = fleet;
        leader.set(1);
    }

    /** This controller no longer leads: the fleet's gauges go (another controller exports them). */
    public synchronized void notLeading() {
        source = null;
        leader.set(0);
        hosts.register(List.of(), true);
        apps.register(List.of(), true);
    }

    /** The exposition text (Prometheus text format 0.0.4), the fleet's gauges read first when this controller leads. */
    public synchronized String scrape() throws InterruptedException {
        FleetSource s = source;
        if (s != null) {
            try {
                show(s.read());
            } catch (FleetException | RuntimeException e) {
                refreshErrors.increment();
            }
        }
        return registry.scrape();
    }

    private void show(FleetView v) {
        int up = 0, down = 0;
        for (boolean u : v.up().values()) {
            if (u) up++;
            else down++;
        }
        hosts.register(List.of(MultiGauge.Row.of(Tags.of("state", "up"), up), MultiGauge.Row.of(Tags.of("state", "down"), down),
                MultiGauge.Row.of(Tags.of("state", "drained"), v.drained().size())), true);
        Map<List<String>, Integer> placed = new TreeMap<>(java.util.Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        for (Records.Placement p : v.placements()) placed.merge(List.of(p.host(), p.platform()), 1, Integer::sum);
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        placed.forEach((k, n) -> rows.add(MultiGauge.Row.of(Tags.of("host", k.get(0), "platform", k.get(1)), n)));
        apps.register(rows, true);
    }
}
