package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.talent.base.Executables;
import dev.talent.toolchain.Isa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

/**
 * Instruments the sample programs of src/test/resources/samples and compiles them with the real target
 * compilers (x86_64 and every cross gcc installed, i686 among them). When the runtime's C sources compile,
 * links each sample natively, checks it prints what the original prints, takes checkpoints at several
 * site-visit counts and restarts them, natively and on i686/s390x under qemu when available.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class CheckpointCompilerIT {
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path SAMPLES = MODULE.resolve("src/test/resources/samples");
    /** The runtime's C sources; -Dtalent.runtime.c=DIR tests against another copy (e.g. a committed one). */
    private static final Path RUNTIME = Path.of(System.getProperty("talent.runtime.c",
            MODULE.resolveSibling("talent-runtime").resolve("src/main/c").toString()));
    private static final Path INCLUDE = RUNTIME.resolve("include");
    /** Every ISA of talent-toolchain's table but the native x86_64. */
    private static final List<Isa> CROSS = Stream.of(Isa.values()).filter(i -> i != Isa.X86_64).toList();

    @TempDir
    Path work;

    static Stream<String> samples() throws IOException {
        try (Stream<Path> s = Files.list(SAMPLES)) {
            // samples/heap holds single-file programs of its own (HeapMigrationIT)
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("heap"))
                    .map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    private CompileResult instrument(String sample, Path out) throws Exception {
        List<Path> sources;
        try (Stream<Path> s = Files.list(SAMPLES.resolve(sample))) {
            sources = s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        }
        return new CheckpointCompiler().compile(new CompileRequest(sources, List.of(), out, sample));
    }

    private static List<String> allSources(CompileResult r) {
        List<String> files = new ArrayList<>();
        r.instrumentedSources().forEach(p -> files.add(p.toString()));
        files.add(r.programTable().toString());
        return files;
    }

    @ParameterizedTest
    @MethodSource("samples")
    void instrumentedSamplesCompileWithoutWarningsForEveryInstalledTarget(String sample) throws Exception {
        CompileResult r = instrument(sample, work.resolve("out"));
        Map<String, List<String>> targets = new LinkedHashMap<>();
        targets.put("gcc", Isa.X86_64.requiredCFlags());
        for (Isa isa : CROSS) if (onPath(isa.gccCommand())) targets.put(isa.gccCommand(), isa.requiredCFlags());
        assertThat(targets).as("the 32-bit cross compiler must be installed for this test").containsKey(Isa.I686.gccCommand());
        for (String cc : targets.keySet()) {
            List<String> cmd = new ArrayList<>(List.of(cc, "-fsyntax-only", "-O2", "-Wall", "-fsigned-char",
                    "-ffp-contract=off", "-I" + INCLUDE));
            cmd.addAll(targets.get(cc));
            cmd.addAll(allSources(r));
            Run run = run(cmd, Map.of(), work);
            assertThat(run.rc).as(cc + " on " + sample + ":\n" + run.err).isZero();
            assertThat(run.err).as(cc + " warnings on " + sample).doesNotContain("warning:");
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void linkedSamplesCheckpointAndRestartToTheSameOutput(String sample) throws Exception {
        Path rt = buildRuntime("gcc", List.of());
        assumeTrue(rt != null, "the runtime (talent-runtime/src/main/c) does not compile yet");
        CompileResult r = instrument(sample, work.resolve("out"));
        Path exe = link("gcc", List.of(), r, rt, work.resolve(sample));
        Path original = work.resolve(sample + ".orig");
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-fsigned-char", "-o", original.toString()));
        try (Stream<Path> s = Files.list(SAMPLES.resolve(sample))) {
            s.filter(p -> p.toString().endsWith(".c")).sorted().forEach(p -> cmd.add(p.toString()));
        }
        assertThat(run(cmd, Map.of(), work).rc).isZero();
        String expected = run(List.of(original.toString()), Map.of(), work).out;
        assertThat(run(List.of(exe.toString()), Map.of(), work).out).isEqualTo(expected);

        int restarted = 0;
        for (int visits : new int[] {1, 17, 5000}) {
            Path ck = Files.createDirectories(work.resolve("ck-" + sample + "-" + visits));
            Map<String, String> env = Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", String.valueOf(visits));
            Run first = run(List.of(exe.toString()), env, work);
            // a function pointer talent does not know refuses the checkpoint; the program goes on (exit 0)
            if (first.err.contains("refused: cannot checkpoint") && first.err.contains("does not know")) {
                assumeTrue(false, "runtime cannot checkpoint this sample yet: " + first.err.strip());
            }
            if (first.rc == 0) {
                assertThat(first.out).isEqualTo(expected);
                continue;
            }
            assertThat(first.rc).as(first.err).isEqualTo(75);
            Run second = run(List.of(exe.toString()), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), work);
            assertThat(second.rc).as(second.err).isZero();
            assertThat(first.out + second.out).as("output before the checkpoint + after the restart").isEqualTo(expected);
            restarted++;
        }
        assertThat(restarted).as("at least one checkpoint was taken").isPositive();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void checkpointsFromX86RestartOnS390xAndI686(String sample) throws Exception {
        Path rt = buildRuntime("gcc", List.of());
        assumeTrue(rt != null, "the runtime does not compile yet");
        CompileResult r = instrument(sample, work.resolve("out"));
        Path exe = link("gcc", List.of(), r, rt, work.resolve(sample));
        String expected = run(List.of(exe.toString()), Map.of(), work).out;
        for (Isa isa : List.of(Isa.S390X, Isa.I686)) {
            String[] target = {isa.gccCommand(), isa.qemuCommand()};
            if (!onPath(target[0]) || !onPath(target[1])) continue;
            List<String> flags = isa.requiredCFlags();
            Path crt = buildRuntime(target[0], flags);
            assumeTrue(crt != null, "the runtime does not compile for " + target[0]);
            Path cexe = link(target[0], flags, r, crt, work.resolve(sample + "." + target[1]));
            // a program whose own output differs between the ISAs (e.g. 32-bit long arithmetic) cannot be
            // compared after a migration
            if (!run(List.of(target[1], cexe.toString()), Map.of(), work).out.equals(expected)) continue;
            Path ck = Files.createDirectories(work.resolve("ck-" + sample + "-" + target[1]));
            Run first = run(List.of(exe.toString()), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "50"), work);
            if (first.rc != 75) continue;
            Run second = run(List.of(target[1], cexe.toString()), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), work);
            if (second.rc == 65 && second.err.contains("does not fit")) continue; // 64-bit value refused on i686: correct
            assertThat(second.rc).as(target[1] + ": " + second.err).isZero();
            assertThat(first.out + second.out).isEqualTo(expected);
        }
    }

    /**
     * A request that arrives while a strip of a strip-mined loop runs (docs/CODEGEN.md) is taken at the next
     * leaf loop's site inside the strip, whose label lives in the loop's one-iteration branch; the restart, here
     * and on s390x, finishes the program as an uninterrupted run does. The program requests the checkpoint
     * itself (SIGUSR1, STRIPS_RAISE_AT=2110: in step 10, after 10 lines of output) from inside a leaf loop, so the moment is exact.
     */
    @org.junit.jupiter.api.Test
    void aRequestDuringAStripIsTakenAtTheNextLeafLoopAndRestarts() throws Exception {
        Path rt = buildRuntime("gcc", List.of());
        assumeTrue(rt != null, "the runtime does not compile yet");
        CompileResult r = instrument("strips", work.resolve("out"));
        Path exe = link("gcc", List.of(), r, rt, work.resolve("strips"));
        String expected = run(List.of(exe.toString()), Map.of(), work).out;
        List<String> source = Files.readAllLines(SAMPLES.resolve("strips/strips.c"));
        int innerLoopLine = source.indexOf("        while (k > 0) {") + 1;
        assertThat(innerLoopLine).isPositive();

        List<String[]> restartOn = new ArrayList<>();
        restartOn.add(new String[] {"gcc", null});
        if (onPath(Isa.S390X.gccCommand()) && onPath(Isa.S390X.qemuCommand())) {
            restartOn.add(new String[] {Isa.S390X.gccCommand(), Isa.S390X.qemuCommand()});
        }
        for (String[] target : restartOn) {
            Path ck = Files.createDirectories(work.resolve("ck-strips-" + target[0]));
            Run first = run(List.of(exe.toString()), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "STRIPS_RAISE_AT", "2110",
                    "TALENT_VERBOSE", "1"), work);
            assertThat(first.rc).as(first.err).isEqualTo(75);
            // not at the strip-mined loop's own site (line 29): inside the strip, at its inner loop's
            assertThat(first.err).contains("signal checkpoint at point").contains("(strips.c:" + innerLoopLine + ":9)");
            List<String> restart = new ArrayList<>();
            if (target[1] != null) {
                Path crt = buildRuntime(target[0], List.of());
                assumeTrue(crt != null, "the runtime does not compile for " + target[0]);
                restart.add(target[1]);
                restart.add(link(target[0], List.of(), r, crt, work.resolve("strips." + target[1])).toString());
            } else {
                restart.add(exe.toString());
            }
            Run second = run(restart, Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), work);
            assertThat(second.rc).as(second.err).isZero();
            assertThat(first.out + second.out).as("restarted with " + restart.getFirst()).isEqualTo(expected);
        }
    }

    private Path link(String cc, List<String> flags, CompileResult r, Path runtimeObjects, Path exe) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(cc, "-static", "-O2", "-fsigned-char", "-ffp-contract=off"));
        cmd.addAll(flags);
        cmd.add("-I" + INCLUDE);
        cmd.addAll(allSources(r));
        try (Stream<Path> s = Files.list(runtimeObjects)) {
            s.sorted().forEach(p -> cmd.add(p.toString()));
        }
        cmd.addAll(List.of("-lm", "-o", exe.toString()));
        Run run = run(cmd, Map.of(), work);
        assertThat(run.rc).as(String.join(" ", cmd) + "\n" + run.err).isZero();
        return exe;
    }

    private static final Map<String, java.util.Optional<Path>> RUNTIMES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Object files of the runtime for one compiler (built once per test run), or null when it does not compile. */
    private Path buildRuntime(String cc, List<String> flags) throws Exception {
        java.util.Optional<Path> cached = RUNTIMES.get(cc);
        if (cached == null) {
            cached = java.util.Optional.ofNullable(compileRuntime(cc, flags));
            RUNTIMES.put(cc, cached);
        }
        return cached.orElse(null);
    }

    private Path compileRuntime(String cc, List<String> flags) throws Exception {
        if (!Files.isDirectory(RUNTIME)) return null;
        Path dir = Files.createTempDirectory("talent-rt-" + cc);
        List<Path> sources;
        try (Stream<Path> s = Files.list(RUNTIME)) {
            sources = s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        }
        if (sources.isEmpty()) return null;
        for (Path c : sources) {
            List<String> cmd = new ArrayList<>(List.of(cc, "-c", "-O2", "-std=c99", "-D_POSIX_C_SOURCE=200809L",
                    "-fsigned-char", "-ffp-contract=off", "-I" + INCLUDE, "-I" + RUNTIME));
            cmd.addAll(flags);
            cmd.addAll(List.of(c.toString(), "-o", dir.resolve(c.getFileName() + ".o").toString()));
            if (run(cmd, Map.of(), dir).rc != 0) return null;
        }
        return dir;
    }

    private static boolean onPath(String tool) {
        return Executables.onPath(tool).isPresent();
    }

    private record Run(int rc, String out, String err) {}

    private static Run run(List<String> cmd, Map<String, String> env, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err, StandardCharsets.ISO_8859_1));
    }
}
