package dev.talent.env;

import static dev.talent.env.Inotify.IN_ATTRIB;
import static dev.talent.env.Inotify.IN_CLOSE_WRITE;
import static dev.talent.env.Inotify.IN_CREATE;
import static dev.talent.env.Inotify.IN_DELETE;
import static dev.talent.env.Inotify.IN_DELETE_SELF;
import static dev.talent.env.Inotify.IN_IGNORED;
import static dev.talent.env.Inotify.IN_ISDIR;
import static dev.talent.env.Inotify.IN_MODIFY;
import static dev.talent.env.Inotify.IN_MOVED_FROM;
import static dev.talent.env.Inotify.IN_MOVED_TO;
import static dev.talent.env.Inotify.IN_MOVE_SELF;
import static dev.talent.env.Inotify.IN_ONLYDIR;
import static dev.talent.env.Inotify.IN_Q_OVERFLOW;
import static dev.talent.env.Inotify.IN_UNMOUNT;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A journal of the changes made in a directory tree, kept by Linux inotify (called through the FFM API) with a
 * watch on every directory of the tree.
 *
 * <p><b>Guarantee.</b> The kernel queues an inotify event synchronously, inside the system call that makes the
 * change (write, rename, unlink, chmod...), before that call returns. {@link #drain()} reads the queue until it
 * is empty, so every change that completed before {@code drain()} was called is in its result (or the result is
 * {@link Changes.Overflow}). A directory created or moved into the tree is watched when its event is drained
 * and is reported as a whole, so files written into it before its watch existed are not missed either.
 *
 * <p><b>Limits.</b> inotify does not report writes through a shared memory mapping (mmap), changes made on
 * another machine to a network file system, or writes through a hard link that lives outside the tree. Each
 * directory costs one watch out of {@code fs.inotify.max_user_watches} (shared by all programs of the user);
 * the queue holds {@code fs.inotify.max_queued_events} events between two drains. When events are lost (queue
 * overflow) the next drain returns {@link Changes.Overflow} and the watches are re-established by a walk; when a
 * watch cannot be added (limit reached, permission denied) or the root itself is deleted or moved, every drain
 * from then on returns {@link Changes.Overflow} with the reason: close the journal and watch the tree again.
 *
 * <p>Thread-safe: {@link #drain()} and {@link #close()} are serialised.
 */
public final class ChangeJournal implements AutoCloseable {

    /**
     * No IN_DONT_FOLLOW: a watch is added through /proc/self/fd/N, a link to a directory this journal opened itself
     * beneath the root, which must be followed to that directory.
     */
    private static final int WATCH_MASK = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE
            | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");

    private static final Path ROOT = Path.of("");
    private static final Path SYSCTL = Path.of("/proc/sys/fs/inotify");

    /** File systems whose directories' link count is 2 + the number of subdirectories. */
    private static final Set<String> LINK_COUNTING_FILE_SYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "tmpfs");

    private final Path root;
    /** The root's device (st_dev) if the leaf-directory shortcut applies on its file system, else null. */
    private final Long rootDevice;
    private final Inotify inotify;
    /** Watch descriptor -> the directory it watches, relative to the root. */
    private final Map<Integer, Path> directories = new HashMap<>();
    /** Why the journal can no longer list changes (sticky); null while it can. */
    private String lostTrack;
    private boolean closed;

    private ChangeJournal(Path root, Inotify inotify) {
        this.root = root;
        this.inotify = inotify;
        this.rootDevice = deviceKeepingLinkCounts(root);
    }

    /**
     * Starts a journal of {@code root} and every directory below it (symbolic links are not followed). Changes
     * made from now on are reported by {@link #drain()}.
     *
     * @throws ChangeJournalException if root is not a readable directory, or inotify's limits are reached
     */
    public static ChangeJournal watch(Path root) throws ChangeJournalException {
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            throw new ChangeJournalException("cannot watch " + root + ": " + SyncException.reason(e), e);
        }
        if (!Files.isDirectory(real)) throw new ChangeJournalException("cannot watch " + root + ": not a directory");
        Inotify inotify;
        try {
            inotify = Inotify.open();
        } catch (Inotify.ErrnoException e) {
            String hint = e.errno == Inotify.EMFILE
                    ? "; the limit of inotify instances is reached (fs.inotify.max_user_instances = " + sysctl("max_user_instances")
                    + "); close other watchers or raise it (sysctl fs.inotify.max_user_instances=N, as root)"
                    : "";
            throw new ChangeJournalException("cannot watch " + root + ": " + e.getMessage() + hint, e);
        }
        ChangeJournal journal = new ChangeJournal(real, inotify);
        try {
            String failure = journal.watchTree(ROOT, journal.directories);
            if (failure != null) throw new ChangeJournalException(failure);
            return journal;
        } catch (ChangeJournalException | RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** The watched directory (its real path). */
    public Path root() { return root; }

    /** How many directories are watched now (each one costs an inotify watch). */
    public synchronized int watchedDirectories() { return directories.size(); }

    /**
     * Returns what changed since the previous drain (or since {@link #watch}): every change completed before
     * this call, read without blocking from the kernel's queue. Directories created since are watched from here
     * on.
     */
    public synchronized Changes drain() throws ChangeJournalException {
        if (closed) throw new IllegalStateException("change journal of " + root + " is closed");
        Drain drain = new Drain();
        try {
            int bytes;
            while ((bytes = inotify.read()) > 0) {
                handleEvents(inotify.events(), bytes, drain);
            }
        } catch (Inotify.ErrnoException e) {
            throw new ChangeJournalException("cannot read the change journal of " + root + ": " + e.getMessage(), e);
        }
        forgetMovedAway(drain);
        if (drain.queueOverflowed && lostTrack == null) rewatchEverything();
        if (lostTrack != null) return Changes.overflow(lostTrack);
        if (drain.queueOverflowed) {
            return Changes.overflow("the inotify event queue of " + root + " overflowed: more than fs.inotify.max_queued_events = "
                    + sysctl("max_queued_events") + " events between two drains, some were lost");
        }
        return new Changes.Listed(drain.changed);
    }

    /** Removes every watch. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        inotify.close();
    }

    /** What one drain has gathered so far. */
    private static final class Drain {
        final Set<Path> changed = new HashSet<>();
        /** Rename cookie -> a directory renamed away and the watches below it, until its IN_MOVED_TO shows. */
        final Map<Integer, MovedAway> movedAway = new HashMap<>();
        boolean queueOverflowed;
    }

    private record MovedAway(Path path, List<Integer> watches) {}

    private void handleEvents(MemorySegment events, int bytes, Drain drain) {
        int offset = 0;
        while (offset < bytes) {
            int wd = events.get(ValueLayout.JAVA_INT, offset);
            int mask = events.get(ValueLayout.JAVA_INT, offset + 4);
            int cookie = events.get(ValueLayout.JAVA_INT, offset + 8);
            int nameBytes = events.get(ValueLayout.JAVA_INT, offset + 12);
            String name = nameBytes == 0 ? "" : events.getString(offset + Inotify.EVENT_HEADER_BYTES, Inotify.PATH_CHARSET);
            offset += Inotify.EVENT_HEADER_BYTES + nameBytes;
            handle(wd, mask, cookie, name, drain);
        }
    }

    private void handle(int wd, int mask, int cookie, String name, Drain drain) {
        if ((mask & IN_Q_OVERFLOW) != 0) {
            drain.queueOverflowed = true;
            return;
        }
        Path directory = directories.get(wd);
        if (directory == null) return; // a watch already forgotten: its directory left the tree
        if ((mask & IN_IGNORED) != 0) {
            directories.remove(wd);
            return;
        }
        if (name.isEmpty()) {
            // An event on the watched directory itself; its parent's watch reports deletes and renames.
            if ((mask & IN_ATTRIB) != 0) drain.changed.add(directory);
            if (directory.equals(ROOT) && (mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) != 0) {
                loseTrack("the watched directory " + root + " itself was deleted, moved or unmounted");
            }
            return;
        }
        Path path = directory.resolve(name);
        drain.changed.add(path);
        if ((mask & IN_ISDIR) == 0) return;
        if ((mask & IN_MOVED_FROM) != 0) {
            drain.movedAway.put(cookie, new MovedAway(path, watchesBelow(path)));
        } else if ((mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
            // Adding a watch to a directory moved within the tree returns its existing watch: the map is
            // updated to the new path.
            if ((mask & IN_MOVED_TO) != 0) drain.movedAway.remove(cookie);
            if (lostTrack == null) {
                String failure = watchTree(path, directories);
                if (failure != null) loseTrack(failure);
            }
        }
    }

    /** Directories renamed out of the tree (no IN_MOVED_TO in the same drain): stop watching them. */
    private void forgetMovedAway(Drain drain) {
        for (MovedAway moved : drain.movedAway.values()) {
            for (int wd : moved.watches()) {
                Path now = directories.get(wd);
                if (now != null && now.startsWith(moved.path())) {
                    inotify.removeWatch(wd);
                    directories.remove(wd);
                }
            }
        }
    }

    private List<Integer> watchesBelow(Path path) {
        List<Integer> below = new ArrayList<>();
        directories.forEach((wd, dir) -> {
            if (dir.startsWith(path)) below.add(wd);
        });
        return below;
    }

    /** After lost events: watch every directory of the tree again and drop watches of directories now gone. */
    private void rewatchEverything() {
        Map<Integer, Path> now = new HashMap<>();
        String failure = watchTree(ROOT, now);
        if (failure != null) {
            loseTrack(failure);
            return;
        }
        for (int wd : directories.keySet()) {
            if (!now.containsKey(wd)) inotify.removeWatch(wd);
        }
        directories.clear();
        directories.putAll(now);
    }

    private void loseTrack(String reason) {
        if (lostTrack == null) lostTrack = reason + "; changes can no longer be listed, every sync walks the tree";
    }

    /**
     * Watches {@code relative} and every directory below it, recording them in {@code into}. Each directory's
     * watch is added before the directory is listed, so a subdirectory created meanwhile is either listed (and
     * watched) or reported by the watch. Returns null, or why a directory could not be watched.
     *
     * <p>The tree belongs to the program and may change under the walk: every directory is opened beneath the root
     * without following a symbolic link (a link to a host directory is never listed nor watched), watched through
     * its own descriptor ({@code /proc/self/fd/N}) and listed by descriptor.
     */
    private String watchTree(Path relative, Map<Integer, Path> into) {
        try (Syscalls sys = new Syscalls()) {
            int rootFd;
            try {
                rootFd = sys.openRoot(root);
            } catch (Syscalls.ErrnoException e) {
                return "cannot watch " + root + ": " + e.getMessage();
            }
            try {
                Deque<Path> toList = new ArrayDeque<>();
                String failure = null;
                int start = relative.toString().isEmpty() ? rootFd : openDirectory(sys, rootFd, relative);
                if (start >= 0) {
                    failure = watch(start, relative, into, toList);
                    if (start != rootFd) sys.close(start);
                }
                while (failure == null && !toList.isEmpty()) {
                    Path dir = toList.pop();
                    int fd = dir.toString().isEmpty() ? rootFd : openDirectory(sys, rootFd, dir);
                    if (fd < 0) continue; // gone (or now a link) since its watch was added: its parent's watch says so
                    try {
                        if (hasNoSubdirectories(sys, fd)) continue;
                        for (byte[] name : sys.list(fd, Long.MAX_VALUE)) {
                            int child;
                            try {
                                // O_DIRECTORY refuses files, links, FIFOs and devices without opening them
                                child = sys.openAt(fd, name, Syscalls.O_RDONLY | Syscalls.O_DIRECTORY, 0);
                            } catch (Syscalls.ErrnoException e) {
                                if (notADirectoryAnyMore(e)) continue;
                                failure = "cannot watch " + root.resolve(dir) + ": " + e.getMessage();
                                break;
                            }
                            try {
                                failure = watch(child, dir.resolve(new String(name, Inotify.PATH_CHARSET)), into, toList);
                            } finally {
                                sys.close(child);
                            }
                            if (failure != null) break;
                        }
                    } catch (Syscalls.ErrnoException e) {
                        if (!notADirectoryAnyMore(e)) failure = "cannot list " + root.resolve(dir) + " to watch it: " + e.getMessage();
                    } finally {
                        if (fd != rootFd) sys.close(fd);
                    }
                }
                return failure;
            } finally {
                sys.close(rootFd);
            }
        }
    }

    /** Opens a directory of the tree beneath the root, no link followed; -1 if it is not (or no longer) there as one. */
    private int openDirectory(Syscalls sys, int rootFd, Path relative) {
        try {
            return sys.openBeneath(rootFd, relative, Syscalls.O_RDONLY | Syscalls.O_DIRECTORY);
        } catch (Syscalls.ErrnoException e) {
            return -1; // the event that removed or replaced it is in the queue
        }
    }

    private static boolean notADirectoryAnyMore(Syscalls.ErrnoException e) {
        return e.errno == Syscalls.ENOENT || e.errno == Syscalls.ENOTDIR || e.errno == Syscalls.ELOOP;
    }

    /** Adds a watch on the directory open as {@code fd} (the very one, whatever its path has become). */
    private String watch(int fd, Path relative, Map<Integer, Path> into, Deque<Path> toList) {
        try {
            into.put(inotify.addWatch(OWN_DESCRIPTORS.resolve(Integer.toString(fd)), WATCH_MASK), relative);
            toList.push(relative);
            return null;
        } catch (Inotify.ErrnoException e) {
            return watchFailure(root.resolve(relative), e);
        }
    }

    /**
     * True when the directory's link count says it has no subdirectories (2: its entry in the parent and its own
     * "."; each subdirectory's ".." adds one), so its files need not be listed. Read after its watch was added,
     * so a subdirectory created later is reported by the watch. Only trusted on file systems known to keep the
     * count (not btrfs, not network or FUSE file systems) and not across a mount point.
     */
    private boolean hasNoSubdirectories(Syscalls sys, int fd) {
        if (rootDevice == null) return false;
        try {
            Syscalls.Stat stat = sys.fstat(fd);
            return rootDevice.longValue() == stat.device() && stat.links() == 2;
        } catch (Syscalls.ErrnoException | RuntimeException e) {
            return false; // list it: the listing reports the real problem, if any
        }
    }

    /** The device of the root when its file system keeps directory link counts (see hasNoSubdirectories), else null. */
    private static Long deviceKeepingLinkCounts(Path root) {
        try {
            if (!LINK_COUNTING_FILE_SYSTEMS.contains(Files.getFileStore(root).type())) return null;
            try (Syscalls sys = new Syscalls()) {
                Syscalls.Stat stat = sys.statPath(root);
                return stat == null ? null : stat.device();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String watchFailure(Path dir, Inotify.ErrnoException e) {
        if (e.errno == Inotify.ENOSPC) {
            String limit = sysctl("max_user_watches");
            return "cannot watch " + dir + ": the inotify watch limit is reached (fs.inotify.max_user_watches = " + limit
                    + ", shared by all programs of this user; the tree needs one watch per directory); raise it"
                    + " (as root: sysctl fs.inotify.max_user_watches=N) or sync by walking the tree (TreeSync.mirror)";
        }
        return "cannot watch " + dir + ": " + e.getMessage();
    }

    private static String sysctl(String name) {
        // Not Files.readString: it reads procfs files in pieces, and a sysctl file read at an offset is cut short.
        try (InputStream in = Files.newInputStream(SYSCTL.resolve(name))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
