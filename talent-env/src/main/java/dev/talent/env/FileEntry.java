package dev.talent.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/** What a sync needs to know of one directory entry, from one lstat (symbolic links are not followed). */
record FileEntry(Kind kind, long size, FileTime modified, int mode) {

    enum Kind { FILE, DIRECTORY, SYMLINK, OTHER }

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;

    /** The entry at {@code path}; NoSuchFileException if there is none. */
    static FileEntry read(Path path) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) attributes.get("mode");
        Kind kind = switch (mode & S_IFMT) {
            case S_IFREG -> Kind.FILE;
            case S_IFDIR -> Kind.DIRECTORY;
            case S_IFLNK -> Kind.SYMLINK;
            default -> Kind.OTHER; // FIFOs, sockets, devices: not copied
        };
        return new FileEntry(kind, (Long) attributes.get("size"), (FileTime) attributes.get("lastModifiedTime"), mode);
    }

    /** The entry at {@code path}, or null if there is none. */
    static FileEntry readIfExists(Path path) throws IOException {
        try {
            return read(path);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Permission bits, including set-user-ID, set-group-ID and sticky. */
    int permissions() { return mode & 07777; }

    boolean isDirectory() { return kind == Kind.DIRECTORY; }

    /** The quick check (as rsync's): a regular file with the same size and modification time is taken as equal. */
    boolean sameSizeAndTime(FileEntry other) {
        return kind == Kind.FILE && other.kind == Kind.FILE && size == other.size && modified.equals(other.modified);
    }
}
