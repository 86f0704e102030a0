package dev.talent.fleet.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.policy.Alert;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The alert events of a fleet app's history, kept in etcd after the alert is cleared (its effects under
 * {@code /talent/alert-effects/} go with it): {@code /talent/history/APP/TTTTTTTTTTTTT-RRRRRRRR} (the event's time in
 * ms, 13 digits, then 8 random hex digits, so two writers never collide; the events are ordered by their keys'
 * create revision, the order etcd wrote them in), one {@link Event} each:
 * {@code alert} (what an alert did to the app: written by the leader in the transaction that records the effect) and
 * {@code alert-clear} (written by the controller that clears the alert, in the clearing's transaction, for every app
 * the alert had an effect on). The shape is that of {@code talent run}'s {@code history.jsonl} lines.
 *
 * <p>Bounded: at most {@link #KEEP} per app stay (after each write the older ones are deleted); the keys go with the
 * app when the leader forgets it. Read back as hostile input (anyone with a certificate of the fleet can write etcd):
 * each value at most 64 KiB, exact fields, validated ({@link Event}); the newest {@link #KEEP} are read, never more.
 */
public final class FleetHistory {
    /** The alert events kept per app. */
    public static final int KEEP = 256;
    /** At most this many operations per etcd transaction (etcd's default limit is 128). */
    static final int TXN_OPS = 100;
    private static final Pattern SUFFIX = Pattern.compile("\\d{13}-[0-9a-f]{8}");
    private static final Set<String> ACTIONS = Set.of("moved", "failed", "stuck", "unaffected");

    private final Etcd etcd;

    public FleetHistory(Etcd etcd) { this.etcd = etcd; }

    /**
     * One event of an app's history, as {@code talent run} writes it to {@code history.jsonl}.
     *
     * @param event    {@code alert} or {@code alert-clear}
     * @param at       when (ISO-8601 UTC)
     * @param tag      the alert's tag
     * @param reason   the alert's reason ({@code alert} only)
     * @param raisedAt when the alert was raised ({@code alert} only)
     * @param action   what it did to the app: moved, failed, stuck, unaffected ({@code alert} only)
     * @param from     where the app ran ({@code host/platform})
     * @param to       where it went (moved only)
     * @param detail   the downtime, or what went wrong
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"event", "at", "tag", "reason", "raised_at", "action", "from", "to", "detail"})
    public record Event(String event, String at, String tag, String reason, @JsonProperty("raised_at") String raisedAt,
            String action, String from, String to, String detail) {
        public Event {
            if (!"alert".equals(event) && !"alert-clear".equals(event))
                throw new IllegalArgumentException("not an alert event: " + shown(event));
            instant(at, "at");
            Alert.checkTag(tag);
            if (event.equals("alert")) {
                if (raisedAt != null) instant(raisedAt, "raised_at");
                if (action == null || !ACTIONS.contains(action)) throw new IllegalArgumentException("not an alert's action: " + shown(action));
                if (reason != null && reason.length() > Alert.MAX_REASON)
                    throw new IllegalArgumentException("a reason longer than " + Alert.MAX_REASON + " characters");
                if (from != null) AppRecords.placement(from);
                if (to != null) AppRecords.placement(to);
                // an effect's detail is cut at 2000 characters and "..."
                if (detail != null && detail.length() > 2003) throw new IllegalArgumentException("a detail of " + detail.length() + " characters");
            } else if (reason != null || raisedAt != null || action != null || from != null || to != null || detail != null) {
                throw new IllegalArgumentException("an alert-clear event has a tag and a time only");
            }
        }

        /** What {@code alert} did to the app ({@code effect}), as an event of its history. */
        public static Event of(Alert alert, Alert.Effect effect) {
            return new Event("alert", effect.at(), alert.tag(), alert.reason(), alert.at(), effect.action(), effect.from(),
                    effect.to(), effect.detail());
        }

        /** The clearing of the alerts with {@code tag}, at {@code at}. */
        public static Event cleared(String tag, Instant at) {
            return new Event("alert-clear", at.toString(), tag, null, null, null, null, null, null);
        }

        long atMs() { return instant(at, "at").toEpochMilli(); }

        private static Instant instant(String s, String what) {
            if (s == null || s.length() > 40) throw new IllegalArgumentException(what + ": not a time: " + shown(s));
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(what + ": not a time: " + shown(s), e);
            }
        }
    }

    /** The key prefix of {@code app}'s events. */
    static String prefix(String app) { return EtcdKeys.history(app); }

    /** The put of {@code e} into {@code app}'s history, to go into a transaction. */
    static Op put(String app, Event e) throws FleetException {
        long ms = Math.max(0, e.atMs());
        String key = prefix(app) + "%013d-%08x".formatted(ms % 10_000_000_000_000L, ThreadLocalRandom.current().nextInt());
        return Op.put(Etcd.bytes(key), ByteSequence.from(Etcd.encode(e, "an app's history event")), PutOption.DEFAULT);
    }

    /**
     * Deletes {@code app}'s events beyond the newest {@link #KEEP} (in etcd's order of writing): one count; only when
     * there are more, one read of the oldest surplus keys and their deletion.
     */
    public void trim(String app) throws FleetException, InterruptedException {
        String prefix = prefix(app);
        var kv = etcd.client().getKVClient();
        long count = Etcd.await(kv.get(Etcd.bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true).build()),
                "count the history of " + app).getCount();
        if (count <= KEEP) return;
        List<KeyValue> oldest = Etcd.await(kv.get(Etcd.bytes(prefix), GetOption.builder().isPrefix(true).withKeysOnly(true)
                .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND)
                .withLimit(Math.min(count - KEEP, TXN_OPS)).build()), "read the history of " + app).getKvs();
        if (oldest.isEmpty()) return;
        Op[] deletes = oldest.stream().map(k -> Op.delete(k.getKey(), DeleteOption.DEFAULT)).toArray(Op[]::new);
        Etcd.await(kv.txn().Then(deletes).commit(), "trim the history of " + app);
    }

    /**
     * {@code app}'s events, oldest first (in etcd's order of writing, whichever controller wrote them): the newest
     * {@link #KEEP}, each validated; a value that is not such an event,
     * or a key not of the fleet's form, is refused by name (remove it with etcdctl).
     */
    public List<Event> read(String app) throws FleetException, InterruptedException {
        String prefix = prefix(app);
        List<KeyValue> kvs = Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(prefix), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.DESCEND).withLimit(KEEP).build()),
                "read the history of " + app).getKvs();
        List<Event> out = new ArrayList<>();
        for (KeyValue kv : kvs.reversed()) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            if (!SUFFIX.matcher(key.substring(prefix.length())).matches())
                throw new FleetException("etcd key " + shown(key) + " is not an app's history event of the fleet (remove it with etcdctl del)");
            try {
                out.add(Etcd.decode(kv, Event.class));
            } catch (FleetException e) {
                throw new FleetException(e.getMessage() + " (remove it with etcdctl del " + key + ")", e);
            }
        }
        return out;
    }

    private static String shown(String s) {
        if (s == null) return "(none)";
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
