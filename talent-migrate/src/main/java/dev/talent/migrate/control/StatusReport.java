package dev.talent.migrate.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The state of one {@code talent run}, as {@code talent status} shows it (its JSON with {@code --json}).
 *
 * @param app the run's name (its socket's)
 * @param pid the process id of {@code talent run} (the JVM), not of the program
 * @param platform the platform the program runs on now
 * @param since when the program started running on {@code platform}
 * @param started when the run started
 * @param migrationsDone successful migrations so far
 * @param migrationsFailed migrations that failed and were rolled back
 * @param nextMigrationAt when the next scheduled migration is due; null when none is scheduled (the
 *     {@code --migrations} count is reached, or one is in progress)
 * @param preparedPlatform the platform whose container is created ahead and waiting; null when none
 * @param last the most recent migrations, oldest first (the orchestrator decides how many)
 * @param address the app's IPv4 address ({@code talent run --net}, no prefix length); null without --net
 * @param byteOrder what restricts the destinations to one byte order (the app's newest checkpoint is bound to its
 *     writer's: docs/FORMAT.md "Byte order only"), in words, with the platforms left out or why nothing migrates; null
 *     when nothing does
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"app", "address", "pid", "platform", "since", "started", "state", "migrationsDone", "migrationsFailed",
        "nextMigrationAt", "preparedPlatform", "byteOrder", "last"})
public record StatusReport(
        String app,
        long pid,
        String platform,
        @JsonSerialize(using = InstantJson.Serializer.class) @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant since,
        @JsonSerialize(using = InstantJson.Serializer.class) @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant started,
        State state,
        int migrationsDone,
        int migrationsFailed,
        @JsonSerialize(using = InstantJson.Serializer.class) @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant nextMigrationAt,
        String preparedPlatform,
        List<MigrationRecord> last,
        @JsonInclude(JsonInclude.Include.NON_NULL) String address,
        @JsonInclude(JsonInclude.Include.NON_NULL) String byteOrder) {

    /** A report without a byte-order restriction. */
    public StatusReport(String app, long pid, String platform, Instant since, Instant started, State state,
                        int migrationsDone, int migrationsFailed, Instant nextMigrationAt, String preparedPlatform,
                        List<MigrationRecord> last, String address) {
        this(app, pid, platform, since, started, state, migrationsDone, migrationsFailed, nextMigrationAt, preparedPlatform,
                last, address, null);
    }

    /** A report of an app on the host's network (no address). */
    public StatusReport(String app, long pid, String platform, Instant since, Instant started, State state,
                        int migrationsDone, int migrationsFailed, Instant nextMigrationAt, String preparedPlatform,
                        List<MigrationRecord> last) {
        this(app, pid, platform, since, started, state, migrationsDone, migrationsFailed, nextMigrationAt, preparedPlatform,
                last, null);
    }

    /** What the run is doing; JSON: "running", "migrating", "preparing". */
    public enum State {
        /** The program runs; no migration in progress. */
        @JsonProperty("running") RUNNING,
        /** A migration is in progress (from the safe-point request until the source is removed or rolled back). */
        @JsonProperty("migrating") MIGRATING,
        /** The destination is being prepared (container creation, pre-sync) while the program runs. */
        @JsonProperty("preparing") PREPARING;

        /** The JSON and display name. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public StatusReport {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(state, "state");
        last = last == null ? List.of() : List.copyOf(last);
    }

    /** This report as one line of JSON. */
    public String toJsonLine() {
        return ControlJson.line(this);
    }

    public static StatusReport fromJson(String json) throws JsonProcessingException {
        return ControlJson.MAPPER.readValue(json, StatusReport.class);
    }
}
