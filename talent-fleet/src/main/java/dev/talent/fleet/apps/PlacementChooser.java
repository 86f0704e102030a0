package dev.talent.fleet.apps;

import dev.talent.fleet.Records;
import dev.talent.toolchain.BuildBinding;
import dev.talent.toolchain.Platform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Where an app goes, from what etcd says alone (controllers keep no state): candidates are the live hosts' platforms
 * that the app has a binary for. A scheduled move draws uniformly among the candidates not visited in the app's last
 * moves (a round, as {@code talent run} draws platforms), preferring those that differ from the current place in
 * both host and platform (a round ends once every place was visited, as the history in etcd says); a requested
 * move honours the host and/or platform asked for.
 *
 * <p>Every choice obeys {@link Rules}: no place carrying a tag of an active alert (quarantine); with a policy file
 * ({@link FleetPolicy#diversity()}) a scheduled move is drawn by its diversity weights among the allowed places
 * ({@link dev.talent.policy.DestinationPolicy}, as {@code talent run --policy} draws platforms), not in rounds.
 *
 * <p>A move never goes to a platform that cannot restore the app's checkpoint: when the build binds its checkpoints to
 * the byte order and/or pointer width they were written with (the spec's {@code binding}, from {@code DIR/NAME.binding};
 * {@link BuildBinding}), only the places of the current platform's byte order (pointer width) are candidates; a
 * request for another one is refused ({@link #bindingRefusal}). Nothing is restored at the first place, which is chosen
 * where the binding leaves a place to move on to ({@link #first}).
 */
public final class PlacementChooser {
    private PlacementChooser() {}

    public record Choice(FleetAgents.Placement to, String how) {}

    /**
     * What constrains a choice: the fleet's policy, the tags quarantined for the app (its active alerts') and the host
     * records whose facts give a place its tags and its diversity dimensions (by host name; a host without a record
     * here has the facts of talent's platform table).
     */
    public record Rules(FleetPolicy policy, Set<String> quarantined, Map<String, Records.HostInfo> hosts) {
        public static final Rules NONE = new Rules(FleetPolicy.NONE, Set.of());

        public Rules {
            quarantined = Set.copyOf(quarantined);
            hosts = Map.copyOf(hosts);
        }

        public Rules(FleetPolicy policy, Set<String> quarantined) { this(policy, quarantined, Map.of()); }

        /** {@code hosts}' records by name. */
        public static Map<String, Records.HostInfo> byName(List<Records.HostInfo> hosts) {
            Map<String, Records.HostInfo> out = new HashMap<>();
            for (Records.HostInfo h : hosts) out.put(h.name(), h);
            return out;
        }

        /** The quarantined tags {@code p} carries (empty: it may be used). */
        public Set<String> hits(FleetAgents.Placement p) {
            return policy.matching(p, Optional.ofNullable(hosts.get(p.host())), quarantined);
        }

        public boolean allows(FleetAgents.Placement p) { return hits(p).isEmpty(); }
    }

    static List<FleetAgents.Placement> candidates(AppRecords.AppRecord app, List<Records.HostInfo> live) {
        return candidates(app, live, Rules.NONE);
    }

    /** The live hosts' places of the app's platforms that {@code rules} allow. */
    static List<FleetAgents.Placement> candidates(AppRecords.AppRecord app, List<Records.HostInfo> live, Rules rules) {
        List<FleetAgents.Placement> out = new ArrayList<>();
        for (Records.HostInfo h : live)
            for (String p : app.platforms()) {
                FleetAgents.Placement c = new FleetAgents.Placement(h.name(), p);
                if (h.platforms().contains(p) && rules.allows(c)) out.add(c);
            }
        return out;
    }

    /**
     * Whether a checkpoint of {@code app} written at {@code current} can be restored at {@code to}: always without a
     * build binding; with one, when {@code to}'s platform has the byte order (pointer width) of {@code current}'s.
     */
    static boolean admits(AppRecords.AppRecord app, FleetAgents.Placement current, FleetAgents.Placement to) {
        Optional<BuildBinding> b = app.buildBinding();
        if (b.isEmpty()) return true;
        try {
            return b.get().admits(Platform.parse(current.platform()), Platform.parse(to.platform()));
        } catch (IllegalArgumentException unknown) {
            return false; // a platform talent does not know: its byte order cannot be told, so it is not drawn
        }
    }

    /** The live places of the app's platforms that {@code rules} allow and that can restore a checkpoint written at {@code current}. */
    static List<FleetAgents.Placement> candidates(AppRecords.AppRecord app, FleetAgents.Placement current,
            List<Records.HostInfo> live, Rules rules) {
        return candidates(app, live, rules).stream().filter(c -> admits(app, current, c)).toList();
    }

    /**
     * The first place: the first of the app's platforms that a live host has, on one of those hosts at random. For an
     * app the build binds (its spec's binding), the first such platform from which the binding leaves a place to move
     * to (another host of it, or another platform of its byte order and pointer width): an app that starts where its
     * checkpoints can go nowhere else would never move. Only when no platform leaves one does it start on the first.
     */
    public static Optional<Choice> first(AppRecords.AppRecord app, List<Records.HostInfo> live, RandomGenerator random) {
        return first(app, live, random, Rules.NONE);
    }

    /** {@link #first} among the places {@code rules} allow. */
    public static Optional<Choice> first(AppRecords.AppRecord app, List<Records.HostInfo> live, RandomGenerator random,
            Rules rules) {
        List<FleetAgents.Placement> all = candidates(app, live, rules);
        Optional<Choice> plain = Optional.empty();
        List<String> nowhere = new ArrayList<>();
        for (String p : app.platforms()) {
            List<FleetAgents.Placement> on = all.stream().filter(c -> c.platform().equals(p)).toList();
            if (on.isEmpty()) continue;
            FleetAgents.Placement c = on.get(random.nextInt(on.size()));
            if (plain.isEmpty()) plain = Optional.of(new Choice(c, "first platform with a live host"));
            if (app.buildBinding().isEmpty()) return plain;
            if (all.stream().anyMatch(o -> !o.equals(c) && admits(app, c, o))) {
                return Optional.of(nowhere.isEmpty() ? plain.get() : new Choice(c, "first platform with a live host from"
                        + " which the build's binding leaves a place to move to (" + String.join(", ", nowhere) + ": none)"));
            }
            nowhere.add(p);
        }
        return plain;
    }

    /**
     * The next place on schedule, never {@code current}.
     *
     * @param visited the app's places in the order it ran there, oldest first (from its migration records)
     */
    public static Optional<Choice> scheduled(AppRecords.AppRecord app, FleetAgents.Placement current,
            List<FleetAgents.Placement> visited, List<Records.HostInfo> live, RandomGenerator random) {
        return scheduled(app, current, visited, live, random, Rules.NONE);
    }

    /**
     * {@link #scheduled} among the places {@code rules} allow; with a policy file, drawn by its diversity weights: the
     * weight of a place grows with how it differs from the current and the recent ones (ISA, byte order, word size, C
     * library, host), and the {@code avoid_recent} places last left are not drawn while another is allowed.
     */
    public static Optional<Choice> scheduled(AppRecords.AppRecord app, FleetAgents.Placement current,
            List<FleetAgents.Placement> visited, List<Records.HostInfo> live, RandomGenerator random, Rules rules) {
        List<FleetAgents.Placement> usable = candidates(app, current, live, rules).stream().filter(c -> !c.equals(current)).toList();
        if (usable.isEmpty()) return Optional.empty();
        if (rules.policy().diversity()) {
            List<FleetAgents.Placement> places = new ArrayList<>(usable);
            places.add(current);
            // the places left before the current one, most recent first
            List<String> recent = new ArrayList<>();
            for (int i = visited.size() - 1; i >= 0; i--) if (!visited.get(i).equals(current)) recent.add(visited.get(i).toString());
            var choice = rules.policy().destinations(places, rules.hosts()).choose(current.toString(), recent,
                    usable.stream().map(FleetAgents.Placement::toString).toList(), random);
            return Optional.of(new Choice(AppRecords.placement(choice.platform()), choice.reason()));
        }
        // rounds, as talent run draws them, recomputed from the history: a round ends once every place was visited;
        // the places of the current round are left out while others remain
        java.util.Set<FleetAgents.Placement> all = new java.util.HashSet<>(candidates(app, current, live, Rules.NONE));
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
        return offHost(app, current, live, random, Rules.NONE);
    }

    /** {@link #offHost} among the places {@code rules} allow. */
    public static Optional<Choice> offHost(AppRecords.AppRecord app, FleetAgents.Placement current, List<Records.HostInfo> live,
            RandomGenerator random, Rules rules) {
        List<FleetAgents.Placement> fit = candidates(app, current, live, rules).stream().filter(c -> !c.host().equals(current.host())).toList();
        if (fit.isEmpty()) return Optional.empty();
        List<FleetAgents.Placement> same = fit.stream().filter(c -> c.platform().equals(current.platform())).toList();
        List<FleetAgents.Placement> from = same.isEmpty() ? fit : same;
        return Optional.of(new Choice(from.get(random.nextInt(from.size())), "off drained " + current.host()
                + (same.isEmpty() ? ", other platform" : ", same platform") + ", 1 of " + from.size()));
    }

    /** The place {@code talent migrate --to HOST[/PLATFORM]} (or {@code --to /PLATFORM}) asks for; empty: none fits. */
    public static Optional<Choice> requested(AppRecords.AppRecord app, FleetAgents.Placement current,
            AppRecords.MigrateRequest r, List<Records.HostInfo> live, RandomGenerator random) {
        return requested(app, current, r, live, random, Rules.NONE);
    }

    private static List<FleetAgents.Placement> fitting(AppRecords.AppRecord app, FleetAgents.Placement current,
            AppRecords.MigrateRequest r, List<Records.HostInfo> live, Rules rules) {
        return fittingAnyLayout(app, current, r, live, rules).stream().filter(c -> admits(app, current, c)).toList();
    }

    /** The places the request fits, whether or not they can restore the app's checkpoint. */
    private static List<FleetAgents.Placement> fittingAnyLayout(AppRecords.AppRecord app, FleetAgents.Placement current,
            AppRecords.MigrateRequest r, List<Records.HostInfo> live, Rules rules) {
        return candidates(app, live, rules).stream().filter(c -> !c.equals(current))
                .filter(c -> r.host() == null || c.host().equals(r.host()))
                .filter(c -> r.platform() == null || c.platform().equals(r.platform())).toList();
    }

    /**
     * Why a request that fits a live place cannot be served: every place it fits has a platform that cannot restore
     * the app's checkpoint (the build binds it to the byte order or pointer width of the current platform); empty: the
     * request is not refused for that.
     */
    public static Optional<String> bindingRefusal(AppRecords.AppRecord app, FleetAgents.Placement current,
            AppRecords.MigrateRequest r, List<Records.HostInfo> live) {
        Optional<BuildBinding> b = app.buildBinding();
        if (b.isEmpty() || !fitting(app, current, r, live, Rules.NONE).isEmpty()) return Optional.empty();
        List<FleetAgents.Placement> any = fittingAnyLayout(app, current, r, live, Rules.NONE);
        if (any.isEmpty()) return Optional.empty();
        String layout;
        try {
            layout = b.get().layout(Platform.parse(current.platform()));
        } catch (IllegalArgumentException unknown) {
            layout = b.get().kind();
        }
        return Optional.of("refused: " + String.join(", ", any.stream().map(FleetAgents.Placement::toString).toList())
                + " cannot restore the app's checkpoint: " + (b.get().why().contains(AppReconciler.CHECKPOINT_BOUND) ? "it is bound"
                        : "the build binds it") + " to the " + layout + " of " + current.platform()
                + " (" + b.get().why() + ")");
    }

    /**
     * Why a request that fits a live place cannot be served: every place it fits carries the tag of an active alert
     * (empty: the request is not refused by the quarantine).
     */
    public static Optional<String> quarantineRefusal(AppRecords.AppRecord app, FleetAgents.Placement current,
            AppRecords.MigrateRequest r, List<Records.HostInfo> live, Rules rules) {
        if (!fitting(app, current, r, live, rules).isEmpty()) return Optional.empty();
        List<FleetAgents.Placement> any = fitting(app, current, r, live, Rules.NONE);
        if (any.isEmpty()) return Optional.empty();
        Set<String> tags = new java.util.TreeSet<>();
        for (FleetAgents.Placement p : any) tags.addAll(rules.hits(p));
        return Optional.of("refused: " + String.join(", ", any.stream().map(FleetAgents.Placement::toString).toList())
                + (any.size() == 1 ? " carries" : " carry") + " the tag " + String.join(", ", tags)
                + " of an active alert (quarantined until `talent alert clear --fleet FILE " + String.join(" ", tags) + "`)");
    }

    /** {@link #requested} among the places {@code rules} allow. */
    public static Optional<Choice> requested(AppRecords.AppRecord app, FleetAgents.Placement current,
            AppRecords.MigrateRequest r, List<Records.HostInfo> live, RandomGenerator random, Rules rules) {
        List<FleetAgents.Placement> fit = fitting(app, current, r, live, rules);
        if (fit.isEmpty()) return Optional.empty();
        if (r.platform() == null) {
            // only a host asked for: keep the platform when that host has it
            List<FleetAgents.Placement> same = fit.stream().filter(c -> c.platform().equals(current.platform())).toList();
            if (!same.isEmpty()) fit = same;
        }
        return Optional.of(new Choice(fit.get(random.nextInt(fit.size())), "requested"));
    }
}
