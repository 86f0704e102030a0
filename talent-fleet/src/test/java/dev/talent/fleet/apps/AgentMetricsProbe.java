package dev.talent.fleet.apps;

import io.grpc.Status;
import java.util.Map;

/** Agent metrics with one of each series (for tests outside this package: the dashboard's check). */
public final class AgentMetricsProbe {
    private AgentMetricsProbe() {}

    public static AgentMetrics exercised(String host) {
        AgentMetrics m = new AgentMetrics(host);
        m.watch(() -> Map.of("web", "x86_64"));
        m.rpc("Op/create", Status.Code.OK, 1_000_000);
        m.checkpoint("web", true, 2_000_000);
        m.restore("web", true, 30_000_000);
        m.sync("web", "sent", new AppsMessages.Sync("journal", 2, 1, 4096, 0, 5_000_000));
        return m;
    }
}
