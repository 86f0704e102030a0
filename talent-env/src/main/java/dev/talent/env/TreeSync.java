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
 * <p>Every copied regular file is hashed (SHA-256) as it is read from the source, written to a temporary name
 * beside its destination, read back and hashed at the destination, and renamed into place only when the two
 * hashes match ({@link SyncVerificationException} otherwise): each file is replaced atomically and never
 * replaced by a corrupt copy. Files are not fsync'ed: the copies are for a process on the same machine, not for
 * surviving a crash.
 */
public final class TreeSync {

    private TreeSync() {}

    /**
     * Walks both trees and makes {@code dst} a copy of {@code src}: copies files that are missing or differ in
     * size or modification time (the quick check rsync uses), creates directories, deletes what {@code src} does
     * not have. When {@code dst} is absent or empty this is a full copy (mode "full"), else "mirror".
     */
    public static SyncReport mirror(Path src, Path dst) throws SyncException {
        return mirror(src, dst, TreeCopier.Hooks.NOTHING);
    }

    /**
     * Brings {@code dst}, a copy of {@code src} made earlier, up to date with the changes a {@link ChangeJournal}
     * of {@code src} listed since: each listed path that exists in {@code src} is copied (a directory with its
     * subtree, compared by size and time), each that does not is deleted from {@code dst}. Only the listed paths
     * and their parents are looked at (mode "journal"). {@link Changes.Overflow} falls back to {@link #mirror};
     * so does a missing {@code dst}.
     */
    public static SyncReport copyChanged(Path src, Path dst, Changes changes) throws SyncException {
        return copyChanged(src, dst, changes, TreeCopier.Hooks.NOTHING);
    }

    static SyncReport mirror(Path src, Path dst, TreeCopier.Hooks hooks) throws SyncException {
        long start = System.nanoTime();
        Path source = checkTrees(src, dst);
        FileEntry destination = stat(dst);
        boolean full = destination == null || destination.isDirectory() && isEmpty(dst);
        TreeCopier copier = new TreeCopier(source, dst, hooks);
        if (destination != null && !destination.isDirectory()) copier.delete(dst, destination);
        copier.mirrorDirectory(Path.of(""), stat(source), destination != null && destination.isDirectory());
        return report(full ? SyncReport.FULL : SyncReport.MIRROR, copier, start);
    }

    static SyncReport copyChanged(Path src, Path dst, Changes changes, TreeCopier.Hooks hooks)
            throws SyncException {
        return switch (changes) {
            case Changes.Overflow overflow -> mirror(src, dst, hooks);
            case Changes.Listed listed -> {
                long start = System.nanoTime();
                Path source = checkTrees(src, dst);
                FileEntry destination = stat(dst);
                if (destination == null || !destination.isDirectory()) yield mirror(src, dst, hooks);
                TreeCopier copier = new TreeCopier(source, dst, hooks);
                copier.forceCopyOf(listed.paths());
                List<Path> outermost = outermost(listed.paths());
                Set<Path> parents = new HashSet<>();
                for (Path path : outermost) {
                    copier.syncPath(path);
                    if (path.getParent() != null) parents.add(path.getParent());
                    else if (!path.toString().isEmpty()) parents.add(Path.of(""));
                }
                // Creating or deleting entries changed these directories' times at the destination.
                for (Path parent : parents) copier.copyDirectoryTime(parent);
                yield report(SyncReport.JOURNAL, copier, start);
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
        return new SyncReport(mode, copier.filesCopied, copier.filesDeleted, copier.bytesCopied, copier.entriesVanished,
                System.nanoTime() - start);
    }
}
