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

    /** For failure messages: the command, its exit status and (the end of) its stderr. */
    String describe() {
        String err = stderrText();
        if (err.length() > 6000) err = "..." + err.substring(err.length() - 6000);
        return "command: " + String.join(" ", command) + "\nexit status: " + exitCode
                + "\nstderr:\n" + (err.isBlank() ? "  (empty)" : err.indent(2));
    }
}
