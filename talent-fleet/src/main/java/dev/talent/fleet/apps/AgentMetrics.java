package dev.talent.fleet.apps;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The metrics of one {@code talent agent} ({@code --metrics}), in Micrometer's Prometheus registry. Names
 * (Prometheus form; every series also carries {@code host}, the agent's host name):
 * <pre>
 *   talent_agent_apps_running                        apps whose program runs on this host now
 *   talent_app_platform{app,platform}                1 on the platform each app runs on here (as talent run's)
 *   talent_agent_rpcs_total{method,outcome}          calls served: gRPC method (Op/NAME for the generic operations
 *                                                    that succeeded), outcome the gRPC status code (ok, unavailable, ...)
 *   talent_agent_rpc_seconds{method}                 histogram of their durations
 *   talent_agent_checkpoints_total{app,outcome}      checkpoints a stopped program left, accepted and signed here
 *                                                    (source side): outcome taken or refused
 *   talent_agent_checkpoint_seconds{app}             histogram: accepting and signing one
 *   talent_agent_restores_total{app,outcome}         restores here (destination or resume): ok once the runtime says
 *                                                    ready, failed when its container exits or is deleted first
 *   talent_agent_restore_seconds{app}                histogram: start of the restoring container to ready
 *   talent_agent_sync_bytes_total{app,direction}     working directory syncs, sent (source) and received (destination)
 *   talent_agent_sync_files_total{app,direction}     files copied or deleted by them
 * </pre>
 * The syncs have names of their own (not talent run's {@code talent_sync_bytes_total}, which the controller exports for
 * the same migrations): a sum over a fleet's agents and controllers counts each byte once per name.
 */
public final class AgentMetrics {
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
    /** What an operation's name may look like to become a label (only those the agent answered, so a known one). */
    private static final Pattern OP = Pattern.compile("[a-z][a-z-]{0,23}");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger running = new AtomicInteger();
    private final MultiGauge platforms;
    private volatile Supplier<Map<String, String>> apps = Map::of;

    /** The metrics of the agent of host {@code host}. */
    public AgentMetrics(String host) {
        registry.config().commonTags("host", host);
        Gauge.builder("talent.agent.apps.running", running, AtomicInteger::get).description("Apps whose program runs on this host now")
                .register(registry);
        platforms = MultiGauge.builder("talent.app.platform").description("1 on the platform the app runs on now").register(registry);
    }

    /** The registry (for meters a later part of the agent adds). */
    public PrometheusMeterRegistry registry() { return registry; }

    /** Where the apps' running programs are, asked at each scrape: app to platform. */
    void watch(Supplier<Map<String, String>> runningApps) { apps = runningApps; }

    /** The exposition text (Prometheus text format 0.0.4), the apps' gauges read first. */
    public synchronized String scrape() {
        Map<String, String> now = apps.get();
        running.set(now.size());
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        now.forEach((app, platform) -> rows.add(MultiGauge.Row.of(Tags.of("app", app, "platform", platform), 1)));
        platforms.register(rows, true);
        return registry.scrape();
    }

    void rpc(String method, Status.Code code, long nanos) {
        Counter.builder("talent.agent.rpcs").description("Calls this agent served, by method and gRPC status")
                .tag("method", method).tag("outcome", code.name().toLowerCase(Locale.ROOT)).register(registry).increment();
        timer("talent.agent.rpc", "Duration of the calls this agent served", "method", method).record(Duration.ofNanos(nanos));
    }

    void checkpoint(String app, boolean ok, long nanos) {
        Counter.builder("talent.agent.checkpoints").description("Checkpoints accepted and signed here (taken) or refused")
                .tag("app", app).tag("outcome", ok ? "taken" : "refused").register(registry).increment();
        if (ok) timer("talent.agent.checkpoint", "Accepting and signing a checkpoint", "app", app).record(Duration.ofNanos(nanos));
    }

    void restore(String app, boolean ok, long nanos) {
        Counter.builder("talent.agent.restores").description("Restores of a checkpoint here, by outcome")
                .tag("app", app).tag("outcome", ok ? "ok" : "failed").register(registry).increment();
        if (ok) timer("talent.agent.restore", "From the start of a restoring container to its program's ready", "app", app)
                .record(Duration.ofNanos(nanos));
    }

    void sync(String app, String direction, AppsMessages.Sync s) {
        Counter.builder("talent.agent.sync.bytes").description("Bytes of working directory syncs").baseUnit("bytes")
                .tag("app", app).tag("direction", direction).register(registry).increment((double) Math.max(0, s.bytesCopied()));
        Counter.builder("talent.agent.sync.files").description("Files copied or deleted by working directory syncs")
                .tag("app", app).tag("direction", direction).register(registry)
                .increment(Math.max(0, s.filesCopied()) + (double) Math.max(0, s.filesDeleted()));
    }

    private Timer timer(String name, String description, String key, String value) {
        return Timer.builder(name).description(description).tag(key, value).serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** Counts every call of the services it intercepts when it ends (closed by the agent, or cancelled by the caller). */
    public io.grpc.ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                long start = System.nanoTime();
                AtomicBoolean counted = new AtomicBoolean();
                String bare = call.getMethodDescriptor().getBareMethodName();
                String[] op = {null};
                ServerCall<Q, R> counting = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        if (counted.compareAndSet(false, true)) {
                            String method = bare == null ? "unknown" : bare;
                            if (op[0] != null && status.isOk()) method += "/" + op[0];
                            rpc(method, status.getCode(), System.nanoTime() - start);
                        }
                        super.close(status, trailers);
                    }
                };
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(counting, headers)) {
                    @Override
                    public void onMessage(Q message) {
                        if ("Op".equals(bare) && message instanceof AppsMessages.Op o && o.op() != null && OP.matcher(o.op()).matches()) op[0] = o.op();
                        super.onMessage(message);
                    }

                    @Override
                    public void onCancel() {
                        if (counted.compareAndSet(false, true))
                            rpc(bare == null ? "unknown" : bare, Status.Code.CANCELLED, System.nanoTime() - start);
                        super.onCancel();
                    }
                };
            }
        };
    }
}
