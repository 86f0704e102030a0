package dev.talent.cli.bench;

import dev.talent.cli.RuntimeEnvironment;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * {@code talent bench overhead}: the cost of instrumentation when no checkpoint is taken. Each kernel is built
 * twice for x86_64 (talent build, and plain gcc with the same flags); after one untimed warm-up of each, the
 * two binaries run in pairs, back to back, so that load from other jobs on this machine hits both alike. The
 * order within a pair alternates (pair 1: instrumented then plain; pair 2: plain then instrumented; ...), so
 * that whatever differs between the first and the second slot of a pair (caches, frequency, a job starting
 * periodically) does not favour one binary. Each kernel is built in several code layouts
 * ({@link #LAYOUT_SHIFTS}); pair {@code i} runs both binaries of layout {@code i mod layouts}. The pairs are
 * what {@link RatioInterval} resamples. Every run's output must equal the warm-up output of the plain binary.
 */
public final class OverheadBench {

    public static final Platform PLATFORM = Platform.glibc(Isa.X86_64);
    /**
     * Bytes by which each code layout moves the kernel's code (a padding object linked first, in both builds).
     * Where a hot loop falls relative to 16- and 32-byte boundaries changed a kernel's time by up to 15% on the
     * machines talent was measured on, the same binary code only moved (plain sieve: up to 6% between two
     * paddings; an instrumented primes build: 0.85 or 1.13 times plain gcc's time in two layouts): measured in
     * one layout, a ratio says more about that luck
     * than about the instrumentation. The pairs of runs go through the layouts in turn.
     */
    static final List<Integer> LAYOUT_SHIFTS = List.of(0, 16, 32, 48);

    /** The share of the timed runs' work at which instructions are counted (valgrind is 20-50 times slower). */
    static final double COUNT_SCALE = 0.05;

    private final BenchWorkspace workspace;
    private final Optional<InstructionCounter> counter;

    public OverheadBench(BenchWorkspace workspace) { this(workspace, InstructionCounter.onPath()); }

    OverheadBench(BenchWorkspace workspace, Optional<InstructionCounter> counter) {
        this.workspace = workspace;
        this.counter = counter;
    }

    public OverheadReport run(List<Kernel> kernels, int runs, double scale)
            throws BenchFailedException, IOException, InterruptedException {
        if (workspace.usable(List.of(PLATFORM)).isEmpty()) {
            throw new BenchFailedException("x86_64 binaries cannot be built or run here; see `talent platforms`");
        }
        List<Kernel> chosen = kernels.isEmpty() ? Kernel.ALL : kernels;
        // Build everything first, so that compiling one kernel does not load the machine while another runs.
        List<Path> pads = new ArrayList<>();
        for (int bytes : LAYOUT_SHIFTS) pads.add(bytes == 0 ? null : workspace.layoutPad(bytes));
        List<List<Binaries>> binaries = new ArrayList<>();
        for (Kernel kernel : chosen) {
            Path source = workspace.extract(kernel.resource());
            List<Binaries> layouts = new ArrayList<>();
            for (int layout = 0; layout < pads.size(); layout++) {
                List<Path> sources = pads.get(layout) == null ? List.of(source) : List.of(pads.get(layout), source);
                String name = layout == 0 ? kernel.name() : kernel.name() + "-layout" + layout;
                Path instrumented = workspace.buildInstrumented(sources, name, List.of(PLATFORM)).get(PLATFORM);
                Path plain = workspace.buildPlain(sources, name, PLATFORM);
                layouts.add(new Binaries(plain, instrumented));
            }
            binaries.add(layouts);
        }
        List<OverheadReport.KernelResult> results = new ArrayList<>();
        for (int k = 0; k < chosen.size(); k++) {
            results.add(measure(chosen.get(k), binaries.get(k), runs, scale));
        }
        return new OverheadReport(results, runs, scale, OverheadReport.TARGET);
    }

    private record Binaries(Path plain, Path instrumented) {}

    private OverheadReport.KernelResult measure(Kernel kernel, List<Binaries> layouts, int runs, double scale)
            throws BenchFailedException, IOException, InterruptedException {
        List<String> args = kernel.arguments(scale);
        // No TALENT_* variable reaches the instrumented binary: no stop-after, no checkpoint, nothing printed.
        EnvironmentChange env = new RuntimeEnvironment(PLATFORM, Optional.empty(), OptionalLong.empty(), false,
                OptionalInt.empty(), false).isolated();
        String expected = checked(kernel, "plain", workspace.run(PLATFORM, layouts.get(0).plain(), args, env), Optional.empty()).stdout();
        for (Binaries b : layouts) {
            checked(kernel, "plain", workspace.run(PLATFORM, b.plain(), args, env), Optional.of(expected));
            checked(kernel, "instrumented", workspace.run(PLATFORM, b.instrumented(), args, env), Optional.of(expected));
        }
        List<Double> plainMs = new ArrayList<>();
        List<Double> instrumentedMs = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            workspace.events().accept(new BenchEvent.Measuring(kernel.name(), run, runs));
            // Both runs of a pair in the same layout; the layouts in turn (see the class comment).
            Binaries b = layouts.get((run - 1) % layouts.size());
            // Odd pairs start with the instrumented binary, even pairs with the plain one (see the class comment).
            if (run % 2 == 1) {
                instrumentedMs.add(timed(kernel, "instrumented", b.instrumented(), args, env, expected));
                plainMs.add(timed(kernel, "plain", b.plain(), args, env, expected));
            } else {
                plainMs.add(timed(kernel, "plain", b.plain(), args, env, expected));
                instrumentedMs.add(timed(kernel, "instrumented", b.instrumented(), args, env, expected));
            }
        }
        Optional<OverheadReport.InstructionCounts> instructions = Optional.empty();
        if (counter.isPresent()) {
            List<String> countArgs = kernel.arguments(scale * COUNT_SCALE);
            workspace.events().accept(new BenchEvent.Measuring(kernel.name() + " instructions (valgrind)", 1, 1));
            Binaries first = layouts.get(0);
            instructions = Optional.of(new OverheadReport.InstructionCounts(countArgs,
                    counter.get().count(first.plain(), countArgs, workspace.root()),
                    counter.get().count(first.instrumented(), countArgs, workspace.root())));
        }
        return new OverheadReport.KernelResult(kernel, args, new Samples(plainMs), new Samples(instrumentedMs), expected,
                instructions);
    }

    /** One checked run's wall time in ms. */
    private double timed(Kernel kernel, String which, Path binary, List<String> args, EnvironmentChange env, String expected)
            throws BenchFailedException, IOException, InterruptedException {
        return checked(kernel, which, workspace.run(PLATFORM, binary, args, env), Optional.of(expected)).wallMs();
    }

    private static TimedRun checked(Kernel kernel, String which, TimedRun run, Optional<String> expected)
            throws BenchFailedException {
        if (run.exitCode() != 0) throw BenchWorkspace.unexpected("the " + which + " " + kernel.name(), run);
        if (expected.isPresent() && !expected.get().equals(run.stdout())) {
            throw new BenchFailedException("the " + which + " " + kernel.name() + " printed\n" + run.stdout()
                    + "instead of\n" + expected.get());
        }
        return run;
    }
}
