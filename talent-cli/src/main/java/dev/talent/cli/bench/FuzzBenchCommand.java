package dev.talent.cli.bench;

import dev.talent.cli.ExitCodes;
import dev.talent.cli.TalentDirectories;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code talent bench fuzz}: the checkpoint readers' fuzzers ({@link FuzzBench}) for a while, with what they
 * executed and covered. A finding is an input saved under the findings directory and exit status 1.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Fuzzes the checkpoint readers from a source checkout: libFuzzer (ASan + UBSan) over the C reader and"
                + " Jazzer over the Java reader, seeded with the shared corpus; prints executions, exec/s, coverage and"
                + " findings. Exits 1 when an input crashed, hung or leaked (saved under --findings). Needs clang and Maven.")
final class FuzzBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--minutes", paramLabel = "N", description = "Minutes each fuzzer runs (default ${DEFAULT-VALUE}).")
    int minutes = 5;

    /** Seconds instead of minutes, for quick checks (FuzzBenchIT); overrides --minutes. */
    @Option(names = "--seconds", hidden = true, paramLabel = "S")
    int seconds;

    @Option(names = "--target", paramLabel = "c|java|both|delta|all", description = "Which reader to fuzz: c and java the "
            + "checkpoint readers, both the two of them, delta the C delta reader (pre-copy), all three (default ${DEFAULT-VALUE}).")
    String target = "both";

    @Option(names = "--parallel", description = "Run both fuzzers side by side (default: one after the other; each takes a core).")
    boolean parallel;

    @Option(names = "--source", paramLabel = "DIR", description = "The source checkout (default: the nearest one at or above the working directory).")
    Path source;

    @Option(names = "--findings", paramLabel = "DIR", description = "Where inputs that crash, hang or leak are saved (default ${DEFAULT-VALUE}).")
    Path findings = Path.of("fuzz-findings");

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (seconds <= 0 && minutes < 1) throw new ParameterException(spec.commandLine(), "--minutes must be at least 1, not " + minutes);
        List<FuzzBench.Target> targets = switch (target.toLowerCase(Locale.ROOT)) {
            case "c" -> List.of(FuzzBench.Target.C);
            case "java" -> List.of(FuzzBench.Target.JAVA);
            case "both" -> List.of(FuzzBench.Target.C, FuzzBench.Target.JAVA);
            case "delta" -> List.of(FuzzBench.Target.DELTA);
            case "all" -> List.of(FuzzBench.Target.C, FuzzBench.Target.JAVA, FuzzBench.Target.DELTA);
            default -> throw new ParameterException(spec.commandLine(), "--target must be c, java, both, delta or all, not '"
                    + target + "'");
        };
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> src = source != null ? Optional.of(source.toAbsolutePath()) : FuzzBench.findSource(Path.of(""));
        if (src.isEmpty() || FuzzBench.findSource(src.get()).isEmpty()) {
            err.println("talent bench fuzz: no source checkout " + (source != null ? "at " + source : "at or above the working directory")
                    + " (the fuzz targets are test code: run it in a clone of talent, or pass --source)");
            return ExitCodes.USAGE;
        }
        Duration each = seconds > 0 ? Duration.ofSeconds(seconds) : Duration.ofMinutes(minutes);
        FuzzBench.Settings settings = new FuzzBench.Settings(src.get(), each, targets, parallel,
                TalentDirectories.cache().resolve("fuzz"), findings.toAbsolutePath());
        try {
            List<FuzzBench.Result> results = FuzzBench.run(settings, p -> {
                err.println(progress(p));
                err.flush();
            });
            out.print(render(results, settings.findings()));
            out.flush();
            return results.stream().allMatch(FuzzBench.Result::clean) ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (FuzzBench.Failed e) {
            err.println("talent bench fuzz: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    static String progress(FuzzBench.Progress p) {
        return switch (p) {
            case FuzzBench.Progress.Building b -> "talent bench: building the " + b.target().label() + " fuzzer";
            case FuzzBench.Progress.Fuzzing f -> String.format(Locale.ROOT, "talent bench: fuzzing the %s reader for %d s (log: %s)",
                    f.target().label(), f.duration().toSeconds(), f.log());
            case FuzzBench.Progress.Finished d -> "talent bench: " + d.result().target().label() + " fuzzer done"
                    + (d.result().clean() ? "" : ", FINDINGS");
        };
    }

    static String render(List<FuzzBench.Result> results, Path findingsDir) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-6s %8s %12s %8s %8s %8s %8s  %s%n", "target", "seconds", "executions", "exec/s", "cov",
                "features", "corpus", "findings"));
        for (FuzzBench.Result r : results) {
            String findings = r.findings().isEmpty() ? (r.exitCode() == 0 ? "none" : "fuzzer exited " + r.exitCode() + ", see " + r.log())
                    : r.findings().size() + " (" + String.join(", ", r.findings().stream().map(f -> f.getFileName().toString()).toList()) + ")";
            b.append(String.format(Locale.ROOT, "%-6s %8d %12d %8d %8d %8d %8d  %s%n", r.target().label(), r.ran().toSeconds(),
                    r.executions(), r.execsPerSecond(), r.coverage(), r.features(), r.corpus(), findings));
        }
        boolean clean = results.stream().allMatch(FuzzBench.Result::clean);
        b.append(clean ? "no findings\n" : "FINDINGS: inputs saved in " + findingsDir + " (reproduce: rerun the fuzzer binary or"
                + " Jazzer with the file as its only argument; logs next to the working corpora)\n");
        return b.toString();
    }
}
