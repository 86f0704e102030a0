package dev.talent.env;

/**
 * What one sync did.
 *
 * @param mode         "full" (the destination was empty), "mirror" (both trees walked and compared) or "journal"
 *                     (only the paths a {@link ChangeJournal} listed)
 * @param filesCopied  regular files and symbolic links written at the destination
 * @param filesDeleted files, symbolic links and directories removed from the destination
 * @param bytesCopied  bytes of regular files copied
 * @param entriesVanished source entries that disappeared while the sync read them (the tree was in use); left
 *                     for the next sync, which the change that removed them makes copy their directory
 * @param nanos        wall time of the sync
 */
public record SyncReport(String mode, int filesCopied, int filesDeleted, long bytesCopied, int entriesVanished,
                         long nanos) {

    public static final String FULL = "full";
    public static final String MIRROR = "mirror";
    public static final String JOURNAL = "journal";

    public double millis() { return nanos / 1e6; }
}
