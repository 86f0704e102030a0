package dev.talent.migrate.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.talent.format.ByteOrderBinding;
import java.time.Instant;
import java.util.Objects;

/**
 * One migration, successful or rolled back: a line of the {@code --log} JSONL file, the answer to
 * {@code talent migrate}, and an entry of {@link StatusReport#last()}. JSON names are the (snake_case).
 *
 * <p>Timings are milliseconds (fractions allowed). A timing is {@code null} when its step was not reached: a
 * migration that failed at {@code sync} has no {@code start_ms}/{@code restore_ms}, and one that failed before
 * the program stopped has no {@code downtime_ms}. {@code failed_step} and {@code error} are set exactly when
 * {@code ok} is false; {@code error} carries the container log tail when there is one.
 *
 * @param syncFiles files copied or deleted by the final sync (0 when not reached)
 * @param syncBytes bytes copied by the final sync
 * @param syncMode how the final sync found its files (e.g. "journal", "walk"); null when not reached
 * @param sockets sockets the checkpoint carried to the destination (0 without {@code --net}, or when none)
 * @param netMs time the network part of the migration took inside the downtime (locking the source's traffic,
 *     unlocking the destination's); null without {@code --net} or when not reached
 * @param reason   why it happened: {@code schedule}, {@code request} ({@code talent migrate}), {@code alert <tag>};
 *                 null in records of an older talent
 * @param choice   how the destination was chosen (the diversity draw's weights, or the round, or "requested")
 * @param precopy  what pre-copy did before the stop ({@code talent run --precopy}); null (and absent from the JSON)
 *                 without pre-copy
 * @param request  the fleet's id of the {@code talent migrate} request it served (the etcd revision that created the
 *                 request), so each client finds its own record; null (and absent from the JSON) otherwise
 * @param parts    where {@code checkpoint_ms} went (the source's exit, the take, the hand-over); null (and absent from
 *                 the JSON) when the checkpoint was not handed over or in records of an older talent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"app", "from", "to", "ok", "downtime_ms", "safe_point_ms", "checkpoint_ms", "sync_ms", "start_ms",
        "restore_ms", "failed_step", "error", "at", "sync_files", "sync_bytes", "sync_mode", "sockets", "net_ms", "reason",
        "choice", "precopy", "request", "checkpoint_parts", "binding"})
public record MigrationRecord(
        String app,
        String from,
        String to,
        boolean ok,
        @JsonProperty("downtime_ms") Double downtimeMs,
        @JsonProperty("safe_point_ms") Double safePointMs,
        @JsonProperty("checkpoint_ms") Double checkpointMs,
        @JsonProperty("sync_ms") Double syncMs,
        @JsonProperty("start_ms") Double startMs,
        @JsonProperty("restore_ms") Double restoreMs,
        @JsonProperty("failed_step") String failedStep,
        String error,
        @JsonSerialize(using = InstantJson.Serializer.class) @JsonDeserialize(using = InstantJson.Deserializer.class)
        Instant at,
        @JsonProperty("sync_files") int syncFiles,
        @JsonProperty("sync_bytes") long syncBytes,
        @JsonProperty("sync_mode") String syncMode,
        int sockets,
        @JsonProperty("net_ms") Double netMs,
        String reason,
        String choice,
        @JsonInclude(JsonInclude.Include.NON_NULL) Precopy precopy,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long request,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("checkpoint_parts") CheckpointParts parts,
        @JsonInclude(JsonInclude.Include.NON_NULL) Bound binding) {

    /** A record without a checkpoint binding (set it with {@link #withBinding}). */
    public MigrationRecord(String app, String from, String to, boolean ok, Double downtimeMs, Double safePointMs,
                           Double checkpointMs, Double syncMs, Double startMs, Double restoreMs, String failedStep,
                           String error, Instant at, int syncFiles, long syncBytes, String syncMode, int sockets,
                           Double netMs, String reason, String choice, Precopy precopy, Long request, CheckpointParts parts) {
        this(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs, failedStep, error, at,
                syncFiles, syncBytes, syncMode, sockets, netMs, reason, choice, precopy, request, parts, null);
    }

    /**
     * What bound the migration's checkpoint to its writer's byte order (and pointer width: {@code pointerBits}, 0 when
     * not), as {@link ByteOrderBinding}: a fleet's controller keeps later moves of the app on places that can restore it.
     * Read back from etcd and from logs, so it is validated as hostile input: a width of 0, 32 or 64, a reason of at
     * most {@value #MAX_WHY} printable characters.
     */
    public record Bound(@JsonProperty("big_endian") boolean bigEndian, @JsonProperty("pointer_bits") int pointerBits, String why) {
        public static final int MAX_WHY = 300;

        public Bound {
            if (pointerBits != 0 && pointerBits != 32 && pointerBits != 64)
                throw new IllegalArgumentException("a binding's pointer_bits is 0, 32 or 64, not " + pointerBits);
            if (why == null || why.isEmpty() || why.length() > MAX_WHY || !why.chars().allMatch(c -> c >= 0x20 && c != 0x7f))
                throw new IllegalArgumentException("a binding's why is 1 to " + MAX_WHY + " printable characters");
        }

        /** {@code b} as recorded; its reason cut to {@value #MAX_WHY} characters. */
        public static Bound of(ByteOrderBinding b) {
            String why = b.why().replaceAll("[\\x00-\\x1f\\x7f]", "?");
            return new Bound(b.bigEndian(), b.pointerBits(), why.length() > MAX_WHY ? why.substring(0, MAX_WHY - 3) + "..." : why);
        }

        public ByteOrderBinding value() { return new ByteOrderBinding(bigEndian, pointerBits, why); }
    }

    /** This record with the binding of its checkpoint (null: nothing bound it, or it was not known). */
    public MigrationRecord withBinding(Bound b) {
        return new MigrationRecord(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs,
                failedStep, error, at, syncFiles, syncBytes, syncMode, sockets, netMs, reason, choice, precopy, request, parts, b);
    }

    /**
     * The parts of {@code checkpoint_ms}, in order: {@code exitMs} from the runtime's "checkpoint written" to the source
     * program's exit; {@code takeMs} from the exit to the source's statement of the checkpoint (accepted, validated,
     * signed) reaching the pipeline; {@code handOverMs} from there to the destination's answer that it received and
     * verified the checkpoint (the stream agent to agent, in a fleet); {@code receiveMs} (a fleet's, null when not
     * said) the part of the hand-over the destination's agent spent on it, timed there: from the stream's head (the
     * statement) to the file verified and placed. The rest of the hand-over is the calls and the stream's start.
     */
    public record CheckpointParts(@JsonProperty("exit_ms") Double exitMs, @JsonProperty("take_ms") Double takeMs,
            @JsonProperty("hand_over_ms") Double handOverMs,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("receive_ms") Double receiveMs) {
        public CheckpointParts {
            durationMs("checkpoint_parts' exit_ms", exitMs);
            durationMs("checkpoint_parts' take_ms", takeMs);
            durationMs("checkpoint_parts' hand_over_ms", handOverMs);
            durationMs("checkpoint_parts' receive_ms", receiveMs);
        }

        /** Parts without the destination's own time of the hand-over. */
        public CheckpointParts(Double exitMs, Double takeMs, Double handOverMs) { this(exitMs, takeMs, handOverMs, null); }
    }

    /** A record that served a fleet request {@code request} (null: none), without the checkpoint's parts. */
    public MigrationRecord(String app, String from, String to, boolean ok, Double downtimeMs, Double safePointMs,
                           Double checkpointMs, Double syncMs, Double startMs, Double restoreMs, String failedStep,
                           String error, Instant at, int syncFiles, long syncBytes, String syncMode, int sockets,
                           Double netMs, String reason, String choice, Precopy precopy, Long request) {
        this(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs, failedStep, error, at,
                syncFiles, syncBytes, syncMode, sockets, netMs, reason, choice, precopy, request, null);
    }

    /**
     * Pre-copy before the stop: {@code rounds} copy-on-write images taken while the program ran, the newest of
     * {@code baseBytes} bytes handed to the destination before the stop, which then wrote and moved only
     * {@code deltaBytes} bytes (its checkpoint as a delta from that image; null when the stop was not reached);
     * {@code precopyMs} how long the rounds and the hand-over took while the program ran (not part of the downtime);
     * {@code aheadBytes} the encoded bytes of large globals a destination started ahead decoded from that image before
     * the stop (its {@code ahead} event; 0: it could not use the image), null when it was not asked to or did not say
     * in time. Read back from etcd and from logs, so validated as hostile input: at least one round, no negative
     * byte count, a finite duration of at least 0.
     */
    public record Precopy(int rounds, @JsonProperty("base_bytes") long baseBytes,
            @JsonProperty("delta_bytes") Long deltaBytes, @JsonProperty("precopy_ms") double precopyMs,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("ahead_bytes") Long aheadBytes) {
        public Precopy {
            if (rounds < 1) throw new IllegalArgumentException("pre-copy took at least one round, not " + rounds);
            if (baseBytes < 0 || (deltaBytes != null && deltaBytes < 0) || (aheadBytes != null && aheadBytes < 0))
                throw new IllegalArgumentException("pre-copy's base_bytes, delta_bytes and ahead_bytes are not negative: "
                        + baseBytes + ", " + deltaBytes + ", " + aheadBytes);
            durationMs("pre-copy's precopy_ms", precopyMs);
        }

        /** Without a base restored ahead. */
        public Precopy(int rounds, long baseBytes, Long deltaBytes, double precopyMs) {
            this(rounds, baseBytes, deltaBytes, precopyMs, null);
        }
    }

    /** A record that served no fleet request. */
    public MigrationRecord(String app, String from, String to, boolean ok, Double downtimeMs, Double safePointMs,
                           Double checkpointMs, Double syncMs, Double startMs, Double restoreMs, String failedStep,
                           String error, Instant at, int syncFiles, long syncBytes, String syncMode, int sockets,
                           Double netMs, String reason, String choice, Precopy precopy) {
        this(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs, failedStep, error, at,
                syncFiles, syncBytes, syncMode, sockets, netMs, reason, choice, precopy, null);
    }

    /** This record as the one that served the fleet request {@code id} (null: none). */
    public MigrationRecord forRequest(Long id) {
        return new MigrationRecord(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs,
                failedStep, error, at, syncFiles, syncBytes, syncMode, sockets, netMs, reason, choice, precopy, id, parts, binding);
    }

    /** A record without pre-copy. */
    public MigrationRecord(String app, String from, String to, boolean ok, Double downtimeMs, Double safePointMs,
                           Double checkpointMs, Double syncMs, Double startMs, Double restoreMs, String failedStep,
                           String error, Instant at, int syncFiles, long syncBytes, String syncMode, int sockets,
                           Double netMs, String reason, String choice) {
        this(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs, failedStep, error, at,
                syncFiles, syncBytes, syncMode, sockets, netMs, reason, choice, null);
    }

    /** This record with what pre-copy did (null: none). */
    public MigrationRecord withPrecopy(Precopy p) {
        return new MigrationRecord(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs,
                failedStep, error, at, syncFiles, syncBytes, syncMode, sockets, netMs, reason, choice, p, request, parts, binding);
    }

    /** This record with the parts of its checkpoint phase (null: not known). */
    public MigrationRecord withCheckpointParts(CheckpointParts c) {
        return new MigrationRecord(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs,
                failedStep, error, at, syncFiles, syncBytes, syncMode, sockets, netMs, reason, choice, precopy, request, c, binding);
    }

    /** A record of a migration without a network part ({@code sockets} 0, {@code net_ms} null), reason or choice. */
    public MigrationRecord(String app, String from, String to, boolean ok, Double downtimeMs, Double safePointMs,
                           Double checkpointMs, Double syncMs, Double startMs, Double restoreMs, String failedStep,
                           String error, Instant at, int syncFiles, long syncBytes, String syncMode) {
        this(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs, failedStep, error, at,
                syncFiles, syncBytes, syncMode, 0, null);
    }

    /** A record without reason and choice (set them with {@link #because}). */
    public MigrationRecord(String app, String from, String to, boolean ok, Double downtimeMs, Double safePointMs,
                           Double checkpointMs, Double syncMs, Double startMs, Double restoreMs, String failedStep,
                           String error, Instant at, int syncFiles, long syncBytes, String syncMode, int sockets,
                           Double netMs) {
        this(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs, failedStep, error, at,
                syncFiles, syncBytes, syncMode, sockets, netMs, null, null);
    }

    /** This record with why it happened and how its destination was chosen. */
    public MigrationRecord because(String why, String how) {
        return new MigrationRecord(app, from, to, ok, downtimeMs, safePointMs, checkpointMs, syncMs, startMs, restoreMs,
                failedStep, error, at, syncFiles, syncBytes, syncMode, sockets, netMs, why, how, precopy, request, parts, binding);
    }

    public MigrationRecord {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        if (ok && (failedStep != null || error != null)) {
            throw new IllegalArgumentException("a successful migration has no failed_step/error: " + failedStep + ": " + error);
        }
        if (!ok && (failedStep == null || error == null)) {
            throw new IllegalArgumentException("a failed migration names its failed_step and error");
        }
        durationMs("downtime_ms", downtimeMs);
        durationMs("safe_point_ms", safePointMs);
        durationMs("checkpoint_ms", checkpointMs);
        durationMs("sync_ms", syncMs);
        durationMs("start_ms", startMs);
        durationMs("restore_ms", restoreMs);
        durationMs("net_ms", netMs);
    }

    /**
     * The one check of every {@code *_ms} of a record (read back from etcd and from logs, so hostile input): a finite
     * duration of at least 0, or null (not reached).
     */
    static void durationMs(String name, Double ms) {
        if (ms != null && (!Double.isFinite(ms) || ms < 0))
            throw new IllegalArgumentException(name + " is a finite duration of at least 0 ms, not " + ms);
    }

    /** This record as one line of JSON, without the line break (the JSONL writer adds {@code \n}). */
    public String toJsonLine() {
        return ControlJson.line(this);
    }

    /** Reads a line written by {@link #toJsonLine()}; unknown fields (from a newer talent) are ignored. */
    public static MigrationRecord fromJson(String json) throws JsonProcessingException {
        return ControlJson.MAPPER.readValue(json, MigrationRecord.class);
    }
}
