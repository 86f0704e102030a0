package dev.talent.format;

import java.util.Objects;

/**
 * One entry of the {@code SIGS} section (docs/FORMAT.md "SIGS"): a standard signal whose disposition the program
 * changed, by Linux's generic number (the same on every ISA talent supports).
 *
 * @param signal the signal number, 1 to {@link RuntimeContract#SIGS_MAX_SIGNAL}, never one talent owns
 * @param ignored true for {@code SIG_IGN} (then flags, mask and handler are 0, 0 and null)
 * @param flags talent's {@code SIGS_FLAG_*} bits (SA_RESTART, SA_SIGINFO, SA_NODEFER, SA_RESETHAND)
 * @param mask the signals blocked while the handler runs, as a {@link SignalSet} word (bit n-1 standard signal n,
 *             bit 31 every real-time signal, bit 32+k SIGRTMIN+k)
 * @param handler the name of the program's function that handles it; null when ignored
 */
public record SignalDisposition(int signal, boolean ignored, int flags, long mask, String handler) {

    public SignalDisposition {
        if (ignored != (handler == null)) throw new IllegalArgumentException("a handler, or ignored");
        Objects.checkIndex(signal - 1, RuntimeContract.SIGS_MAX_SIGNAL);
    }

    /** Whether talent carries this signal's disposition (not SIGKILL, SIGSTOP, or a signal talent uses). */
    public static boolean carried(long signal) {
        return signal >= 1 && signal <= RuntimeContract.SIGS_MAX_SIGNAL
                && (RuntimeContract.SIGS_OWN_MASK & (1L << (signal - 1))) == 0;
    }
}
