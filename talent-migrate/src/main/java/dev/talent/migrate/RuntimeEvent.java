package dev.talent.migrate;

import dev.talent.format.RuntimeContract;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line the talent runtime wrote to its event FIFO (talent-runtime README, "Events"): how the orchestrator
 * learns, without polling, that a checkpoint is on disk or could not be written, and that a restarted program
 * runs again.
 *
 * <p>The FIFO is written from inside the container, so a line is hostile input: only the exact grammar the
 * runtime writes is accepted ({@link #parse}), anything else is dropped by the {@link EventChannel}. An event is
 * only ever a hint about <em>when</em> something happened: a {@code checkpoint} line's file name is checked
 * against the grammar and then forgotten, since talent finds the checkpoint itself in the directory it owns.
 */
public sealed interface RuntimeEvent {

    /** The longest line accepted, newline excluded: a longer one is dropped whole (the runtime's are far shorter). */
    int MAX_LINE_BYTES = RuntimeContract.EVENT_MAX_LINE;

    /** When the line was read, {@link System#nanoTime()}. */
    long receivedNanos();

    record Started(String platform, long receivedNanos) implements RuntimeEvent {}

    record Ready(long sequence, String platform, long receivedNanos) implements RuntimeEvent {}

    /** A checkpoint was written, says the program; where it is, talent finds out itself. */
    record CheckpointWritten(long sequence, long receivedNanos) implements RuntimeEvent {}

    /** {@code message}: printable ASCII only, at most {@link #MAX_LINE_BYTES} characters. */
    record CheckpointFailed(String message, long receivedNanos) implements RuntimeEvent {}

    /** {@code status}: 0-255, or -1 for {@code exiting unknown}. */
    record Exiting(int status, long receivedNanos) implements RuntimeEvent {}

    /**
     * A pre-copy round's child wrote its image {@code image} of {@code bytes} bytes, and from the second round on its
     * delta from the round before, of {@code deltaBytes} bytes (-1 for the first round).
     */
    record Precopied(int round, String image, long bytes, long deltaBytes, long receivedNanos) implements RuntimeEvent {}

    /**
     * A destination started ahead with {@code TALENT_AHEAD=base} restored the pre-copy image {@code image} named on its
     * go FIFO ahead: {@code bytes} encoded bytes of large globals decoded into its memory, 0 when it could not use it.
     */
    record AheadRestored(String image, long bytes, long receivedNanos) implements RuntimeEvent {}

    /** Not a line: posted by talent when the container's process has ended (reaped) with this status. */
    record ProcessExited(String containerId, int status, long receivedNanos) implements RuntimeEvent {}

    Pattern PLATFORM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    Pattern SEQUENCE = Pattern.compile("0|[1-9][0-9]{0,18}");
    Pattern STARTED = Pattern.compile(RuntimeContract.EVENT_STARTED + " (" + PLATFORM + ")");
    Pattern READY = Pattern.compile(RuntimeContract.EVENT_READY + " (" + SEQUENCE + ") (" + PLATFORM + ")");
    Pattern CHECKPOINT = Pattern.compile(RuntimeContract.EVENT_CHECKPOINT + " (" + SEQUENCE + ") (?:"
            + RuntimeContract.checkpointNamePattern(19).pattern() + "|ckpt-[0-9]{6,19}\\.tdl)");
    Pattern PRECOPY = Pattern.compile(RuntimeContract.EVENT_PRECOPY + " ([1-9][0-9]{0,8}) ("
            + RuntimeContract.PRECOPY_IMAGE_NAME.pattern() + ") (" + SEQUENCE + ")(?: "
            + RuntimeContract.PRECOPY_DELTA_NAME.pattern() + " (" + SEQUENCE + "))?");
    Pattern AHEAD = Pattern.compile(RuntimeContract.EVENT_AHEAD + " (" + RuntimeContract.PRECOPY_IMAGE_NAME.pattern()
            + ") (" + SEQUENCE + ")");
    Pattern CHECKPOINT_FAILED = Pattern.compile(Pattern.quote(RuntimeContract.EVENT_CHECKPOINT_FAILED) + " ([\\x20-\\x7e]{1,236})");
    Pattern EXITING = Pattern.compile(RuntimeContract.EVENT_EXITING + " (0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5]|unknown)");

    /**
     * The event of one line (without its newline), or null when the line is not exactly one the runtime writes:
     * an unknown word, a field out of range, a second space, a control or non-ASCII character, or more than
     * {@link #MAX_LINE_BYTES} characters.
     */
    static RuntimeEvent parse(String line, long receivedNanos) {
        if (line.length() > MAX_LINE_BYTES) return null;
        try {
            return parseChecked(line, receivedNanos);
        } catch (NumberFormatException e) {
            return null; // a sequence beyond a signed 64-bit number
        }
    }

    private static RuntimeEvent parseChecked(String line, long receivedNanos) {
        Matcher m = STARTED.matcher(line);
        if (m.matches()) return new Started(m.group(1), receivedNanos);
        m = READY.matcher(line);
        if (m.matches()) {
            return new Ready(Long.parseLong(m.group(1)), m.group(2), receivedNanos);
        }
        m = CHECKPOINT.matcher(line);
        if (m.matches()) return new CheckpointWritten(Long.parseLong(m.group(1)), receivedNanos);
        m = PRECOPY.matcher(line);
        if (m.matches()) {
            return new Precopied(Integer.parseInt(m.group(1)), m.group(2), Long.parseLong(m.group(4)),
                    m.group(6) == null ? -1 : Long.parseLong(m.group(6)), receivedNanos);
        }
        m = AHEAD.matcher(line);
        if (m.matches()) return new AheadRestored(m.group(1), Long.parseLong(m.group(3)), receivedNanos);
        m = CHECKPOINT_FAILED.matcher(line);
        if (m.matches()) return new CheckpointFailed(m.group(1), receivedNanos);
        m = EXITING.matcher(line);
        if (m.matches()) {
            return new Exiting(m.group(1).equals("unknown") ? -1 : Integer.parseInt(m.group(1)), receivedNanos);
        }
        return null;
    }
}
