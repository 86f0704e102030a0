package dev.talent.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The policy applied to a set of platforms whose facts are known: which tags each carries (the operator's, from the
 * policy file, plus the implicit ones of its facts), and the diversity-weighted draw of the next destination.
 * Used by {@code talent run} for its one app; a fleet controller can use it the same way per app.
 */
public final class DestinationPolicy {
    private final Policy policy;
    private final Map<String, PlatformFacts> facts;

    /**
     * @param facts the detected facts of the platforms that can be drawn; a platform without facts carries only its
     *              name and the operator's tags, and is drawn with the base weight
     */
    public DestinationPolicy(Policy policy, Map<String, PlatformFacts> facts) {
        this.policy = policy;
        this.facts = Map.copyOf(facts);
    }

    public Policy policy() { return policy; }

    public Optional<PlatformFacts> factsOf(String platform) { return Optional.ofNullable(facts.get(platform)); }

    /** Every tag {@code platform} carries: its implicit tags (name, ISA, C library, kernel) and the operator's. */
    public Set<String> tagsOf(String platform) {
        Set<String> tags = new LinkedHashSet<>();
        PlatformFacts f = facts.get(platform);
        if (f != null) tags.addAll(f.implicitTags());
        else tags.add(platform);
        tags.addAll(policy.tagsOf(platform));
        return tags;
    }

    /** The tags of {@code quarantined} that {@code platform} carries (empty: it may be used). */
    public Set<String> matching(String platform, Set<String> quarantined) {
        Set<String> hit = new LinkedHashSet<>(tagsOf(platform));
        hit.retainAll(quarantined);
        return hit;
    }

    /**
     * The outcome of a draw.
     *
     * @param platform the destination
     * @param weight   its weight in the draw
     * @param total    the sum of the weights of all candidates
     * @param differs  the dimensions in which it differs from the current platform
     * @param reason   the above in words, for the migration record
     */
    public record Choice(String platform, double weight, double total, List<Dimension> differs, String reason) {}

    /**
     * The platforms of {@code allowed} that the next migration may go to: not {@code current}, and carrying none of
     * the {@code quarantined} tags (an active alert's). May be empty: then there is nowhere safe to go.
     */
    public List<String> usable(String current, Collection<String> allowed, Set<String> quarantined) {
        return allowed.stream().filter(p -> !p.equals(current)).filter(p -> matching(p, quarantined).isEmpty()).toList();
    }

    /**
     * Draws the next destination among the {@link #usable} platforms of {@code allowed}: never the current one,
     * never one carrying a quarantined tag.
     *
     * @throws IllegalArgumentException no usable platform (the message names the quarantined tags)
     */
    public Choice choose(String current, List<String> recent, Collection<String> allowed, Set<String> quarantined,
                         RandomGenerator random) {
        List<String> usable = usable(current, allowed, quarantined);
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("no platform other than " + current + " is free of the quarantined tags "
                    + String.join(", ", quarantined));
        }
        return choose(current, recent, usable, random);
    }

    /**
     * Draws the next destination among {@code candidates} (the caller has already removed the current platform and
     * the quarantined ones). Weight of a candidate p: {@code 1 + diff(p, current) + mean over the recent r of diff(p,
     * r)}, where diff is the weighted count of differing dimensions ({@link Diversity#difference}). The
     * {@code avoid_recent} most recently left platforms are not candidates while any other is.
     *
     * @param recent the platforms run on before the current one, most recent first
     * @throws IllegalArgumentException no candidate
     */
    public Choice choose(String current, List<String> recent, Collection<String> candidates, RandomGenerator random) {
        if (candidates.isEmpty()) throw new IllegalArgumentException("no platform to choose from");
        Diversity d = policy.diversity();
        List<String> avoided = recent.stream().filter(p -> !p.equals(current)).distinct().limit(d.avoidRecent()).toList();
        List<String> pool = new ArrayList<>(candidates.stream().filter(p -> !avoided.contains(p)).toList());
        if (pool.isEmpty()) pool.addAll(candidates);
        double[] weights = new double[pool.size()];
        double total = 0;
        PlatformFacts cur = facts.get(current);
        for (int i = 0; i < pool.size(); i++) {
            weights[i] = weight(pool.get(i), cur, avoided);
            total += weights[i];
        }
        double x = random.nextDouble() * total;
        int pick = pool.size() - 1;
        for (int i = 0; i < pool.size(); i++) {
            x -= weights[i];
            if (x < 0) {
                pick = i;
                break;
            }
        }
        String chosen = pool.get(pick);
        List<Dimension> differs = new ArrayList<>();
        PlatformFacts to = facts.get(chosen);
        if (cur != null && to != null) {
            for (Dimension dim : Dimension.values()) if (!dim.valueOf(cur).equals(dim.valueOf(to))) differs.add(dim);
        }
        String reason = "diversity: " + (differs.isEmpty() ? "differs from " + current + " in nothing weighed"
                : "differs from " + current + " in " + String.join(",", differs.stream().map(Dimension::key).toList()))
                + "; weight " + fmt(weights[pick]) + " of " + fmt(total) + " among " + String.join(",", pool)
                + (avoided.isEmpty() ? "" : "; avoiding recent " + String.join(",", avoided));
        return new Choice(chosen, weights[pick], total, List.copyOf(differs), reason);
    }

    /** A candidate's weight (see {@link #choose}). */
    double weight(String candidate, PlatformFacts current, List<String> recent) {
        PlatformFacts p = facts.get(candidate);
        if (p == null || current == null) return 1;
        Diversity d = policy.diversity();
        double w = 1 + d.difference(p, current);
        List<PlatformFacts> known = recent.stream().map(facts::get).filter(java.util.Objects::nonNull).toList();
        if (!known.isEmpty()) {
            double sum = 0;
            for (PlatformFacts r : known) sum += d.difference(p, r);
            w += sum / known.size();
        }
        return w;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}
