package dev.talent.container;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.talent.base.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The TCP handshakes a network namespace's listeners hold half done (SYN_RECV: answered with a SYN-ACK, the peer's
 * final ACK not in yet), counted in this process: a thread of its own enters the namespace ({@code setns}, as
 * {@link Announce} does) and reads the namespace's TCP tables through {@code /proc/thread-self/net}, which shows the
 * reading thread's namespace ({@code /proc/net} would show the process's), and ends afterwards. The kernel lists a
 * listener's request sockets there in state SYN_RECV ({@code 03}).
 *
 * <p>Why a deadline over reads of the tables and not an event: the kernel tells nobody when a request socket
 * completes or expires (sock_diag broadcasts the destruction of full sockets only, and the listener whose accept
 * queue would wake a poll is the program's). A read costs microseconds, and the wait ends at the first read that
 * finds none.
 */
@SuppressWarnings("restricted") // calling libc through FFM is this class's purpose; the JVM is run with --enable-native-access
final class Handshakes {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final String SYN_RECV = "03";
    /** Between two reads: a peer's final ACK comes within its round trip, a lost one a second or more later. */
    private static final long READ_EVERY_NANOS = 1_000_000L;

    private static final MethodHandle OPEN = Libc.downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            java.lang.foreign.Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = Libc.downcall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = Libc.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Handshakes() {}

    /**
     * Waits until the namespace at {@code netns} holds no handshake in SYN_RECV, or {@code max} has passed; returns how
     * many it still holds (0: none).
     */
    static int awaitNone(Path netns, Duration max) throws ContainerException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        int[] left = new int[1];
        Thread t = Thread.ofPlatform().name("talent-handshakes").start(() -> {
            try {
                enter(netns);
                while (true) {
                    int n = inProgress();
                    left[0] = n;
                    long now = System.nanoTime();
                    if (n == 0 || now - deadline >= 0) return;
                    LockSupport.parkNanos(Math.min(READ_EVERY_NANOS, deadline - now));
                    if (Thread.currentThread().isInterrupted()) return;
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            throw e;
        }
        Throwable e = failed.get();
        if (e instanceof ContainerException c) throw c;
        if (e != null) throw new ContainerException("cannot count the handshakes in progress in " + netns + ": " + e, e);
        return left[0];
    }

    /** How many lines of the calling thread's namespace's TCP tables are in state SYN_RECV. */
    private static int inProgress() throws IOException {
        int n = 0;
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of("/proc/thread-self/net", table));
            } catch (NoSuchFileException e) {
                continue; // no IPv6 in this kernel
            }
            n += count(lines);
        }
        return n;
    }

    /** The lines of a {@code /proc/net/tcp} table ({@code sl local rem st ...}) in state SYN_RECV. */
    static int count(List<String> lines) {
        int n = 0;
        for (String line : lines) {
            String[] f = line.strip().split("\\s+", 5);
            if (f.length >= 4 && f[3].equals(SYN_RECV)) n++;
        }
        return n;
    }

    /** Moves the calling thread (one that ends right after its work) into the network namespace at {@code netns}. */
    private static void enter(Path netns) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int ns = (int) OPEN.invokeExact(state, arena.allocateFrom(netns.toString()), O_RDONLY | O_CLOEXEC);
            if (ns < 0) throw new ContainerException("open " + netns + " failed: " + Libc.describe(Libc.errno(state)));
            try {
                if ((int) SETNS.invokeExact(state, ns, CLONE_NEWNET) != 0) {
                    throw new ContainerException("setns " + netns + " failed: " + Libc.describe(Libc.errno(state)));
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, ns);
            }
        }
    }
}
