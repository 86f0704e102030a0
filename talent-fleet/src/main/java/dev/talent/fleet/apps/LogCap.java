package dev.talent.fleet.apps;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.talent.base.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Bounds an app's log files on a host ({@code output.log}, {@code stderr.log}): the program writes them through its
 * own file descriptors, as fast as it likes, so the agent cannot refuse a write; instead it keeps only the newest
 * {@link #CAP} bytes of each on disk by punching a hole over the older part ({@code fallocate(PUNCH_HOLE |
 * KEEP_SIZE)}). The file's size, and so every offset a reader or a migration uses, stays as it was; what was
 * dropped is the hole before the first data ({@code lseek(SEEK_DATA)}), which {@link #retainedFrom} reports, so
 * readers skip it and say so. The agent checks every {@link HostedApps#CAP_EVERY}: between two checks a log can
 * grow past the cap by what the program writes meanwhile.
 */
final class LogCap {
    /** The newest bytes of each stream kept on a host (and carried by a migration). */
    static final long CAP = 32L << 20;
    private static final long BLOCK = 4096;
    private static final int O_WRONLY = 1, O_RDONLY = 0, O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000;
    private static final int SEEK_DATA = 3;
    private static final int ENXIO = 6;
    private static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;

    private static final MethodHandle OPEN = Libc.downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Libc.downcallNoErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle LSEEK = Libc.downcall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FALLOCATE = Libc.downcall("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));

    private LogCap() {}

    /** The offset of the first byte still kept in {@code log} (its size when nothing is; 0 when nothing was dropped). */
    static long retainedFrom(Path log, long size) throws IOException {
        return onFile(log, O_RDONLY, "cannot read ", (state, fd) -> {
            long at = (long) LSEEK.invokeExact(state, fd, 0L, SEEK_DATA);
            if (at >= 0) return Math.min(at, size);
            int errno = Libc.errno(state);
            if (errno == ENXIO) return size; // no data at all: all of it was dropped (or the file is empty)
            throw new IOException("cannot find the data of " + log + ": " + Libc.describe(errno));
        });
    }

    /** Drops (a hole) everything of {@code log} before {@code upTo}, rounded down to a block; the size stays. */
    static void dropBefore(Path log, long upTo) throws IOException {
        long len = upTo / BLOCK * BLOCK;
        if (len <= 0) return;
        onFile(log, O_WRONLY, "cannot drop the start of ", (state, fd) -> {
            int rc = (int) FALLOCATE.invokeExact(state, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0L, len);
            if (rc != 0) throw new IOException("cannot drop the start of " + log + ": " + Libc.describe(Libc.errno(state)));
            return null;
        });
    }

    /** Keeps at most {@link #CAP} (a block more at most) of {@code log}; true when something was dropped now. */
    static boolean enforce(Path log, long size) throws IOException {
        return enforce(log, size, CAP);
    }

    static boolean enforce(Path log, long size, long cap) throws IOException {
        if (size <= cap) return false;
        long from = retainedFrom(log, size);
        if (size - from <= cap + BLOCK) return false;
        dropBefore(log, size - cap);
        return true;
    }

    /** A call on an open descriptor of the log; it may throw whatever a downcall throws. */
    private interface FdCall<T> {
        T apply(MemorySegment state, int fd) throws Throwable;
    }

    /**
     * Opens {@code log} (never through a symbolic link), runs {@code call} on it and closes it; a failure that is not
     * an IOException, RuntimeException or Error becomes an IOException starting with {@code what}.
     */
    private static <T> T onFile(Path log, int mode, String what, FdCall<T> call) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(log.toString()), mode | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) throw new IOException("cannot open " + log + ": " + Libc.describe(Libc.errno(state)));
            try {
                return call.apply(state, fd);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
                assert ignored >= -1;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(what + log + ": " + t, t);
        }
    }
}
