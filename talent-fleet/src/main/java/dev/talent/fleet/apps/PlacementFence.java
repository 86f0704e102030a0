package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What etcd said, at one moment, about where the apps belong: the agent's check before it adopts a copy of an app
 * an earlier agent left running on its host (after a crash, a restart, a host that was lost and came back) or
 * resumes one stopped at its checkpoint. A copy runs on only while the app is deployed, its placement names this
 * host, and the placement's epoch is the one the copy was started at: a lost host's copy of an app the leader
 * restarted elsewhere (a new epoch, another host) is stopped, so two copies never run on.
 *
 * <p>A copy on the destination of a migration still in flight ({@code /talent/migrations/APP/current} names this host
 * as its destination) is kept too, whatever the placement says: the agent killed there took the app over and the leader
 * is about to commit it (or the next leader resolves it from what the agents hold: the destination keeps the app when
 * the commit happened, else it removes it once the source runs). Stopping that copy before the commit lands would
 * leave the app nowhere once the commit removes the source.
 *
 * <p>Read whole before the agent touches anything ({@link #load}); when etcd cannot be read the agent waits (its
 * apps run on meanwhile) instead of guessing.
 */
public final class PlacementFence {
    /** Whether a copy may run on, and why not. */
    public record Verdict(boolean keep, String reason) {}

    private final String host;
    private final Set<String> deployed;
    private final Map<String, Records.Placement> placements;
    /** App -> the host its in-flight migration goes to. */
    private final Map<String, String> arriving;
    private final boolean keepAll;

    PlacementFence(String host, Set<String> deployed, Map<String, Records.Placement> placements) {
        this(host, deployed, placements, Map.of(), false);
    }

    PlacementFence(String host, Set<String> deployed, Map<String, Records.Placement> placements, Map<String, String> arriving) {
        this(host, deployed, placements, arriving, false);
    }

    private PlacementFence(String host, Set<String> deployed, Map<String, Records.Placement> placements, Map<String, String> arriving,
            boolean keepAll) {
        this.keepAll = keepAll;
        this.host = host;
        this.deployed = Set.copyOf(deployed);
        this.placements = Map.copyOf(placements);
        this.arriving = Map.copyOf(arriving);
    }

    /** The apps' specs and placements as etcd holds them now, for the agent of {@code host}. */
    public static PlacementFence load(Etcd etcd, String host) throws FleetException, InterruptedException {
        Set<String> deployed = new HashSet<>();
        for (KeyValue kv : etcd.list(EtcdKeys.APPS)) {
            String k = kv.getKey().toString(StandardCharsets.UTF_8);
            if (k.endsWith("/spec")) deployed.add(k.substring(EtcdKeys.APPS.length(), k.length() - "/spec".length()));
        }
        Map<String, Records.Placement> placements = new HashMap<>();
        for (KeyValue kv : etcd.list(EtcdKeys.PLACEMENT)) {
            String app = kv.getKey().toString(StandardCharsets.UTF_8).substring(EtcdKeys.PLACEMENT.length());
            placements.put(app, Etcd.decode(kv, Records.Placement.class));
        }
        // the migrations in flight: their keys first (a few at any time, among every app's kept records), then each
        Map<String, String> arriving = new HashMap<>();
        List<KeyValue> keys = Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(EtcdKeys.MIGRATIONS),
                GetOption.builder().isPrefix(true).withKeysOnly(true).build()), "get " + EtcdKeys.MIGRATIONS + " (keys)").getKvs();
        for (KeyValue k : keys) {
            String key = k.getKey().toString(StandardCharsets.UTF_8);
            if (!key.endsWith(CURRENT)) continue;
            String app = key.substring(EtcdKeys.MIGRATIONS.length(), key.length() - CURRENT.length());
            if (!key.equals(EtcdKeys.inFlight(app))) continue;
            for (KeyValue kv : etcd.list(key)) {
                if (!kv.getKey().toString(StandardCharsets.UTF_8).equals(key)) continue;
                AppRecords.InFlight f = Etcd.decode(kv, AppRecords.InFlight.class);
                arriving.put(app, f.destination().host());
            }
        }
        return new PlacementFence(host, deployed, placements, arriving);
    }

    private static final String CURRENT = "/current";

    /**
     * A fence that keeps every copy: for an agent without etcd ({@link AgentServer#restart}, tests), where no leader
     * can have placed an app elsewhere.
     */
    static PlacementFence keepAll(String host) {
        return new PlacementFence(host, Set.of(), Map.of(), Map.of(), true);
    }

    /**
     * Whether etcd places {@code app} on this host with no migration of it in flight: its copy here is where the app
     * is, and nothing may hold it off the network (false for a fence without etcd).
     */
    public boolean settledHere(String app) { return settlement(app).keep(); }

    /** {@link #settledHere} with the reason: where etcd places {@code app}, or the migration in flight. */
    public Verdict settlement(String app) {
        if (keepAll) return new Verdict(false, "there is no etcd to ask where " + app + " belongs");
        Records.Placement p = placements.get(app);
        if (p == null) return new Verdict(false, "etcd does not place " + app);
        if (!p.host().equals(host)) return new Verdict(false, "etcd places " + app + " on " + p.host() + "/" + p.platform());
        String to = arriving.get(app);
        if (to != null)
            return new Verdict(false, "a migration of " + app + " to " + to + " is in flight (the leader decides)");
        return new Verdict(true, "etcd places " + app + " here (" + host + "/" + p.platform() + ") with no migration in flight");
    }

    /** Whether this host's copy of {@code app}, started at placement epoch {@code epoch}, may run on. */
    public Verdict check(String app, long epoch) {
        if (keepAll) return new Verdict(true, app + " is kept (no etcd to ask)");
        return decide(host, app, epoch, deployed.contains(app), Optional.ofNullable(placements.get(app)),
                Optional.ofNullable(arriving.get(app)));
    }

    static Verdict decide(String host, String app, long epoch, boolean deployed, Optional<Records.Placement> placement) {
        return decide(host, app, epoch, deployed, placement, Optional.empty());
    }

    /** {@code arriving}: the destination host of the app's migration in flight, if one is. */
    static Verdict decide(String host, String app, long epoch, boolean deployed, Optional<Records.Placement> placement,
            Optional<String> arriving) {
        if (!deployed) return new Verdict(false, app + " is no longer deployed");
        if (placement.isEmpty()) {
            // started by the leader and not yet placed (the leader writes the placement once it runs): it stays
            return new Verdict(true, app + " is being placed");
        }
        Records.Placement p = placement.get();
        if (!p.host().equals(host) && arriving.filter(host::equals).isPresent() && p.epoch() == epoch)
            return new Verdict(true, app + " is migrating here from " + p.host() + "/" + p.platform() + " (not yet committed): the leader"
                    + " decides which copy stays");
        if (!p.host().equals(host))
            return new Verdict(false, app + " was placed on " + p.host() + "/" + p.platform() + " (epoch " + p.epoch()
                    + ") while this host's agent was gone");
        if (p.epoch() != epoch)
            return new Verdict(false, "this copy of " + app + " was started at placement epoch " + epoch + ", etcd's is " + p.epoch());
        return new Verdict(true, app + " is placed here (epoch " + epoch + ")");
    }
}
