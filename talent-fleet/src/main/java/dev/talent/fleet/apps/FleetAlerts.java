package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.policy.Alert;
import dev.talent.policy.AlertBook;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A fleet's active alerts, in etcd so that every controller accepts them and the leader (and every later leader)
 * sees them: {@code /talent/alerts/ID} holds the alert (validated by {@link Alert}'s constructor on the way in and
 * on the way out), {@code /talent/alert-effects/ID/APP} what it did to each app (written by the leader). At most
 * {@link AlertBook#MAX_ALERTS} alerts, as on one host; one with the same tag and app replaces the earlier and keeps
 * its effects.
 */
public final class FleetAlerts {
    private final Etcd etcd;

    public FleetAlerts(Etcd etcd) { this.etcd = etcd; }

    /** The alert's id: its tag URL-encoded (no {@code /} or {@code @} left), {@code @}, its app or {@code *}. */
    static String id(String tag, String app) {
        return URLEncoder.encode(tag, StandardCharsets.UTF_8) + "@" + (app == null ? "*" : app);
    }

    static String id(Alert a) { return id(a.tag(), a.app()); }

    private static String key(String id) { return EtcdKeys.ALERTS + id; }

    private static String effects(String id) { return EtcdKeys.ALERT_EFFECTS + id + "/"; }

    /**
     * Stores {@code alert} (its effects are not stored: those are the leader's); fails when
     * {@link AlertBook#MAX_ALERTS} others are active.
     */
    public Alert raise(Alert alert) throws FleetException, InterruptedException {
        String k = key(id(alert));
        long count = Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(EtcdKeys.ALERTS),
                GetOption.builder().isPrefix(true).withCountOnly(true).build()), "count the alerts").getCount();
        boolean exists = !etcd.list(k).stream().filter(kv -> kv.getKey().toString(StandardCharsets.UTF_8).equals(k)).toList().isEmpty();
        if (!exists && count >= AlertBook.MAX_ALERTS)
            throw new FleetException("the fleet has " + count + " active alerts already (at most " + AlertBook.MAX_ALERTS
                    + "); clear some first");
        Alert stored = new Alert(alert.tag(), alert.app(), alert.reason(), alert.at(), null);
        etcd.put(k, stored, 0);
        return stored;
    }

    /**
     * The active alerts with their effects, oldest first, read within bounds: more than {@link AlertBook#MAX_ALERTS}
     * alerts (which {@link #raise} never lets in) is not the fleet's doing and is refused by name, not read; of each
     * alert's effects (one per app) the first {@link Alert#MAX_EFFECTS} by app name are read, as an alert keeps them
     * ({@link Alert#withEffect}), not every key there is.
     */
    public List<Alert> active() throws FleetException, InterruptedException {
        List<KeyValue> kvs = new ArrayList<>(bounded(EtcdKeys.ALERTS, AlertBook.MAX_ALERTS, "alerts"));
        kvs.sort(java.util.Comparator.comparingLong(KeyValue::getCreateRevision));
        List<Alert> out = new ArrayList<>();
        for (KeyValue kv : kvs) {
            Alert a = decode(kv);
            String id = kv.getKey().toString(StandardCharsets.UTF_8).substring(EtcdKeys.ALERTS.length());
            if (!id.equals(id(a))) throw new FleetException("etcd value at " + kv.getKey() + " is an alert of another key (" + id(a) + ")");
            List<Alert.Effect> e = new ArrayList<>();
            for (KeyValue ekv : first(effects(id), Alert.MAX_EFFECTS)) e.add(decodeEffect(ekv));
            e.sort(java.util.Comparator.comparing(x -> x.at() == null ? "" : x.at()));
            out.add(new Alert(a.tag(), a.app(), a.reason(), a.at(), e));
        }
        return out;
    }

    /** The first {@code max} keys under {@code prefix} (in key order). */
    private List<KeyValue> first(String prefix, int max) throws FleetException, InterruptedException {
        return Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(prefix),
                GetOption.builder().isPrefix(true).withLimit(max).build()), "get " + prefix).getKvs();
    }

    /** The keys under {@code prefix}, at most {@code max}: one more is read to tell, and refused. */
    private List<KeyValue> bounded(String prefix, int max, String what) throws FleetException, InterruptedException {
        var got = Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(prefix),
                GetOption.builder().isPrefix(true).withLimit(max + 1L).build()), "get " + prefix);
        if (got.getKvs().size() > max || got.isMore()) {
            throw new FleetException("etcd holds more than " + max + " " + what + " under " + prefix
                    + ": not the fleet's (it writes at most " + max + "); remove them with etcdctl del --prefix " + prefix);
        }
        return got.getKvs();
    }

    /** The tags of the active alerts that concern {@code app}, from {@code active}. */
    public static Set<String> quarantined(List<Alert> active, String app) {
        Set<String> tags = new LinkedHashSet<>();
        for (Alert a : active) if (a.concerns(app)) tags.add(a.tag());
        return tags;
    }

    /** Removes every alert with {@code tag} (whatever app it named) and their effects; returns them. */
    public List<Alert> clear(String tag) throws FleetException, InterruptedException {
        return clear(tag, Instant.now());
    }

    /**
     * As above, at {@code now}: each app the alert had an effect on gets an {@code alert-clear} event in its history
     * ({@link FleetHistory}), in the transaction that deletes the alert (the first {@link FleetHistory#TXN_OPS} apps;
     * the others in transactions right after it, as etcd bounds the operations of one).
     */
    public List<Alert> clear(String tag, Instant now) throws FleetException, InterruptedException {
        Alert.checkTag(tag);
        List<Alert> removed = new ArrayList<>();
        for (Alert a : active()) {
            if (!a.tag().equals(tag)) continue;
            String id = id(a);
            List<String> apps = a.effects().stream().map(Alert.Effect::app).filter(x -> AppRecords.NAME.matcher(x).matches())
                    .distinct().toList();
            FleetHistory.Event cleared = FleetHistory.Event.cleared(tag, now);
            List<Op> ops = new ArrayList<>(List.of(Op.delete(Etcd.bytes(key(id)), DeleteOption.DEFAULT),
                    Op.delete(Etcd.bytes(effects(id)), DeleteOption.builder().isPrefix(true).build())));
            for (int i = 0; i < apps.size(); i++) {
                ops.add(FleetHistory.put(apps.get(i), cleared));
                if (ops.size() >= FleetHistory.TXN_OPS || i == apps.size() - 1) {
                    Etcd.await(etcd.client().getKVClient().txn().Then(ops.toArray(Op[]::new)).commit(), "clear alert " + tag);
                    ops.clear();
                }
            }
            if (!ops.isEmpty()) Etcd.await(etcd.client().getKVClient().txn().Then(ops.toArray(Op[]::new)).commit(), "clear alert " + tag);
            FleetHistory history = new FleetHistory(etcd);
            for (String app : apps) history.trim(app);
            removed.add(a);
        }
        return removed;
    }

    /**
     * Notes what {@code alert} did to {@code effect.app()}, and puts it in the app's history ({@link FleetHistory}) in
     * the same transaction; nothing when the alert was cleared meanwhile.
     */
    public void recordEffect(Alert alert, Alert.Effect effect) throws FleetException, InterruptedException {
        String id = id(alert);
        byte[] json = Etcd.encode(effect, "an alert's effect");
        Txn t = etcd.client().getKVClient().txn();
        t.If(new Cmp(Etcd.bytes(key(id)), Cmp.Op.GREATER, CmpTarget.createRevision(0)))
                .Then(Op.put(Etcd.bytes(effects(id) + effect.app()), io.etcd.jetcd.ByteSequence.from(json), PutOption.DEFAULT),
                        FleetHistory.put(effect.app(), FleetHistory.Event.of(alert, effect)));
        if (Etcd.await(t.commit(), "record the effect of alert " + alert.tag() + " on " + effect.app()).isSucceeded())
            new FleetHistory(etcd).trim(effect.app());
    }

    private static Alert decode(KeyValue kv) throws FleetException {
        try {
            return Etcd.decode(kv, Alert.class);
        } catch (FleetException e) {
            throw new FleetException(e.getMessage() + " (remove it with etcdctl to clear that alert)", e);
        }
    }

    private static Alert.Effect decodeEffect(KeyValue kv) throws FleetException {
        return Etcd.decode(kv, Alert.Effect.class);
    }
}
