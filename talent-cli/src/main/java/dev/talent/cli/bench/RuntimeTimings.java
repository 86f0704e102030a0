package dev.talent.cli.bench;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timing lines the runtime prints with TALENT_VERBOSE=1 (format in talent-runtime/src/main/c/README.md,
 * "TALENT_VERBOSE=1 timing lines"). Times are milliseconds, sizes MiB.
 */
public final class RuntimeTimings {

    private static final String NUMBER = "(\\d+(?:\\.\\d+)?)";
    private static final Pattern WRITTEN = Pattern.compile(
            "^talent: checkpoint (\\d+) written: " + NUMBER + " MiB, (\\d+) heap blocks, " + NUMBER
                    + " ms \\(collect " + NUMBER + ", encode " + NUMBER + ", write\\+fsync " + NUMBER + "\\)$",
            Pattern.MULTILINE);
    private static final Pattern RESTORED = Pattern.compile(
            "^talent: restored checkpoint (\\d+) from (\\S+): " + NUMBER + " ms \\(" + NUMBER + " MiB, (\\d+) heap blocks; "
                    + "read\\+validate " + NUMBER + ", heap " + NUMBER + ", globals\\+frames " + NUMBER + "\\)$",
            Pattern.MULTILINE);

    private static final Pattern LATENCY = Pattern.compile(
            "^talent: request latency: " + NUMBER + " ms from signal to checkpoint (\\d+) written \\(" + NUMBER
                    + " ms to the site that took it\\)$",
            Pattern.MULTILINE);

    private RuntimeTimings() {}

    /** {@code talent: checkpoint <seq> written: ...}. */
    public record CheckpointWritten(long sequence, double sizeMiB, long heapBlocks, double totalMs, double collectMs,
                                    double encodeMs, double writeMs) {}

    /** {@code talent: restored checkpoint <seq> from <platform>: ...}. */
    public record Restored(long sequence, String writerPlatform, double totalMs, double sizeMiB, long heapBlocks,
                           double readMs, double heapMs, double globalsFramesMs) {}

    /**
     * {@code talent: request latency: ...}: for a checkpoint taken because of a signal, the time from the signal
     * handler's clock reading to the checkpoint file renamed into place, and to the site that took it.
     */
    public record RequestLatency(long sequence, double toWrittenMs, double toSiteMs) {}

    /** The request-latency lines of a process's stderr, in order. */
    public static List<RequestLatency> requestLatencies(String stderr) {
        return LATENCY.matcher(normalized(stderr)).results().map(m -> new RequestLatency(
                Long.parseLong(m.group(2)), number(m, 1), number(m, 3))).toList();
    }

    /** The checkpoint-written lines of a process's stderr, in order. */
    public static List<CheckpointWritten> checkpointsWritten(String stderr) {
        return WRITTEN.matcher(normalized(stderr)).results().map(m -> new CheckpointWritten(
                Long.parseLong(m.group(1)), number(m, 2), Long.parseLong(m.group(3)), number(m, 4), number(m, 5),
                number(m, 6), number(m, 7))).toList();
    }

    /** The restore line of a process's stderr (a process restores at most once). */
    public static Optional<Restored> restored(String stderr) {
        Matcher m = RESTORED.matcher(normalized(stderr));
        if (!m.find()) return Optional.empty();
        return Optional.of(new Restored(Long.parseLong(m.group(1)), m.group(2), number(m, 3), number(m, 4),
                Long.parseLong(m.group(5)), number(m, 6), number(m, 7), number(m, 8)));
    }

    private static String normalized(String text) { return text.replace("\r\n", "\n"); }

    private static double number(java.util.regex.MatchResult m, int group) { return Double.parseDouble(m.group(group)); }
}
