package dev.talent.env;

/**
 * Told how far a long copy of a tree has got (the first full copy of a working directory): the files and bytes
 * copied so far. Called from the copying threads, at most a few times a second; must not block.
 */
@FunctionalInterface
public interface SyncProgress {
    void copied(long files, long bytes);
}
