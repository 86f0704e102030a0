package dev.talent.container;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.talent.base.Libc;
import dev.talent.format.RuntimeContract;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The FIFO a container started ahead waits on for its go (the runtime's go.c, {@code TALENT_AWAIT_GO}), host side.
 * It lives in the container's bundle directory, which only talent writes, and is bind-mounted read-only at
 * {@link ContainerLayout#GO_FILE}. talent only writes to it: nothing is read from the container here. The open
 * for writing never blocks ({@code O_NONBLOCK}): it succeeds only while the runtime waits in its open or read,
 * which is how talent learns that the destination is ready; the write never blocks either (a full FIFO, which
 * only the container itself could fill, fails the go instead of hanging talent).
 *
 * <p>The flag values are Linux's generic ones (x86_64, aarch64, riscv64, s390x alike).
 */
@SuppressWarnings("restricted") // calling libc through FFM is this class's purpose; the JVM is run with --enable-native-access
final class GoFifo implements AutoCloseable {

    private static final int O_WRONLY = 01;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int ENXIO = 6;
    private static final int EINTR = 4;
    private static final byte[] LINE = (RuntimeContract.GO_MESSAGE + "\n").getBytes(StandardCharsets.US_ASCII);

    private static final MethodHandle OPEN = Libc.downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITE = Libc.downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = Libc.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Path path;
    /** The write end once opened, else -1. */
    private int fd = -1;

    GoFifo(Path path) { this.path = path; }

    Path path() { return path; }

    /** Creates the FIFO (mode 0600) at {@code path}, which must not exist. */
    static void create(Path path) throws IOException {
        int errno = Libc.mkfifo(path, 0600);
        if (errno != 0) throw new NativeCallException("cannot create the go FIFO " + path + ": " + Libc.describe(errno), errno);
    }

    /**
     * Opens the write end unless it is open: true once it is (the runtime waits on the FIFO), false while nobody
     * reads it yet (ENXIO: the program has not come that far, or is gone).
     */
    synchronized boolean open() throws IOException {
        if (fd >= 0) return true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            MemorySegment name = arena.allocateFrom(path.toString());
            while (true) {
                int rc = (int) OPEN.invokeExact(state, name, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                if (rc >= 0) {
                    fd = rc;
                    return true;
                }
                int errno = Libc.errno(state);
                if (errno == ENXIO) return false;
                if (errno != EINTR) {
                    throw new NativeCallException("cannot open the go FIFO " + path + ": " + Libc.describe(errno), errno);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Writes the go line (the write end must be open) and closes the write end. */
    synchronized void send() throws IOException {
        try {
            write(LINE, "the go line");
        } finally {
            close();
        }
    }

    /**
     * Writes the line {@code base <image>} (the write end must be open and stays open): the runtime restores that
     * pre-copy image of its checkpoint directory ahead (ahead.c) before it reads on. {@code image} must be a pre-copy
     * image's name (the runtime ends the process on any other line).
     */
    synchronized void sendBase(String image) throws IOException {
        if (!RuntimeContract.PRECOPY_IMAGE_NAME.matcher(image).matches()) {
            throw new IllegalArgumentException("not a pre-copy image's name: '" + image + "'");
        }
        write((RuntimeContract.GO_BASE_WORD + " " + image + "\n").getBytes(StandardCharsets.US_ASCII), "the base line");
    }

    /** One write of a whole line (well under PIPE_BUF: atomic, never partly written to a FIFO with room). */
    private void write(byte[] line, String what) throws IOException {
        if (fd < 0) throw new IOException("the go FIFO " + path + " is not open");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            MemorySegment bytes = arena.allocateFrom(JAVA_BYTE, line);
            long n;
            do {
                n = (long) WRITE.invokeExact(state, fd, bytes, (long) line.length);
            } while (n < 0 && Libc.errno(state) == EINTR);
            if (n != line.length) {
                throw new NativeCallException("cannot write " + what + " to " + path + ": " + (n < 0
                        ? Libc.describe(Libc.errno(state)) : "only " + n + " of " + line.length + " bytes written"),
                        n < 0 ? Libc.errno(state) : 0);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Closes the write end if it is open (the waiting runtime then reads end-of-file and exits 64). */
    @Override
    public synchronized void close() {
        if (fd < 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int _ = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            fd = -1;
        }
    }
}
