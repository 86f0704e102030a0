package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.MigrationRecord;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pre-copy phase of a migration in flight ({@code /talent/migrations/APP/current}'s {@code precopy}): written as
 * the leader sees the rounds, absent before them (a record an older controller reads as before), and read back from
 * etcd as hostile input: a forged phase is refused as {@code MigrationRecord.Precopy}'s checks refuse a forged record.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class InFlightPrecopyTest {
    private static final AppRecords.InFlight BEGUN = new AppRecords.InFlight("big", "h1/x86_64", "h2/s390x", "request", "requested",
            1_700_000_000_000L, "h1", false, 42L);

    private static AppRecords.InFlight read(String json) throws java.io.IOException {
        return ControlJson.MAPPER.readValue(json, AppRecords.InFlight.class);
    }

    @Test
    void thePhaseIsWrittenAfterTheFirstRoundAndReadBack() throws Exception {
        String begun = ControlJson.MAPPER.writeValueAsString(BEGUN);
        assertThat(begun).as("before any round: no phase, as an older controller writes it").doesNotContain("precopy");
        assertThat(read(begun)).isEqualTo(BEGUN);

        AppRecords.InFlight round = BEGUN.inPrecopy(new AppRecords.PrecopyPhase(2, 17_000_000, 812.5, false));
        String json = ControlJson.MAPPER.writeValueAsString(round);
        assertThat(json).contains("\"precopy\":{\"rounds\":2,\"image_bytes\":17000000,\"precopy_ms\":812.5,\"handed_over\":false}");
        assertThat(read(json)).isEqualTo(round);
        // the commit keeps the phase; the finished record says it as pre-copy without a delta
        assertThat(round.commit().precopy()).isEqualTo(round.precopy());
        assertThat(round.commit().committed()).isTrue();
        assertThat(round.precopy().asRecorded()).isEqualTo(new MigrationRecord.Precopy(2, 17_000_000, null, 812.5));
        // a record of a newer controller with fields this one does not know is still read
        assertThat(read(json.replace("\"handed_over\":false", "\"handed_over\":false,\"later\":1")).precopy()).isEqualTo(round.precopy());
    }

    @Test
    void aForgedPhaseIsRefused() {
        String good = "{\"app\":\"big\",\"from\":\"h1/x86_64\",\"to\":\"h2/s390x\",\"reason\":\"request\",\"choice\":\"requested\","
                + "\"started_ms\":1,\"controller\":\"h1\",\"committed\":false,\"request\":null,\"precopy\":"
                + "{\"rounds\":ROUNDS,\"image_bytes\":BYTES,\"precopy_ms\":MS,\"handed_over\":true}}";
        assertThat(ok(good, "1", "0", "0").precopy().handedOver()).isTrue();
        assertThat(ok(good, Integer.toString(AppRecords.MAX_PRECOPY_ROUNDS), "1", "3.5").precopy().rounds())
                .isEqualTo(AppRecords.MAX_PRECOPY_ROUNDS);
        for (String[] forged : new String[][] {
                {"0", "1", "1", "1 to " + AppRecords.MAX_PRECOPY_ROUNDS + " rounds, not 0"},
                {"-3", "1", "1", "not -3"},
                {Integer.toString(AppRecords.MAX_PRECOPY_ROUNDS + 1), "1", "1", "not " + (AppRecords.MAX_PRECOPY_ROUNDS + 1)},
                {"1", "-1", "1", "image_bytes is not negative: -1"},
                {"1", "1", "-0.5", "finite duration, not -0.5"},
                {"1", "1", "1e400", "finite duration, not Infinity"},
                {"1", "1", "\"NaN\"", "finite duration"}}) {
            assertThatThrownBy(() -> read(good.replace("ROUNDS", forged[0]).replace("BYTES", forged[1]).replace("MS", forged[2])))
                    .as("rounds %s, bytes %s, ms %s", forged[0], forged[1], forged[2])
                    .hasMessageContaining(forged[3]);
        }
    }

    private static AppRecords.InFlight ok(String template, String rounds, String bytes, String ms) {
        try {
            return read(template.replace("ROUNDS", rounds).replace("BYTES", bytes).replace("MS", ms));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
