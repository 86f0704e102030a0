package dev.talent.format;

/**
 * The {@code WAIT} section: whether the checkpoint interrupted a timed blocking call (nanosleep, sleep, usleep, poll,
 * select with a timeout) and how long it still had to wait; the restarted program re-issues it for that long only.
 *
 * @param interrupted {@code has_remaining}
 * @param remainingNanos the remaining time in ns (u64), 0 when not interrupted
 */
public record PendingWait(boolean interrupted, long remainingNanos) {
    /** No interrupted call: what a file without a {@code WAIT} section means. */
    public static final PendingWait NONE = new PendingWait(false, 0);

    public PendingWait {
        if (!interrupted && remainingNanos != 0) {
            throw new IllegalArgumentException("remaining time without an interrupted call: " + remainingNanos + " ns");
        }
    }
}
