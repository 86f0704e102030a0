package dev.talent.env;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What changed in a tree since the previous {@link ChangeJournal#drain()}: either the list of changed paths, or
 * {@link Overflow}, meaning the journal lost track and the tree must be walked ({@link TreeSync#mirror}).
 */
public sealed interface Changes {

    /**
     * Paths relative to the journal's root (the root itself is the empty path) whose entry was created, modified,
     * had its attributes changed, was deleted or was renamed away or into place. The path says where to look,
     * not what happened: the sync compares with the source's current state. A directory in the set stands for
     * its whole subtree (a directory created or moved in carries files the journal never saw individually).
     */
    record Listed(Set<Path> paths) implements Changes {
        public Listed {
            paths = Set.copyOf(paths);
            for (Path p : paths) {
                if (p.isAbsolute() || !p.normalize().equals(p) || p.startsWith("..")) {
                    throw new IllegalArgumentException("not a path inside the tree: " + p);
                }
            }
        }

        @Override
        public boolean isEmpty() { return paths.isEmpty(); }
    }

    /** The journal cannot say what changed (events were lost, or a watch could not be added): walk the tree. */
    record Overflow(String reason) implements Changes {
        public Overflow { Objects.requireNonNull(reason, "reason"); }

        @Override
        public boolean isEmpty() { return false; }
    }

    /** Nothing changed. */
    static Changes none() { return new Listed(Set.of()); }

    static Changes overflow(String reason) { return new Overflow(reason); }

    /** True when there is nothing to sync. */
    boolean isEmpty();

    /**
     * Both sets of changes, as one: for a destination that missed several drains (an overflow on either side
     * makes the union an overflow).
     */
    default Changes and(Changes other) {
        if (this instanceof Overflow) return this;
        if (other instanceof Overflow) return other;
        Set<Path> union = new HashSet<>(((Listed) this).paths());
        union.addAll(((Listed) other).paths());
        return new Listed(union);
    }
}
