package dev.talent.format;

import java.util.List;
import java.util.Objects;

/**
 * One epoll instance of the {@code EPOL} section (docs/FORMAT.md, "EPOL"): its descriptor number, close-on-exec, the
 * descriptors registered with it, and the other descriptors of the same instance ({@code EDUP}).
 *
 * @param fd the instance's descriptor number
 * @param flags bit 0: close-on-exec ({@link RuntimeContract#EPOLL_FLAG_CLOEXEC})
 * @param registrations sorted by descriptor, each descriptor once
 * @param copies the instance's other descriptors (made with dup, dup2, dup3, fcntl F_DUPFD), by increasing number
 */
public record EventPoll(long fd, int flags, List<Registration> registrations, List<Copy> copies) {
    public EventPoll {
        registrations = List.copyOf(registrations);
        copies = List.copyOf(copies);
    }

    /** An instance reached through one descriptor only. */
    public EventPoll(long fd, int flags, List<Registration> registrations) {
        this(fd, flags, registrations, List.of());
    }

    /**
     * Another descriptor of the instance (an {@code EDUP} entry), recreated at restore as a copy of the instance.
     *
     * @param fd its descriptor number
     * @param flags bit 0: its own close-on-exec ({@link RuntimeContract#EPOLL_FLAG_CLOEXEC})
     */
    public record Copy(long fd, int flags) {}

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
