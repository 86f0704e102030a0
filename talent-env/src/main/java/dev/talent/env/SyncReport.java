package dev.talent.env;

/**
 * What one sync did.
 *
 * @param mode           "full" (the destination was empty), "mirror" (both trees walked and compared) or "journal"
 *                       (only the paths a {@link ChangeJournal} listed)
 * @param filesCopied    regular files and symbolic links written at the destination
 * @param filesDeleted   files, symbolic links and directories removed from the destination
 * @param bytesCopied    bytes of regular files' data copied (the holes of sparse files are not copied)
 * @param entriesVanished source entries that disappeared or changed type while the sync read them (the tree was in
 *                       use); left for the next sync, which the change that removed them makes copy their directory
 * @param nanos          wall time of the sync
 * @param entriesSkipped FIFOs, sockets and devices met in the source: never opened, not copied
 * @param treeBytes      bytes the destination tree's files allocate, as counted against {@link SyncLimits#maxBytes}
 * @param treeEntries    entries of the destination tree, as counted against {@link SyncLimits#maxFiles}
 */
public record SyncReport(String mode, int filesCopied, int filesDeleted, long bytesCopied, int entriesVanished,
                         long nanos, int entriesSkipped, long treeBytes, long treeEntries) {

    public static final String FULL = "full";
    public static final String MIRROR = "mirror";
    public static final String JOURNAL = "journal";

    /** A report without the skipped entries and the tree's size (as before they were counted). */
    public SyncReport(String mode, int filesCopied, int filesDeleted, long bytesCopied, int entriesVanished, long nanos) {
        this(mode, filesCopied, filesDeleted, bytesCopied, entriesVanished, nanos, 0, 0, 0);
    }

    public double millis() { return nanos / 1e6; }
}
