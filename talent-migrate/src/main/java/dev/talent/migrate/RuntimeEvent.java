package dev.talent.migrate;

/**
 * One line the talent runtime wrote to its event file (talent-runtime README, "Events"): how the orchestrator
 * learns, without polling, that a checkpoint is on disk or could not be written, and that a restarted program
 * runs again.
 */
public sealed interface RuntimeEvent {

    /** When the line was read, {@link System#nanoTime()}. */
    long receivedNanos();

    record Started(String platform, long receivedNanos) implements RuntimeEvent {}

    record Ready(long sequence, String platform, long receivedNanos) implements RuntimeEvent {}

    record CheckpointWritten(long sequence, String file, long receivedNanos) implements RuntimeEvent {}

    record CheckpointFailed(String message, long receivedNanos) implements RuntimeEvent {}

    record Exiting(int status, long receivedNanos) implements RuntimeEvent {}

    /** Not a line: posted by talent when the container's process has ended (reaped) with this status. */
    record ProcessExited(String containerId, int status, long receivedNanos) implements RuntimeEvent {}

    /** A line of a newer runtime that this orchestrator does not know; kept for the log. */
    record Other(String line, long receivedNanos) implements RuntimeEvent {}

    static RuntimeEvent parse(String line, long receivedNanos) {
        String[] w = line.strip().split(" ", 3);
        try {
            return switch (w[0]) {
                case "started" -> new Started(w.length > 1 ? w[1] : "", receivedNanos);
                case "ready" -> new Ready(Long.parseLong(w[1]), w.length > 2 ? w[2] : "", receivedNanos);
                case "checkpoint" -> new CheckpointWritten(Long.parseLong(w[1]), w[2], receivedNanos);
                case "checkpoint-failed" -> new CheckpointFailed(line.strip().substring("checkpoint-failed".length()).strip(),
                        receivedNanos);
                case "exiting" -> new Exiting(Integer.parseInt(w[1]), receivedNanos);
                default -> new Other(line, receivedNanos);
            };
        } catch (RuntimeException e) {
            return new Other(line, receivedNanos);
        }
    }
}
