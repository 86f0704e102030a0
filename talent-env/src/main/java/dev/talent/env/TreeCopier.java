package dev.talent.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The work of one sync from a source tree to a destination tree, addressed by paths relative to both roots;
 * keeps the counters for its {@link SyncReport}. One instance per sync call, used by one thread.
 */
final class TreeCopier {

    /** Points where tests interfere with a sync, to make the races of a tree in use happen on cue. */
    interface Hooks {
        Hooks NOTHING = new Hooks() {};

        /** A source entry was looked at and is about to be read (tests remove or replace it here). */
        default void statted(Path sourcePath) throws IOException {}

        /** A copied file's temporary copy is written and about to be verified (tests corrupt it here). */
        default void written(Path temporary) throws IOException {}
    }

    private static final int BUFFER_BYTES = 128 * 1024;
    private static final AtomicLong TEMPORARY_SEQUENCE = new AtomicLong();
    private static final String TEMPORARY_PREFIX = ".talent-sync." + ProcessHandle.current().pid() + ".";
    private static final HexFormat HEX = HexFormat.of();

    private final Path source;
    private final Path destination;
    private final Hooks hooks;
    private final MessageDigest sha256 = sha256();
    private final byte[] buffer = new byte[BUFFER_BYTES];
    /** Relative paths copied even when size and time match: the journal saw them change. */
    private Set<Path> forced = Set.of();
    /** Destination directories known to exist (relative), so parents are checked once per sync. */
    private final Set<Path> existingDirectories = new HashSet<>();

    int filesCopied;
    int filesDeleted;
    long bytesCopied;
    /**
     * Source entries that disappeared between being found and being read (the application runs during a pre-sync);
     * skipped like rsync's "vanished" files: whatever removed them also changed their directory, so the journal
     * lists that for the next sync, and a mirror compares it anew.
     */
    int entriesVanished;

    TreeCopier(Path source, Path destination, Hooks hooks) {
        this.source = source;
        this.destination = destination;
        this.hooks = hooks;
    }

    void forceCopyOf(Set<Path> paths) { forced = paths; }

    Path source() { return source; }

    /**
     * Makes the destination directory {@code relative} a copy of the source's: entries created, copied when
     * they differ (or are {@linkplain #forceCopyOf forced}), extras deleted, then its mode and time set.
     *
     * @param destinationExists false when the destination directory is known to be absent (nothing to compare)
     */
    void mirrorDirectory(Path relative, FileEntry sourceEntry, boolean destinationExists) throws SyncException {
        Path dst = destination.resolve(relative);
        Map<String, FileEntry> extras = new HashMap<>();
        if (destinationExists) {
            for (String name : list(dst)) {
                FileEntry entry = stat(dst.resolve(name));
                if (entry != null) extras.put(name, entry);
            }
        } else {
            createDirectory(dst);
        }
        Set<String> names = listSource(relative);
        if (names == null) return; // the directory vanished; its copy (maybe just created) goes in a later sync
        for (String name : names) {
            Path child = relative.resolve(name);
            FileEntry sourceChild = stat(source.resolve(child));
            if (sourceChild == null) continue; // deleted since it was listed: a later sync sees that
            statted(child);
            syncEntry(child, sourceChild, extras.remove(name), false);
        }
        for (Map.Entry<String, FileEntry> extra : extras.entrySet()) {
            delete(dst.resolve(extra.getKey()), extra.getValue()); // includes temporaries an interrupted sync left
        }
        setAttributes(dst, sourceEntry);
    }

    /**
     * Brings one path of the destination to the source's current state: copies it (a directory with its
     * subtree) when it exists at the source, deletes it when it does not.
     */
    void syncPath(Path relative) throws SyncException {
        FileEntry sourceEntry = stat(source.resolve(relative));
        FileEntry destinationEntry = stat(destination.resolve(relative));
        if (sourceEntry != null) statted(relative);
        if (sourceEntry == null || sourceEntry.kind() == FileEntry.Kind.OTHER) {
            if (destinationEntry != null) delete(destination.resolve(relative), destinationEntry);
            return;
        }
        if (!ensureParentDirectory(relative)) return;
        // A listed file is copied whatever its size and time: file times are as coarse as the kernel's clock tick,
        // so a rewrite of the same size can keep the time the destination already has.
        syncEntry(relative, sourceEntry, destinationEntry, true);
    }

    /** Sets the destination directory's modification time to the source's (its entries changed under it). */
    void copyDirectoryTime(Path relative) throws SyncException {
        FileEntry sourceEntry = stat(source.resolve(relative));
        if (sourceEntry == null || !sourceEntry.isDirectory()) return;
        Path dst = destination.resolve(relative);
        FileEntry destinationEntry = stat(dst);
        if (destinationEntry == null || !destinationEntry.isDirectory()) return;
        if (!destinationEntry.modified().equals(sourceEntry.modified())) setTime(dst, sourceEntry.modified());
    }

    private void syncEntry(Path relative, FileEntry src, FileEntry dst, boolean listed) throws SyncException {
        Path target = destination.resolve(relative);
        switch (src.kind()) {
            case DIRECTORY -> {
                if (dst != null && !dst.isDirectory()) {
                    delete(target, dst);
                    dst = null;
                }
                mirrorDirectory(relative, src, dst != null);
            }
            case FILE -> {
                if (listed || dst == null || !src.sameSizeAndTime(dst) || forced.contains(relative)) {
                    if (dst != null && dst.isDirectory()) delete(target, dst);
                    copyFile(relative, src);
                } else if (dst.permissions() != src.permissions()) {
                    setMode(target, src.permissions());
                }
            }
            case SYMLINK -> {
                Path linkTarget = readSourceLink(relative);
                if (linkTarget == null) return;
                if (dst == null || dst.kind() != FileEntry.Kind.SYMLINK || !readLink(target).equals(linkTarget)) {
                    if (dst != null && dst.isDirectory()) delete(target, dst);
                    copySymlink(relative, linkTarget, src.modified());
                }
            }
            case OTHER -> {
                // FIFOs, sockets and devices are not copied; nothing else may stand in their place either.
                if (dst != null) delete(target, dst);
            }
        }
    }

    /**
     * Copies a regular file: written to a temporary file beside its destination while the source's bytes are
     * hashed, read back and hashed again, and only then renamed into place (atomic: readers see the old or the
     * new file, never a part).
     */
    private void copyFile(Path relative, FileEntry entry) throws SyncException {
        Path src = source.resolve(relative);
        Path dst = destination.resolve(relative);
        Path temporary = dst.resolveSibling(TEMPORARY_PREFIX + TEMPORARY_SEQUENCE.incrementAndGet());
        boolean placed = false;
        FileChannel in = unlessVanished(() -> open(src, "read", StandardOpenOption.READ));
        if (in == null) return;
        try (in) {
            long bytes;
            byte[] expected;
            try (FileChannel out = open(temporary, "write", StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                bytes = transfer(in, src, out, dst);
                expected = sha256.digest();
            } catch (IOException e) {
                throw e instanceof SyncException s ? s : new SyncException("close", dst, e);
            }
            hooks.written(temporary);
            byte[] actual = hash(temporary, dst);
            if (!MessageDigest.isEqual(expected, actual)) {
                throw new SyncVerificationException(dst, HEX.formatHex(expected), HEX.formatHex(actual));
            }
            setMode(temporary, entry.permissions());
            setTime(temporary, entry.modified());
            rename(temporary, dst);
            placed = true;
            filesCopied++;
            bytesCopied += bytes;
        } catch (SyncException e) {
            throw e;
        } catch (IOException e) {
            throw new SyncException("write", dst, e);
        } finally {
            if (!placed) deleteQuietly(temporary);
        }
    }

    /** Copies all of {@code in} to {@code out}, hashing it; returns the bytes copied. */
    private long transfer(FileChannel in, Path src, FileChannel out, Path dst) throws SyncException {
        sha256.reset();
        ByteBuffer chunk = ByteBuffer.wrap(buffer);
        long total = 0;
        while (true) {
            chunk.clear();
            int n;
            try {
                n = in.read(chunk);
            } catch (IOException e) {
                throw new SyncException("read", src, e);
            }
            if (n < 0) return total;
            sha256.update(buffer, 0, n);
            chunk.flip();
            try {
                while (chunk.hasRemaining()) out.write(chunk);
            } catch (IOException e) {
                throw new SyncException("write", dst, e);
            }
            total += n;
        }
    }

    /** The SHA-256 of the file as it reads back now. */
    private byte[] hash(Path file, Path reportedAs) throws SyncException {
        sha256.reset();
        ByteBuffer chunk = ByteBuffer.wrap(buffer);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            int n;
            while ((n = in.read(chunk.clear())) >= 0) sha256.update(buffer, 0, n);
            return sha256.digest();
        } catch (IOException e) {
            throw new SyncException("read back (to verify)", reportedAs, e);
        }
    }

    private void copySymlink(Path relative, Path linkTarget, FileTime modified) throws SyncException {
        Path dst = destination.resolve(relative);
        Path temporary = dst.resolveSibling(TEMPORARY_PREFIX + TEMPORARY_SEQUENCE.incrementAndGet());
        boolean placed = false;
        try {
            try {
                Files.createSymbolicLink(temporary, linkTarget);
            } catch (IOException e) {
                throw new SyncException("create symbolic link", dst, e);
            }
            try {
                Files.getFileAttributeView(temporary, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(modified, null, null);
            } catch (IOException e) {
                throw new SyncException("set the time of", dst, e);
            }
            rename(temporary, dst);
            placed = true;
            filesCopied++;
        } finally {
            if (!placed) deleteQuietly(temporary);
        }
    }

    /**
     * Creates the destination's missing parent directories of {@code relative}, with the source's modes; false
     * (counted as vanished) when a source parent is no longer a directory.
     */
    private boolean ensureParentDirectory(Path relative) throws SyncException {
        Path parent = relative.getParent();
        if (parent == null || existingDirectories.contains(parent)) return true;
        Path dst = destination.resolve(parent);
        FileEntry existing = stat(dst);
        if (existing == null || !existing.isDirectory()) {
            if (!ensureParentDirectory(parent)) return false;
            FileEntry sourceEntry = stat(source.resolve(parent));
            if (sourceEntry == null || !sourceEntry.isDirectory()) {
                entriesVanished++;
                return false;
            }
            if (existing != null) delete(dst, existing);
            createDirectory(dst);
            setAttributes(dst, sourceEntry);
        }
        existingDirectories.add(parent);
        return true;
    }

    /** Deletes a destination entry, a directory with everything in it; counts what it removed. */
    void delete(Path path, FileEntry entry) throws SyncException {
        if (!entry.isDirectory()) {
            deleteEntry(path);
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws SyncException {
                    deleteEntry(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) throw e;
                    deleteEntry(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (SyncException e) {
            throw e;
        } catch (IOException e) {
            throw new SyncException("delete", path, e);
        }
    }

    private void deleteEntry(Path path) throws SyncException {
        try {
            if (Files.deleteIfExists(path)) filesDeleted++;
        } catch (IOException e) {
            throw new SyncException("delete", path, e);
        }
    }

    private static void deleteQuietly(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
            // Best effort after a failure already being reported; a later mirror deletes it as an extra.
        }
    }

    private static FileEntry stat(Path path) throws SyncException {
        try {
            return FileEntry.readIfExists(path);
        } catch (IOException e) {
            throw new SyncException("read the attributes of", path, e);
        }
    }

    private static Set<String> list(Path dir) throws SyncException {
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) names.add(entry.getFileName().toString());
            return names;
        } catch (IOException e) {
            throw new SyncException("list", dir, e);
        } catch (DirectoryIteratorException e) {
            throw new SyncException("list", dir, e.getCause());
        }
    }

    private void statted(Path relative) throws SyncException {
        try {
            hooks.statted(source.resolve(relative));
        } catch (IOException e) {
            throw new SyncException("run the test hook on", source.resolve(relative), e);
        }
    }

    /** The names in a source directory; null (counted as vanished) when it is gone, except for the root. */
    private Set<String> listSource(Path relative) throws SyncException {
        Path dir = source.resolve(relative);
        return relative.toString().isEmpty() ? list(dir) : unlessVanished(() -> list(dir));
    }

    private Path readSourceLink(Path relative) throws SyncException {
        return unlessVanished(() -> readLink(source.resolve(relative)));
    }

    /** A read of a source entry, failing with a {@link SyncException} that wraps the I/O error. */
    @FunctionalInterface
    private interface SourceRead<T> {
        T read() throws SyncException;
    }

    /**
     * What {@code read} returns, or null (counted as vanished) when it failed because the entry is gone or a
     * directory on its path was replaced by a file.
     */
    private <T> T unlessVanished(SourceRead<T> read) throws SyncException {
        try {
            return read.read();
        } catch (SyncException e) {
            if (!(e.getCause() instanceof NoSuchFileException || e.getCause() instanceof NotDirectoryException)) throw e;
            entriesVanished++;
            return null;
        }
    }

    private static FileChannel open(Path file, String operation, StandardOpenOption... options) throws SyncException {
        try {
            return FileChannel.open(file, options);
        } catch (IOException e) {
            throw new SyncException(operation, file, e);
        }
    }

    private static Path readLink(Path link) throws SyncException {
        try {
            return Files.readSymbolicLink(link);
        } catch (IOException e) {
            throw new SyncException("read the symbolic link", link, e);
        }
    }

    private static void createDirectory(Path dir) throws SyncException {
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new SyncException("create directory", dir, e);
        }
    }

    private static void setAttributes(Path dir, FileEntry entry) throws SyncException {
        setMode(dir, entry.permissions());
        setTime(dir, entry.modified());
    }

    private static void setMode(Path path, int permissions) throws SyncException {
        try {
            Files.setAttribute(path, "unix:mode", permissions);
        } catch (IOException e) {
            throw new SyncException("set the mode of", path, e);
        }
    }

    private static void setTime(Path path, FileTime modified) throws SyncException {
        try {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(modified, null, null);
        } catch (IOException e) {
            throw new SyncException("set the time of", path, e);
        }
    }

    private static void rename(Path temporary, Path dst) throws SyncException {
        try {
            Files.move(temporary, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new SyncException("rename into place", dst, "the file system cannot rename atomically", e);
        } catch (IOException e) {
            throw new SyncException("rename into place", dst, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
