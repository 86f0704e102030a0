package dev.talent.env;

import dev.talent.base.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * One Linux inotify instance, called through the FFM API: the raw system calls and nothing more. The
 * descriptor is non-blocking, so {@link #read} returns 0 instead of waiting when no event is queued.
 * Not thread-safe: {@link ChangeJournal} serialises the calls.
 */
@SuppressWarnings("restricted") // calling libc through FFM is this class's purpose; the JVM is run with --enable-native-access
final class Inotify implements AutoCloseable {

    // Event bits, from <sys/inotify.h> (the same on every Linux architecture).
    static final int IN_MODIFY = 0x2;
    static final int IN_ATTRIB = 0x4;
    static final int IN_CLOSE_WRITE = 0x8;
    static final int IN_MOVED_FROM = 0x40;
    static final int IN_MOVED_TO = 0x80;
    static final int IN_CREATE = 0x100;
    static final int IN_DELETE = 0x200;
    static final int IN_DELETE_SELF = 0x400;
    static final int IN_MOVE_SELF = 0x800;
    static final int IN_UNMOUNT = 0x2000;
    static final int IN_Q_OVERFLOW = 0x4000;
    static final int IN_IGNORED = 0x8000;
    static final int IN_ONLYDIR = 0x01000000;
    static final int IN_DONT_FOLLOW = 0x02000000;
    static final int IN_ISDIR = 0x40000000;

    // inotify_init1 flags: O_NONBLOCK and O_CLOEXEC, whose values are these on x86, arm, s390x and riscv.
    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;

    static final int EINTR = 4;
    static final int ENOENT = 2;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENOTDIR = 20;
    static final int EMFILE = 24;
    static final int ENOSPC = 28;

    /** struct inotify_event: int wd; uint32_t mask, cookie, len; char name[len]. */
    static final int EVENT_HEADER_BYTES = 16;

    /** Room for many events per read(); the kernel needs at least header + NAME_MAX + 1 for one. */
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Path names on Linux are bytes; the JDK converts them with this charset, and so do we. */
    static final Charset PATH_CHARSET = pathCharset();

    private static final MethodHandle INOTIFY_INIT1 = downcall("inotify_init1",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle INOTIFY_ADD_WATCH = downcall("inotify_add_watch",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle INOTIFY_RM_WATCH = downcall("inotify_rm_watch",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** A system call failed with this errno. */
    static final class ErrnoException extends Exception {
        private static final long serialVersionUID = 1L;
        final int errno;

        ErrnoException(String call, int errno) {
            super(call + ": " + Libc.describe(errno));
            this.errno = errno;
        }
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment errnoState = arena.allocate(Libc.CALL_STATE);
    private final MemorySegment buffer = arena.allocate(BUFFER_BYTES, 8);
    private final int fd;
    private boolean closed;

    private Inotify(int fd) { this.fd = fd; }

    static Inotify open() throws ErrnoException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(Libc.CALL_STATE);
            int fd = (int) INOTIFY_INIT1.invokeExact(state, IN_NONBLOCK | IN_CLOEXEC);
            if (fd < 0) throw new ErrnoException("inotify_init1", errno(state));
            return new Inotify(fd);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("inotify_init1 downcall failed", t);
        }
    }

    /** Watches a directory (or returns the watch it already has: the kernel keys watches by inode). */
    int addWatch(Path directory, int mask) throws ErrnoException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment path = call.allocateFrom(directory.toString(), PATH_CHARSET);
            int wd = (int) INOTIFY_ADD_WATCH.invokeExact(errnoState, fd, path, mask);
            if (wd < 0) throw new ErrnoException("inotify_add_watch " + directory, errno(errnoState));
            return wd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("inotify_add_watch downcall failed", t);
        }
    }

    /** Stops a watch; the kernel then queues IN_IGNORED for it. A watch already gone is not an error. */
    void removeWatch(int wd) {
        try {
            int _ = (int) INOTIFY_RM_WATCH.invokeExact(errnoState, fd, wd);
        } catch (Throwable t) {
            throw new IllegalStateException("inotify_rm_watch downcall failed", t);
        }
    }

    /**
     * Reads queued events into {@link #events()}; returns the number of bytes read, 0 when the queue is
     * empty (EAGAIN: the descriptor is non-blocking).
     */
    int read() throws ErrnoException {
        while (true) {
            long n;
            try {
                n = (long) READ.invokeExact(errnoState, fd, buffer, (long) BUFFER_BYTES);
            } catch (Throwable t) {
                throw new IllegalStateException("read downcall failed", t);
            }
            if (n >= 0) return (int) n;
            int errno = errno(errnoState);
            if (errno == EAGAIN) return 0;
            if (errno != EINTR) throw new ErrnoException("read from inotify", errno);
        }
    }

    /** The buffer {@link #read} fills: a sequence of struct inotify_event. */
    MemorySegment events() { return buffer; }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            int _ = (int) CLOSE.invokeExact(errnoState, fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        } finally {
            arena.close();
        }
    }

    private static int errno(MemorySegment state) { return Libc.errno(state); }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return Libc.downcall(name, descriptor);
    }

    private static Charset pathCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
