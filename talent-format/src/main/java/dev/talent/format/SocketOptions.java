package dev.talent.format;

import java.util.List;
import java.util.OptionalInt;

/**
 * One entry of the {@code SOPT} section (docs/FORMAT.md "SOPT"): the listen backlog and the options the program set on
 * the socket of FILE kind 3 or the connection of kind 6 at descriptor {@code fd}. The constructors check each field
 * alone as the readers do (a known option code, its value in the format's range, options by strictly increasing code);
 * what needs the FILE section (the descriptor is such a socket, the option applies to its protocol and family) is
 * checked by {@link CheckpointReader}.
 *
 * @param fd the socket's descriptor (≤ 2^31 − 1)
 * @param backlog the program's {@code listen()} argument (flag bit 0), empty when talent did not see the
 *     {@code listen()} (the socket listens again with {@code SOMAXCONN}) or for a UDP socket or a connection
 * @param options by strictly increasing code, at most {@link RuntimeContract#SOPT_MAX_CODE}
 */
public record SocketOptions(long fd, OptionalInt backlog, List<Option> options) {
    public SocketOptions {
        if (fd < 0 || fd > 0x7FFF_FFFFL) throw new IllegalArgumentException("socket descriptor " + fd + " out of range");
        options = List.copyOf(options);
        if (options.size() > RuntimeContract.SOPT_MAX_CODE) {
            throw new IllegalArgumentException("socket " + fd + ": " + options.size() + " options (at most "
                    + RuntimeContract.SOPT_MAX_CODE + ")");
        }
        int previous = 0;
        for (Option o : options) {
            if (o.code() <= previous) {
                throw new IllegalArgumentException("socket " + fd + ": options not in increasing order of code");
            }
            previous = o.code();
        }
    }

    /**
     * One option.
     *
     * @param code the format's code ({@code RuntimeContract.SOPT_*})
     * @param a the value (for {@code SO_LINGER}: {@code l_onoff}; for the timeouts: seconds)
     * @param b {@code SO_LINGER}: {@code l_linger} seconds; {@code SO_RCVTIMEO}/{@code SO_SNDTIMEO}: microseconds;
     *     otherwise 0
     */
    public record Option(int code, int a, int b) {
        public Option {
            String problem = SocketOptionsSection.problem(code, a, b);
            if (problem != null) throw new IllegalArgumentException(problem);
        }

        /** An option with a single value. */
        public static Option of(int code, int value) {
            return new Option(code, value, 0);
        }

        /** The option's C name, e.g. {@code SO_RCVBUF}. */
        public String name() {
            return SocketOptionsSection.label(code);
        }

        /**
         * The value as {@code talent inspect} shows it: the number; {@code on}/{@code off} and the seconds for
         * {@code SO_LINGER} ({@code on, 5 s}); seconds with six decimals for the timeouts ({@code 1.500000 s}).
         */
        public String valueText() {
            return switch (SocketOptionsSection.kind(code)) {
                case LINGER -> (a == 0 ? "off" : "on") + ", " + b + " s";
                case TIMEVAL -> a + "." + String.format("%06d", b) + " s";
                case INT -> Integer.toString(a);
            };
        }
    }
}
