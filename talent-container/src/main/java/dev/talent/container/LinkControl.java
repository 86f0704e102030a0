package dev.talent.container;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.talent.base.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Brings a host network interface up or down with {@code ioctl(SIOCGIFFLAGS/SIOCSIFFLAGS)} through FFM: the
 * network lock of a migration is on its critical path, where starting an {@code ip} process (several
 * milliseconds) would count in the downtime; the ioctl takes microseconds.
 */
@SuppressWarnings("restricted") // calling libc through FFM is this class's purpose; the JVM is run with --enable-native-access
final class LinkControl {

    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final short IFF_UP = 1;
    private static final long SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_GLINK = 0x0000000a;
    /** sizeof(struct ifreq) on the 64-bit hosts talent runs on: 16 bytes of name, a 24-byte union. */
    private static final long IFREQ_SIZE = 40;
    private static final long IFNAMSIZ = 16;

    private static final MethodHandle SOCKET = Libc.downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = Libc.downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Libc.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private static final MethodHandle IF_NAMETOINDEX = Libc.downcall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private LinkControl() {}

    /**
     * Whether this thread's network namespace has an interface {@code name} ({@code if_nametoindex}). Unlike
     * {@code /sys/class/net}, which shows the namespace of whoever mounted /sys, this asks the kernel for the
     * namespace the process is in (a fleet agent runs in its host's namespace under the machine's /sys).
     */
    static boolean exists(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            return (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(name)) != 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sets or clears IFF_UP on the host interface {@code name}. */
    static void setUp(String name, boolean up) throws NativeCallException {
        onInterface(name, (state, fd, req) -> {
            short flags = readFlags(state, fd, req, name);
            short wanted = (short) (up ? flags | IFF_UP : flags & ~IFF_UP);
            if (wanted == flags) return 0;
            req.set(JAVA_SHORT, IFNAMSIZ, wanted);
            if ((int) IOCTL.invokeExact(state, fd, SIOCSIFFLAGS, req) != 0) {
                throw failure("ioctl(SIOCSIFFLAGS, " + name + (up ? " up" : " down") + ")", Libc.errno(state));
            }
            return 0;
        });
    }

    /**
     * Asks for interface {@code name}'s link state ({@code ETHTOOL_GLINK}): the kernel answers it only after running
     * the link watch for that device at once, the work that otherwise waits for the link watch's batch (up to a
     * second on a loaded machine): a bridge port just brought up forwards only once it has run. Best effort.
     */
    static void syncLink(String name) {
        try {
            onInterface(name, (state, fd, req) -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment value = arena.allocate(8);
                    value.set(JAVA_INT, 0, ETHTOOL_GLINK);
                    req.set(ADDRESS, IFNAMSIZ, value);
                    int ignored = (int) IOCTL.invokeExact(state, fd, SIOCETHTOOL, req);
                }
                return 0;
            });
        } catch (NativeCallException | RuntimeException e) {
            // best effort: the link watch runs on its own in any case
        }
    }

    /** The flags (SIOCGIFFLAGS) of interface {@code name} in this thread's network namespace. */
    static short flags(String name) throws NativeCallException {
        return onInterface(name, (state, fd, req) -> readFlags(state, fd, req, name));
    }

    /** One request about an interface: an {@code ifreq} holding its name, on a datagram socket of this namespace. */
    @FunctionalInterface
    private interface IfreqCall {
        short call(MemorySegment state, int fd, MemorySegment req) throws Throwable;
    }

    private static short onInterface(String name, IfreqCall op) throws NativeCallException {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ) throw new IllegalArgumentException("bad interface name " + name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) throw failure("socket(AF_INET)", Libc.errno(state));
            try {
                MemorySegment req = arena.allocate(IFREQ_SIZE);
                MemorySegment.copy(bytes, 0, req, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
                return op.call(state, fd, req);
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
            }
        } catch (NativeCallException | IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static short readFlags(MemorySegment state, int fd, MemorySegment req, String name) throws Throwable {
        if ((int) IOCTL.invokeExact(state, fd, SIOCGIFFLAGS, req) != 0) {
            throw failure("ioctl(SIOCGIFFLAGS, " + name + ")", Libc.errno(state));
        }
        return req.get(JAVA_SHORT, IFNAMSIZ);
    }

    private static NativeCallException failure(String call, int errno) {
        return new NativeCallException(call + " failed: " + ProcessControl.describe(errno) + " (errno " + errno + ")", errno);
    }
}
