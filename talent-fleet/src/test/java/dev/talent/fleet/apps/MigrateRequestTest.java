package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.migrate.control.ControlJson;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A migrate request's JSON: pending, dropped, from an older talent. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MigrateRequestTest {
    @Test
    void aPendingRequestHasNoDropFieldsAndADroppedOneRoundTrips() throws Exception {
        AppRecords.MigrateRequest r = new AppRecords.MigrateRequest("svc", "h2", null, 5, "sync");
        String json = ControlJson.MAPPER.writeValueAsString(r);
        assertThat(json).doesNotContain("dropped");
        assertThat(ControlJson.MAPPER.readValue(json, AppRecords.MigrateRequest.class)).isEqualTo(r);
        assertThat(r.wasDropped()).isFalse();
        AppRecords.MigrateRequest d = r.drop("no live host fits the request --to h2", 9);
        String dj = ControlJson.MAPPER.writeValueAsString(d);
        assertThat(dj).contains("\"dropped\":\"no live host fits the request --to h2\"", "\"dropped_ms\":9");
        assertThat(ControlJson.MAPPER.readValue(dj, AppRecords.MigrateRequest.class)).isEqualTo(d)
                .satisfies(x -> assertThat(x.wasDropped()).isTrue());
        assertThat(ControlJson.MAPPER.readValue("{\"app\":\"svc\",\"host\":\"h2\",\"platform\":null,\"at_ms\":5}",
                AppRecords.MigrateRequest.class)).as("a request of an older talent").isEqualTo(new AppRecords.MigrateRequest("svc", "h2", null, 5));
    }
}
