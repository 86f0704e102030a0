package dev.talent.format;

import java.util.List;
import java.util.Objects;

/**
 * One epoll instance of the {@code EPOL} section (docs/FORMAT.md, "EPOL"): its descriptor number, close-on-exec, and
 * the descriptors registered with it.
 *
 * @param fd the instance's descriptor number
 * @param flags bit 0: close-on-exec ({@link RuntimeContract#EPOLL_FLAG_CLOEXEC})
 * @param registrations sorted by descriptor, each descriptor once
 */
public record EventPoll(long fd, int flags, List<Registration> registrations) {
    public EventPoll {
        registrations = List.copyOf(registrations);
    }

    /**
     * One registered descriptor.
     *
     * @param fd the registered descriptor
     * @param events Linux's EPOLL* bits (the same on every ISA)
     * @param flags bit 0: an EPOLLONESHOT registration that fired and was not re-armed
     * @param data what the program gave as {@code epoll_data}
     */
    public record Registration(long fd, long events, int flags, Data data) {
        public Registration {
            Objects.requireNonNull(data);
        }
    }

    /** The {@code epoll_data} member the program wrote (the compiler saw which). */
    public sealed interface Data permits Int32, U64, Pointer {}

    /** {@code data.fd} or {@code data.u32}. */
    public record Int32(long value) implements Data {}

    /** {@code data.u64}. */
    public record U64(long value) implements Data {}

    /** {@code data.ptr}, a pointer like any other. */
    public record Pointer(Value.PointerValue value) implements Data {
        public Pointer {
            Objects.requireNonNull(value);
        }
    }
}
