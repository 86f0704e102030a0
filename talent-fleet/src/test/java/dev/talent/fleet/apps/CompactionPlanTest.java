package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.migrate.control.MigrationRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** How an app's migration records stay bounded in etcd. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CompactionPlanTest {
    @Test
    void dropsTheExcessAtMostAFewAtATime() {
        assertThat(CompactionPlan.drop(10, 64)).isZero();
        assertThat(CompactionPlan.drop(64, 64)).isZero();
        assertThat(CompactionPlan.drop(65, 64)).isEqualTo(1);
        assertThat(CompactionPlan.drop(1000, 64)).isEqualTo(CompactionPlan.MAX_PER_WRITE);
        assertThatThrownBy(() -> CompactionPlan.drop(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static MigrationRecord record(boolean ok, long atMs) {
        return new MigrationRecord("svc", "h1/x86_64", "h2/x86_64", ok, null, null, null, null, null, null, ok ? null : "start",
                ok ? null : "refused",
                Instant.ofEpochMilli(atMs), 0, 0, null);
    }

    @Test
    void countsFoldInTheDroppedRecords() {
        AppRecords.Compacted c = new AppRecords.Compacted("svc", 0, 0, 0, 0).plus(record(true, 100)).plus(record(false, 250));
        assertThat(c).isEqualTo(new AppRecords.Compacted("svc", 2, 1, 100, 250));
        assertThatThrownBy(() -> new AppRecords.Compacted("svc", 1, 2, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
