package dev.talent.cli.bench;

import dev.talent.cli.BuildFailedException;
import dev.talent.cli.BuildRequest;
import dev.talent.cli.CcOptions;
import dev.talent.cli.ProgramBuilder;
import dev.talent.compiler.Diagnostic;
import dev.talent.format.RuntimeContract;
import dev.talent.toolchain.CrossCompiler;
import dev.talent.toolchain.ExecutableSpec;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Launcher;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ToolFailedException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Random C programs that nobody on the project wrote (Csmith, Debian {@code csmith} and {@code libcsmith-dev}),
 * through {@code talent build}, uninterrupted and migrated across ISAs at random points.
 *
 * <p>Per seed: {@code csmith --seed S} with options that keep programs small and fast; plain gcc builds for
 * every ISA and their checksums (a program whose plain builds disagree, fail or run out of time is skipped: it
 * depends on the ISA, which talent does not change); {@code talent build} for x86_64 and one other ISA (chosen
 * from the seed, so that a run of many seeds covers all of them); the instrumented program uninterrupted, then
 * stopped after a random number of site visits and restarted on the other ISA, possibly stopped there again
 * and finished on x86_64 (random from the seed: the same seed always does the same). Every output must equal
 * the plain checksum: a difference is a <b>mismatch</b>, the bug class talent must never have. A refusal (of the
 * build, or of a restore on another platform: exit 65) is counted with its first message; a failure (gcc
 * rejecting generated code, a checkpoint or restart that exits with another error) is counted apart.
 */
public final class CsmithBench {
    /** Csmith options: small programs (few functions, shallow blocks) that run in well under a second. */
    public static final List<String> CSMITH_OPTIONS =
            List.of("--max-funcs", "2", "--max-block-depth", "3", "--max-array-dim", "2", "--max-struct-fields", "5");
    public static final Path CSMITH_INCLUDE = Path.of("/usr/include/csmith");

    public record Settings(long from, int count, List<Platform> platforms, Duration timeout, List<String> csmithOptions) {
        public Settings {
            platforms = List.copyOf(platforms);
            csmithOptions = List.copyOf(csmithOptions);
        }
    }

    /** What happened to one seed. */
    public sealed interface Outcome {
        long seed();

        /** Built, and every run printed the plain checksum. */
        record Agreed(long seed, int migrations, String detail) implements Outcome {}

        /** Not a usable program: csmith failed, or plain gcc's builds failed, ran too long or disagreed. */
        record Skipped(long seed, String reason) implements Outcome {}

        /**
         * talent refused the program, saying why: its build (the first error), or the restore of a checkpoint on
         * another platform (exit 65, e.g. a union written through one member and read through another across byte
         * orders), with the runtime's first message.
         */
        record Refused(long seed, String cause) implements Outcome {}

        /** A wrong checksum (exit 0 or not) from an instrumented run: must never happen. */
        record Mismatch(long seed, String detail) implements Outcome {}

        /** gcc failed on the generated code, or a stop or restart exited with an error. */
        record Failed(long seed, String detail) implements Outcome {}
    }

    public record Report(List<Outcome> outcomes) {
        public long count(Class<? extends Outcome> kind) {
            return outcomes.stream().filter(kind::isInstance).count();
        }

        public int migrations() {
            return outcomes.stream().mapToInt(o -> o instanceof Outcome.Agreed a ? a.migrations() : 0).sum();
        }

        /** The report as printed by {@code talent bench csmith}. */
        public String render() {
            StringBuilder sb = new StringBuilder();
            for (Outcome o : outcomes) {
                String line = switch (o) {
                    case Outcome.Agreed a -> "ok        " + a.detail();
                    case Outcome.Skipped s -> "skipped   " + s.reason();
                    case Outcome.Refused r -> "refused   " + r.cause();
                    case Outcome.Mismatch m -> "MISMATCH  " + m.detail();
                    case Outcome.Failed f -> "FAILED    " + f.detail();
                };
                sb.append(String.format("seed %-8d %s%n", o.seed(), line));
            }
            long usable = outcomes.size() - count(Outcome.Skipped.class);
            sb.append(String.format("%nseeds %d: usable %d (plain gcc agrees on every ISA), skipped %d%n",
                    outcomes.size(), usable, count(Outcome.Skipped.class)));
            sb.append(String.format("built and correct %d (%d migrations), refused %d, failed %d, mismatches %d%n",
                    count(Outcome.Agreed.class), migrations(), count(Outcome.Refused.class), count(Outcome.Failed.class),
                    count(Outcome.Mismatch.class)));
            return sb.toString();
        }
    }

    private final ToolchainProbe probe;
    private final ProgramBuilder builder;
    private final Path work;
    private final Consumer<String> progress;

    public CsmithBench(ToolchainProbe probe, ProgramBuilder builder, Path work, Consumer<String> progress) {
        this.probe = probe;
        this.builder = builder;
        this.work = work;
        this.progress = progress;
    }

    public Report run(Settings settings) throws IOException, InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        for (long seed = settings.from(); seed < settings.from() + settings.count(); seed++) {
            Outcome o = seed(seed, settings);
            progress.accept("seed " + seed + ": " + o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
            outcomes.add(o);
        }
        return new Report(outcomes);
    }

    private Outcome seed(long seed, Settings settings) throws IOException, InterruptedException {
        Path dir = work.resolve("s" + seed);
        BenchWorkspace.deleteTree(dir);
        Files.createDirectories(dir);
        Path source = dir.resolve("p" + seed + ".c");
        List<String> gen = new ArrayList<>(List.of("csmith"));
        gen.addAll(settings.csmithOptions());
        gen.addAll(List.of("--seed", Long.toString(seed), "-o", source.toString()));
        Run g = run(gen, Map.of(), Duration.ofSeconds(60));
        if (g.rc() != 0 || !Files.isRegularFile(source)) return new Outcome.Skipped(seed, "csmith failed: " + g.err().strip());

        // the reference: plain gcc on every ISA, all equal
        String expected = null;
        for (Platform p : settings.platforms()) {
            Path bin = dir.resolve("plain." + p.name());
            try {
                CrossCompiler.forPlatform(p, probe).linkExecutable(new ExecutableSpec(List.of(source),
                        List.of("-O1", "-w", "-I" + CSMITH_INCLUDE), List.of(), List.of(), bin));
            } catch (ToolFailedException | PlatformUnavailableException e) {
                return new Outcome.Skipped(seed, "plain gcc failed for " + p.name() + ": " + e.getMessage());
            }
            Run r = runOn(p, bin, Map.of(), settings.timeout());
            if (r.timedOut()) return new Outcome.Skipped(seed, "plain run on " + p.name() + " longer than " + settings.timeout().toSeconds() + " s");
            if (r.rc() != 0) return new Outcome.Skipped(seed, "plain run on " + p.name() + " exited " + r.rc());
            if (expected == null) expected = r.out();
            else if (!expected.equals(r.out())) return new Outcome.Skipped(seed, "plain checksums differ between ISAs (" + p.name() + ")");
        }

        // talent: x86_64 and one other ISA, chosen by the seed
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 11);
        Platform home = settings.platforms().stream().filter(p -> p.isa() == Isa.X86_64).findFirst().orElse(settings.platforms().getFirst());
        List<Platform> others = settings.platforms().stream().filter(p -> !p.equals(home)).toList();
        Platform away = others.isEmpty() ? home : others.get(random.nextInt(others.size()));
        List<Platform> targets = away.equals(home) ? List.of(home) : List.of(home, away);
        CcOptions cc = new CcOptions(List.of(CSMITH_INCLUDE), List.of(), List.of(), Optional.of("1"), Optional.empty(),
                List.of(), List.of(), List.of(), List.of("-w"));
        Map<Platform, Path> bins;
        try {
            bins = builder.build(new BuildRequest(List.of(source), cc, dir.resolve("out"), "p" + seed, Optional.of(targets)), e -> { });
        } catch (BuildFailedException.Rejected e) {
            String first = e.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR)
                    .map(d -> Path.of(d.file()).getFileName() + ":" + d.line() + ": " + d.message()).findFirst().orElse(e.getMessage());
            return new Outcome.Refused(seed, first);
        } catch (BuildFailedException.ToolFailed e) {
            return new Outcome.Failed(seed, "gcc failed on the generated code: " + firstLines(String.join("\n", e.outputs().values()), 3));
        } catch (BuildFailedException e) {
            return new Outcome.Failed(seed, "build failed: " + e.getMessage());
        }

        Run plainRun = runOn(home, bins.get(home), Map.of(), settings.timeout().multipliedBy(3));
        if (plainRun.rc() != 0 || !plainRun.out().equals(expected)) {
            return plainRun.rc() == 0 ? new Outcome.Mismatch(seed, "uninterrupted: " + plainRun.out().strip() + " != " + expected.strip())
                    : new Outcome.Failed(seed, "uninterrupted run exited " + plainRun.rc() + ": " + firstLines(plainRun.err(), 2));
        }

        // two migrations at random points: home -> away (-> home)
        int migrations = 0;
        StringBuilder detail = new StringBuilder();
        for (int trial = 0; trial < 2; trial++) {
            Path ck = Files.createDirectories(dir.resolve("ck" + trial));
            long stop = 1L << random.nextInt(17);
            stop += random.nextLong(stop);
            List<Platform> chain = new ArrayList<>(List.of(home, away));
            if (trial == 1) chain.add(home);
            StringBuilder out = new StringBuilder();
            String where = "";
            for (int hop = 0; hop < chain.size(); hop++) {
                Platform p = chain.get(hop);
                boolean last = hop == chain.size() - 1;
                Map<String, String> env = new LinkedHashMap<>();
                env.put(RuntimeContract.ENV_CHECKPOINT_DIR, ck.toString());
                if (hop > 0) env.put(RuntimeContract.ENV_RESTART, "1");
                if (!last) env.put(RuntimeContract.ENV_STOP_AFTER, Long.toString(hop == 0 ? stop : 1 + random.nextLong(stop + 1)));
                Run r = runOn(p, bins.get(p), env, settings.timeout().multipliedBy(3));
                out.append(r.out());
                where += (where.isEmpty() ? "" : "->") + p.name() + (env.containsKey(RuntimeContract.ENV_STOP_AFTER) ? "@" + env.get(RuntimeContract.ENV_STOP_AFTER) : "");
                if (r.rc() == 0) break;   // finished before the stop
                if (hop > 0 && r.rc() == RuntimeContract.EXIT_DATAERR) {
                    return new Outcome.Refused(seed, where + " restore refused: " + refusal(r.err()));
                }
                if (r.rc() != RuntimeContract.EXIT_CHECKPOINT || last) {
                    return new Outcome.Failed(seed, where + " exited " + r.rc() + (r.timedOut() ? " (timeout)" : "") + ": " + firstLines(r.err(), 2));
                }
                migrations++;
            }
            if (!out.toString().equals(expected)) {
                return new Outcome.Mismatch(seed, where + ": " + out.toString().strip() + " != " + expected.strip());
            }
            detail.append(trial == 0 ? "" : " ").append(where);
        }
        BenchWorkspace.deleteTree(dir);
        return new Outcome.Agreed(seed, migrations, detail.toString());
    }

    /**
     * The runtime's reason for refusing a restore: its first line that is not a warning (a checkpoint it cannot use is
     * warned about first, and the reason follows), else its first line.
     */
    static String refusal(String err) {
        return err.strip().lines().filter(l -> !l.startsWith("talent: warning:")).findFirst().orElse(firstLines(err, 1));
    }

    private static String firstLines(String s, int n) {
        return String.join(" | ", s.strip().lines().limit(n).toList());
    }

    private record Run(int rc, String out, String err, boolean timedOut) {}

    private Run runOn(Platform p, Path bin, Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        try {
            return run(Launcher.forPlatform(p, probe).command(bin, List.of()), env, timeout);
        } catch (PlatformUnavailableException e) {
            return new Run(-1, "", e.getMessage(), false);
        }
    }

    /** Runs a command with a deadline (killed after it), stdin empty, output captured (bounded by what it prints). */
    private Run run(List<String> command, Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.destroyForcibly();
            p.waitFor();
        }
        return new Run(done ? p.exitValue() : -1, out.join(), err.join(), !done);
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            byte[] b = in.readNBytes(1 << 20);
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new String(b, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
