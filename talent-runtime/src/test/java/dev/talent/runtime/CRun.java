package dev.talent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a compiler or a C test program of the ITs that check one runtime file alone. */
final class CRun {
    private CRun() {}

    /** Exit status, a newline, then stdout and stderr together; the log is kept in {@code work}. */
    static String run(Path work, List<String> command) throws IOException, InterruptedException {
        Path log = work.resolve("log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return p.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
    }
}
