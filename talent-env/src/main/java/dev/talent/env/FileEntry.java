package dev.talent.env;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * What a sync needs to know of one directory entry, from one statx (symbolic links are not followed).
 *
 * @param size      the apparent length (a sparse file's holes included)
 * @param allocated bytes the file system allocated for it (a sparse file's holes cost nothing)
 */
record FileEntry(Kind kind, long size, long allocated, long mtimeSeconds, int mtimeNanos, int mode) {

    enum Kind { FILE, DIRECTORY, SYMLINK, OTHER }

    static FileEntry of(Syscalls.Stat stat) {
        Kind kind = switch (stat.type()) {
            case Syscalls.S_IFREG -> Kind.FILE;
            case Syscalls.S_IFDIR -> Kind.DIRECTORY;
            case Syscalls.S_IFLNK -> Kind.SYMLINK;
            default -> Kind.OTHER; // FIFOs, sockets, devices: not copied, never opened
        };
        return new FileEntry(kind, stat.size(), stat.allocated(), stat.mtimeSeconds(), stat.mtimeNanos(), stat.mode());
    }

    /** The entry at {@code path} (a path talent chose, not one from a tree); NoSuchFileException if there is none. */
    static FileEntry read(Path path) throws IOException {
        FileEntry entry = readIfExists(path);
        if (entry == null) throw new NoSuchFileException(path.toString());
        return entry;
    }

    /** The entry at {@code path}, or null if there is none. */
    static FileEntry readIfExists(Path path) throws IOException {
        try (Syscalls sys = new Syscalls()) {
            Syscalls.Stat stat = sys.statPath(path);
            return stat == null ? null : of(stat);
        } catch (Syscalls.ErrnoException e) {
            if (e.errno == Syscalls.ENOTDIR) return null; // a path through a file names no entry
            throw e;
        }
    }

    FileTime modified() { return FileTime.from(Instant.ofEpochSecond(mtimeSeconds, mtimeNanos)); }

    /** Permission bits, including set-user-ID, set-group-ID and sticky. */
    int permissions() { return mode & 07777; }

    boolean isDirectory() { return kind == Kind.DIRECTORY; }

    /** The quick check (as rsync's): a regular file with the same size and modification time is taken as equal. */
    boolean sameSizeAndTime(FileEntry other) {
        return kind == Kind.FILE && other.kind == Kind.FILE && size == other.size
                && mtimeSeconds == other.mtimeSeconds && mtimeNanos == other.mtimeNanos;
    }

    boolean sameTime(FileEntry other) { return mtimeSeconds == other.mtimeSeconds && mtimeNanos == other.mtimeNanos; }
}
