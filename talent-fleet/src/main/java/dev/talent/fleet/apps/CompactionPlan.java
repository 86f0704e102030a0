package dev.talent.fleet.apps;

/** How many of an app's oldest migration records are folded into counts when one more is written. */
final class CompactionPlan {
    private CompactionPlan() {}

    /**
     * With {@code after} records kept once the new one is written and at most {@code keep} allowed: how many of the
     * oldest go: the excess, at most {@link #MAX_PER_WRITE} at a time (an etcd that holds more, from a larger limit
     * before, is brought back over a few writes; etcd refuses transactions of more than 128 operations).
     */
    static int drop(int after, int keep) {
        if (keep < 1 || after < 0) throw new IllegalArgumentException("keep " + keep + ", after " + after);
        return Math.min(MAX_PER_WRITE, Math.max(0, after - keep));
    }

    static final int MAX_PER_WRITE = 32;
}
