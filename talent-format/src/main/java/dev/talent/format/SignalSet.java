package dev.talent.format;

import java.util.StringJoiner;

/**
 * talent's portable word for a set of signals (docs/FORMAT.md "Signal sets"): bit n-1 is standard signal n (1..31,
 * Linux's generic numbers), bit {@link RuntimeContract#SIGSET_ALL_REALTIME_BIT} every real-time signal (as
 * {@code sigfillset} sets them), bit 32+k {@code SIGRTMIN+k}. Real-time signals are relative to SIGRTMIN because the C
 * libraries reserve different numbers below it (glibc 32 and 33, musl 32 to 34).
 */
final class SignalSet {
    private SignalSet() {}

    private static final long ALL_REALTIME = 1L << RuntimeContract.SIGSET_ALL_REALTIME_BIT;

    /** The form writers produce: with every real-time signal, none of them again one by one. */
    static boolean canonical(long word) {
        return (word & ALL_REALTIME) == 0 || (word >>> 32) == 0;
    }

    /** {@code {1, 2, SIGRTMIN+3}}, or {@code {15, SIGRTMIN..SIGRTMAX}}. */
    static String text(long word) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        for (int n = 1; n <= 31; n++) {
            if ((word & (1L << (n - 1))) != 0) j.add(Integer.toString(n));
        }
        if ((word & ALL_REALTIME) != 0) j.add("SIGRTMIN..SIGRTMAX");
        for (int k = 0; k < 32; k++) {
            if ((word & (1L << (32 + k))) != 0) j.add("SIGRTMIN+" + k);
        }
        return j.toString();
    }
}
