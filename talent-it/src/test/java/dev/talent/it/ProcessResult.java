package dev.talent.it;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** What one finished process did: its command line, exit status and the complete stdout and stderr. */
@SuppressWarnings("ArrayRecordComponent") // the output is read as text or bytes, never compared or hashed as a record
record ProcessResult(List<String> command, int exitCode, byte[] stdout, byte[] stderr) {

    String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /**
     * For failure messages: the command, its exit status, (the end of) its stderr and of its stdout (a command may say
     * why it failed on stdout: without it a failure can look silent).
     */
    String describe() {
        String err = stderrText();
        if (err.length() > 6000) err = "..." + err.substring(err.length() - 6000);
        String out = stdoutText();
        if (out.length() > 2000) out = "..." + out.substring(out.length() - 2000);
        return "command: " + String.join(" ", command) + "\nexit status: " + exitCode
                + "\nstderr:\n" + (err.isBlank() ? "  (empty)" : err.indent(2))
                + "stdout:\n" + (out.isBlank() ? "  (empty)" : out.indent(2));
    }
}
