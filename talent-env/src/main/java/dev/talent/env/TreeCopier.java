package dev.talent.env;

import static dev.talent.env.Syscalls.AT_REMOVEDIR;
import static dev.talent.env.Syscalls.O_CREAT;
import static dev.talent.env.Syscalls.O_DIRECTORY;
import static dev.talent.env.Syscalls.O_EXCL;
import static dev.talent.env.Syscalls.O_NOCTTY;
import static dev.talent.env.Syscalls.O_NONBLOCK;
import static dev.talent.env.Syscalls.O_RDONLY;
import static dev.talent.env.Syscalls.O_RDWR;
import static dev.talent.env.Syscalls.SEEK_DATA;
import static dev.talent.env.Syscalls.SEEK_HOLE;

import dev.talent.env.Syscalls.ErrnoException;
import dev.talent.env.SyncLimitExceededException.Limit;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The work of one sync from a source tree to a destination tree; keeps the counters for its {@link SyncReport}.
 * One instance per sync call, used by one thread; {@link #close} it.
 *
 * <p>Both roots are opened once; every entry below them is reached from an open directory by one name (or, for a
 * path the journal listed, by {@link Syscalls#openBeneath}), with no symbolic link followed anywhere: a link is
 * read as a link and recreated as one, whatever its target. A source entry is looked at (statx), then opened with
 * O_NOFOLLOW and checked again on the descriptor (fstat), so an entry replaced between the two (by a link, a
 * FIFO, a device) is never read: it counts as vanished and the next sync sees what replaced it. FIFOs, sockets and
 * devices are never opened.
 */
final class TreeCopier implements AutoCloseable {

    /** Points where tests interfere with a sync, to make the races of a tree in use happen on cue. */
    interface Hooks {
        Hooks NOTHING = new Hooks() {};

        /** A source entry was looked at and is about to be read (tests remove or replace it here). */
        default void statted(Path sourcePath) throws IOException {}

        /** A copied file's temporary copy is written and about to be verified (tests corrupt it here). */
        default void written(Path temporary) throws IOException {}

        /** A file or link was copied into place: {@code files} and {@code bytes} copied so far by this sync. */
        default void copied(long files, long bytes) {}
    }

    private static final int BUFFER_BYTES = 128 * 1024;
    /**
     * Threads copying files during a mirror: a first copy of many small files is bound by the system calls made for
     * each (open, read, write, read back to verify, chmod, utimes, rename), which overlap well across threads.
     */
    private static final int COPY_THREADS = Math.clamp(Runtime.getRuntime().availableProcessors() * 2L, 2, 8);
    private static final AtomicLong TEMPORARY_SEQUENCE = new AtomicLong();
    private static final String TEMPORARY_PREFIX = ".talent-sync." + ProcessHandle.current().pid() + ".";
    private static final HexFormat HEX = HexFormat.of();
    /** O_NOFOLLOW and O_CLOEXEC are added to every open by {@link Syscalls}. */
    private static final int OPEN_FILE = O_RDONLY | O_NONBLOCK | O_NOCTTY;
    private static final int OPEN_DIRECTORY = O_RDONLY | O_DIRECTORY;

    /** An entry's place: its path relative to the roots, how many names deep, and its length in bytes. */
    private record Where(Path path, int depth, int bytes) {
        static final Where ROOT = new Where(Path.of(""), 0, 0);

        Where child(byte[] name) {
            return new Where(path.resolve(new String(name, Inotify.PATH_CHARSET)), depth + 1,
                    depth == 0 ? name.length : bytes + 1 + name.length);
        }
    }

    private final Path source;
    private final Path destination;
    private final SyncLimits limits;
    private final Hooks hooks;
    private final Syscalls sys;
    private final int sourceRoot;
    private final int destinationRoot;
    private final UsageLedger.Key destinationKey;
    /** The buffers of the thread that walks the tree (each copying thread has its own: {@link CopyPool}). */
    private final Worker main;
    /** Copies regular files in parallel while the tree is walked (mirror mode); null: copied by the walking thread. */
    private CopyPool pool;
    /** The copies submitted for the directory being mirrored, awaited before its attributes are set. */
    private List<CompletableFuture<Void>> batch;
    /** Bytes and entries of copies in progress, reserved against the limits before they are counted. */
    private long pendingBytes;
    private long pendingEntries;
    /** Relative paths copied even when size and time match: the journal saw them change. */
    private Set<Path> forced = Set.of();

    /**
     * The destination tree's size before this sync, when only part of it is walked (journal mode); null when the
     * whole tree is walked (mirror), which counts it afresh in {@link #walkedBytes} and {@link #walkedEntries}.
     */
    private UsageLedger.Usage before;
    private long walkedBytes;
    private long walkedEntries;
    private long changedBytes;
    private long changedEntries;

    int filesCopied;
    int filesDeleted;
    long bytesCopied;
    /**
     * Source entries that disappeared (or changed type) between being found and being read (the application runs
     * during a pre-sync); skipped like rsync's "vanished" files: whatever removed them also changed their directory,
     * so the journal lists that for the next sync, and a mirror compares it anew.
     */
    int entriesVanished;
    /** FIFOs, sockets and devices met in the source. */
    int entriesSkipped;

    private TreeCopier(Path source, Path destination, SyncLimits limits, Hooks hooks, Syscalls sys, int sourceRoot,
                       int destinationRoot, UsageLedger.Key destinationKey) {
        this.source = source;
        this.destination = destination;
        this.limits = limits;
        this.hooks = hooks;
        this.sys = sys;
        this.sourceRoot = sourceRoot;
        this.destinationRoot = destinationRoot;
        this.destinationKey = destinationKey;
        this.main = new Worker(sys);
    }

    /** What one thread needs to copy and verify files: its system calls (confined to it) and its buffers. */
    static final class Worker {
        final Syscalls sys;
        final MemorySegment buffer;
        final byte[] chunk = new byte[BUFFER_BYTES];
        final ContentHash hash = new ContentHash();

        Worker(Syscalls sys) {
            this.sys = sys;
            this.buffer = sys.allocate(BUFFER_BYTES);
        }
    }

    /**
     * Opens both roots: {@code source} and {@code destination} are directories talent chose (the source's real path,
     * the destination existing), not paths from a tree.
     */
    static TreeCopier open(Path source, Path destination, SyncLimits limits, Hooks hooks) throws SyncException {
        Syscalls sys = new Syscalls();
        int src = -1;
        int dst = -1;
        try {
            try {
                src = sys.openRoot(source);
            } catch (ErrnoException e) {
                throw new SyncException("sync from", source, e);
            }
            Syscalls.Stat root;
            try {
                dst = sys.openRoot(destination);
                root = sys.fstat(dst);
            } catch (ErrnoException e) {
                throw new SyncException("sync to", destination, e);
            }
            UsageLedger.Key key = new UsageLedger.Key(root.device(), root.inode(), destination.toAbsolutePath().normalize().toString());
            return new TreeCopier(source, destination, limits, hooks, sys, src, dst, key);
        } catch (SyncException | RuntimeException e) {
            sys.close(src);
            sys.close(dst);
            sys.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.close();
        sys.close(sourceRoot);
        sys.close(destinationRoot);
        sys.close();
    }

    void forceCopyOf(Set<Path> paths) { forced = paths; }

    Path source() { return source; }

    UsageLedger.Key destinationKey() { return destinationKey; }

    /** Journal mode: only part of the tree is walked; its size is {@code usage} plus what this sync changes. */
    void startFrom(UsageLedger.Usage usage) { before = usage; }

    /** The destination tree's size as this sync leaves it (what the limits are checked against). */
    synchronized UsageLedger.Usage usage() {
        return before == null ? new UsageLedger.Usage(walkedBytes, walkedEntries)
                : new UsageLedger.Usage(before.bytes() + changedBytes, before.entries() + changedEntries);
    }

    /** Makes the whole destination a copy of the source (mirror mode). */
    void mirrorRoot(boolean destinationEmpty) throws SyncException {
        if (pool == null && COPY_THREADS > 1) pool = new CopyPool(COPY_THREADS);
        mirrorDirectory(Where.ROOT, sourceRoot, destinationRoot, destinationEmpty, rootEntry());
    }

    private FileEntry rootEntry() throws SyncException {
        try {
            return FileEntry.of(sys.fstat(sourceRoot));
        } catch (ErrnoException e) {
            throw new SyncException("read the attributes of", source, e);
        }
    }

    /**
     * Makes the open destination directory a copy of the open source directory: extras deleted first (so room is
     * freed before anything is added), entries created, copied when they differ (or are {@linkplain #forceCopyOf
     * forced}), then its mode and time set.
     *
     * @param destinationEmpty true when the destination directory was just made (nothing to compare)
     */
    private void mirrorDirectory(Where where, int srcDir, int dstDir, boolean destinationEmpty, FileEntry sourceEntry)
            throws SyncException {
        List<byte[]> names;
        try {
            names = sys.list(srcDir, limits.maxFiles());
        } catch (ErrnoException e) {
            // a directory removed after it was opened reads as gone (ENOENT)
            if (where.depth() == 0 || !gone(e)) throw new SyncException("list", source.resolve(where.path()), e);
            vanished();
            return;
        }
        if (names.size() > limits.maxFiles()) {
            throw limitExceeded(Limit.FILES, limits.maxFiles(), names.size(), where.path());
        }
        Map<String, FileEntry> existing = destinationEmpty ? new HashMap<>() : destinationEntries(dstDir, where);
        if (!existing.isEmpty()) {
            Set<String> wanted = new HashSet<>();
            for (byte[] name : names) wanted.add(key(name));
            for (Iterator<Map.Entry<String, FileEntry>> it = existing.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, FileEntry> extra = it.next();
                if (wanted.contains(extra.getKey())) continue;
                byte[] name = raw(extra.getKey());
                delete(dstDir, name, extra.getValue(), where.child(name)); // includes temporaries an interrupted sync left
                it.remove();
            }
        }
        List<CompletableFuture<Void>> outer = batch;
        batch = pool == null ? null : new ArrayList<>();
        boolean walked = false;
        try {
            for (byte[] name : names) {
                Where child = where.child(name);
                FileEntry destinationChild = existing.remove(key(name));
                FileEntry sourceChild = statSource(srcDir, name, child);
                if (sourceChild == null) { // deleted since it was listed: a later sync sees that
                    if (destinationChild != null) delete(dstDir, name, destinationChild, child);
                    continue;
                }
                checkPlace(child);
                statted(child);
                syncEntry(child, srcDir, dstDir, name, sourceChild, destinationChild, false);
            }
            walked = true;
        } finally {
            // the copies use this directory's descriptors, and their renames change its time: all done before either
            List<CompletableFuture<Void>> copies = batch;
            batch = outer;
            if (copies != null) awaitAll(copies, walked);
        }
        setAttributes(dstDir, sourceEntry, where);
    }

    /** The names in an open destination directory (talent's own replica: no bound on their number). */
    private List<byte[]> listDestination(int dirFd, Where where) throws SyncException {
        try {
            return sys.list(dirFd, Long.MAX_VALUE);
        } catch (ErrnoException e) {
            throw new SyncException("list", destination.resolve(where.path()), e);
        }
    }

    /** The entries of an open destination directory by name (see {@link #key}). */
    private Map<String, FileEntry> destinationEntries(int dstDir, Where where) throws SyncException {
        Map<String, FileEntry> entries = new HashMap<>();
        for (byte[] name : listDestination(dstDir, where)) {
            FileEntry entry = statDestination(dstDir, name, where.child(name));
            if (entry != null) entries.put(key(name), entry);
        }
        return entries;
    }

    /**
     * Brings one listed path of the destination to the source's current state (journal mode): copies it (a directory
     * with its subtree) when it exists at the source, deletes it when it does not.
     */
    void syncPath(Path relative) throws SyncException {
        if (relative.toString().isEmpty()) {
            statted(Where.ROOT);
            mirrorDirectory(Where.ROOT, sourceRoot, destinationRoot, false, rootEntry());
            return;
        }
        Where where = place(relative);
        byte[] name = Syscalls.components(relative).getLast();
        Path parent = relative.getParent();
        int srcParent = parent == null ? sourceRoot : openSourcePath(parent);
        int dstParent = -1;
        try {
            FileEntry sourceEntry = srcParent < 0 ? null : statSource(srcParent, name, where);
            dstParent = parent == null ? destinationRoot : openDestinationPath(parent);
            FileEntry destinationEntry = dstParent < 0 ? null : statDestination(dstParent, name, where);
            if (sourceEntry != null) statted(where);
            if (sourceEntry == null || sourceEntry.kind() == FileEntry.Kind.OTHER) {
                if (sourceEntry != null) entriesSkipped++;
                if (destinationEntry != null) delete(dstParent, name, destinationEntry, where);
                return;
            }
            if (dstParent < 0) {
                dstParent = ensureParentDirectory(parent);
                if (dstParent < 0) return;
            }
            // A listed file is copied whatever its size and time: file times are as coarse as the kernel's clock
            // tick, so a rewrite of the same size can keep the time the destination already has.
            syncEntry(where, srcParent, dstParent, name, sourceEntry, destinationEntry, true);
        } finally {
            closeUnlessRoot(srcParent);
            closeUnlessRoot(dstParent);
        }
    }

    /**
     * Deletes a listed path from the destination if the source no longer has it (journal mode, before the copies,
     * so that room is freed first); false, doing nothing, if the source has it.
     */
    boolean deleteIfGone(Path relative) throws SyncException {
        if (relative.toString().isEmpty()) return false;
        Where where = place(relative);
        byte[] name = Syscalls.components(relative).getLast();
        Path parent = relative.getParent();
        int srcParent = parent == null ? sourceRoot : openSourcePath(parent);
        int dstParent = -1;
        try {
            FileEntry sourceEntry = srcParent < 0 ? null : statSource(srcParent, name, where);
            if (sourceEntry != null && sourceEntry.kind() != FileEntry.Kind.OTHER) return false;
            dstParent = parent == null ? destinationRoot : openDestinationPath(parent);
            FileEntry destinationEntry = dstParent < 0 ? null : statDestination(dstParent, name, where);
            if (destinationEntry != null) delete(dstParent, name, destinationEntry, where);
            return sourceEntry == null;
        } finally {
            closeUnlessRoot(srcParent);
            closeUnlessRoot(dstParent);
        }
    }

    /** Sets the destination directory's modification time to the source's (its entries changed under it). */
    void copyDirectoryTime(Path relative) throws SyncException {
        boolean root = relative.toString().isEmpty();
        int src = root ? sourceRoot : openSourcePath(relative);
        if (src < 0) return;
        int dst = -1;
        try {
            FileEntry sourceEntry = FileEntry.of(sys.fstat(src));
            dst = root ? destinationRoot : openDestinationPath(relative);
            if (dst < 0) return;
            FileEntry destinationEntry = FileEntry.of(sys.fstat(dst));
            if (!destinationEntry.sameTime(sourceEntry)) sys.setModified(dst, sourceEntry.mtimeSeconds(), sourceEntry.mtimeNanos());
        } catch (ErrnoException e) {
            throw new SyncException("set the time of", destination.resolve(relative), e);
        } finally {
            closeUnlessRoot(src);
            closeUnlessRoot(dst);
        }
    }

    private void syncEntry(Where where, int srcDir, int dstDir, byte[] name, FileEntry src, FileEntry dst, boolean listed)
            throws SyncException {
        switch (src.kind()) {
            case DIRECTORY -> {
                if (dst != null && !dst.isDirectory()) {
                    delete(dstDir, name, dst, where);
                    dst = null;
                }
                int srcChild = openSourceDirectory(srcDir, name, where);
                if (srcChild < 0) {
                    // vanished: its copy stays as it is until a later sync
                    if (dst != null) keep(dst, where);
                    return;
                }
                int dstChild = -1;
                try {
                    if (dst == null) {
                        makeDirectory(dstDir, name, where);
                    } else {
                        keep(dst, where);
                    }
                    dstChild = openDestinationDirectory(dstDir, name, where);
                    mirrorDirectory(where, srcChild, dstChild, dst == null, src);
                } finally {
                    sys.close(srcChild);
                    sys.close(dstChild);
                }
            }
            case FILE -> {
                if (listed || dst == null || !src.sameSizeAndTime(dst) || forced.contains(where.path())) {
                    if (dst != null && dst.isDirectory()) {
                        delete(dstDir, name, dst, where);
                        dst = null;
                    }
                    if (batch != null && !listed) {
                        FileEntry replaced = dst;
                        batch.add(pool.submit(w -> copyFile(w, where, srcDir, dstDir, name, replaced)));
                    } else {
                        copyFile(main, where, srcDir, dstDir, name, dst);
                    }
                } else {
                    keep(dst, where);
                    if (dst.permissions() != src.permissions()) setMode(dstDir, name, src.permissions(), where);
                }
            }
            case SYMLINK -> {
                byte[] target = readSourceLink(srcDir, name, where);
                if (target == null) {
                    if (dst != null) keep(dst, where);
                    return;
                }
                if (dst == null || dst.kind() != FileEntry.Kind.SYMLINK || !Arrays.equals(readDestinationLink(dstDir, name, where), target)) {
                    if (dst != null && dst.isDirectory()) {
                        delete(dstDir, name, dst, where);
                        dst = null;
                    }
                    copySymlink(where, dstDir, name, target, src, dst);
                } else {
                    keep(dst, where);
                }
            }
            case OTHER -> {
                // FIFOs, sockets and devices are not copied (nor opened); nothing else may stand in their place either.
                entriesSkipped++;
                if (dst != null) delete(dstDir, name, dst, where);
            }
        }
    }

    /**
     * Copies a regular file: its data (only the data segments of a sparse file, whose holes stay holes) is written
     * to a new temporary file beside its destination while hashed, read back and hashed again, and only then renamed
     * into place (atomic: readers see the old or the new file, never a part).
     *
     * @param replaced the destination entry it replaces (a file or link), or null
     */
    private void copyFile(Worker w, Where where, int srcDir, int dstDir, byte[] name, FileEntry replaced) throws SyncException {
        Syscalls sys = w.sys;
        Path sourcePath = source.resolve(where.path());
        Path reported = destination.resolve(where.path());
        int in = openSourceFile(sys, srcDir, name, where);
        if (in < 0) {
            if (replaced != null) keep(replaced, where);
            return;
        }
        String temporaryName = TEMPORARY_PREFIX + TEMPORARY_SEQUENCE.incrementAndGet();
        byte[] temporary = temporaryName.getBytes(StandardCharsets.US_ASCII);
        int out = -1;
        boolean closed = false;
        boolean placed = false;
        Room room = null;
        try {
            Syscalls.Stat stat;
            try {
                stat = sys.fstat(in);
            } catch (ErrnoException e) {
                throw new SyncException("read the attributes of", sourcePath, e);
            }
            if (!stat.isRegularFile()) { // replaced by something else since it was looked at: never read
                vanished();
                if (replaced != null) keep(replaced, where);
                return;
            }
            room = new Room(where.path(), replaced);
            room.need(stat.allocated());
            try {
                out = sys.openAt(dstDir, temporary, O_RDWR | O_CREAT | O_EXCL, 0600);
            } catch (ErrnoException e) {
                throw new SyncException("write", reported, e);
            }
            Read read = read(w, in, stat.size(), stat.allocated() >= stat.size(), out, room, sourcePath, reported);
            byte[] expected = w.hash.finish(read.length());
            try {
                hooks.written(reported.resolveSibling(temporaryName));
            } catch (IOException e) {
                throw new SyncException("run the test hook on", reported, e);
            }
            byte[] actual = hashOf(w, out, reported);
            if (!MessageDigest.isEqual(expected, actual)) {
                throw new SyncVerificationException(reported, HEX.formatHex(expected), HEX.formatHex(actual));
            }
            Syscalls.Stat written;
            try {
                sys.fchmod(out, stat.mode() & 07777);
                sys.setModified(out, stat.mtimeSeconds(), stat.mtimeNanos());
                written = sys.fstat(out);
            } catch (ErrnoException e) {
                throw new SyncException("set the mode and time of", reported, e);
            }
            sys.close(out); // before the rename: the copy is complete, and ext4 flushes a file renamed over another
            closed = true;
            rename(sys, dstDir, temporary, name, reported);
            placed = true;
            copied(read.data(), replaced, written.allocated());
        } finally {
            if (room != null) room.release();
            if (!closed) sys.close(out);
            sys.close(in);
            if (out >= 0 && !placed) unlinkQuietly(sys, dstDir, temporary);
        }
    }

    /** What {@link #read} read: the length the copy has, and the bytes of data in it. */
    private record Read(long length, long data) {}

    /**
     * Reads a file's content, hashing it into {@code hash} and writing it at the same offsets to {@code out} (unless
     * -1): a dense file from start to end; a sparse one (fewer bytes allocated than its length) one data segment at a
     * time (SEEK_DATA, SEEK_HOLE), its holes neither read nor written, and {@code out} given its length. A file that
     * shrinks meanwhile is copied as far as it goes (a dense one) or with zeros to its former length (a sparse one):
     * either way the hash is of what the copy holds, and the change that shrank it is for the next sync.
     */
    private Read read(Worker w, int in, long length, boolean dense, int out, Room room, Path reportedIn, Path reportedOut)
            throws SyncException {
        Syscalls sys = w.sys;
        w.hash.reset();
        long data = 0;
        if (!dense) {
            try {
                sys.lseek(in, 0, SEEK_DATA);
            } catch (ErrnoException e) {
                if (e.errno != Syscalls.EINVAL && e.errno != Syscalls.EOPNOTSUPP) throw new SyncException("read", reportedIn, e);
                dense = true; // a file system that cannot say where its holes are: read them as zeros
            }
        }
        if (dense) {
            data = readRange(w, in, 0, length, out, room, data, reportedIn, reportedOut);
            return new Read(data, data);
        } else {
            long position = 0;
            try {
                while (position < length) {
                    long start = sys.lseek(in, position, SEEK_DATA);
                    if (start < 0 || start >= length) break;
                    long end = sys.lseek(in, start, SEEK_HOLE);
                    if (end < 0 || end > length) end = length;
                    data = readRange(w, in, start, end, out, room, data, reportedIn, reportedOut);
                    position = end;
                }
            } catch (ErrnoException e) {
                throw new SyncException("read", reportedIn, e);
            }
            if (out >= 0) {
                try {
                    sys.ftruncate(out, length);
                } catch (ErrnoException e) {
                    throw new SyncException("write", reportedOut, e);
                }
            }
        }
        return new Read(length, data);
    }

    /** Reads bytes start..end (fewer if the file is shorter now); returns {@code data} plus the bytes read. */
    private long readRange(Worker w, int in, long start, long end, int out, Room room, long data, Path reportedIn,
                           Path reportedOut) throws SyncException {
        Syscalls sys = w.sys;
        MemorySegment buffer = w.buffer;
        byte[] chunk = w.chunk;
        long offset = start;
        while (offset < end) {
            int n;
            try {
                n = sys.pread(in, buffer, (int) Math.min(BUFFER_BYTES, end - offset), offset);
            } catch (ErrnoException e) {
                throw new SyncException(out >= 0 ? "read" : "read back (to verify)", reportedIn, e);
            }
            if (n == 0) break; // shorter now: a later sync copies what it has become
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, chunk, 0, n);
            w.hash.update(offset, chunk, 0, n);
            if (out >= 0) {
                try {
                    sys.pwriteFully(out, buffer, n, offset);
                } catch (ErrnoException e) {
                    throw new SyncException("write", reportedOut, e);
                }
            }
            offset += n;
            data += n;
            if (room != null) room.need(data);
        }
        return data;
    }

    /** The hash of the file as it reads back now. */
    private byte[] hashOf(Worker w, int fd, Path reported) throws SyncException {
        Syscalls sys = w.sys;
        Syscalls.Stat stat;
        try {
            stat = sys.fstat(fd);
        } catch (ErrnoException e) {
            throw new SyncException("read back (to verify)", reported, e);
        }
        return w.hash.finish(read(w, fd, stat.size(), stat.allocated() >= stat.size(), -1, null, reported, reported).length());
    }

    /** Recreates a symbolic link with the same text (which is never resolved) and time, under a temporary name first. */
    private void copySymlink(Where where, int dstDir, byte[] name, byte[] target, FileEntry src, FileEntry replaced)
            throws SyncException {
        Path reported = destination.resolve(where.path());
        Room room = new Room(where.path(), replaced);
        room.need(0);
        room.release();
        byte[] temporary = (TEMPORARY_PREFIX + TEMPORARY_SEQUENCE.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
        boolean made = false;
        boolean placed = false;
        try {
            try {
                sys.symlinkAt(target, dstDir, temporary);
                made = true;
            } catch (ErrnoException e) {
                throw new SyncException("create symbolic link", reported, e);
            }
            try {
                sys.setModifiedAt(dstDir, temporary, src.mtimeSeconds(), src.mtimeNanos());
            } catch (ErrnoException e) {
                throw new SyncException("set the time of", reported, e);
            }
            rename(sys, dstDir, temporary, name, reported);
            placed = true;
            copied(0, replaced, 0);
        } finally {
            if (made && !placed) unlinkQuietly(sys, dstDir, temporary);
        }
    }

    /**
     * Opens the destination's parent directory of a listed path, creating what is missing there (or is no directory)
     * with the source's modes; -1 (counted as vanished) when a source parent is no longer a directory.
     */
    private int ensureParentDirectory(Path parent) throws SyncException {
        int src = sourceRoot;
        int dst = destinationRoot;
        Where where = Where.ROOT;
        try {
            for (byte[] name : Syscalls.components(parent)) {
                where = where.child(name);
                FileEntry sourceEntry = statSource(src, name, where);
                if (sourceEntry == null || !sourceEntry.isDirectory()) {
                    vanished();
                    return -1;
                }
                int nextSource = openSourceDirectory(src, name, where);
                if (nextSource < 0) return -1;
                closeUnlessRoot(src);
                src = nextSource;
                FileEntry existing = statDestination(dst, name, where);
                boolean make = existing == null || !existing.isDirectory();
                if (make) {
                    if (existing != null) delete(dst, name, existing, where);
                    makeDirectory(dst, name, where);
                }
                int nextDestination = openDestinationDirectory(dst, name, where);
                closeUnlessRoot(dst);
                dst = nextDestination;
                if (make) setAttributes(dst, sourceEntry, where);
            }
            int opened = dst;
            dst = destinationRoot;
            return opened;
        } finally {
            closeUnlessRoot(src);
            closeUnlessRoot(dst);
        }
    }

    /** Deletes a destination entry, a directory with everything in it; counts what it removed. */
    private void delete(int dirFd, byte[] name, FileEntry entry, Where where) throws SyncException {
        Path reported = destination.resolve(where.path());
        try {
            if (!entry.isDirectory()) {
                if (sys.unlinkAt(dirFd, name, 0)) {
                    filesDeleted++;
                    removed(entry);
                }
                return;
            }
            if (where.depth() > SyncLimits.MAX_DEPTH) {
                throw limitExceeded(Limit.DEPTH, SyncLimits.MAX_DEPTH, where.depth(), where.path());
            }
            int dir;
            try {
                dir = sys.openAt(dirFd, name, OPEN_DIRECTORY, 0);
            } catch (ErrnoException e) {
                if (e.errno == Syscalls.ENOENT) return;
                throw e;
            }
            try {
                for (byte[] child : sys.list(dir, Long.MAX_VALUE)) {
                    Where inside = where.child(child);
                    FileEntry childEntry = statDestination(dir, child, inside);
                    if (childEntry != null) delete(dir, child, childEntry, inside);
                }
            } finally {
                sys.close(dir);
            }
            if (sys.unlinkAt(dirFd, name, AT_REMOVEDIR)) {
                filesDeleted++;
                removed(entry);
            }
        } catch (ErrnoException e) {
            throw new SyncException("delete", reported, e);
        }
    }

    /** The destination tree's size, counted by walking it (when no earlier sync left it in the ledger). */
    UsageLedger.Usage measureDestination() throws SyncException {
        long[] total = new long[2];
        measure(destinationRoot, Where.ROOT, total);
        return new UsageLedger.Usage(total[0], total[1]);
    }

    private void measure(int dirFd, Where where, long[] total) throws SyncException {
        if (where.depth() >= SyncLimits.MAX_DEPTH) {
            throw limitExceeded(Limit.DEPTH, SyncLimits.MAX_DEPTH, where.depth() + 1L, where.path());
        }
        for (byte[] name : listDestination(dirFd, where)) {
            Where child = where.child(name);
            FileEntry entry = statDestination(dirFd, name, child);
            if (entry == null) continue;
            total[0] += bytesOf(entry);
            total[1]++;
            if (entry.isDirectory()) {
                int dir = openDestinationDirectory(dirFd, name, child);
                try {
                    measure(dir, child, total);
                } finally {
                    sys.close(dir);
                }
            }
        }
    }

    // Counting the destination tree's size and checking it against the limits.

    /** Bytes a destination entry counts for: a regular file's allocated bytes. */
    private static long bytesOf(FileEntry entry) { return entry.kind() == FileEntry.Kind.FILE ? entry.allocated() : 0; }

    /** What the sync is about to add at one place; {@link #need} refuses it when the tree would go over a limit. */
    private final class Room {
        private final Path where;
        private final long freedBytes;
        private final long addedEntries;

        /** @param replaced the destination entry it replaces, or null */
        Room(Path where, FileEntry replaced) {
            this.where = where;
            // While mirroring, the tree counted so far holds only what the walk kept or made: nothing is replaced.
            this.freedBytes = before != null && replaced != null ? bytesOf(replaced) : 0;
            this.addedEntries = before != null && replaced != null ? 0 : 1;
        }

        private long reservedBytes;
        private boolean reservedEntry;

        /**
         * Refuses {@code bytes} (the copy so far) when the tree, with the copies in progress, would go over a limit;
         * otherwise reserves them until {@link #release}, so that copies made in parallel cannot together exceed it.
         */
        void need(long bytes) throws SyncLimitExceededException {
            synchronized (TreeCopier.this) {
                long want = Math.max(0, bytes - freedBytes);
                long more = Math.max(0, want - reservedBytes);
                ensureRoom(bytes - freedBytes - reservedBytes, reservedEntry ? 0 : addedEntries, where);
                pendingBytes += more;
                reservedBytes += more;
                if (!reservedEntry) {
                    pendingEntries += addedEntries;
                    reservedEntry = true;
                }
            }
        }

        /** Gives the reservation back (the copy is counted, or abandoned). */
        void release() {
            synchronized (TreeCopier.this) {
                pendingBytes -= reservedBytes;
                if (reservedEntry) pendingEntries -= addedEntries;
                reservedBytes = 0;
                reservedEntry = false;
            }
        }
    }

    /** Checks the tree's size with the copies in progress and {@code bytes} and {@code entries} more. */
    private synchronized void ensureRoom(long bytes, long entries, Path where) throws SyncLimitExceededException {
        UsageLedger.Usage now = usage();
        long files = now.entries() + pendingEntries + entries;
        long total = now.bytes() + pendingBytes + bytes;
        if (files > limits.maxFiles()) {
            throw limitExceeded(Limit.FILES, limits.maxFiles(), files, where);
        }
        if (total > limits.maxBytes()) {
            throw limitExceeded(Limit.BYTES, limits.maxBytes(), total, where);
        }
    }

    private synchronized void vanished() { entriesVanished++; }

    /** A file or link copied into place: {@code data} bytes read, {@code allocated} bytes taken at the destination. */
    private synchronized void copied(long data, FileEntry replaced, long allocated) {
        filesCopied++;
        bytesCopied += data;
        counted(replaced, allocated);
        hooks.copied(filesCopied, bytesCopied);
    }

    /** A destination entry that stays as it is. */
    private synchronized void keep(FileEntry entry, Where where) throws SyncLimitExceededException {
        if (before != null) return;
        ensureRoom(bytesOf(entry), 1, where.path());
        walkedBytes += bytesOf(entry);
        walkedEntries++;
    }

    /** A destination entry made (replacing {@code replaced}, or null), allocating {@code bytes}. */
    private synchronized void counted(FileEntry replaced, long bytes) {
        if (before == null) {
            walkedBytes += bytes;
            walkedEntries++;
        } else {
            changedBytes += bytes - (replaced == null ? 0 : bytesOf(replaced));
            if (replaced == null) changedEntries++;
        }
    }

    private synchronized void removed(FileEntry entry) {
        if (before == null) return; // never counted by this walk
        changedBytes -= bytesOf(entry);
        changedEntries--;
    }

    private SyncLimitExceededException limitExceeded(Limit limit, long maximum, long value, Path where) {
        return new SyncLimitExceededException(limit, maximum, value, source, destination, where);
    }

    /** The place of a path the journal listed, refused when it is too deep or too long. */
    private Where place(Path relative) throws SyncLimitExceededException {
        Where where = Where.ROOT;
        for (byte[] name : Syscalls.components(relative)) where = where.child(name);
        checkPlace(where);
        return where;
    }

    private void checkPlace(Where where) throws SyncLimitExceededException {
        if (where.depth() > limits.maxDepth()) throw limitExceeded(Limit.DEPTH, limits.maxDepth(), where.depth(), where.path());
        if (where.bytes() > SyncLimits.MAX_PATH_BYTES) {
            throw limitExceeded(Limit.PATH_BYTES, SyncLimits.MAX_PATH_BYTES, where.bytes(), where.path());
        }
    }

    // The system calls, with their errors turned into SyncExceptions naming the path.

    /** Errors of a source entry that is gone, or is no longer what it was (a link now: ELOOP; a file: ENOTDIR). */
    private static boolean gone(ErrnoException e) {
        return switch (e.errno) {
            case Syscalls.ENOENT, Syscalls.ENOTDIR, Syscalls.ELOOP, Syscalls.ENXIO, Syscalls.ENODEV -> true;
            default -> false;
        };
    }

    private FileEntry statSource(int dirFd, byte[] name, Where where) throws SyncException {
        try {
            Syscalls.Stat stat = sys.statAt(dirFd, name);
            return stat == null ? null : FileEntry.of(stat);
        } catch (ErrnoException e) {
            throw new SyncException("read the attributes of", source.resolve(where.path()), e);
        }
    }

    private FileEntry statDestination(int dirFd, byte[] name, Where where) throws SyncException {
        try {
            Syscalls.Stat stat = sys.statAt(dirFd, name);
            return stat == null ? null : FileEntry.of(stat);
        } catch (ErrnoException e) {
            throw new SyncException("read the attributes of", destination.resolve(where.path()), e);
        }
    }

    /** Opens a source file to read, never following a link; -1 (counted as vanished) when it is gone or changed. */
    private int openSourceFile(Syscalls sys, int dirFd, byte[] name, Where where) throws SyncException {
        try {
            return sys.openAt(dirFd, name, OPEN_FILE, 0);
        } catch (ErrnoException e) {
            if (!gone(e)) throw new SyncException("read", source.resolve(where.path()), e);
            vanished();
            return -1;
        }
    }

    private int openSourceDirectory(int dirFd, byte[] name, Where where) throws SyncException {
        try {
            return sys.openAt(dirFd, name, OPEN_DIRECTORY, 0);
        } catch (ErrnoException e) {
            if (!gone(e)) throw new SyncException("list", source.resolve(where.path()), e);
            vanished();
            return -1;
        }
    }

    /** Opens a directory of the source below its root; -1 when it is not there (or not a directory, or reached by a link). */
    private int openSourcePath(Path relative) throws SyncException {
        try {
            return sys.openBeneath(sourceRoot, relative, OPEN_DIRECTORY);
        } catch (ErrnoException e) {
            if (gone(e)) return -1;
            throw new SyncException("list", source.resolve(relative), e);
        }
    }

    /** Opens a directory of the destination below its root; -1 when it is not there as a directory. */
    private int openDestinationPath(Path relative) throws SyncException {
        try {
            return sys.openBeneath(destinationRoot, relative, OPEN_DIRECTORY);
        } catch (ErrnoException e) {
            if (gone(e)) return -1;
            throw new SyncException("list", destination.resolve(relative), e);
        }
    }

    private int openDestinationDirectory(int dirFd, byte[] name, Where where) throws SyncException {
        try {
            return sys.openAt(dirFd, name, OPEN_DIRECTORY, 0);
        } catch (ErrnoException e) {
            throw new SyncException("list", destination.resolve(where.path()), e);
        }
    }

    private void makeDirectory(int dirFd, byte[] name, Where where) throws SyncException {
        ensureRoom(0, 1, where.path());
        try {
            sys.mkdirAt(dirFd, name, 0700);
        } catch (ErrnoException e) {
            throw new SyncException("create directory", destination.resolve(where.path()), e);
        }
        counted(null, 0);
    }

    private byte[] readSourceLink(int dirFd, byte[] name, Where where) throws SyncException {
        try {
            return sys.readLinkAt(dirFd, name);
        } catch (ErrnoException e) {
            // EINVAL: no longer a link
            if (!gone(e) && e.errno != Syscalls.EINVAL) throw new SyncException("read the symbolic link", source.resolve(where.path()), e);
            vanished();
            return null;
        }
    }

    private byte[] readDestinationLink(int dirFd, byte[] name, Where where) throws SyncException {
        try {
            return sys.readLinkAt(dirFd, name);
        } catch (ErrnoException e) {
            throw new SyncException("read the symbolic link", destination.resolve(where.path()), e);
        }
    }

    private void setAttributes(int dirFd, FileEntry entry, Where where) throws SyncException {
        try {
            sys.fchmod(dirFd, entry.permissions());
            sys.setModified(dirFd, entry.mtimeSeconds(), entry.mtimeNanos());
        } catch (ErrnoException e) {
            throw new SyncException("set the mode and time of", destination.resolve(where.path()), e);
        }
    }

    /** Sets the mode of a destination file (open without following a link, checked to be a file, then fchmod). */
    private void setMode(int dirFd, byte[] name, int permissions, Where where) throws SyncException {
        Path reported = destination.resolve(where.path());
        try {
            int fd = sys.openAt(dirFd, name, OPEN_FILE, 0);
            try {
                if (sys.fstat(fd).isRegularFile()) sys.fchmod(fd, permissions);
            } finally {
                sys.close(fd);
            }
        } catch (ErrnoException e) {
            throw new SyncException("set the mode of", reported, e);
        }
    }

    private static void rename(Syscalls sys, int dirFd, byte[] temporary, byte[] name, Path reported) throws SyncException {
        try {
            sys.renameAt(dirFd, temporary, dirFd, name);
        } catch (ErrnoException e) {
            throw new SyncException("rename into place", reported, e);
        }
    }

    private static void unlinkQuietly(Syscalls sys, int dirFd, byte[] temporary) {
        try {
            sys.unlinkAt(dirFd, temporary, 0);
        } catch (ErrnoException ignored) {
            // Best effort after a failure already being reported; a later mirror deletes it as an extra.
        }
    }

    private void statted(Where where) throws SyncException {
        Path path = source.resolve(where.path());
        try {
            hooks.statted(path);
        } catch (IOException e) {
            throw new SyncException("run the test hook on", path, e);
        }
    }

    private void closeUnlessRoot(int fd) {
        if (fd != sourceRoot && fd != destinationRoot) sys.close(fd);
    }

    /** A name's bytes as a map key: one char per byte, so no name is lost or merged whatever its encoding. */
    private static String key(byte[] name) { return new String(name, StandardCharsets.ISO_8859_1); }

    private static byte[] raw(String key) { return key.getBytes(StandardCharsets.ISO_8859_1); }
    /** Waits for every copy (they use descriptors the caller closes next); rethrows the first failure when asked. */
    private static void awaitAll(List<CompletableFuture<Void>> copies, boolean rethrow) throws SyncException {
        Throwable first = null;
        boolean interrupted = false;
        for (CompletableFuture<Void> copy : copies) {
            for (;;) {
                try {
                    copy.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the copy goes on using this directory's descriptors: wait for it anyway
                } catch (ExecutionException e) {
                    if (first == null) first = e.getCause();
                    break;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (first == null || !rethrow) return;
        switch (first) {
            case SyncException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException("a file copy failed", first);
        }
    }

    /**
     * The threads that copy files for one mirror. Each makes its own {@link Syscalls} (whose buffers are confined to
     * the thread that made them) and frees it when the pool is closed.
     */
    private static final class CopyPool implements AutoCloseable {

        /** One file copy, run by a pool thread with that thread's buffers. */
        interface Task {
            void run(Worker worker) throws SyncException;
        }

        private record Job(Task task, CompletableFuture<Void> done) {}

        private static final Job STOP = new Job(null, null);

        private final java.util.concurrent.BlockingQueue<Job> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        CopyPool(int size) {
            for (int i = 0; i < size; i++) {
                threads.add(Thread.ofPlatform().daemon().name("talent-sync-copy-" + i).start(this::work));
            }
        }

        CompletableFuture<Void> submit(Task task) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            queue.add(new Job(task, done));
            return done;
        }

        private void work() {
            Syscalls sys = null;
            Throwable broken = null;
            try {
                sys = new Syscalls();
            } catch (RuntimeException | Error e) {
                broken = e; // every job this thread takes fails with it: none is left waiting
            }
            try {
                Worker worker = sys == null ? null : new Worker(sys);
                for (;;) {
                    Job job = queue.take();
                    if (job.equals(STOP)) return;
                    if (worker == null) {
                        job.done().completeExceptionally(broken);
                        continue;
                    }
                    try {
                        job.task().run(worker);
                        job.done().complete(null);
                    } catch (SyncException | RuntimeException | Error e) {
                        job.done().completeExceptionally(e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (sys != null) sys.close();
            }
        }

        @Override
        public void close() {
            threads.forEach(t -> queue.add(STOP));
            boolean interrupted = false;
            for (Thread t : threads) {
                for (;;) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
