package dev.talent.env;

/**
 * How big a replica a sync may make: every {@link TreeSync} call stops with a {@link SyncLimitExceededException}
 * instead of growing the destination tree past these. The tree comes from a program that may be hostile, and each
 * replica (one per platform, and the working directory at the end) is a copy of it made as root: without a limit,
 * a program that fills its own directory fills the host's disk several times over.
 *
 * @param maxBytes  bytes the destination tree's regular files may allocate on disk (st_blocks, not the apparent size:
 *                  a sparse file's holes cost nothing)
 * @param maxFiles  entries the destination tree may hold: files, directories and symbolic links below its root (also
 *                  the most names one directory of the source may have)
 * @param maxDepth  directory levels below the root (each level being copied holds two open directories)
 */
public record SyncLimits(long maxBytes, long maxFiles, int maxDepth) {

    public static final long DEFAULT_MAX_BYTES = 8L << 30;
    public static final long DEFAULT_MAX_FILES = 1_000_000;
    public static final int DEFAULT_MAX_DEPTH = 256;
    /** The deepest a tree may be made to go: its open directories must fit the descriptor limit. */
    public static final int MAX_DEPTH = 1024;
    /**
     * The longest path below the root, in bytes (PATH_MAX - 1): longer ones cannot be named by the program's own
     * tools, nor by anyone's on the host.
     */
    public static final int MAX_PATH_BYTES = 4095;

    /** 8 GiB, 1,000,000 entries, 256 levels. */
    public static final SyncLimits DEFAULT = new SyncLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, DEFAULT_MAX_DEPTH);

    public SyncLimits {
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must not be negative, not " + maxBytes);
        if (maxFiles < 0) throw new IllegalArgumentException("maxFiles must not be negative, not " + maxFiles);
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new IllegalArgumentException("maxDepth must be between 1 and " + MAX_DEPTH + ", not " + maxDepth);
        }
    }

    /** These byte and entry limits, with the default depth. */
    public SyncLimits(long maxBytes, long maxFiles) { this(maxBytes, maxFiles, DEFAULT_MAX_DEPTH); }
}
