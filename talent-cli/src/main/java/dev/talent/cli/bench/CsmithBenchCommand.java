package dev.talent.cli.bench;

import dev.talent.cli.ExitCodes;
import dev.talent.cli.Instrumenter;
import dev.talent.cli.ProgramBuilder;
import dev.talent.cli.TalentDirectories;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.RuntimeLibrary;
import dev.talent.toolchain.ToolchainProbe;
import dev.talent.toolchain.Userland;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code talent bench csmith}: {@link CsmithBench} over a range of seeds; exits 1 on any mismatch or failure. */
@Command(name = "csmith", mixinStandardHelpOptions = true,
        description = "Random C programs (Csmith) whose plain-gcc checksums agree on every ISA, built with talent and run"
                + " uninterrupted and migrated across ISAs at random points: counts correct programs, refusals (with"
                + " the cause), failures and mismatches (wrong checksums). Exits 1 when there is a mismatch or a failure."
                + " Needs csmith and libcsmith-dev.")
final class CsmithBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", description = "Seeds to try (default ${DEFAULT-VALUE}).")
    int count = 500;

    @Option(names = "--from", paramLabel = "SEED", description = "First seed (default: from the clock, printed).")
    Long from;

    @Option(names = "--isa", split = ",", paramLabel = "LIST", description = "ISAs (default: every glibc one this host can build and run).")
    List<String> isas;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Limit of a plain run (default ${DEFAULT-VALUE}; instrumented runs get 3 times as long).")
    int timeoutSeconds = 10;

    @Option(names = "--keep", paramLabel = "DIR", description = "Work directory, kept (default: a temporary one, deleted).")
    Path keep;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (count < 1) throw new ParameterException(spec.commandLine(), "--count must be at least 1");
        if (timeoutSeconds < 1) throw new ParameterException(spec.commandLine(), "--timeout must be at least 1");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ToolchainProbe probe = ToolchainProbe.ofHost();
        if (probe.findCommand("csmith").isEmpty() || !Files.isDirectory(CsmithBench.CSMITH_INCLUDE)) {
            err.println("talent bench csmith: csmith is not installed: apt-get install csmith libcsmith-dev");
            return ExitCodes.UNAVAILABLE;
        }
        List<Platform> platforms = new ArrayList<>();
        try {
            List<Platform> wanted = isas == null
                    ? probe.defaultTargets().stream().filter(p -> p.userland() == Userland.GLIBC).toList()
                    : isas.stream().map(Platform::parse).distinct().toList();
            for (Platform p : wanted) {
                PlatformSupport s = probe.probe(p);
                if (s.isBuildable() && s.isRunnable()) platforms.add(p);
                else err.println("talent bench csmith: skipping " + p + ": cannot build and run it here");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (platforms.isEmpty()) {
            err.println("talent bench csmith: no ISA can be built and run here");
            return ExitCodes.UNAVAILABLE;
        }
        long first = from != null ? from : System.currentTimeMillis() / 1000 % 1_000_000_000L;
        err.println("talent bench csmith: seeds " + first + ".." + (first + count - 1) + " on " + BenchWorkspace.platformNames(platforms));
        err.flush();
        Path work = keep != null ? Files.createDirectories(keep.toAbsolutePath()) : Files.createTempDirectory("talent-csmith-");
        try {
            ProgramBuilder builder = new ProgramBuilder(probe, RuntimeLibrary.fromClasspath(TalentDirectories.cache()),
                    Instrumenter.checkpointCompiler());
            CsmithBench bench = new CsmithBench(probe, builder, work, line -> {
                err.println("talent bench csmith: " + line);
                err.flush();
            });
            CsmithBench.Report report = bench.run(new CsmithBench.Settings(first, count, platforms,
                    Duration.ofSeconds(timeoutSeconds), CsmithBench.CSMITH_OPTIONS));
            out.print(report.render());
            out.flush();
            return report.count(CsmithBench.Outcome.Mismatch.class) + report.count(CsmithBench.Outcome.Failed.class) == 0
                    ? ExitCodes.OK : ExitCodes.FAILURE;
        } finally {
            if (keep == null) BenchWorkspace.deleteTree(work);
        }
    }
}
