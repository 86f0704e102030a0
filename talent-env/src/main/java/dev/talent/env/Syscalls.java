package dev.talent.env;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.talent.base.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The file system calls of a sync, through the FFM API, on directory file descriptors: every call names an entry
 * by a directory descriptor and one name (or a relative path resolved by {@link #openBeneath}), never by a path
 * the kernel would follow through symbolic links. Linux only, 64-bit.
 *
 * <p>One instance per sync (its buffers are confined to the thread that made it); {@link #close} frees them.
 */
@SuppressWarnings("restricted") // calling libc through FFM is this class's purpose; the JVM is run with --enable-native-access
final class Syscalls implements AutoCloseable {

    // open(2) flags. O_DIRECTORY and O_NOFOLLOW differ between the architectures; the others are the generic values.
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    static final int O_DIRECTORY;
    static final int O_NOFOLLOW;

    static {
        String arch = System.getProperty("os.arch");
        switch (arch) {
            case "amd64", "x86_64", "riscv64", "s390x" -> {
                O_DIRECTORY = 0200000;
                O_NOFOLLOW = 0400000;
            }
            case "aarch64", "ppc64le", "ppc64" -> {
                O_DIRECTORY = 040000;
                O_NOFOLLOW = 0100000;
            }
            default -> throw new IllegalStateException("the environment sync does not know the open(2) flags of " + arch);
        }
    }

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;

    // openat2(2) resolve flags.
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;
    static final long RESOLVE_BENEATH = 0x08;
    private static final long SYS_OPENAT2 = 437; // the same on every architecture (added after the numbers were unified)
    private static final long OPEN_HOW_BYTES = 24;

    static final int SEEK_END = 2;
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;

    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int ENOTDIR = 20;
    static final int EINVAL = 22;
    static final int ENOSYS = 38;
    static final int ELOOP = 40;
    static final int EOPNOTSUPP = 95;

    // struct statx: the same layout on every architecture.
    private static final int STATX_BYTES = 256;
    private static final int STATX_WANTED = 0x1 | 0x2 | 0x4 | 0x40 | 0x100 | 0x200 | 0x400; // type mode nlink mtime ino size blocks
    private static final long UTIME_OMIT = (1L << 30) - 2;

    private static final int PATH_BUFFER_BYTES = 8192;
    private static final int LINK_BUFFER_BYTES = 4096; // PATH_MAX: the longest target a symbolic link can have
    private static final int DIRENT_BUFFER_BYTES = 64 * 1024;

    private static final StructLayout CALL_STATE = Libc.CALL_STATE;

    private static final MethodHandle SYSCALL_OPENAT2 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle OPENAT = downcall("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle STATX = downcall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle MKDIRAT = downcall("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle UNLINKAT = downcall("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READLINKAT = downcall("readlinkat",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle SYMLINKAT = downcall("symlinkat", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle RENAMEAT = downcall("renameat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle FCHMOD = downcall("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle UTIMENSAT = downcall("utimensat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FUTIMENS = downcall("futimens", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle FTRUNCATE = downcall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle LSEEK = downcall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PREAD = downcall("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = downcall("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle GETDENTS64 = downcall("getdents64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** Whether the kernel has openat2 (Linux 5.6) and lets us call it; else paths are walked one component at a time. */
    private static final boolean HAS_OPENAT2 = probeOpenat2();

    /** Tests set this to exercise the walk without openat2 on a kernel that has it. */
    static volatile boolean forceComponentWalk;

    /** What one statx says about an entry. */
    record Stat(int mode, long size, long blocks, long mtimeSeconds, int mtimeNanos, long device, long inode, int links) {
        int type() { return mode & S_IFMT; }

        boolean isRegularFile() { return type() == S_IFREG; }

        boolean isDirectory() { return type() == S_IFDIR; }

        /** Bytes the file system allocated for it (st_blocks counts 512-byte units whatever the block size). */
        long allocated() { return blocks * 512; }
    }

    /** A system call failed: the error number, and the reason in words as the C library puts it. */
    static final class ErrnoException extends IOException {
        private static final long serialVersionUID = 1L;
        final int errno;
        final String call;

        ErrnoException(String call, int errno) {
            super(Libc.strerror(errno));
            this.errno = errno;
            this.call = call;
        }
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final MemorySegment path = arena.allocate(PATH_BUFFER_BYTES);
    private MemorySegment path2;
    private final MemorySegment how = arena.allocate(OPEN_HOW_BYTES, 8);
    private final MemorySegment statx = arena.allocate(STATX_BYTES, 8);
    private final MemorySegment times = arena.allocate(32, 8);
    // allocated when first needed: a sync that only looks at a few entries should not pay for them
    private MemorySegment link;
    private MemorySegment dirents;

    @Override
    public void close() { arena.close(); }

    /** Native memory that lives as long as this instance (for data buffers). */
    MemorySegment allocate(long bytes) { return arena.allocate(bytes, 8); }

    /** Opens a single name in a directory, never following a symbolic link there (O_NOFOLLOW is added). */
    int openAt(int dirFd, byte[] name, int flags, int mode) throws ErrnoException {
        MemorySegment n = cString(path, name);
        while (true) {
            int fd;
            try {
                fd = (int) OPENAT.invokeExact(state, dirFd, n, flags | O_NOFOLLOW | O_CLOEXEC, mode);
            } catch (Throwable t) {
                throw downcallFailed("openat", t);
            }
            if (fd >= 0) return fd;
            int errno = errno();
            if (errno != EINTR) throw new ErrnoException("openat", errno);
        }
    }

    /**
     * Opens {@code relative} (a path of plain names) beneath the directory {@code dirFd}, following no symbolic link
     * on the way or at the end and never leaving that directory: openat2 with RESOLVE_BENEATH, RESOLVE_NO_SYMLINKS and
     * RESOLVE_NO_MAGICLINKS, or, without openat2, one openat(O_NOFOLLOW) per component. A symbolic link on the way
     * fails with ELOOP (or ENOTDIR).
     */
    int openBeneath(int dirFd, Path relative, int flags) throws ErrnoException {
        List<byte[]> names = components(relative);
        if (names.isEmpty()) throw new IllegalArgumentException("an empty path names the directory itself");
        if (HAS_OPENAT2 && !forceComponentWalk) {
            byte[] joined = join(names);
            MemorySegment p = cString(path, joined);
            how.set(JAVA_LONG, 0, flags | O_NOFOLLOW | O_CLOEXEC);
            how.set(JAVA_LONG, 8, 0L);
            how.set(JAVA_LONG, 16, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
            while (true) {
                long fd;
                try {
                    fd = (long) SYSCALL_OPENAT2.invokeExact(state, SYS_OPENAT2, (long) dirFd, p, how, OPEN_HOW_BYTES);
                } catch (Throwable t) {
                    throw downcallFailed("openat2", t);
                }
                if (fd >= 0) return (int) fd;
                int errno = errno();
                if (errno != EINTR && errno != EAGAIN) throw new ErrnoException("openat2", errno);
            }
        }
        int at = dirFd;
        try {
            for (int i = 0; i < names.size() - 1; i++) {
                int next = openAt(at, names.get(i), O_PATH | O_DIRECTORY, 0);
                if (at != dirFd) close(at);
                at = next;
            }
            int fd = openAt(at, names.getLast(), flags, 0);
            if (at != dirFd) close(at);
            at = dirFd;
            return fd;
        } finally {
            if (at != dirFd) close(at);
        }
    }

    /** The names of a relative path as the bytes the kernel sees; refuses "." and "..". */
    static List<byte[]> components(Path relative) {
        List<byte[]> names = new ArrayList<>();
        if (relative.isAbsolute()) throw new IllegalArgumentException("not a relative path: " + relative);
        for (Path name : relative) {
            String s = name.toString();
            if (s.isEmpty()) continue;
            if (s.equals(".") || s.equals("..")) throw new IllegalArgumentException("not a path of plain names: " + relative);
            names.add(s.getBytes(Inotify.PATH_CHARSET));
        }
        return names;
    }

    private static byte[] join(List<byte[]> names) {
        int length = names.size() - 1;
        for (byte[] n : names) length += n.length;
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] n : names) {
            if (at > 0) joined[at++] = '/';
            System.arraycopy(n, 0, joined, at, n.length);
            at += n.length;
        }
        return joined;
    }

    /** The entry {@code name} in the directory (a symbolic link itself, not what it points to); null if there is none. */
    Stat statAt(int dirFd, byte[] name) throws ErrnoException {
        return statx(dirFd, cString(path, name), AT_SYMLINK_NOFOLLOW, true);
    }

    /** The entry at an absolute or working-directory-relative path, symbolic link not followed; null if none. */
    Stat statPath(Path file) throws ErrnoException {
        return statx(AT_FDCWD, cString(path, file.toString().getBytes(Inotify.PATH_CHARSET)), AT_SYMLINK_NOFOLLOW, true);
    }

    /** What an open descriptor refers to. */
    Stat fstat(int fd) throws ErrnoException {
        return statx(fd, cString(path, new byte[0]), AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, false);
    }

    private Stat statx(int dirFd, MemorySegment name, int flags, boolean missingIsNull) throws ErrnoException {
        int result;
        try {
            result = (int) STATX.invokeExact(state, dirFd, name, flags, STATX_WANTED, statx);
        } catch (Throwable t) {
            throw downcallFailed("statx", t);
        }
        if (result != 0) {
            int errno = errno();
            if (missingIsNull && errno == ENOENT) return null;
            throw new ErrnoException("statx", errno);
        }
        int mode = Short.toUnsignedInt(statx.get(JAVA_SHORT, 28));
        long inode = statx.get(JAVA_LONG, 32);
        long size = statx.get(JAVA_LONG, 40);
        long blocks = statx.get(JAVA_LONG, 48);
        long mtime = statx.get(JAVA_LONG, 112);
        int mtimeNanos = statx.get(JAVA_INT, 120);
        long device = ((long) statx.get(JAVA_INT, 136) << 32) | Integer.toUnsignedLong(statx.get(JAVA_INT, 140));
        int links = statx.get(JAVA_INT, 16);
        return new Stat(mode, size, blocks, mtime, mtimeNanos, device, inode, links);
    }

    void mkdirAt(int dirFd, byte[] name, int mode) throws ErrnoException {
        int result;
        try {
            result = (int) MKDIRAT.invokeExact(state, dirFd, cString(path, name), mode);
        } catch (Throwable t) {
            throw downcallFailed("mkdirat", t);
        }
        if (result != 0) throw new ErrnoException("mkdirat", errno());
    }

    /** Removes a name (AT_REMOVEDIR: an empty directory); false if it was not there. Never follows a link. */
    boolean unlinkAt(int dirFd, byte[] name, int flags) throws ErrnoException {
        int result;
        try {
            result = (int) UNLINKAT.invokeExact(state, dirFd, cString(path, name), flags);
        } catch (Throwable t) {
            throw downcallFailed("unlinkat", t);
        }
        if (result == 0) return true;
        int errno = errno();
        if (errno == ENOENT) return false;
        throw new ErrnoException("unlinkat", errno);
    }

    /** The target of the symbolic link {@code name}, as bytes (EINVAL if it is not a link). */
    byte[] readLinkAt(int dirFd, byte[] name) throws ErrnoException {
        if (link == null) link = arena.allocate(LINK_BUFFER_BYTES);
        long n;
        try {
            n = (long) READLINKAT.invokeExact(state, dirFd, cString(path, name), link, (long) LINK_BUFFER_BYTES);
        } catch (Throwable t) {
            throw downcallFailed("readlinkat", t);
        }
        if (n < 0) throw new ErrnoException("readlinkat", errno());
        if (n >= LINK_BUFFER_BYTES) throw new ErrnoException("readlinkat", 36); // ENAMETOOLONG: cannot be recreated
        return link.asSlice(0, n).toArray(JAVA_BYTE);
    }

    /** Creates the symbolic link {@code name} in the directory, with {@code target} as its text (never resolved). */
    void symlinkAt(byte[] target, int dirFd, byte[] name) throws ErrnoException {
        int result;
        try {
            result = (int) SYMLINKAT.invokeExact(state, cString(path2(), target), dirFd, cString(path, name));
        } catch (Throwable t) {
            throw downcallFailed("symlinkat", t);
        }
        if (result != 0) throw new ErrnoException("symlinkat", errno());
    }

    /** Renames within or between directories (atomically replacing a non-directory target). */
    void renameAt(int fromDir, byte[] from, int toDir, byte[] to) throws ErrnoException {
        int result;
        try {
            result = (int) RENAMEAT.invokeExact(state, fromDir, cString(path, from), toDir, cString(path2(), to));
        } catch (Throwable t) {
            throw downcallFailed("renameat", t);
        }
        if (result != 0) throw new ErrnoException("renameat", errno());
    }

    void fchmod(int fd, int mode) throws ErrnoException {
        int result;
        try {
            result = (int) FCHMOD.invokeExact(state, fd, mode);
        } catch (Throwable t) {
            throw downcallFailed("fchmod", t);
        }
        if (result != 0) throw new ErrnoException("fchmod", errno());
    }

    /** Sets the modification time of an open file or directory (access time left alone). */
    void setModified(int fd, long seconds, int nanos) throws ErrnoException {
        fillTimes(seconds, nanos);
        int result;
        try {
            result = (int) FUTIMENS.invokeExact(state, fd, times);
        } catch (Throwable t) {
            throw downcallFailed("futimens", t);
        }
        if (result != 0) throw new ErrnoException("futimens", errno());
    }

    /** Sets the modification time of the entry {@code name} itself (a symbolic link is not followed). */
    void setModifiedAt(int dirFd, byte[] name, long seconds, int nanos) throws ErrnoException {
        fillTimes(seconds, nanos);
        int result;
        try {
            result = (int) UTIMENSAT.invokeExact(state, dirFd, cString(path, name), times, AT_SYMLINK_NOFOLLOW);
        } catch (Throwable t) {
            throw downcallFailed("utimensat", t);
        }
        if (result != 0) throw new ErrnoException("utimensat", errno());
    }

    private void fillTimes(long seconds, int nanos) {
        times.set(JAVA_LONG, 0, 0L);
        times.set(JAVA_LONG, 8, UTIME_OMIT);
        times.set(JAVA_LONG, 16, seconds);
        times.set(JAVA_LONG, 24, (long) nanos);
    }

    void ftruncate(int fd, long length) throws ErrnoException {
        int result;
        try {
            result = (int) FTRUNCATE.invokeExact(state, fd, length);
        } catch (Throwable t) {
            throw downcallFailed("ftruncate", t);
        }
        if (result != 0) throw new ErrnoException("ftruncate", errno());
    }

    /** lseek; -1 for ENXIO (SEEK_DATA past the last data, or SEEK_HOLE past the end). */
    long lseek(int fd, long offset, int whence) throws ErrnoException {
        long result;
        try {
            result = (long) LSEEK.invokeExact(state, fd, offset, whence);
        } catch (Throwable t) {
            throw downcallFailed("lseek", t);
        }
        if (result >= 0) return result;
        int errno = errno();
        if (errno == ENXIO) return -1;
        throw new ErrnoException("lseek", errno);
    }

    /** Reads up to {@code length} bytes at {@code offset} into {@code buffer}; 0 at the end of the file. */
    int pread(int fd, MemorySegment buffer, int length, long offset) throws ErrnoException {
        while (true) {
            long n;
            try {
                n = (long) PREAD.invokeExact(state, fd, buffer, (long) length, offset);
            } catch (Throwable t) {
                throw downcallFailed("pread", t);
            }
            if (n >= 0) return (int) n;
            int errno = errno();
            if (errno != EINTR) throw new ErrnoException("pread", errno);
        }
    }

    /** Writes all {@code length} bytes of {@code buffer} at {@code offset}. */
    void pwriteFully(int fd, MemorySegment buffer, int length, long offset) throws ErrnoException {
        long done = 0;
        while (done < length) {
            long n;
            try {
                n = (long) PWRITE.invokeExact(state, fd, buffer.asSlice(done), length - done, offset + done);
            } catch (Throwable t) {
                throw downcallFailed("pwrite", t);
            }
            if (n > 0) {
                done += n;
            } else if (n < 0) {
                int errno = errno();
                if (errno != EINTR) throw new ErrnoException("pwrite", errno);
            } else {
                throw new ErrnoException("pwrite", 28); // wrote nothing: treat as ENOSPC
            }
        }
    }

    /**
     * The names in an open directory (without "." and ".."), as the kernel stores them; read from the descriptor's
     * current position, so once per descriptor. Stops after {@code atMost} + 1 names: more than {@code atMost}
     * means too many.
     */
    List<byte[]> list(int dirFd, long atMost) throws ErrnoException {
        if (dirents == null) dirents = arena.allocate(DIRENT_BUFFER_BYTES, 8);
        List<byte[]> names = new ArrayList<>();
        while (true) {
            long n;
            try {
                n = (long) GETDENTS64.invokeExact(state, dirFd, dirents, (long) DIRENT_BUFFER_BYTES);
            } catch (Throwable t) {
                throw downcallFailed("getdents64", t);
            }
            if (n == 0) return names;
            if (n < 0) {
                int errno = errno();
                if (errno == EINTR) continue;
                throw new ErrnoException("getdents64", errno);
            }
            // struct linux_dirent64: u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[] (NUL-terminated)
            long at = 0;
            while (at < n) {
                int recordLength = Short.toUnsignedInt(dirents.get(JAVA_SHORT, at + 16));
                long nameStart = at + 19;
                long nameEnd = nameStart;
                while (dirents.get(JAVA_BYTE, nameEnd) != 0) nameEnd++;
                byte[] name = dirents.asSlice(nameStart, nameEnd - nameStart).toArray(JAVA_BYTE);
                at += recordLength;
                if ((name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.')) continue;
                names.add(name);
                if (names.size() > atMost) return names;
            }
        }
    }

    /** Closes a descriptor; errors are ignored (nothing was written through the ones that matter after close). */
    void close(int fd) {
        if (fd < 0) return;
        try {
            int _ = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw downcallFailed("close", t);
        }
    }

    /** Opens a directory given by an absolute path that talent chose (a tree's root), its last component not followed. */
    int openRoot(Path directory) throws ErrnoException {
        return openAt(AT_FDCWD, directory.toString().getBytes(Inotify.PATH_CHARSET), O_RDONLY | O_DIRECTORY, 0);
    }

    private int errno() { return Libc.errno(state); }

    private MemorySegment path2() {
        if (path2 == null) path2 = arena.allocate(PATH_BUFFER_BYTES);
        return path2;
    }

    private static MemorySegment cString(MemorySegment buffer, byte[] bytes) throws ErrnoException {
        if (bytes.length >= buffer.byteSize()) throw new ErrnoException("path", 36); // ENAMETOOLONG
        MemorySegment.copy(bytes, 0, buffer, JAVA_BYTE, 0, bytes.length);
        buffer.set(JAVA_BYTE, bytes.length, (byte) 0);
        return buffer;
    }

    private static IllegalStateException downcallFailed(String call, Throwable t) {
        return new IllegalStateException(call + " downcall failed", t);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return Libc.downcall(name, descriptor, options);
    }

    private static boolean probeOpenat2() {
        try (Arena probe = Arena.ofConfined()) {
            MemorySegment callState = probe.allocate(CALL_STATE);
            MemorySegment root = probe.allocateFrom("/");
            MemorySegment openHow = probe.allocate(OPEN_HOW_BYTES, 8);
            openHow.set(JAVA_LONG, 0, (long) (O_PATH | O_DIRECTORY | O_CLOEXEC));
            openHow.set(JAVA_LONG, 16, RESOLVE_NO_SYMLINKS);
            long fd = (long) SYSCALL_OPENAT2.invokeExact(callState, SYS_OPENAT2, (long) AT_FDCWD, root, openHow, OPEN_HOW_BYTES);
            if (fd < 0) return false; // ENOSYS (before Linux 5.6) or EPERM (a seccomp filter)
            int _ = (int) CLOSE.invokeExact(callState, (int) fd);
            return true;
        } catch (Throwable t) {
            return false;
        }
    }
}
