package dev.talent.container;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.talent.base.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A gratuitous ARP from an app's network namespace: one broadcast ARP request whose sender and target are the app's
 * own address, sent on its {@code eth0} with its MAC. When the app's namespace moved to another host of the same
 * segment (fleet {@code deploy --net}), the segment's bridges (switches) still send its frames to the port of the
 * host it left; this frame teaches every one of them the new port at once, and a peer that holds a neighbour entry
 * for the address refreshes it (the MAC is the same, so no entry changes). IPv6 peers need no unsolicited neighbour
 * advertisement for the same reason: the MAC is the app's everywhere ({@link Ipv4#mac()}); the ARP frame already
 * moved it in the bridges.
 *
 * <p>Sent by a thread of its own that enters the namespace ({@code setns}) and ends afterwards, so no other thread of
 * this process changes namespace; {@code AF_PACKET} needs CAP_NET_RAW, which talent has (root) and the program does not.
 */
@SuppressWarnings("restricted") // calling libc through FFM is this class's purpose; the JVM is run with --enable-native-access
public final class Announce {
    private static final int AF_PACKET = 17;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int ETH_P_ARP = 0x0806;
    /** sizeof(struct sockaddr_ll). */
    private static final long SOCKADDR_LL = 20;
    private static final short IFF_RUNNING = 0x40;
    private static final long RUNNING_WITHIN_NANOS = 1_000_000_000L;
    /** An ARP packet for IPv4 over Ethernet. */
    static final int ARP_SIZE = 28;

    private static final MethodHandle OPEN = Libc.downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            java.lang.foreign.Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = Libc.downcall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = Libc.downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = Libc.downcall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SENDTO = Libc.downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = Libc.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Announce() {}

    /** The gratuitous ARP request of {@code address} (sender = target = the address, sender MAC = its MAC). */
    static byte[] arp(Ipv4 address) {
        byte[] mac = macBytes(address);
        byte[] b = new byte[ARP_SIZE];
        b[1] = 1;                       // hardware type: Ethernet
        b[2] = 0x08;                    // protocol type: IPv4
        b[4] = 6;                       // hardware address length
        b[5] = 4;                       // protocol address length
        b[7] = 1;                       // operation: request (what `arping -U` sends)
        System.arraycopy(mac, 0, b, 8, 6);
        put(b, 14, address.value());
        // target hardware address: zero (unknown)
        put(b, 24, address.value());
        return b;
    }

    static byte[] macBytes(Ipv4 address) {
        String[] parts = address.mac().split(":", -1);
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) mac[i] = (byte) Integer.parseInt(parts[i], 16);
        return mac;
    }

    private static void put(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** Sends the gratuitous ARP of {@code address} on {@code eth0} of the namespace at {@code netns}. */
    public static void gratuitousArp(Path netns, Ipv4 address) throws ContainerException, InterruptedException {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("talent-announce").start(() -> {
            try {
                sendFromInside(netns, address);
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.join();
        Throwable e = failed.get();
        if (e instanceof ContainerException c) throw c;
        if (e != null) throw new ContainerException("cannot announce " + address + " from " + netns + ": " + e, e);
    }

    /** Runs on a thread that ends right after: the namespace it enters is never seen by another. */
    private static void sendFromInside(Path netns, Ipv4 address) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int ns = (int) OPEN.invokeExact(state, arena.allocateFrom(netns.toString()), O_RDONLY | O_CLOEXEC);
            if (ns < 0) throw fail("open " + netns, Libc.errno(state));
            try {
                if ((int) SETNS.invokeExact(state, ns, CLONE_NEWNET) != 0) throw fail("setns " + netns, Libc.errno(state));
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, ns);
            }
            // the port just came up: eth0's carrier is on, but the kernel lets it send only once its link watch has
            // run (IFF_RUNNING, a few milliseconds later); a frame sent before is dropped without an error
            long by = System.nanoTime() + RUNNING_WITHIN_NANOS;
            while ((LinkControl.flags("eth0") & IFF_RUNNING) == 0) {
                if (System.nanoTime() > by) throw new ContainerException("eth0 in " + netns + " is not running 1 s after its port came up");
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            int index = (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom("eth0"));
            if (index == 0) throw fail("if_nametoindex(eth0) in " + netns, Libc.errno(state));
            short proto = Short.reverseBytes((short) ETH_P_ARP);
            int fd = (int) SOCKET.invokeExact(state, AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, proto & 0xffff);
            if (fd < 0) throw fail("socket(AF_PACKET)", Libc.errno(state));
            try {
                MemorySegment to = arena.allocate(SOCKADDR_LL);
                to.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) AF_PACKET);
                to.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2, proto);
                to.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 4, index);
                to.set(JAVA_BYTE, 11, (byte) 6);                // sll_halen
                for (int i = 0; i < 6; i++) to.set(JAVA_BYTE, 12 + i, (byte) 0xff);   // broadcast
                MemorySegment frame = arena.allocateFrom(JAVA_BYTE, arp(address));
                long sent = (long) SENDTO.invokeExact(state, fd, frame, (long) ARP_SIZE, 0, to, (int) SOCKADDR_LL);
                if (sent != ARP_SIZE) throw fail("sendto (gratuitous ARP of " + address + ")", Libc.errno(state));
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
            }
        }
    }

    private static ContainerException fail(String call, int errno) {
        return new ContainerException(call + " failed: " + Libc.describe(errno));
    }
}
