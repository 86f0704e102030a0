package dev.talent.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes a destination directory tree a copy of a source tree: regular files (content, permission bits including
 * set-ID and sticky, modification time), directories (mode, time) and symbolic links (as links, with their
 * time). FIFOs, sockets and devices are not copied. Ownership is not changed: copies belong to the user running
 * the sync.
 *
 * <p><b>Hostile trees.</b> The source tree belongs to a program that may be compromised, and the sync runs as root.
 * Every entry of both trees is reached from the tree's open root directory, one name at a time or by openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, and no symbolic link is ever followed: a link is copied as a link with the
 * same text, whatever it points to. A source entry is opened with O_NOFOLLOW and checked on its descriptor, so an
 * entry swapped for a link or a FIFO after it was looked at is skipped (counted as vanished), never read. FIFOs,
 * sockets and devices are never opened. Sparse files stay sparse: only their data segments are read and written
 * (SEEK_DATA / SEEK_HOLE). The destination tree is kept within {@link SyncLimits} (allocated bytes, entries, depth,
 * path length); a sync that would go over stops with a {@link SyncLimitExceededException}. Hard links are copied
 * as separate files.
 *
 * <p>Every copied regular file is hashed (SHA-256, see {@link ContentHash}) as it is read from the source, written
 * to a temporary name beside its destination, read back and hashed at the destination, and renamed into place
 * only when the two hashes match ({@link SyncVerificationException} otherwise): each file is replaced atomically
 * and never replaced by a corrupt copy. Files are not fsync'ed: the copies are for a process on the same machine,
 * not for surviving a crash.
 */
public final class TreeSync {

    private TreeSync() {}

    /**
     * Walks both trees and makes {@code dst} a copy of {@code src}: copies files that are missing or differ in
     * size or modification time (the quick check rsync uses), creates directories, deletes what {@code src} does
     * not have. When {@code dst} is absent or empty this is a full copy (mode "full"), else "mirror". Within
     * {@link SyncLimits#DEFAULT}.
     */
    public static SyncReport mirror(Path src, Path dst) throws SyncException {
        return mirror(src, dst, SyncLimits.DEFAULT, TreeCopier.Hooks.NOTHING);
    }

    /** {@link #mirror(Path, Path)} within {@code limits}: {@link SyncLimitExceededException} when the copy would exceed them. */
    public static SyncReport mirror(Path src, Path dst, SyncLimits limits) throws SyncException {
        return mirror(src, dst, limits, TreeCopier.Hooks.NOTHING);
    }

    /**
     * {@link #mirror(Path, Path, SyncLimits)} telling {@code progress} the files and bytes copied so far, at most
     * every {@link #PROGRESS_EVERY_NANOS} (and not at the end: the report says that).
     */
    public static SyncReport mirror(Path src, Path dst, SyncLimits limits, SyncProgress progress) throws SyncException {
        return mirror(src, dst, limits, progressHooks(progress, System::nanoTime));
    }

    /** How often a {@link SyncProgress} is told at most: 5 times a second. */
    static final long PROGRESS_EVERY_NANOS = 200_000_000L;

    /** Hooks that pass the copied counts on to {@code progress}, at most every {@link #PROGRESS_EVERY_NANOS}. */
    static TreeCopier.Hooks progressHooks(SyncProgress progress, java.util.function.LongSupplier clock) {
        return new TreeCopier.Hooks() {
            private final long start = clock.getAsLong();
            private long last = start;

            @Override
            public void copied(long files, long bytes) {
                long now = clock.getAsLong();
                if (now - last < PROGRESS_EVERY_NANOS) return;
                last = now;
                progress.copied(files, bytes);
            }
        };
    }

    /**
     * Brings {@code dst}, a copy of {@code src} made earlier, up to date with the changes a {@link ChangeJournal}
     * of {@code src} listed since: each listed path that exists in {@code src} is copied (a directory with its
     * subtree, compared by size and time), each that does not is deleted from {@code dst}. Only the listed paths
     * and their parents are looked at (mode "journal"). {@link Changes.Overflow} falls back to {@link #mirror};
     * so does a missing {@code dst}. Within {@link SyncLimits#DEFAULT}.
     */
    public static SyncReport copyChanged(Path src, Path dst, Changes changes) throws SyncException {
        return copyChanged(src, dst, changes, SyncLimits.DEFAULT, TreeCopier.Hooks.NOTHING);
    }

    /**
     * {@link #copyChanged(Path, Path, Changes)} within {@code limits}, counted over the whole destination tree
     * (its size before, recorded by the previous sync into it, plus what this one changes).
     */
    public static SyncReport copyChanged(Path src, Path dst, Changes changes, SyncLimits limits) throws SyncException {
        return copyChanged(src, dst, changes, limits, TreeCopier.Hooks.NOTHING);
    }

    static SyncReport mirror(Path src, Path dst, TreeCopier.Hooks hooks) throws SyncException {
        return mirror(src, dst, SyncLimits.DEFAULT, hooks);
    }

    static SyncReport copyChanged(Path src, Path dst, Changes changes, TreeCopier.Hooks hooks) throws SyncException {
        return copyChanged(src, dst, changes, SyncLimits.DEFAULT, hooks);
    }

    static SyncReport mirror(Path src, Path dst, SyncLimits limits, TreeCopier.Hooks hooks) throws SyncException {
        long start = System.nanoTime();
        Path source = checkTrees(src, dst);
        FileEntry destination = stat(dst);
        boolean full = destination == null || (destination.isDirectory() && isEmpty(dst));
        int rootDeleted = 0;
        if (destination != null && !destination.isDirectory()) {
            deleteRoot(dst); // a file or a link where the tree should be: the link itself, never what it points to
            rootDeleted = 1;
            destination = null;
        }
        if (destination == null) createRoot(dst);
        try (TreeCopier copier = TreeCopier.open(source, dst, limits, hooks)) {
            copier.filesDeleted += rootDeleted;
            try {
                copier.mirrorRoot(full);
            } catch (SyncException | RuntimeException e) {
                UsageLedger.forget(copier.destinationKey());
                throw e;
            }
            SyncReport report = report(full ? SyncReport.FULL : SyncReport.MIRROR, copier, start);
            UsageLedger.record(copier.destinationKey(), copier.usage());
            return report;
        }
    }

    static SyncReport copyChanged(Path src, Path dst, Changes changes, SyncLimits limits, TreeCopier.Hooks hooks)
            throws SyncException {
        return switch (changes) {
            case Changes.Overflow overflow -> mirror(src, dst, limits, hooks);
            case Changes.Listed listed -> {
                long start = System.nanoTime();
                Path source = checkTrees(src, dst);
                FileEntry destination = stat(dst);
                if (destination == null || !destination.isDirectory()) yield mirror(src, dst, limits, hooks);
                try (TreeCopier copier = TreeCopier.open(source, dst, limits, hooks)) {
                    try {
                        UsageLedger.Usage before = UsageLedger.get(copier.destinationKey());
                        copier.startFrom(before != null ? before : copier.measureDestination());
                        copier.forceCopyOf(listed.paths());
                        List<Path> outermost = outermost(listed.paths());
                        Set<Path> parents = new HashSet<>();
                        try {
                            for (Path path : outermost) copier.syncPath(path);
                        } catch (SyncLimitExceededException e) {
                            // Maybe only because an addition came before a deletion: delete first, then copy again
                            // (what was copied already is found equal or copied once more); over is over then.
                            for (Path path : outermost) copier.deleteIfGone(path);
                            for (Path path : outermost) copier.syncPath(path);
                        }
                        for (Path path : outermost) {
                            if (path.getParent() != null) parents.add(path.getParent());
                            else if (!path.toString().isEmpty()) parents.add(Path.of(""));
                        }
                        // Creating or deleting entries changed these directories' times at the destination.
                        for (Path parent : parents) copier.copyDirectoryTime(parent);
                    } catch (SyncException | RuntimeException e) {
                        UsageLedger.forget(copier.destinationKey());
                        throw e;
                    }
                    SyncReport report = report(SyncReport.JOURNAL, copier, start);
                    UsageLedger.record(copier.destinationKey(), copier.usage());
                    yield report;
                }
            }
        };
    }

    /**
     * The listed paths that have no listed ancestor: a listed directory is synced with its whole subtree, which
     * covers everything listed below it.
     */
    static List<Path> outermost(Set<Path> paths) {
        return paths.stream().filter(path -> !hasListedAncestor(path, paths)).sorted().toList();
    }

    private static boolean hasListedAncestor(Path path, Set<Path> paths) {
        if (path.toString().isEmpty()) return false;
        if (paths.contains(Path.of(""))) return true;
        for (Path parent = path.getParent(); parent != null; parent = parent.getParent()) {
            if (paths.contains(parent)) return true;
        }
        return false;
    }

    /**
     * Checks that src is a directory (a symbolic link to one is followed) and that neither tree contains the
     * other; returns src's real path.
     */
    private static Path checkTrees(Path src, Path dst) throws SyncException {
        Path real;
        try {
            real = src.toRealPath();
        } catch (IOException e) {
            throw new SyncException("sync from", src, e);
        }
        if (!Files.isDirectory(real)) throw new SyncException("sync from", src, "not a directory", null);
        Path b = dst.toAbsolutePath().normalize();
        if (real.startsWith(b) || b.startsWith(real) || b.startsWith(src.toAbsolutePath().normalize())) {
            throw new SyncException("sync to", dst, "the destination and the source " + src + " overlap", null);
        }
        return real;
    }

    private static boolean isEmpty(Path dir) throws SyncException {
        try (var entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            throw new SyncException("list", dir, e);
        }
    }

    private static FileEntry stat(Path path) throws SyncException {
        try {
            return FileEntry.readIfExists(path);
        } catch (IOException e) {
            throw new SyncException("read the attributes of", path, e);
        }
    }

    private static SyncReport report(String mode, TreeCopier copier, long start) throws SyncException {
        // Entries below the root are skipped when they vanish; the root itself vanishing leaves nothing to sync.
        if (copier.entriesVanished > 0 && !Files.isDirectory(copier.source())) {
            throw new SyncException("sync from", copier.source(), "the directory vanished during the sync", null);
        }
        UsageLedger.Usage usage = copier.usage();
        return new SyncReport(mode, copier.filesCopied, copier.filesDeleted, copier.bytesCopied, copier.entriesVanished,
                System.nanoTime() - start, copier.entriesSkipped, usage.bytes(), usage.entries());
    }

    private static void deleteRoot(Path dst) throws SyncException {
        try {
            Files.delete(dst);
        } catch (IOException e) {
            throw new SyncException("delete", dst, e);
        }
    }

    private static void createRoot(Path dst) throws SyncException {
        try {
            Files.createDirectory(dst);
        } catch (IOException e) {
            throw new SyncException("create directory", dst, e);
        }
    }
}
