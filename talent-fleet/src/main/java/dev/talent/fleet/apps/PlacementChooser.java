package dev.talent.fleet.apps;

import dev.talent.fleet.Records;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Where an app goes, from what etcd says alone (controllers keep no state): candidates are the live hosts' platforms
 * that the app has a binary for. A scheduled move draws uniformly among the candidates not visited in the app's last
 * moves (a round, as {@code talent run} draws platforms), preferring those that differ from the current place in
 * both host and platform (a round ends once every place was visited, as the history in etcd says); a requested
 * move honours the host and/or platform asked for.
 */
public final class PlacementChooser {
    private PlacementChooser() {}

    public record Choice(FleetAgents.Placement to, String how) {}

    static List<FleetAgents.Placement> candidates(AppRecords.AppRecord app, List<Records.HostInfo> live) {
        List<FleetAgents.Placement> out = new ArrayList<>();
        for (Records.HostInfo h : live)
            for (String p : app.platforms())
                if (h.platforms().contains(p)) out.add(new FleetAgents.Placement(h.name(), p));
        return out;
    }

    /** The first place: the first of the app's platforms that a live host has, on one of those hosts at random. */
    public static Optional<Choice> first(AppRecords.AppRecord app, List<Records.HostInfo> live, RandomGenerator random) {
        List<FleetAgents.Placement> all = candidates(app, live);
        for (String p : app.platforms()) {
            List<FleetAgents.Placement> on = all.stream().filter(c -> c.platform().equals(p)).toList();
            if (!on.isEmpty()) return Optional.of(new Choice(on.get(random.nextInt(on.size())), "first platform with a live host"));
        }
        return Optional.empty();
    }

    /**
     * The next place on schedule, never {@code current}.
     *
     * @param visited the app's places in the order it ran there, oldest first (from its migration records)
     */
    public static Optional<Choice> scheduled(AppRecords.AppRecord app, FleetAgents.Placement current,
            List<FleetAgents.Placement> visited, List<Records.HostInfo> live, RandomGenerator random) {
        List<FleetAgents.Placement> usable = candidates(app, live).stream().filter(c -> !c.equals(current)).toList();
        if (usable.isEmpty()) return Optional.empty();
        // rounds, as talent run draws them, recomputed from the history: a round ends once every place was visited;
        // the places of the current round are left out while others remain
        java.util.Set<FleetAgents.Placement> all = new java.util.HashSet<>(candidates(app, live));
        all.add(current);
        java.util.Set<FleetAgents.Placement> round = new java.util.HashSet<>();
        for (FleetAgents.Placement v : visited) {
            if (!all.contains(v)) continue;
            round.add(v);
            if (round.size() == all.size()) round.clear();
        }
        List<FleetAgents.Placement> fresh = usable.stream().filter(c -> !round.contains(c)).toList();
        List<FleetAgents.Placement> pool = fresh.isEmpty() ? usable : fresh;
        List<FleetAgents.Placement> both = pool.stream()
                .filter(c -> !c.host().equals(current.host()) && !c.platform().equals(current.platform())).toList();
        List<FleetAgents.Placement> from = both.isEmpty() ? pool : both;
        String how = (fresh.isEmpty() ? "new round" : "round") + (both.isEmpty() ? "" : ", other host and platform")
                + ", 1 of " + from.size();
        return Optional.of(new Choice(from.get(random.nextInt(from.size())), how));
    }

    /**
     * Where an app on a drained host goes ({@code talent drain}): a place of one of its platforms on another live,
     * undrained host ({@code live} holds only those), keeping its platform when such a host has it; empty: none fits.
     */
    public static Optional<Choice> offHost(AppRecords.AppRecord app, FleetAgents.Placement current, List<Records.HostInfo> live,
            RandomGenerator random) {
        List<FleetAgents.Placement> fit = candidates(app, live).stream().filter(c -> !c.host().equals(current.host())).toList();
        if (fit.isEmpty()) return Optional.empty();
        List<FleetAgents.Placement> same = fit.stream().filter(c -> c.platform().equals(current.platform())).toList();
        List<FleetAgents.Placement> from = same.isEmpty() ? fit : same;
        return Optional.of(new Choice(from.get(random.nextInt(from.size())), "off drained " + current.host()
                + (same.isEmpty() ? ", other platform" : ", same platform") + ", 1 of " + from.size()));
    }

    /** The place {@code talent migrate --to HOST[/PLATFORM]} (or {@code --to /PLATFORM}) asks for; empty: none fits. */
    public static Optional<Choice> requested(AppRecords.AppRecord app, FleetAgents.Placement current,
            AppRecords.MigrateRequest r, List<Records.HostInfo> live, RandomGenerator random) {
        List<FleetAgents.Placement> fit = candidates(app, live).stream().filter(c -> !c.equals(current))
                .filter(c -> r.host() == null || c.host().equals(r.host()))
                .filter(c -> r.platform() == null || c.platform().equals(r.platform())).toList();
        if (fit.isEmpty()) return Optional.empty();
        if (r.platform() == null) {
            // only a host asked for: keep the platform when that host has it
            List<FleetAgents.Placement> same = fit.stream().filter(c -> c.platform().equals(current.platform())).toList();
            if (!same.isEmpty()) fit = same;
        }
        return Optional.of(new Choice(fit.get(random.nextInt(fit.size())), "requested"));
    }
}
