package dev.talent.cli.bench;

import dev.talent.cli.CheckpointRequest;
import dev.talent.cli.RuntimeEnvironment;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.RuntimeContract;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Launcher;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformUnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code talent bench latency} (issue #4): how long a checkpoint request takes. The bundled latency.c is built
 * for x86_64 with {@code talent build}; for each way of waiting ({@link LatencyMode}), each request starts a fresh
 * process with TALENT_VERBOSE=1 and an empty checkpoint directory, waits for its "ready" line and a little
 * more (so that it is in its loop, nanosleep or accept), sends SIGUSR1, and expects exit 75, one checkpoint
 * file and the runtime's request-latency line, whose two times (measured by the runtime from the clock
 * reading in its signal handler) are the samples. A request that does not give all of that is a missing
 * sample, with its reason.
 */
public final class LatencyBench {

    public static final Platform PLATFORM = Platform.glibc(Isa.X86_64);

    private static final int EXIT_CHECKPOINT = RuntimeContract.EXIT_CHECKPOINT;
    private static final long READY_TIMEOUT_S = 10;
    private static final long EXIT_TIMEOUT_S = 10;
    /** After "ready": the program is then inside its loop, nanosleep (40 ms steps) or accept. */
    private static final long SETTLE_MS = 20;

    private final BenchWorkspace workspace;

    public LatencyBench(BenchWorkspace workspace) { this.workspace = workspace; }

    /** The outcome of one request. */
    sealed interface Outcome {
        record Measured(RuntimeTimings.RequestLatency latency) implements Outcome {}
        record Missing(String reason) implements Outcome {}
    }

    public LatencyReport run(List<LatencyMode> modes, int requests, boolean scaled)
            throws BenchFailedException, IOException, InterruptedException {
        if (workspace.usable(List.of(PLATFORM)).isEmpty()) {
            throw new BenchFailedException("x86_64 binaries cannot be built or run here; see `talent platforms`");
        }
        Path binary = workspace.buildInstrumented(workspace.extract("latency.c"), "latency", List.of(PLATFORM)).get(PLATFORM);
        Launcher launcher;
        try {
            launcher = Launcher.forPlatform(PLATFORM, workspace.probe());
        } catch (PlatformUnavailableException e) {
            throw new BenchFailedException(e.getMessage(), e);
        }
        List<LatencyReport.ModeResult> results = new ArrayList<>();
        for (LatencyMode mode : modes) {
            List<RuntimeTimings.RequestLatency> latencies = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (int k = 1; k <= requests; k++) {
                workspace.events().accept(new BenchEvent.Measuring(mode.description(), k, requests));
                switch (request(launcher, binary, mode)) {
                    case Outcome.Measured m -> latencies.add(m.latency());
                    case Outcome.Missing m -> missing.add(m.reason());
                }
            }
            LatencyReport.ModeResult result = new LatencyReport.ModeResult(mode, latencies, missing);
            if (latencies.isEmpty()) {
                throw new BenchFailedException("no request to the program " + mode.description() + " gave a latency: "
                        + String.join("; ", result.missingReasons().keySet()));
            }
            results.add(result);
        }
        return new LatencyReport(results, requests, LatencyReport.TARGET_MS, scaled);
    }

    private Outcome request(Launcher launcher, Path binary, LatencyMode mode) throws IOException, InterruptedException {
        Path checkpoints = workspace.freshDirectory("latency-checkpoints");
        Path stderr = workspace.root().resolve("latency-stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(launcher.command(binary, List.of(mode.argument())))
                .directory(workspace.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(stderr.toFile());
        new RuntimeEnvironment(PLATFORM, Optional.of(checkpoints), OptionalLong.empty(), false, OptionalInt.empty(), true)
                .isolated().applyTo(builder.environment());
        Process process = builder.start();
        try {
            return signalled(process, checkpoints, stderr);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
            process.getInputStream().close();
        }
    }

    private Outcome signalled(Process process, Path checkpoints, Path stderr) throws IOException, InterruptedException {
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first;
        try {
            first = CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(READY_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return new Outcome.Missing("no 'ready' line within " + READY_TIMEOUT_S + " s");
        } catch (ExecutionException e) {
            return new Outcome.Missing("reading its output failed: " + e.getCause().getMessage());
        }
        if (first == null) {
            return new Outcome.Missing("ended before 'ready' (exit status " + process.waitFor() + ")");
        }
        if (!first.startsWith("ready")) return new Outcome.Missing("printed '" + first + "' instead of 'ready'");
        Thread.sleep(SETTLE_MS);

        CheckpointRequest.Outcome sent = CheckpointRequest.send(process.pid(), CheckpointRequest.Kind.STOP);
        if (!(sent instanceof CheckpointRequest.Outcome.Sent)) return new Outcome.Missing("SIGUSR1 not delivered: " + sent);
        if (!process.waitFor(EXIT_TIMEOUT_S, TimeUnit.SECONDS)) {
            return new Outcome.Missing("still running " + EXIT_TIMEOUT_S + " s after SIGUSR1");
        }
        if (process.exitValue() != EXIT_CHECKPOINT) {
            return new Outcome.Missing("exit status " + process.exitValue() + " instead of " + EXIT_CHECKPOINT);
        }
        List<RuntimeTimings.RequestLatency> lines = RuntimeTimings.requestLatencies(Files.readString(stderr));
        if (lines.size() != 1) return new Outcome.Missing(lines.size() + " request-latency lines on stderr instead of 1");
        RuntimeTimings.RequestLatency latency = lines.getFirst();
        boolean written = CheckpointDirectory.list(checkpoints).stream()
                .anyMatch(e -> e.sequence().equals(BigInteger.valueOf(latency.sequence())));
        if (!written) return new Outcome.Missing("no checkpoint file with the sequence number of the latency line");
        return new Outcome.Measured(latency);
    }
}
