package dev.talent.cli.bench;

import dev.talent.cli.RuntimeEnvironment;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.RuntimeContract;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint on one platform, restore on others: the core of {@code talent bench checkpoint} and {@code heap}.
 * The program is built for the writer and every reader; one untimed uninterrupted run on the writer gives the
 * reference output. Each run then (optionally) runs the program uninterrupted on every reader, writes a
 * checkpoint on the writer at the {@code stopAfter}-th site visit, and restores that same checkpoint on every
 * reader; the measurements of one run are taken back to back so noise spreads over all of them. The output of
 * every uninterrupted run, and of the writer's run followed by each restore, must equal the reference.
 */
public final class RoundTripBench {

    private static final int EXIT_CHECKPOINT = RuntimeContract.EXIT_CHECKPOINT;
    /** The line a bundled program prints on stderr after building its state: {@code <name>: built ... in T ms}. */
    private static final Pattern BUILT = Pattern.compile("^\\w+: built .* in (\\d+(?:\\.\\d+)?) ms$", Pattern.MULTILINE);

    /**
     * One benchmark.
     *
     * @param resource    the bundled C source (a resource of this package)
     * @param stopAfter   the site visit to checkpoint at
     * @param fromScratch whether to also run uninterrupted on every reader; the program must then print its {@link #BUILT} line
     * @param prelude     text put before the source (a {@code #define} of its size), empty for none
     */
    public record Spec(String name, String resource, List<String> arguments, long stopAfter, Platform writer,
                       List<Platform> readers, boolean fromScratch, String prelude) {
        public Spec {
            arguments = List.copyOf(arguments);
            readers = List.copyOf(readers);
        }

        public Spec(String name, String resource, List<String> arguments, long stopAfter, Platform writer,
                    List<Platform> readers, boolean fromScratch) {
            this(name, resource, arguments, stopAfter, writer, readers, fromScratch, "");
        }
    }

    private final BenchWorkspace workspace;

    public RoundTripBench(BenchWorkspace workspace) { this.workspace = workspace; }

    /** The build time a bundled program reported on stderr. */
    public static Optional<Double> buildTimeMs(String stderr) {
        Matcher m = BUILT.matcher(stderr.replace("\r\n", "\n"));
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }

    public RoundTripReport run(Spec spec, int runs) throws BenchFailedException, IOException, InterruptedException {
        if (workspace.usable(List.of(spec.writer())).isEmpty()) {
            throw new BenchFailedException(spec.writer() + " binaries cannot be built or run here; see `talent platforms`");
        }
        List<Platform> readers = workspace.usable(spec.readers());
        if (readers.isEmpty()) throw new BenchFailedException("no platform to restore on can be built and run here");
        List<Platform> platforms = Stream.concat(Stream.of(spec.writer()), readers.stream()).distinct().toList();
        Path source = workspace.extract(spec.resource());
        if (!spec.prelude().isEmpty()) {
            Path variant = source.resolveSibling(spec.name() + ".c");
            Files.writeString(variant, spec.prelude() + Files.readString(source));
            source = variant;
        }
        Map<Platform, Path> binaries = workspace.buildInstrumented(source, spec.name(), platforms);

        TimedRun reference = workspace.run(spec.writer(), binaries.get(spec.writer()), spec.arguments(),
                environment(spec.writer(), Optional.empty(), OptionalLong.empty(), false));
        if (reference.exitCode() != 0) throw BenchWorkspace.unexpected("the uninterrupted run on " + spec.writer(), reference);
        String expected = reference.stdout();

        WriteSamples write = new WriteSamples();
        Map<Platform, RestoreSamples> restores = new LinkedHashMap<>();
        Map<Platform, ScratchSamples> scratch = new LinkedHashMap<>();
        readers.forEach(p -> restores.put(p, new RestoreSamples()));
        if (spec.fromScratch()) readers.forEach(p -> scratch.put(p, new ScratchSamples()));

        for (int run = 1; run <= runs; run++) {
            workspace.events().accept(new BenchEvent.Measuring(spec.name(), run, runs));
            for (Platform reader : scratch.keySet()) {
                TimedRun whole = workspace.run(reader, binaries.get(reader), spec.arguments(),
                        environment(reader, Optional.empty(), OptionalLong.empty(), false));
                expectOutput("the uninterrupted run on " + reader, whole, 0, expected);
                double built = buildTimeMs(whole.stderr()).orElseThrow(() -> new BenchFailedException(
                        spec.resource() + " on " + reader + " did not report its build time on stderr:\n" + whole.stderr()));
                scratch.get(reader).add(built, whole.wallMs());
            }
            Path checkpoints = workspace.freshDirectory("checkpoints");
            TimedRun writing = workspace.run(spec.writer(), binaries.get(spec.writer()), spec.arguments(),
                    environment(spec.writer(), Optional.of(checkpoints), OptionalLong.of(spec.stopAfter()), false));
            if (writing.exitCode() != EXIT_CHECKPOINT) {
                throw BenchWorkspace.unexpected("the run checkpointing at site visit " + spec.stopAfter() + " on " + spec.writer(), writing);
            }
            List<RuntimeTimings.CheckpointWritten> written = RuntimeTimings.checkpointsWritten(writing.stderr());
            if (written.size() != 1) {
                throw new BenchFailedException("expected one 'checkpoint N written' line from the runtime, found "
                        + written.size() + ":\n" + writing.stderr());
            }
            List<CheckpointDirectory.Entry> files = CheckpointDirectory.list(checkpoints);
            if (files.size() != 1) throw new BenchFailedException("expected one checkpoint file, found " + files.size());
            write.add(written.getFirst(), writing.wallMs(), Files.size(files.getFirst().file()));
            String rest = remainder(expected, writing.stdout(), spec);

            for (Platform reader : readers) {
                TimedRun restoring = workspace.run(reader, binaries.get(reader), List.of(),
                        environment(reader, Optional.of(checkpoints), OptionalLong.empty(), true));
                expectOutput("the restore on " + reader, restoring, 0, rest);
                RuntimeTimings.Restored restored = RuntimeTimings.restored(restoring.stderr()).orElseThrow(() ->
                        new BenchFailedException("no 'restored checkpoint' line from the runtime on " + reader + ":\n"
                                + restoring.stderr()));
                restores.get(reader).add(restored, restoring.wallMs());
            }
        }
        return new RoundTripReport(spec.name(), spec.arguments(), runs, spec.writer(), write.report(),
                restores.entrySet().stream().map(e -> e.getValue().report(e.getKey(), workspace.emulated(e.getKey()))).toList(),
                scratch.entrySet().stream().map(e -> e.getValue().report(e.getKey(), workspace.emulated(e.getKey()))).toList());
    }

    /** The writer's output must begin the reference output; a restore must print the rest. */
    private static String remainder(String expected, String writerOutput, Spec spec) throws BenchFailedException {
        if (!expected.startsWith(writerOutput)) {
            throw new BenchFailedException("the run of " + spec.name() + " that wrote the checkpoint printed\n" + writerOutput
                    + "which does not begin the uninterrupted output\n" + expected);
        }
        return expected.substring(writerOutput.length());
    }

    private static void expectOutput(String what, TimedRun run, int exitCode, String expected) throws BenchFailedException {
        if (run.exitCode() != exitCode) throw BenchWorkspace.unexpected(what, run);
        if (!run.stdout().equals(expected)) {
            throw new BenchFailedException(what + " printed\n" + run.stdout() + "instead of\n" + expected);
        }
    }

    /** Only the variables given here reach the program (verbose always on: the timing lines are the measurement). */
    private static EnvironmentChange environment(Platform platform, Optional<Path> checkpoints, OptionalLong stopAfter,
                                                 boolean restart) {
        return new RuntimeEnvironment(platform, checkpoints, stopAfter, restart, OptionalInt.empty(), true).isolated();
    }

    private static final class WriteSamples {
        final List<Double> total = new ArrayList<>(), collect = new ArrayList<>(), encode = new ArrayList<>(),
                write = new ArrayList<>(), process = new ArrayList<>();
        RuntimeTimings.CheckpointWritten last;
        long fileBytes;

        void add(RuntimeTimings.CheckpointWritten line, double processMs, long bytes) {
            total.add(line.totalMs());
            collect.add(line.collectMs());
            encode.add(line.encodeMs());
            write.add(line.writeMs());
            process.add(processMs);
            last = line;
            fileBytes = bytes;
        }

        RoundTripReport.Write report() {
            return new RoundTripReport.Write(new Samples(total), new Samples(collect), new Samples(encode),
                    new Samples(write), new Samples(process), last.sizeMiB(), last.heapBlocks(), fileBytes);
        }
    }

    private static final class RestoreSamples {
        final List<Double> total = new ArrayList<>(), read = new ArrayList<>(), heap = new ArrayList<>(),
                globalsFrames = new ArrayList<>(), process = new ArrayList<>();

        void add(RuntimeTimings.Restored line, double processMs) {
            total.add(line.totalMs());
            read.add(line.readMs());
            heap.add(line.heapMs());
            globalsFrames.add(line.globalsFramesMs());
            process.add(processMs);
        }

        RoundTripReport.Restore report(Platform platform, boolean emulated) {
            return new RoundTripReport.Restore(platform, emulated, new Samples(total), new Samples(read), new Samples(heap),
                    new Samples(globalsFrames), new Samples(process));
        }
    }

    private static final class ScratchSamples {
        final List<Double> build = new ArrayList<>(), process = new ArrayList<>();

        void add(double buildMs, double processMs) {
            build.add(buildMs);
            process.add(processMs);
        }

        RoundTripReport.FromScratch report(Platform platform, boolean emulated) {
            return new RoundTripReport.FromScratch(platform, emulated, new Samples(build), new Samples(process));
        }
    }
}
