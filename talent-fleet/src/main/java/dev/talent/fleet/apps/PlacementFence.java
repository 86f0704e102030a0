package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
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
 * <p>Read whole before the agent touches anything ({@link #load}); when etcd cannot be read the agent waits (its
 * apps run on meanwhile) instead of guessing.
 */
public final class PlacementFence {
    /** Whether a copy may run on, and why not. */
    public record Verdict(boolean keep, String reason) {}

    private final String host;
    private final Set<String> deployed;
    private final Map<String, Records.Placement> placements;
    private final boolean keepAll;

    PlacementFence(String host, Set<String> deployed, Map<String, Records.Placement> placements) {
        this(host, deployed, placements, false);
    }

    private PlacementFence(String host, Set<String> deployed, Map<String, Records.Placement> placements, boolean keepAll) {
        this.keepAll = keepAll;
        this.host = host;
        this.deployed = Set.copyOf(deployed);
        this.placements = Map.copyOf(placements);
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
        return new PlacementFence(host, deployed, placements);
    }

    /**
     * A fence that keeps every copy: for an agent without etcd ({@link AgentServer#restart}, tests), where no leader
     * can have placed an app elsewhere.
     */
    static PlacementFence keepAll(String host) {
        return new PlacementFence(host, Set.of(), Map.of(), true);
    }

    /** Whether this host's copy of {@code app}, started at placement epoch {@code epoch}, may run on. */
    public Verdict check(String app, long epoch) {
        if (keepAll) return new Verdict(true, app + " is kept (no etcd to ask)");
        return decide(host, app, epoch, deployed.contains(app), Optional.ofNullable(placements.get(app)));
    }

    static Verdict decide(String host, String app, long epoch, boolean deployed, Optional<Records.Placement> placement) {
        if (!deployed) return new Verdict(false, app + " is no longer deployed");
        if (placement.isEmpty()) {
            // started by the leader and not yet placed (the leader writes the placement once it runs): it stays
            return new Verdict(true, app + " is being placed");
        }
        Records.Placement p = placement.get();
        if (!p.host().equals(host))
            return new Verdict(false, app + " was placed on " + p.host() + "/" + p.platform() + " (epoch " + p.epoch()
                    + ") while this host's agent was gone");
        if (p.epoch() != epoch)
            return new Verdict(false, "this copy of " + app + " was started at placement epoch " + epoch + ", etcd's is " + p.epoch());
        return new Verdict(true, app + " is placed here (epoch " + epoch + ")");
    }
}
