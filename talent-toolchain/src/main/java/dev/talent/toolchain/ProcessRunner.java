package dev.talent.toolchain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Starts external processes: either sharing this process's stdin/stdout/stderr, or capturing the output. */
public final class ProcessRunner {

    private ProcessRunner() {}

    /** Runs the command with inherited standard streams and returns its exit status. */
    public static int runInheritingIO(List<String> command, EnvironmentChange env, Path workingDirectory)
            throws IOException, InterruptedException {
        return waitFor(builder(command, env, workingDirectory).inheritIO().start());
    }

    /** Waits for the process's exit status; an interrupted wait does not leave the process running. */
    public static int waitFor(Process process) throws InterruptedException {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            throw e;
        }
    }

    /** Runs the command with empty stdin, capturing stdout and stderr separately. */
    public static CapturedRun capture(List<String> command, EnvironmentChange env, Path workingDirectory)
            throws IOException, InterruptedException {
        ProcessBuilder builder = builder(command, env, workingDirectory)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process process = builder.start();
        try {
            // Both pipes are drained concurrently so a chatty child cannot block on a full pipe.
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String stdout = readAll(process.getInputStream());
            int exit = process.waitFor();
            return new CapturedRun(command, exit, stdout, stderr.join());
        } catch (InterruptedException e) {
            process.destroy();
            throw e;
        }
    }

    private static ProcessBuilder builder(List<String> command, EnvironmentChange env, Path workingDirectory) {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workingDirectory != null) builder.directory(workingDirectory.toFile());
        env.applyTo(builder.environment());
        return builder;
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
