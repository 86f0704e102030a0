package dev.talent.policy;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How the next platform is drawn: each candidate's weight grows with how much it differs from the current platform
 * and from the recent ones, dimension by dimension ({@link Dimension}); the last {@code avoidRecent} platforms are
 * not drawn again while another is allowed.
 *
 * @param weights     per dimension, 0 or more; a dimension that is not listed counts 0
 * @param avoidRecent how many of the most recently left platforms to avoid (0: none)
 */
public record Diversity(Map<Dimension, Integer> weights, int avoidRecent) {

    /** Without a {@code [diversity]} table: every dimension counts 1, the last platform left is avoided. */
    public static final Diversity DEFAULT = new Diversity(allOnes(), 1);

    public Diversity {
        EnumMap<Dimension, Integer> copy = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            int w = weights.getOrDefault(d, 0);
            if (w < 0 || w > 1000) throw new IllegalArgumentException("weight of " + d.key() + " must be 0..1000, not " + w);
            copy.put(d, w);
        }
        weights = Collections.unmodifiableMap(copy);
        if (avoidRecent < 0 || avoidRecent > 64) throw new IllegalArgumentException("avoid_recent must be 0..64, not " + avoidRecent);
    }

    public int weight(Dimension d) { return weights.get(d); }

    /** The weighted count of the dimensions in which {@code a} and {@code b} differ. */
    public int difference(PlatformFacts a, PlatformFacts b) {
        int sum = 0;
        for (Dimension d : Dimension.values()) {
            if (!d.valueOf(a).equals(d.valueOf(b))) sum += weight(d);
        }
        return sum;
    }

    private static Map<Dimension, Integer> allOnes() {
        EnumMap<Dimension, Integer> m = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) m.put(d, 1);
        return m;
    }
}
