package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.migrate.control.MigrationRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code talent bench fleet}'s arithmetic: the downtimes each way, and the nearest-rank quantiles. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HostToHostBenchTest {
    private static MigrationRecord moved(String from, String to, Double downtimeMs) {
        return new MigrationRecord("svc", from, to, downtimeMs != null, downtimeMs, 1.0, 2.0, 0.0, 3.0, 4.0,
                downtimeMs == null ? "start" : null, downtimeMs == null ? "it failed" : null, Instant.EPOCH, 0, 0, null, 0,
                null, null, null, null, null);
    }

    @Test
    void downtimesAreGroupedByWayInTheOrderTheyCame() {
        var ways = HostToHostBench.byWay(List.of(moved("h1/x86_64", "h2/x86_64", 30.0), moved("h2/x86_64", "h1/x86_64", 50.0),
                moved("h1/x86_64", "h2/x86_64", 10.0), moved("h2/x86_64", "h1/x86_64", null), moved("h1/x86_64", "h2/x86_64", 20.0)));
        assertThat(ways.keySet()).containsExactly("h1/x86_64 -> h2/x86_64", "h2/x86_64 -> h1/x86_64");
        assertThat(ways.get("h1/x86_64 -> h2/x86_64")).containsExactly(30.0, 10.0, 20.0);
        assertThat(ways.get("h2/x86_64 -> h1/x86_64")).as("the failed one is left out").containsExactly(50.0);
        assertThat(HostToHostBench.quantile(ways.get("h1/x86_64 -> h2/x86_64"), 0.5)).isEqualTo(20.0);
    }

    @Test
    void quantilesAreNearestRank() {
        List<Double> v = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
        assertThat(HostToHostBench.quantile(v, 0.5)).isEqualTo(3.0);
        assertThat(HostToHostBench.quantile(v, 0.95)).isEqualTo(5.0);
        assertThat(HostToHostBench.quantile(v, 0.0)).isEqualTo(1.0);
        assertThat(HostToHostBench.quantile(List.of(), 0.5)).isNaN();
    }
}
