package dev.talent.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of the Linux {@code EPOLL*} bits of an {@code EPOL} registration (docs/FORMAT.md "EPOL"), for
 * {@code talent inspect}: {@code EPOLLIN|EPOLLET}. The bits are the same on every ISA and C library.
 */
final class EpollEvents {
    private EpollEvents() {}

    private record Bit(long mask, String name) {}

    /** In the order of include/uapi/linux/eventpoll.h. */
    private static final List<Bit> BITS = List.of(
            new Bit(0x1, "EPOLLIN"), new Bit(0x2, "EPOLLPRI"), new Bit(0x4, "EPOLLOUT"), new Bit(0x8, "EPOLLERR"),
            new Bit(0x10, "EPOLLHUP"), new Bit(0x40, "EPOLLRDNORM"), new Bit(0x80, "EPOLLRDBAND"),
            new Bit(0x100, "EPOLLWRNORM"), new Bit(0x200, "EPOLLWRBAND"), new Bit(0x400, "EPOLLMSG"),
            new Bit(0x2000, "EPOLLRDHUP"), new Bit(1L << 28, "EPOLLEXCLUSIVE"), new Bit(1L << 29, "EPOLLWAKEUP"),
            new Bit(1L << 30, "EPOLLONESHOT"), new Bit(1L << 31, "EPOLLET"));

    /**
     * The names of the bits set in {@code events} (a u32), in bit order; a bit without a name (the reader refuses
     * them, a model built by hand may hold one) as {@code 0x...}.
     */
    static List<String> names(long events) {
        List<String> names = new ArrayList<>();
        long rest = events & 0xFFFF_FFFFL;
        for (Bit b : BITS) {
            if ((rest & b.mask()) != 0) {
                names.add(b.name());
                rest &= ~b.mask();
            }
        }
        if (rest != 0) names.add("0x" + Long.toHexString(rest));
        return names;
    }

    /** {@link #names} joined with {@code |}, or {@code 0} when no bit is set. */
    static String text(long events) {
        List<String> names = names(events);
        return names.isEmpty() ? "0" : String.join("|", names);
    }
}
