package dev.talent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external commands (the talent CLI, gcc, the plain programs) with their output captured in files. */
final class Processes {
    private Processes() {}

    static ProcessResult run(List<String> command, Path workDir, Duration timeout) {
        try {
            Files.createDirectories(workDir);
            // files, not pipes: a chatty process can never block on a full pipe while we wait for it
            Path out = Files.createTempFile("talent-it-", ".stdout");
            Path err = Files.createTempFile("talent-it-", ".stderr");
            try {
                Process process = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command)
                            + "\nstderr so far:\n" + Files.readString(err).indent(2));
                }
                return new ProcessResult(List.copyOf(command), process.exitValue(), Files.readAllBytes(out),
                        Files.readAllBytes(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }
}
