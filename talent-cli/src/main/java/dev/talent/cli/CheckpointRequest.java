package dev.talent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Asks a running talent program for a checkpoint by signalling it: SIGUSR2 writes one at the program's next
 * checkpoint site and keeps running, SIGUSR1 writes one and exits 75 (talent-runtime/src/main/c/README.md).
 * The signal is sent with kill(1): Java has no public API to send a signal other than SIGTERM/SIGKILL.
 */
public final class CheckpointRequest {

    public enum Kind {
        CONTINUE("USR2"), STOP("USR1");

        final String signal;

        Kind(String signal) { this.signal = signal; }

        public String signalName() { return "SIG" + signal; }
    }

    /** What became of the request. */
    public sealed interface Outcome {
        record Sent() implements Outcome {}
        record NoSuchProcess() implements Outcome {}
        record PermissionDenied() implements Outcome {}
        /** kill failed otherwise; {@code message} is its own. */
        record Failed(String message) implements Outcome {}
    }

    private CheckpointRequest() {}

    public static Outcome send(long pid, Kind kind) throws IOException, InterruptedException {
        if (ProcessHandle.of(pid).isEmpty()) return new Outcome.NoSuchProcess();
        Process kill = new ProcessBuilder(List.of("kill", "-s", kind.signal, Long.toString(pid)))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).start();
        String message = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int status = kill.waitFor();
        return outcome(status, message, ProcessHandle.of(pid).isPresent());
    }

    /** kill(1)'s status and message as an outcome; the process may also have ended between the check and kill. */
    static Outcome outcome(int killStatus, String killMessage, boolean processExists) {
        if (killStatus == 0) return new Outcome.Sent();
        if (killMessage.contains("Operation not permitted")) return new Outcome.PermissionDenied();
        if (killMessage.contains("No such process") || !processExists) return new Outcome.NoSuchProcess();
        return new Outcome.Failed(killMessage.isEmpty() ? "kill exited " + killStatus : killMessage);
    }
}
