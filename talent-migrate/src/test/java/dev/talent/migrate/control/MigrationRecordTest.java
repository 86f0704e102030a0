package dev.talent.migrate.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MigrationRecordTest {

    @Test
    void jsonLineHasTheIssuesNamesInOrder() throws Exception {
        String line = Samples.succeeded("counter").toJsonLine();

        assertThat(line).doesNotContain("\n").isEqualTo("{\"app\":\"counter\",\"from\":\"x86_64\",\"to\":\"s390x\",\"ok\":true,"
                + "\"downtime_ms\":38.25,\"safe_point_ms\":3.0,\"checkpoint_ms\":2.0,\"sync_ms\":4.0,\"start_ms\":12.0,"
                + "\"restore_ms\":9.0,\"failed_step\":null,\"error\":null,\"at\":\"2025-06-01T12:00:05.123Z\","
                + "\"sync_files\":10,\"sync_bytes\":40960,\"sync_mode\":\"journal\",\"sockets\":0,\"net_ms\":null,\"reason\":null,\"choice\":null}");
        assertThat(MigrationRecord.fromJson(line)).isEqualTo(Samples.succeeded("counter"));
    }

    @Test
    void theCheckpointsPartsAreWrittenAfterTheOtherFieldsOnlyWhenKnownAndReadBack() throws Exception {
        MigrationRecord parts = Samples.succeeded("counter").withCheckpointParts(new MigrationRecord.CheckpointParts(0.5, 0.25, 1.25));

        String line = parts.toJsonLine();

        assertThat(line).endsWith("\"choice\":null,\"checkpoint_parts\":{\"exit_ms\":0.5,\"take_ms\":0.25,\"hand_over_ms\":1.25}}");
        assertThat(MigrationRecord.fromJson(line)).isEqualTo(parts);
        assertThat(parts.because("request", "requested").forRequest(7L).withPrecopy(null).parts()).isEqualTo(parts.parts());
        assertThat(Samples.succeeded("counter").toJsonLine()).doesNotContain("checkpoint_parts");
        MigrationRecord received = Samples.succeeded("counter").withCheckpointParts(new MigrationRecord.CheckpointParts(0.5, 0.25, 1.25, 0.75));
        assertThat(received.toJsonLine()).endsWith("\"checkpoint_parts\":{\"exit_ms\":0.5,\"take_ms\":0.25,\"hand_over_ms\":1.25,"
                + "\"receive_ms\":0.75}}");
        assertThat(MigrationRecord.fromJson(received.toJsonLine())).isEqualTo(received);
    }

    @Test
    void whatBoundTheCheckpointIsWrittenLastOnlyWhenKnownAndKeptByTheOtherWithers() throws Exception {
        MigrationRecord.Bound b = MigrationRecord.Bound.of(new dev.talent.format.ByteOrderBinding(false, 64,
                "heap block 3 allocated at m.c:12:5 is carried as raw bytes"));
        MigrationRecord bound = Samples.succeeded("counter").withBinding(b);

        String line = bound.toJsonLine();

        assertThat(line).endsWith("\"choice\":null,\"binding\":{\"big_endian\":false,\"pointer_bits\":64,"
                + "\"why\":\"heap block 3 allocated at m.c:12:5 is carried as raw bytes\"}}");
        assertThat(MigrationRecord.fromJson(line)).isEqualTo(bound);
        assertThat(bound.because("request", "requested").forRequest(7L).withPrecopy(null)
                .withCheckpointParts(new MigrationRecord.CheckpointParts(1.0, 1.0, 1.0)).binding()).isEqualTo(b);
        assertThat(b.value().admits(false, 64)).isTrue();
        assertThat(b.value().admits(true, 64)).isFalse();
        assertThat(Samples.succeeded("counter").toJsonLine()).doesNotContain("binding");
    }

    @Test
    void aBindingReadBackIsValidatedAsHostileInput() {
        String head = Samples.succeeded("counter").toJsonLine().replaceAll("}$", "");
        for (String forged : List.of("{\"big_endian\":true,\"pointer_bits\":48,\"why\":\"x\"}",
                "{\"big_endian\":true,\"pointer_bits\":0,\"why\":\"\"}",
                "{\"big_endian\":true,\"pointer_bits\":0,\"why\":\"a\\u001b[2Jb\"}",
                "{\"big_endian\":true,\"pointer_bits\":0,\"why\":\"" + "w".repeat(MigrationRecord.Bound.MAX_WHY + 1) + "\"}",
                "{\"big_endian\":true,\"pointer_bits\":0}")) {
            assertThatThrownBy(() -> MigrationRecord.fromJson(head + ",\"binding\":" + forged + "}")).as(forged)
                    .hasMessageContaining("binding");
        }
        // what a runtime's message may hold is cleaned and cut when recorded, never refused there
        MigrationRecord.Bound cut = MigrationRecord.Bound.of(new dev.talent.format.ByteOrderBinding(true, "x\ty".repeat(200)));
        assertThat(cut.why()).hasSize(MigrationRecord.Bound.MAX_WHY).doesNotContain("\t").endsWith("...");
    }

    @Test
    void failedRecordKeepsUnreachedStepsNull() throws Exception {
        MigrationRecord failed = Samples.failedAtSync("counter");
        JsonNode json = new ObjectMapper().readTree(failed.toJsonLine());

        assertThat(json.get("start_ms").isNull()).isTrue();
        assertThat(json.get("failed_step").asText()).isEqualTo("sync");
        assertThat(MigrationRecord.fromJson(failed.toJsonLine())).isEqualTo(failed);
    }

    @Test
    void anyObjectMapperReadsAndWritesTheRecords() throws Exception {
        // The annotations carry the instant format, so a caller's own mapper needs no java.time module.
        ObjectMapper plain = new ObjectMapper();
        StatusReport status = Samples.status("counter", 42);

        String json = plain.writeValueAsString(status);

        assertThat(json).contains("\"since\":\"2025-06-01T12:00:05.123Z\"", "\"state\":\"running\"",
                "\"nextMigrationAt\":\"2025-06-01T12:00:31Z\"", "\"preparedPlatform\":\"riscv64\"");
        assertThat(plain.readValue(json, StatusReport.class)).isEqualTo(status);
    }

    @Test
    void fieldsFromANewerTalentAreIgnored() throws Exception {
        String line = Samples.succeeded("a").toJsonLine().replace("{\"app\"", "{\"future_field\":[1],\"app\"");

        assertThat(MigrationRecord.fromJson(line)).isEqualTo(Samples.succeeded("a"));
    }

    @Test
    void badInstantIsNamed() {
        String line = Samples.succeeded("a").toJsonLine().replace("2025-06-01T12:00:05.123Z", "yesterday");

        assertThatThrownBy(() -> MigrationRecord.fromJson(line)).hasMessageContaining("not an ISO-8601 instant");
    }

    @Test
    void okAndFailedStepAgree() {
        Instant at = Instant.EPOCH;
        assertThatThrownBy(() -> new MigrationRecord("a", "x86_64", "s390x", false, null, null, null, null, null, null, null, null,
                at, 0, 0, null)).hasMessageContaining("names its failed_step and error");
        assertThatThrownBy(() -> new MigrationRecord("a", "x86_64", "s390x", true, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, "sync", "x",
                at, 0, 0, null)).hasMessageContaining("has no failed_step/error");
    }

    @Test
    void statusWithoutScheduleOrHistory() throws Exception {
        StatusReport idle = new StatusReport("a", 1, "x86_64", Instant.EPOCH, Instant.EPOCH, StatusReport.State.PREPARING, 0, 0,
                null, null, null);

        String json = idle.toJsonLine();

        assertThat(json).contains("\"state\":\"preparing\"", "\"nextMigrationAt\":null", "\"last\":[]");
        assertThat(StatusReport.fromJson(json)).isEqualTo(idle);
        assertThat(idle.last()).isEqualTo(List.of());
    }

    @Test
    void theNetworkPartIsRecorded() throws Exception {
        MigrationRecord r = new MigrationRecord("web", "x86_64", "s390x", true, 40.0, 3.0, 2.0, 4.0, 12.0, 9.0, null, null,
                Instant.parse("2025-06-01T12:00:05Z"), 0, 0, "journal", 2, 0.75);
        JsonNode json = new ObjectMapper().readTree(r.toJsonLine());
        assertThat(json.get("sockets").asInt()).isEqualTo(2);
        assertThat(json.get("net_ms").asDouble()).isEqualTo(0.75);
        assertThat(MigrationRecord.fromJson(r.toJsonLine())).isEqualTo(r);
    }

    @Test
    void whatPrecopyDidIsRecordedAndNullWithout() throws Exception {
        MigrationRecord plain = new MigrationRecord("web", "x86_64", "s390x", true, 40.0, 3.0, 2.0, 4.0, 12.0, 9.0, null,
                null, Instant.parse("2025-06-01T12:00:05Z"), 0, 0, "journal", 0, null).because("schedule", "round");
        assertThat(new ObjectMapper().readTree(plain.toJsonLine()).has("precopy")).isFalse();
        MigrationRecord r = plain.withPrecopy(new MigrationRecord.Precopy(3, 16778170, 1260485L, 1010.367));
        JsonNode json = new ObjectMapper().readTree(r.toJsonLine());
        assertThat(json.get("precopy").get("rounds").asInt()).isEqualTo(3);
        assertThat(json.get("precopy").get("base_bytes").asLong()).isEqualTo(16778170);
        assertThat(json.get("precopy").get("delta_bytes").asLong()).isEqualTo(1260485);
        assertThat(json.get("precopy").get("precopy_ms").asDouble()).isEqualTo(1010.367);
        assertThat(MigrationRecord.fromJson(r.toJsonLine())).isEqualTo(r);
        assertThat(r.because("request", "requested").precopy()).isEqualTo(r.precopy());
        assertThat(json.get("precopy").has("ahead_bytes")).as("no base restored ahead").isFalse();
        MigrationRecord ahead = plain.withPrecopy(new MigrationRecord.Precopy(2, 16778170, 1260485L, 900.5, 16777216L));
        assertThat(new ObjectMapper().readTree(ahead.toJsonLine()).get("precopy").get("ahead_bytes").asLong())
                .isEqualTo(16777216);
        assertThat(MigrationRecord.fromJson(ahead.toJsonLine())).isEqualTo(ahead);
    }

    @Test
    void whatPrecopyDidReadBackIsValidatedAsHostileInput() throws Exception {
        String head = Samples.succeeded("counter").toJsonLine().replaceAll("}$", "");
        String fine = "{\"rounds\":2,\"base_bytes\":4096,\"delta_bytes\":512,\"precopy_ms\":3.5,\"ahead_bytes\":0}";
        assertThat(MigrationRecord.fromJson(head + ",\"precopy\":" + fine + "}").precopy())
                .isEqualTo(new MigrationRecord.Precopy(2, 4096, 512L, 3.5, 0L));
        for (String forged : List.of("{\"rounds\":0,\"base_bytes\":4096,\"delta_bytes\":512,\"precopy_ms\":3.5}",
                "{\"rounds\":-3,\"base_bytes\":4096,\"delta_bytes\":512,\"precopy_ms\":3.5}",
                "{\"rounds\":2,\"base_bytes\":-1,\"delta_bytes\":512,\"precopy_ms\":3.5}",
                "{\"rounds\":2,\"base_bytes\":4096,\"delta_bytes\":-512,\"precopy_ms\":3.5}",
                "{\"rounds\":2,\"base_bytes\":4096,\"delta_bytes\":512,\"precopy_ms\":-0.5}",
                "{\"rounds\":2,\"base_bytes\":4096,\"delta_bytes\":512,\"precopy_ms\":\"NaN\"}",
                "{\"rounds\":2,\"base_bytes\":4096,\"delta_bytes\":512,\"precopy_ms\":3.5,\"ahead_bytes\":-7}")) {
            assertThatThrownBy(() -> MigrationRecord.fromJson(head + ",\"precopy\":" + forged + "}")).as(forged)
                    .hasMessageContaining("pre-copy");
        }
    }

    @Test
    void everyDurationReadBackIsValidatedAsHostileInput() throws Exception {
        String line = Samples.succeeded("counter").withCheckpointParts(new MigrationRecord.CheckpointParts(0.5, 0.25, 1.25, 0.75))
                .toJsonLine().replace("\"net_ms\":null", "\"net_ms\":0.0");
        assertThat(MigrationRecord.fromJson(line).parts().receiveMs()).isEqualTo(0.75);
        for (String field : List.of("downtime_ms", "safe_point_ms", "checkpoint_ms", "sync_ms", "start_ms", "restore_ms",
                "net_ms", "exit_ms", "take_ms", "hand_over_ms", "receive_ms")) {
            for (String forged : List.of("-0.5", "-1e300", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"")) {
                String bad = line.replaceFirst("\"" + field + "\":[^,}]+", "\"" + field + "\":" + forged);
                assertThat(bad).as(field).isNotEqualTo(line);
                assertThatThrownBy(() -> MigrationRecord.fromJson(bad)).as(field + " " + forged)
                        .hasMessageContaining(field).hasMessageContaining("finite duration");
            }
        }
        // a field not reached stays null
        assertThat(MigrationRecord.fromJson(line.replace("\"restore_ms\":9.0", "\"restore_ms\":null")).restoreMs()).isNull();
    }

    @Test
    void theFleetRequestServedIsRecordedAndAbsentWithout() throws Exception {
        MigrationRecord plain = new MigrationRecord("web", "h1/x86_64", "h2/s390x", true, 40.0, 3.0, 2.0, 4.0, 12.0, 9.0, null,
                null, Instant.parse("2025-06-01T12:00:05Z"), 0, 0, "journal", 0, null).because("request", "requested");
        assertThat(new ObjectMapper().readTree(plain.toJsonLine()).has("request")).isFalse();
        assertThat(plain.request()).isNull();
        MigrationRecord r = plain.forRequest(4711L);
        assertThat(new ObjectMapper().readTree(r.toJsonLine()).get("request").asLong()).isEqualTo(4711);
        assertThat(MigrationRecord.fromJson(r.toJsonLine())).isEqualTo(r);
        assertThat(r.because("request", "again").withPrecopy(new MigrationRecord.Precopy(1, 2, 3L, 4.0)).request())
                .as("kept by the other withers").isEqualTo(4711L);
    }
}
