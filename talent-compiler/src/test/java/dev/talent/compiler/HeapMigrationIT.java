package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Heap structures, pointers and function pointers migrated hop after hop across all five ISAs: each
 * program of src/test/resources/samples/heap is instrumented, built with the runtime for x86_64, s390x,
 * i686, aarch64 and riscv64, then run on x86_64 until a checkpoint after some site visits, restarted on
 * s390x until the next checkpoint, then i686, aarch64, and finished on riscv64. The concatenated output
 * must equal the output of the original program compiled by gcc without talent.
 */
class HeapMigrationIT {
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path HEAP_SAMPLES = MODULE.resolve("src/test/resources/samples/heap");
    /** The runtime's C sources; -Dtalent.runtime.c=DIR tests against another copy (e.g. a committed one). */
    private static final Path RUNTIME = Path.of(System.getProperty("talent.runtime.c",
            MODULE.resolveSibling("talent-runtime").resolve("src/main/c").toString()));
    private static final Path INCLUDE = RUNTIME.resolve("include");

    /** A target: its compiler, extra flags and how to run its binaries here. */
    private record Target(String name, String cc, List<String> flags, List<String> runner) {}

    private static final List<Target> HOPS = List.of(
            new Target("x86_64", "gcc", List.of(), List.of()),
            new Target("s390x", "s390x-linux-gnu-gcc", List.of(), List.of("qemu-s390x-static")),
            new Target("i686", "i686-linux-gnu-gcc", List.of("-msse2", "-mfpmath=sse"), List.of("qemu-i386-static")),
            new Target("aarch64", "aarch64-linux-gnu-gcc", List.of(), List.of("qemu-aarch64-static")),
            new Target("riscv64", "riscv64-linux-gnu-gcc", List.of(), List.of("qemu-riscv64-static")));
    /** Site visits before the checkpoint of each hop but the last (different counts land at different sites). */
    private static final int[] VISITS = {53, 41, 67, 29};

    /** The runtime's TALENT_VERBOSE line for a checkpoint written (talent-runtime/src/main/c/README.md). */
    private static final Pattern CHECKPOINT_WRITTEN =
            Pattern.compile("talent: checkpoint \\d+ written: [0-9.]+ MiB, (\\d+) heap blocks");

    private static final Map<String, Path> RUNTIMES = new ConcurrentHashMap<>();

    @TempDir
    Path work;

    static Stream<String> programs() throws IOException {
        try (Stream<Path> s = Files.list(HEAP_SAMPLES)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".c")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("programs")
    void migratesHopAfterHopAcrossAllFiveIsasToTheOriginalOutput(String program) throws Exception {
        Path source = HEAP_SAMPLES.resolve(program);
        String name = program.substring(0, program.length() - 2);
        Path original = work.resolve(name + ".orig");
        Run cc = run(List.of("gcc", "-O2", "-fsigned-char", "-ffp-contract=off", "-o", original.toString(), source.toString()), Map.of());
        assertThat(cc.rc).as(cc.err).isZero();
        String expected = run(List.of(original.toString()), Map.of()).out;
        assertThat(expected).isNotEmpty();

        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(source), List.of(), work.resolve("out"), name));
        List<Path> exes = new ArrayList<>();
        for (Target t : HOPS) exes.add(link(t, r, work.resolve(name + "." + t.name())));

        Run uninterrupted = run(command(HOPS.getFirst(), exes.getFirst()), Map.of());
        assertThat(uninterrupted.rc).as(uninterrupted.err).isZero();
        assertThat(uninterrupted.out).as("instrumented, without checkpoint").isEqualTo(expected);

        Path ck = Files.createDirectories(work.resolve("ck"));
        StringBuilder out = new StringBuilder();
        int heapBlocksMigrated = 0;
        for (int hop = 0; hop < HOPS.size(); hop++) {
            Target t = HOPS.get(hop);
            Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_VERBOSE", "1"));
            if (hop > 0) env.put("TALENT_RESTART", "1");
            boolean last = hop == HOPS.size() - 1;
            if (!last) env.put("TALENT_STOP_AFTER", String.valueOf(VISITS[hop]));
            Run step = run(command(t, exes.get(hop)), env);
            out.append(step.out);
            assertThat(step.rc).as("hop " + hop + " on " + t.name() + " of " + program + ":\n" + step.err).isEqualTo(last ? 0 : 75);
            Matcher written = CHECKPOINT_WRITTEN.matcher(step.err);
            if (written.find()) heapBlocksMigrated += Integer.parseInt(written.group(1));
        }
        assertThat(out.toString()).as("output of the five hops of " + program).isEqualTo(expected);
        assertThat(heapBlocksMigrated).as("heap blocks in the checkpoints of " + program).isPositive();
    }

    private static List<String> command(Target t, Path exe) {
        List<String> cmd = new ArrayList<>(t.runner());
        cmd.add(exe.toString());
        return cmd;
    }

    private Path link(Target t, CompileResult r, Path exe) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(t.cc(), "-static", "-O2", "-Wall", "-fsigned-char", "-ffp-contract=off"));
        cmd.addAll(t.flags());
        cmd.add("-I" + INCLUDE);
        r.instrumentedSources().forEach(p -> cmd.add(p.toString()));
        cmd.add(r.programTable().toString());
        try (Stream<Path> s = Files.list(runtime(t))) {
            s.sorted().forEach(p -> cmd.add(p.toString()));
        }
        cmd.addAll(List.of("-lm", "-o", exe.toString()));
        Run run = run(cmd, Map.of());
        assertThat(run.rc).as(String.join(" ", cmd) + "\n" + run.err).isZero();
        assertThat(run.err).as(t.cc() + " warnings").doesNotContain("warning:");
        return exe;
    }

    /** The runtime's object files for one target, compiled once per test run. */
    private static Path runtime(Target t) throws Exception {
        Path cached = RUNTIMES.get(t.name());
        if (cached != null) return cached;
        Path dir = Files.createTempDirectory("talent-rt-heap-" + t.name());
        List<Path> sources;
        try (Stream<Path> s = Files.list(RUNTIME)) {
            sources = s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        }
        for (Path c : sources) {
            List<String> cmd = new ArrayList<>(List.of(t.cc(), "-c", "-O2", "-std=c99", "-D_POSIX_C_SOURCE=200809L",
                    "-fsigned-char", "-ffp-contract=off", "-I" + INCLUDE, "-I" + RUNTIME));
            cmd.addAll(t.flags());
            cmd.addAll(List.of(c.toString(), "-o", dir.resolve(c.getFileName() + ".o").toString()));
            Run run = run(cmd, Map.of());
            assertThat(run.rc).as("runtime " + c.getFileName() + " for " + t.name() + ":\n" + run.err).isZero();
        }
        RUNTIMES.put(t.name(), dir);
        return dir;
    }

    private record Run(int rc, String out, String err) {}

    private static Run run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("talent-heap-out", ".txt");
        Path err = Files.createTempFile("talent-heap-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
