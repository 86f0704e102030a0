package dev.talent.cli.bench;

import dev.talent.cli.ExitCodes;
import dev.talent.cli.Instrumenter;
import dev.talent.cli.ProgramBuilder;
import dev.talent.cli.TalentDirectories;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.RuntimeLibrary;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code talent bench}: benchmarks measured side by side in one run, printed as medians and ratios on stdout
 * (progress goes to stderr). They are commands, not timed tests: this machine is shared and noisy.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: instrumentation overhead, checkpoint/restore time of a 64 MiB array and of a 1M-node tree,"
                + " latency of checkpoint requests, final environment sync vs rsync, live-migration downtime, fuzzing of the checkpoint readers.",
        subcommands = {BenchCommand.Overhead.class, BenchCommand.Checkpoint.class, BenchCommand.Heap.class,
                BenchCommand.Latency.class, SyncBenchCommand.class, MigrationBenchCommand.class,
                FuzzBenchCommand.class, CsmithBenchCommand.class, AlertBenchCommand.class, StartupBenchCommand.class, FleetBenchCommand.class,
                BenchCommand.Precopy.class, NetworkBenchCommand.class})
public final class BenchCommand implements Runnable {

    static final Platform X86_64 = Platform.glibc(Isa.X86_64);

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new ParameterException(spec.commandLine(), "missing benchmark: overhead, checkpoint, heap, latency, sync, migration, precopy, network, fuzz, csmith, alerts, startup or fleet");
    }

    /** What the benchmarks share: the workspace, progress on stderr, and failures rendered as messages. */
    abstract static class Benchmark implements Callable<Integer> {

        @Spec CommandSpec spec;

        abstract String name();

        abstract int minimumRuns();

        abstract int runs();

        /** The option that sets {@link #runs()}. */
        String runsOption() { return "--runs"; }

        /** Runs the benchmark in the workspace and returns the report text. */
        abstract String measure(BenchWorkspace workspace) throws BenchFailedException, IOException, InterruptedException;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (runs() < minimumRuns()) {
                throw new ParameterException(spec.commandLine(), runsOption() + " must be at least " + minimumRuns() + ", not " + runs());
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ProgramBuilder builder = new ProgramBuilder(ToolchainProbe.ofHost(),
                    RuntimeLibrary.fromClasspath(TalentDirectories.cache()), Instrumenter.checkpointCompiler());
            boolean tty = dev.talent.cli.Terminals.stderrIsTerminal();
            try (BenchWorkspace workspace = BenchWorkspace.create(ToolchainProbe.ofHost(), builder, event -> {
                // progress on a terminal only; a platform left out is said always
                if (!tty && !(event instanceof BenchEvent.PlatformSkipped)) return;
                err.println(BenchReportRenderer.progress(event));
                err.flush();
            })) {
                String report = measure(workspace);
                out.print(report);
                out.flush();
                return ExitCodes.OK;
            } catch (BenchFailedException e) {
                err.println("talent bench " + name() + ": " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(name = "overhead", mixinStandardHelpOptions = true,
            description = "Instrumented vs plain gcc -O2 binaries of compute kernels on x86_64, no checkpoint taken: median wall times,"
                    + " their ratio with a 95%% bootstrap interval, and whether it meets the target <= 1.03 (ok, OVER, or noise).")
    static final class Overhead extends Benchmark {

        /**
         * 12 pairs (3 in each of the 4 code layouts) take about 55 s for the five kernels; more pairs narrow the
         * interval (roughly by their square root).
         */
        @Option(names = "--runs", paramLabel = "N", description = "Runs of each binary, in pairs (default ${DEFAULT-VALUE}, at least 5).")
        int runs = 12;

        @Option(names = "--kernels", split = ",", paramLabel = "LIST", description = "Kernels to run (default: all of nbody, spectral, sieve, primes, mandelbrot, bintrees, list, matmul, hash).")
        List<String> kernels = List.of();

        /** Scales each kernel's work (for quick checks such as BenchIT); 1 = about 0.3-0.6 s per run. */
        @Option(names = "--scale", hidden = true, paramLabel = "S")
        double scale = 1.0;

        @Override String name() { return "overhead"; }

        @Override int minimumRuns() { return 5; }

        @Override int runs() { return runs; }

        @Override
        String measure(BenchWorkspace workspace) throws BenchFailedException, IOException, InterruptedException {
            List<Kernel> chosen;
            try {
                chosen = Kernel.parseList(kernels);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (!(scale > 0)) throw new ParameterException(spec.commandLine(), "--scale must be positive");
            return BenchReportRenderer.overhead(new OverheadBench(workspace).run(chosen, runs, scale));
        }
    }

    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = "Checkpoint write (x86_64) and restore time and throughput of a global array of doubles (64 MiB,"
                    + " or each size of --mib), restored on x86_64, aarch64, s390x and i686, next to memcpy of the same bytes"
                    + " and writing them to the same disk.")
    static final class Checkpoint extends Benchmark {

        @Option(names = "--runs", paramLabel = "N", description = "Runs (default ${DEFAULT-VALUE}, at least 3).")
        int runs = 5;

        @Option(names = "--mib", paramLabel = "M[,M...]", split = ",",
                description = "Array sizes in MiB (default 64; at most " + MAX_MIB + ": a checkpoint is at most 2 GiB).")
        List<Integer> mib = List.of(64);

        static final int MAX_MIB = 1536;

        @Override String name() { return "checkpoint"; }

        @Override int minimumRuns() { return 3; }

        @Override int runs() { return runs; }

        @Override
        String measure(BenchWorkspace workspace) throws BenchFailedException, IOException, InterruptedException {
            for (int m : mib) {
                if (m < 1 || m > MAX_MIB) throw new ParameterException(spec.commandLine(), "--mib: " + m + " is not from 1 to " + MAX_MIB);
            }
            StringBuilder out = new StringBuilder();
            List<RoundTripReport> reports = new java.util.ArrayList<>();
            List<RawBaseline> baselines = new java.util.ArrayList<>();
            for (int m : mib.stream().distinct().toList()) {
                // 3 passes over the array; the checkpoint is taken at the head of the second pass.
                RoundTripBench.Spec bench = new RoundTripBench.Spec("array" + m, "array64.c", List.of("3"), 2, X86_64,
                        List.of(X86_64, Platform.glibc(Isa.AARCH64), Platform.glibc(Isa.S390X), Platform.glibc(Isa.I686)), false,
                        m == 64 ? "" : "#define ARRAY_MIB " + m + "\n");
                RoundTripReport report = new RoundTripBench(workspace).run(bench, runs);
                reports.add(report);
                baselines.add(RawBaseline.measure(workspace.freshDirectory("raw-baseline"), report.write().fileBytes(), runs));
                out.append(BenchReportRenderer.roundTrip(report, "checkpoint")).append(System.lineSeparator());
            }
            out.append(BenchReportRenderer.throughput(reports, baselines));
            return out.toString();
        }
    }

    @Command(name = "heap", mixinStandardHelpOptions = true,
            description = "Checkpoint and restore time and size of a binary tree of N heap nodes (x86_64 -> x86_64, aarch64), beside the time to build the tree from scratch,"
                    + " and throughput next to memcpy of the same bytes and writing them to the same disk.")
    static final class Heap extends Benchmark {

        @Option(names = "--runs", paramLabel = "N", description = "Runs (default ${DEFAULT-VALUE}, at least 3).")
        int runs = 5;

        @Option(names = "--nodes", split = ",", paramLabel = "N", description = "Nodes of the tree, one run of the bench per value (default ${DEFAULT-VALUE}).")
        List<Long> nodes = List.of(1_000_000L);

        @Override String name() { return "heap"; }

        @Override int minimumRuns() { return 3; }

        @Override int runs() { return runs; }

        @Override
        String measure(BenchWorkspace workspace) throws BenchFailedException, IOException, InterruptedException {
            if (nodes.isEmpty() || nodes.stream().anyMatch(n -> n < 1)) {
                throw new ParameterException(spec.commandLine(), "--nodes must be at least 1");
            }
            StringBuilder out = new StringBuilder();
            List<RoundTripReport> reports = new java.util.ArrayList<>();
            List<RawBaseline> baselines = new java.util.ArrayList<>();
            for (long n : nodes) {
                // 3 walks of the tree; the checkpoint is taken at the head of the second walk.
                RoundTripBench.Spec bench = new RoundTripBench.Spec("tree", "tree.c", List.of(Long.toString(n), "3"), 2,
                        X86_64, List.of(X86_64, Platform.glibc(Isa.AARCH64)), true);
                if (nodes.size() > 1) out.append(String.format("%n%,d nodes%n", n));
                RoundTripReport report = new RoundTripBench(workspace).run(bench, runs);
                reports.add(report);
                // the same bytes copied in memory and written to the same disk, in the same run (issue 13)
                baselines.add(RawBaseline.measure(workspace.freshDirectory("raw-baseline"), report.write().fileBytes(), runs));
                out.append(BenchReportRenderer.roundTrip(report, "heap"));
            }
            out.append(System.lineSeparator()).append(BenchReportRenderer.throughput(reports, baselines));
            return out.toString();
        }
    }

    @Command(name = "precopy", mixinStandardHelpOptions = true,
            description = "Downtime of a stop and restart (x86_64) of a program whose state (--state-mib) is rewritten at 1 %%/s,"
                    + " with and without pre-copy (TALENT_PRECOPY: rounds by fork, the stop written as a delta), side by side.")
    static final class Precopy extends Benchmark {

        @Option(names = "--runs", paramLabel = "N", description = "Runs per size and mode (default ${DEFAULT-VALUE}).")
        int runs = 3;

        @Option(names = "--state-mib", paramLabel = "M[,M...]", split = ",",
                description = "State sizes in MiB (default 1,64,1024; at most " + Checkpoint.MAX_MIB + ").")
        List<Integer> mib = List.of(1, 64, 1024);

        @Option(names = "--dirty", paramLabel = "track|stop|off[,...]", split = ",",
                description = "Dirty-page tracking of the pre-copy runs (TALENT_DIRTY; default ${DEFAULT-VALUE}): track in"
                        + " the rounds after the first and at the stop, stop only at the stop (every round encodes and"
                        + " compares all of its state), off nowhere; each value after the first is one more pre-copy"
                        + " mode, side by side.")
        List<String> dirty = List.of("track");

        @Option(names = "--ahead", paramLabel = "populate|base|off[,...]|none", split = ",",
                description = "One more mode per value, pre-copy with the destination started ahead (waiting for its go on"
                        + " a FIFO), whose runtime meanwhile populates the program's large globals (populate), also"
                        + " restores the last round's image into them (base), or neither (off); none: no such mode"
                        + " (default ${DEFAULT-VALUE}).")
        List<String> ahead = List.of("populate");

        @Option(names = "--heap",
                description = "Also measure each size with the state in the heap (a tree of 512-byte nodes, one malloc"
                        + " each) instead of a global array, side by side.")
        boolean heap;

        @Override String name() { return "precopy"; }

        @Override int minimumRuns() { return 1; }

        @Override int runs() { return runs; }

        @Override
        String measure(BenchWorkspace workspace) throws BenchFailedException, IOException, InterruptedException {
            for (int m : mib) {
                if (m < 1 || m > Checkpoint.MAX_MIB) {
                    throw new ParameterException(spec.commandLine(), "--state-mib: " + m + " is not from 1 to " + Checkpoint.MAX_MIB);
                }
            }
            for (String d : dirty) {
                if (!List.of("track", "stop", "off").contains(d)) {
                    throw new ParameterException(spec.commandLine(), "--dirty: " + d + " is not track, stop or off");
                }
            }
            for (String a : ahead) {
                if (!List.of("populate", "base", "off").contains(a) && !(a.equals("none") && ahead.size() == 1)) {
                    throw new ParameterException(spec.commandLine(), "--ahead: " + a + " is not populate, base or off (or none"
                            + " alone)");
                }
            }
            return new PrecopyBench(workspace, dirty.stream().distinct().toList(), ahead.equals(List.of("none")) ? List.of() : ahead.stream().distinct().toList(),
                    heap).run(mib.stream().distinct().toList(), runs);
        }
    }

    @Command(name = "latency", mixinStandardHelpOptions = true,
            description = "Time from SIGUSR1 to the checkpoint written, and to the site taking it, on x86_64 for a compute loop"
                    + " and for a program blocked in nanosleep() and in accept(): median and p99 (target <= 10 ms).")
    static final class Latency extends Benchmark {

        @Option(names = "--requests", paramLabel = "N",
                description = "Requests per mode, each to a fresh process (default ${DEFAULT-VALUE}, at least 50).")
        int requests = LatencyReport.MINIMUM_REQUESTS;

        /** Allows fewer requests than issue #4 asks for (quick checks such as BenchIT); the report says so. */
        @Option(names = "--scale", hidden = true)
        boolean scaled;

        @Override String name() { return "latency"; }

        @Override int minimumRuns() { return scaled ? 1 : LatencyReport.MINIMUM_REQUESTS; }

        @Override int runs() { return requests; }

        @Override String runsOption() { return "--requests"; }

        @Override
        String measure(BenchWorkspace workspace) throws BenchFailedException, IOException, InterruptedException {
            return BenchReportRenderer.latency(new LatencyBench(workspace).run(List.of(LatencyMode.values()), requests,
                    scaled && requests < LatencyReport.MINIMUM_REQUESTS));
        }
    }
}
