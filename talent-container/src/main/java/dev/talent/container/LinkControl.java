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
    private static final MethodHandle SEND = Libc.downcall("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = Libc.downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private static final int AF_NETLINK = 16;
    private static final int AF_BRIDGE = 7;
    private static final int SOCK_RAW = 3;
    private static final int NETLINK_ROUTE = 0;
    private static final short RTM_NEWNEIGH = 28;
    private static final short RTM_DELNEIGH = 29;
    private static final short NLMSG_ERROR = 2;
    private static final short NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_REPLACE = 0x100, NLM_F_CREATE = 0x400;
    private static final short NUD_NOARP = 0x40;
    private static final byte NTF_MASTER = 0x04, NTF_STICKY = 0x40;
    private static final short NDA_LLADDR = 2;
    private static final int ENOENT = 2;

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

    /**
     * Points the bridge's forwarding entry of {@code mac} at its port {@code port}, static and sticky (learning does
     * not move it: frames the same MAC sends from another port of the bridge go out, but frames to it come here);
     * {@code bridge fdb replace MAC dev PORT master static sticky} through rtnetlink, in microseconds.
     */
    static void claimMac(String port, byte[] mac) throws NativeCallException {
        neigh(RTM_NEWNEIGH, (short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE), port, mac);
    }

    /** Removes {@link #claimMac}'s entry if it still points at {@code port}; false when it did not (ENOENT). */
    static boolean releaseMac(String port, byte[] mac) throws NativeCallException {
        try {
            neigh(RTM_DELNEIGH, (short) (NLM_F_REQUEST | NLM_F_ACK), port, mac);
            return true;
        } catch (NativeCallException e) {
            if (e.errno() == ENOENT) return false;
            throw e;
        }
    }

    private static void neigh(short type, short flags, String port, byte[] mac) throws NativeCallException {
        if (mac.length != 6) throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
        String call = (type == RTM_NEWNEIGH ? "RTM_NEWNEIGH " : "RTM_DELNEIGH ") + port;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int index = (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(port));
            if (index == 0) throw failure("if_nametoindex(" + port + ")", Libc.errno(state));
            // nlmsghdr (16) + ndmsg (12) + rtattr NDA_LLADDR (4 + 6, padded to 12)
            MemorySegment m = arena.allocate(40);
            m.set(JAVA_INT, 0, 40);
            m.set(JAVA_SHORT, 4, type);
            m.set(JAVA_SHORT, 6, flags);
            m.set(JAVA_INT, 8, 1);
            m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 16, (byte) AF_BRIDGE);
            m.set(JAVA_INT, 20, index);
            m.set(JAVA_SHORT, 24, NUD_NOARP);
            m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 26, (byte) (NTF_MASTER | NTF_STICKY));
            m.set(JAVA_SHORT, 28, (short) 10);
            m.set(JAVA_SHORT, 30, NDA_LLADDR);
            MemorySegment.copy(mac, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 32, 6);
            int fd = (int) SOCKET.invokeExact(state, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
            if (fd < 0) throw failure("socket(AF_NETLINK)", Libc.errno(state));
            try {
                if ((long) SEND.invokeExact(state, fd, m, 40L, 0) != 40L) throw failure(call, Libc.errno(state));
                MemorySegment answer = arena.allocate(1024);
                long n = (long) RECV.invokeExact(state, fd, answer, 1024L, 0);
                if (n < 0) throw failure(call + " (answer)", Libc.errno(state));
                if (n < 20 || answer.get(JAVA_SHORT, 4) != NLMSG_ERROR) {
                    throw new NativeCallException(call + ": unexpected answer of " + n + " bytes", 0);
                }
                int error = -answer.get(JAVA_INT, 16);
                if (error != 0) throw failure(call, error);
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
            }
        } catch (NativeCallException | IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
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
