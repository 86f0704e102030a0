package dev.talent.cli;

import dev.talent.format.SafeText;
import dev.talent.migrate.control.MigrationRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One migration as one line: {@code app: x86_64 -> s390x ok, downtime 38 ms (safe point 3, checkpoint 2, sync 4,
 * start 12, restore 9)} or {@code app: x86_64 -> s390x failed at step sync: MESSAGE}. Used by
 * {@code talent migrate}, {@code talent status APP} and {@code talent run}'s progress lines.
 */
public final class MigrationLine {
    private MigrationLine() {}

    /** The line with the app's name in front. */
    public static String of(MigrationRecord record) {
        return SafeText.escape(record.app()) + ": " + body(record);
    }

    /** The line without the app's name. A multi-line error (a container log tail) continues indented. */
    static String body(MigrationRecord record) {
        // Names and the error (a container's log tail: the program's own output) are shown escaped (SafeText).
        StringBuilder line = new StringBuilder(SafeText.escape(record.from())).append(" -> ").append(SafeText.escape(record.to()));
        if (record.ok()) {
            line.append(" ok");
            if (record.downtimeMs() != null) line.append(", downtime ").append(millis(record.downtimeMs())).append(" ms");
            String steps = steps(record);
            if (!steps.isEmpty()) line.append(" (").append(steps).append(')');
            if (record.netMs() != null) {
                line.append(", network ").append(millis(record.netMs())).append(" ms, ").append(record.sockets())
                        .append(record.sockets() == 1 ? " socket" : " sockets");
            }
        } else {
            line.append(" failed at step ").append(SafeText.escape(record.failedStep())).append(": ")
                    .append(Arrays.stream(record.error().strip().split("\r?\n")).map(SafeText::escape)
                            .collect(Collectors.joining("\n    ")));
        }
        return line.toString();
    }

    /** The step timings that were reached, in pipeline order. */
    static String steps(MigrationRecord record) {
        List<String> parts = new ArrayList<>();
        step(parts, "safe point", record.safePointMs());
        step(parts, "checkpoint", record.checkpointMs());
        step(parts, "sync", record.syncMs());
        step(parts, "start", record.startMs());
        step(parts, "restore", record.restoreMs());
        return String.join(", ", parts);
    }

    private static void step(List<String> parts, String name, Double ms) {
        if (ms != null) parts.add(name + " " + millis(ms));
    }

    /** Whole milliseconds from 10 ms up; below, one decimal where it says something (0.4, 3, 3.5). */
    static String millis(double ms) {
        if (ms >= 10) return String.valueOf(Math.round(ms));
        String oneDecimal = String.format(Locale.ROOT, "%.1f", ms);
        return oneDecimal.endsWith(".0") ? oneDecimal.substring(0, oneDecimal.length() - 2) : oneDecimal;
    }
}
