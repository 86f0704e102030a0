package dev.talent.cli.bench;

import dev.talent.base.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoint readers' fuzzers, run from a source checkout (their targets are test code): libFuzzer over the C
 * reader ({@code talent-runtime/src/test/fuzz}, built with ASan and UBSan by its build.sh) and Jazzer's standalone
 * driver over the Java reader ({@code talent-format}'s CheckpointReaderFuzzTarget). Both start from the shared
 * corpus of docs/FORMAT.md "Validation" (its folders are passed to the fuzzers as they are: new inputs go to a
 * working corpus of their own) and write what they find into the findings directory.
 */
public final class FuzzBench {

    public enum Target {
        /** The C checkpoint reader. */
        C,
        /** The Java checkpoint reader. */
        JAVA,
        /** The C delta reader (delta_fuzz.c), seeded with the delta corpus against its base.tck. */
        DELTA;

        String label() { return name().toLowerCase(Locale.ROOT); }
    }

    /** The seed folders of the shared corpus, relative to talent-format/src/test/resources/corpus. */
    static final List<String> SEEDS = List.of("valid", "forged", "forged-for-program", "found");
    static final String CORPUS = "talent-format/src/test/resources/corpus";
    static final String C_BUILD = "talent-runtime/src/test/fuzz/build.sh";
    /** The delta corpus (docs/FORMAT.md "Delta"): deltas and the base they were made from. */
    static final String DELTA_CORPUS = CORPUS + "/delta";
    static final String DELTA_BASE = DELTA_CORPUS + "/base.tck";
    static final String JAVA_TARGET = "dev.talent.format.CheckpointReaderFuzzTarget";
    /**
     * Jazzer 0.24's bytecode library reads class files up to Java 23; the project compiles for 25. The fuzzed classes
     * are copied with their version lowered to 21's (65), which the JVM runs the same: they use no bytecode feature
     * newer than that. Without it Jazzer cannot instrument them and fuzzes blind.
     */
    static final int JAZZER_CLASS_VERSION = 65;
    /** Per input: a run above it is a hang; memory above the limit a finding too. */
    static final int TIMEOUT_SECONDS = 10;
    /**
     * The Java reader's limit is higher: libFuzzer's clock includes the JVM loading and Jazzer instrumenting every
     * class an input reaches first (the first input that renders JSON loads Jackson), which took over 10 s on a
     * loaded 2-core machine for a valid seed that replays in milliseconds (corpus/valid/indeterminate-pointers.tck).
     */
    static final int JAVA_TIMEOUT_SECONDS = 60;
    static final int RSS_LIMIT_MB = 2048;
    static final int MALLOC_LIMIT_MB = 512;

    /**
     * What one {@code talent bench fuzz} run does: which fuzzers, for how long each, and where it writes.
     *
     * @param source   the source checkout (holds talent-runtime and talent-format)
     * @param perTarget how long each fuzzer runs
     * @param parallel run the fuzzers side by side instead of one after the other
     * @param work     build outputs, working corpora and logs
     * @param findings where crashing, hanging or leaking inputs are written ({@code c-crash-<sha1>}, ...)
     */
    public record Settings(Path source, Duration perTarget, List<Target> targets, boolean parallel, Path work, Path findings) {
        public Settings {
            targets = List.copyOf(targets);
            if (targets.isEmpty()) throw new IllegalArgumentException("no fuzz target");
            if (perTarget.toSeconds() < 1) throw new IllegalArgumentException("each fuzzer needs at least a second");
        }
    }

    /** What the bench is doing, for progress lines. */
    public sealed interface Progress {
        record Building(Target target) implements Progress {}

        record Fuzzing(Target target, Duration duration, Path log) implements Progress {}

        record Finished(Result result) implements Progress {}
    }

    /**
     * One fuzzer's run: executions, their rate, coverage (libFuzzer's {@code cov}: edges, {@code ft}: features), the
     * working corpus size, and the inputs it found (files in the findings directory; a crash without a file is the
     * log). The run is clean when the fuzzer exited 0 and found nothing.
     */
    public record Result(Target target, long executions, long execsPerSecond, long coverage, long features, long corpus,
                         Duration ran, int exitCode, List<Path> findings, Path log) {
        public boolean clean() { return exitCode == 0 && findings.isEmpty(); }
    }

    public static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        public Failed(String message) { super(message); }
    }

    private FuzzBench() {}

    /** The nearest directory at or above {@code from} holding the fuzz targets' sources. */
    public static Optional<Path> findSource(Path from) {
        for (Path d = from.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(C_BUILD)) && Files.isDirectory(d.resolve(CORPUS))) return Optional.of(d);
        }
        return Optional.empty();
    }

    public static List<Result> run(Settings settings, Consumer<Progress> progress) throws Failed, IOException, InterruptedException {
        Files.createDirectories(settings.work());
        Files.createDirectories(settings.findings());
        List<List<String>> commands = new ArrayList<>();
        boolean cBuilt = false;
        for (Target t : settings.targets()) {
            progress.accept(new Progress.Building(t));
            if (t == Target.JAVA) {
                commands.add(buildJava(settings));
                continue;
            }
            // build.sh builds both C targets
            if (!cBuilt) buildC(settings);
            cBuilt = true;
            commands.add(List.of(settings.work().resolve("c-build").resolve(t == Target.C ? "checkpoint_fuzz" : "delta_fuzz")
                    .toString()));
        }
        List<Result> results = new ArrayList<>();
        if (settings.parallel()) {
            List<Process> running = new ArrayList<>();
            List<Long> started = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                started.add(System.nanoTime());
                running.add(start(settings, settings.targets().get(i), commands.get(i), progress));
            }
            for (int i = 0; i < running.size(); i++) {
                results.add(finish(settings, settings.targets().get(i), running.get(i), started.get(i), progress));
            }
        } else {
            for (int i = 0; i < commands.size(); i++) {
                long start = System.nanoTime();
                Process p = start(settings, settings.targets().get(i), commands.get(i), progress);
                results.add(finish(settings, settings.targets().get(i), p, start, progress));
            }
        }
        return results;
    }

    private static Process start(Settings s, Target t, List<String> fuzzer, Consumer<Progress> progress) throws IOException {
        long seconds = s.perTarget().toSeconds();
        Path corpus = Files.createDirectories(s.work().resolve("corpus-" + t.label()));
        List<String> cmd = new ArrayList<>(fuzzer);
        cmd.addAll(List.of("-max_total_time=" + seconds, "-timeout=" + timeoutSeconds(t), "-rss_limit_mb=" + RSS_LIMIT_MB,
                "-print_final_stats=1", "-artifact_prefix=" + s.findings().toAbsolutePath() + "/" + t.label() + "-"));
        if (t != Target.JAVA) cmd.add("-malloc_limit_mb=" + MALLOC_LIMIT_MB);
        cmd.add(corpus.toString());
        if (t == Target.DELTA) {
            cmd.add(s.source().resolve(DELTA_CORPUS).toString());
        } else {
            for (String seed : SEEDS) {
                Path d = s.source().resolve(CORPUS).resolve(seed);
                if (Files.isDirectory(d)) cmd.add(d.toString());
            }
        }
        Path log = s.work().resolve("fuzz-" + t.label() + ".log");
        progress.accept(new Progress.Fuzzing(t, s.perTarget(), log));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(s.work().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // the base the delta seeds were made from (without it the target uses a synthetic one)
        if (t == Target.DELTA) pb.environment().put("TALENT_DELTA_FUZZ_BASE", s.source().resolve(DELTA_BASE).toString());
        return pb.start();
    }

    static int timeoutSeconds(Target t) {
        return t == Target.JAVA ? JAVA_TIMEOUT_SECONDS : TIMEOUT_SECONDS;
    }

    private static Result finish(Settings s, Target t, Process p, long startNanos, Consumer<Progress> progress)
            throws IOException, InterruptedException {
        // libFuzzer stops at -max_total_time after the input under way; a hang is cut by -timeout
        long grace = s.perTarget().toSeconds() + 3L * timeoutSeconds(t) + 120;
        boolean ended = p.waitFor(grace, TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        Duration ran = Duration.ofNanos(System.nanoTime() - startNanos);
        Path log = s.work().resolve("fuzz-" + t.label() + ".log");
        String text = Files.readString(log, StandardCharsets.ISO_8859_1);
        List<Path> found;
        try (Stream<Path> files = Files.list(s.findings())) {
            found = files.filter(f -> isFinding(t, f.getFileName().toString()))
                    .filter(f -> lastModified(f) >= startNanosToMillis(startNanos)).sorted(Comparator.naturalOrder()).toList();
        }
        Result r = parse(t, text, ran, ended ? p.exitValue() : -1, found, log);
        progress.accept(new Progress.Finished(r));
        return r;
    }

    private static long startNanosToMillis(long startNanos) {
        // the wall clock at startNanos, less a second for file systems with coarse times
        return System.currentTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000 - 1000;
    }

    private static long lastModified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A crash, leak, hang (over {@link #timeoutSeconds}) or memory exhaustion. Not libFuzzer's slow-unit files: a
     * JVM loading and instrumenting its classes makes the first inputs slow, and a real hang is a timeout.
     */
    static boolean isFinding(Target t, String name) {
        for (String kind : List.of("crash-", "leak-", "timeout-", "oom-")) {
            if (name.startsWith(t.label() + "-" + kind)) return true;
        }
        return false;
    }

    private static final Pattern STATUS = Pattern.compile(
            "^#(\\d+)\\s+\\S+\\s+cov: (\\d+) ft: (\\d+) corp: (\\d+)/.*?exec/s: (\\d+)", Pattern.MULTILINE);
    private static final Pattern EXECUTED = Pattern.compile("^stat::number_of_executed_units:\\s+(\\d+)", Pattern.MULTILINE);
    private static final Pattern RATE = Pattern.compile("^stat::average_exec_per_sec:\\s+(\\d+)", Pattern.MULTILINE);

    /** Reads a libFuzzer log (Jazzer's driver writes the same): the last status line and the final statistics. */
    static Result parse(Target t, String log, Duration ran, int exitCode, List<Path> findings, Path logFile) {
        long executions = 0;
        long rate = 0;
        long cov = 0;
        long ft = 0;
        long corp = 0;
        Matcher m = STATUS.matcher(log);
        while (m.find()) {
            executions = Long.parseLong(m.group(1));
            cov = Long.parseLong(m.group(2));
            ft = Long.parseLong(m.group(3));
            corp = Long.parseLong(m.group(4));
            rate = Long.parseLong(m.group(5));
        }
        Matcher e = EXECUTED.matcher(log);
        if (e.find()) executions = Long.parseLong(e.group(1));
        Matcher r = RATE.matcher(log);
        if (r.find()) rate = Long.parseLong(r.group(1));
        return new Result(t, executions, rate, cov, ft, corp, ran, exitCode, findings, logFile);
    }

    private static void buildC(Settings s) throws Failed, IOException, InterruptedException {
        Path out = s.work().resolve("c-build");
        mustRun(List.of("sh", s.source().resolve(C_BUILD).toString(), out.toString()), s.source(), s.work().resolve("build-c.log"),
                "building the C fuzzers (needs clang with libFuzzer and the sanitizer runtimes)");
    }

    private static List<String> buildJava(Settings s) throws Failed, IOException, InterruptedException {
        Path cpFile = s.work().resolve("java-classpath.txt").toAbsolutePath();
        Path mvnw = s.source().resolve("mvnw");
        String mvn = Files.isExecutable(mvnw) ? mvnw.toString() : "mvn";
        mustRun(List.of(mvn, "-B", "-q", "-pl", "talent-format", "test-compile", "dependency:build-classpath",
                        "-Dmdep.includeScope=test", "-Dmdep.outputFile=" + cpFile), s.source(), s.work().resolve("build-java.log"),
                "compiling talent-format's tests with Maven");
        Path classes = s.work().resolve("java-classes");
        deleteTree(classes);
        for (String dir : List.of("target/classes", "target/test-classes")) {
            copyLowered(s.source().resolve("talent-format").resolve(dir), classes);
        }
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "-Xmx1g", "-cp", classes + ":" + Files.readString(cpFile).strip(),
                "com.code_intelligence.jazzer.Jazzer", "--target_class=" + JAVA_TARGET, "--instrumentation_includes=dev.talent.**");
    }

    /** Copies a class tree, each class file's major version lowered to {@link #JAZZER_CLASS_VERSION}. */
    static void copyLowered(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                Files.createDirectories(dest.getParent());
                byte[] bytes = Files.readAllBytes(f);
                if (f.toString().endsWith(".class")) lowerVersion(bytes);
                Files.write(dest, bytes);
            }
        }
    }

    static void lowerVersion(byte[] c) {
        if (c.length < 8 || (c[0] & 0xFF) != 0xCA || (c[1] & 0xFF) != 0xFE || (c[2] & 0xFF) != 0xBA || (c[3] & 0xFF) != 0xBE) return;
        int major = (c[6] & 0xFF) << 8 | (c[7] & 0xFF);
        if (major > JAZZER_CLASS_VERSION) {
            c[6] = 0;
            c[7] = (byte) JAZZER_CLASS_VERSION;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        FileTrees.deleteRecursively(dir);
    }

    private static void mustRun(List<String> cmd, Path dir, Path log, String what) throws Failed, IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new Failed(what + " did not finish within 15 minutes (log: " + log + ")");
        }
        if (p.exitValue() != 0) {
            throw new Failed(what + " failed with status " + p.exitValue() + " (log: " + log + ")");
        }
    }
}
