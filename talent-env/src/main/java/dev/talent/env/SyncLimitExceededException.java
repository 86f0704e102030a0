package dev.talent.env;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A sync stopped because the tree is bigger than its {@link SyncLimits} allow. The destination holds what was copied
 * up to that point (never more than the limit): sync again with the tree reduced, or with higher limits.
 */
public final class SyncLimitExceededException extends SyncException {
    private static final long serialVersionUID = 1L;

    /** Which limit. */
    public enum Limit {
        BYTES("allocated bytes of file data", "maxBytes"),
        FILES("entries (files, directories and links)", "maxFiles"),
        DEPTH("directory levels", "maxDepth"),
        PATH_BYTES("bytes in a path below the root", "MAX_PATH_BYTES");

        private final String what;
        private final String setting;

        Limit(String what, String setting) {
            this.what = what;
            this.setting = setting;
        }

        /** What is counted, in words. */
        public String what() { return what; }

        /** The {@link SyncLimits} component (or constant) that sets it. */
        public String setting() { return setting; }
    }

    private final Limit limit;
    private final long maximum;
    private final long value;
    private final transient Path tree;

    /**
     * @param tree        the source tree that is too big
     * @param destination where it was being copied to
     * @param value       what was counted when the sync stopped (more than maximum)
     * @param where       the entry (relative to the tree) where it stopped, or null
     */
    public SyncLimitExceededException(Limit limit, long maximum, long value, Path tree, Path destination, Path where) {
        super("copy", tree, "over the limit of " + amount(limit, maximum) + " " + limit.what() + " per copy (SyncLimits."
                + limit.setting() + "): " + amount(limit, value) + (where == null || where.toString().isEmpty() ? "" : " at " + where)
                + "; the copy to " + destination + " stopped there", null);
        this.limit = Objects.requireNonNull(limit, "limit");
        this.maximum = maximum;
        this.value = value;
        this.tree = tree;
    }

    public Limit limit() { return limit; }

    /** The limit. */
    public long maximum() { return maximum; }

    /** What was reached when the sync stopped (at least maximum + 1). */
    public long value() { return value; }

    /** The source tree. */
    public Path tree() { return tree; }

    private static String amount(Limit limit, long n) {
        if (limit != Limit.BYTES || n < 1024) return Long.toString(n);
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double scaled = n;
        int unit = -1;
        while (scaled >= 1024 && unit < units.length - 1) {
            scaled /= 1024;
            unit++;
        }
        String human = scaled == Math.rint(scaled) ? String.format("%.0f %s", scaled, units[unit])
                : String.format("%.1f %s", scaled, units[unit]);
        return n + " (" + human + ")";
    }
}
