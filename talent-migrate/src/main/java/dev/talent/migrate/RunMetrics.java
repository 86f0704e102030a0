package dev.talent.migrate;

import dev.talent.migrate.control.MigrationRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The metrics of runs, from the events they report ({@link RunEvent}), in Micrometer's Prometheus registry (its
 * exposition text is what {@code --metrics} serves). Names (Prometheus form):
 * <pre>
 *   talent_migrations_total{app,outcome="ok|failed",step="none|prepare|checkpoint|sync|start|restore",reason}
 *   talent_migration_downtime_seconds{app}                    histogram (successful migrations)
 *   talent_migration_phase_seconds{app,phase}                 histogram (safe_point, checkpoint, sync, start, restore)
 *   talent_sync_bytes_total{app}, talent_sync_files_total{app} the final syncs of migrations
 *   talent_alerts_total{app,tag,action}                       alerts and what they did
 *   talent_app_platform{app,platform}                         1 where the app runs now, else 0
 * </pre>
 * Fit for a fleet's controller as for {@code talent run}: every series carries the app, and a controller records the
 * migrations it drives into its own registry with the same names and labels ({@link #migration}), so one dashboard
 * serves both.
 */
public final class RunMetrics {
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final PrometheusMeterRegistry registry;
    private final Map<String, AtomicInteger> platformGauges = new ConcurrentHashMap<>();

    public RunMetrics() { this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)); }

    /** Metrics of runs in {@code registry}, which may hold other meters too (a fleet controller's). */
    public RunMetrics(PrometheusMeterRegistry registry) { this.registry = registry; }

    public PrometheusMeterRegistry registry() { return registry; }

    /** The exposition text (Prometheus text format 0.0.4). */
    public String scrape() { return registry.scrape(); }

    /** Accounts for one event of app {@code app}. */
    public void record(String app, RunEvent event) {
        switch (event) {
            case RunEvent.Running r -> running(app, r.platform().name());
            case RunEvent.Migrated m -> migration(m.record());
            case RunEvent.MigrationFailed f -> migration(f.record());
            case RunEvent.AlertHandled a -> Counter.builder("talent.alerts").description("Alerts and what they did to the app")
                    .tag("app", app).tag("tag", a.tag()).tag("action", a.action()).register(registry).increment();
            case RunEvent.Finished f -> running(app, "");
            default -> { }
        }
    }

    private void running(String app, String platform) {
        for (dev.talent.toolchain.Platform p : dev.talent.toolchain.Platform.KNOWN) gauge(app, p.name()).set(0);
        if (!platform.isEmpty()) gauge(app, platform).set(1);
    }

    private AtomicInteger gauge(String app, String platform) {
        return platformGauges.computeIfAbsent(app + "\u0000" + platform, k -> {
            AtomicInteger v = new AtomicInteger();
            Gauge.builder("talent.app.platform", v, AtomicInteger::get).description("1 on the platform the app runs on now")
                    .tag("app", app).tag("platform", platform).register(registry);
            return v;
        });
    }

    /** Accounts for one migration's record, ended either way ({@code talent_migrations_total} and the histograms). */
    public void migration(MigrationRecord r) {
        Counter.builder("talent.migrations").description("Migrations by outcome, failed step and reason")
                .tag("app", r.app()).tag("outcome", r.ok() ? "ok" : "failed")
                .tag("step", r.failedStep() == null ? "none" : r.failedStep())
                .tag("reason", r.reason() == null ? "" : r.reason().startsWith("alert ") ? "alert" : r.reason())
                .register(registry).increment();
        if (r.ok() && r.downtimeMs() != null) {
            timer("talent.migration.downtime", "Downtime of successful migrations (stop to ready)", r.app(), null)
                    .record(millis(r.downtimeMs()));
        }
        phase(r, "safe_point", r.safePointMs());
        phase(r, "checkpoint", r.checkpointMs());
        phase(r, "sync", r.syncMs());
        phase(r, "start", r.startMs());
        phase(r, "restore", r.restoreMs());
        Counter.builder("talent.sync.bytes").description("Bytes copied by the final syncs").baseUnit("bytes")
                .tag("app", r.app()).register(registry).increment((double) r.syncBytes());
        Counter.builder("talent.sync.files").description("Files copied or deleted by the final syncs")
                .tag("app", r.app()).register(registry).increment(r.syncFiles());
    }

    private void phase(MigrationRecord r, String phase, Double ms) {
        if (ms == null) return;
        timer("talent.migration.phase", "Duration of each migration phase", r.app(), phase).record(millis(ms));
    }

    private Timer timer(String name, String description, String app, String phase) {
        Timer.Builder b = Timer.builder(name).description(description).tag("app", app).serviceLevelObjectives(BUCKETS);
        if (phase != null) b = b.tag("phase", phase);
        return b.register(registry);
    }

    private static Duration millis(double ms) {
        return Duration.ofNanos(Math.round(ms * 1e6));
    }
}
