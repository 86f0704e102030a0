package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.CrossCompiler;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.RuntimeLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the migration ITs share: the five ISAs a program hops across, building an instrumented program with
 * the runtime's C sources for each of them, and running a command with its output captured.
 */
final class MigrationHops {
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    /** The runtime's C sources; -Dtalent.runtime.c=DIR tests against another copy (e.g. a committed one). */
    static final Path RUNTIME = Path.of(System.getProperty("talent.runtime.c",
            MODULE.resolveSibling("talent-runtime").resolve("src/main/c").toString()));
    static final Path INCLUDE = RUNTIME.resolve("include");

    /** A target: its compiler, extra flags and how to run its binaries here. */
    record Target(String name, String cc, List<String> flags, List<String> runner) {
        /** From talent-toolchain's ISA table: x86_64 native with gcc, every other ISA cross-compiled and emulated. */
        static Target of(Isa isa) {
            return isa == Isa.X86_64 ? new Target(isa.id(), "gcc", isa.requiredCFlags(), List.of())
                    : new Target(isa.id(), isa.gccCommand(), isa.requiredCFlags(), List.of(isa.qemuCommand()));
        }
    }

    /** The hop order of every migration IT. */
    static final List<Target> HOPS = Stream.of(Isa.X86_64, Isa.S390X, Isa.I686, Isa.AARCH64, Isa.RISCV64)
            .map(Target::of).toList();

    record Run(int rc, String out, String err) {}

    /** The runtime's object files per target, compiled once per test JVM and shared by every IT class. */
    private static final Map<String, Path> RUNTIMES = new ConcurrentHashMap<>();

    private MigrationHops() {}

    static List<String> command(Target t, Path exe) {
        List<String> cmd = new ArrayList<>(t.runner());
        cmd.add(exe.toString());
        return cmd;
    }

    /** Links the instrumented program for t; gcc must accept it with -Wall and no warning. */
    static Path link(Target t, CompileResult program, Path exe) throws Exception {
        return link(t, program, exe, List.of());
    }

    /** The same, with C sources compiled as they are (not instrumented: a library linked in) added to the link. */
    static Path link(Target t, CompileResult program, Path exe, List<Path> uninstrumented) throws Exception {
        CompileResult r = program.forIsa(t.name());   // the ISA's own text when the program's differs between ISAs
        // as `talent build` compiles (CrossCompiler.EXECUTABLE_FLAGS: the gaps between globals need its section flags)
        List<String> cmd = new ArrayList<>(List.of(t.cc()));
        cmd.addAll(CrossCompiler.EXECUTABLE_FLAGS);
        cmd.add("-Wall");
        cmd.addAll(t.flags());
        cmd.add("-I" + INCLUDE);
        r.instrumentedSources().forEach(p -> cmd.add(p.toString()));
        uninstrumented.forEach(p -> cmd.add(p.toString()));
        cmd.add(r.programTable().toString());
        cmd.add(runtime(t).resolve(RuntimeLibrary.ARCHIVE_NAME).toString());
        // as `talent build` links: the allocator wrapped (blocks allocated where no call was rewritten are tracked)
        cmd.addAll(RuntimeLibrary.LINK_FLAGS);
        cmd.addAll(List.of("-o", exe.toString()));
        Run run = run(cmd, Map.of(), null);
        assertThat(run.rc()).as(String.join(" ", cmd) + "\n" + run.err()).isZero();
        // but the C library's own link warnings of a static link, for functions the program calls (glibc's tmpnam,
        // getpwnam & co.): plain gcc's static build prints them too
        String warnings = run.err().lines().filter(l -> !l.contains("warning: the use of `tmpnam' is dangerous")
                && !l.contains("in statically linked applications requires at runtime the shared libraries"))
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(warnings).as(t.cc() + " warnings").doesNotContain("warning:");
        return exe;
    }

    private static synchronized Path runtime(Target t) throws Exception {
        Path cached = RUNTIMES.get(t.name());
        if (cached != null) return cached;
        Path dir = Files.createTempDirectory("talent-rt-" + t.name());
        List<Path> sources;
        try (Stream<Path> s = Files.list(RUNTIME)) {
            sources = s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        }
        for (Path c : sources) {
            List<String> cmd = new ArrayList<>(List.of(t.cc(), "-c", "-O2", "-std=c99", "-D_POSIX_C_SOURCE=200809L",
                    "-fsigned-char", "-ffp-contract=off", "-I" + INCLUDE, "-I" + RUNTIME));
            cmd.addAll(t.flags());
            cmd.addAll(List.of(c.toString(), "-o", dir.resolve(c.getFileName() + ".o").toString()));
            Run run = run(cmd, Map.of(), null);
            assertThat(run.rc()).as("runtime " + c.getFileName() + " for " + t.name() + ":\n" + run.err()).isZero();
        }
        // an archive, as `talent build` links: a member only a program calling tmpnam or getpwnam references (tmpnam.c,
        // pwgr.c) is linked only then, and with it the C library's function and its link warning
        String cross = t.cc().endsWith("-gcc") ? t.cc().substring(0, t.cc().length() - "gcc".length()) + "ar" : "ar";
        String ar = MigratesLikeGcc.onPath(cross) ? cross : "ar";     // musl-gcc's objects are the host's: ar
        List<String> archive = new ArrayList<>(List.of(ar, "rcs", dir.resolve(RuntimeLibrary.ARCHIVE_NAME).toString()));
        sources.forEach(c -> archive.add(dir.resolve(c.getFileName() + ".o").toString()));
        Run made = run(archive, Map.of(), null);
        assertThat(made.rc()).as("archiving the runtime for " + t.name() + ":\n" + made.err()).isZero();
        RUNTIMES.put(t.name(), dir);
        return dir;
    }

    /** A checkpoint directory at {@code dir}, made private to its owner as the runtime requires (mode 0700). */
    static Path checkpointDir(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /** Runs cmd (in dir, or the current directory when null) with env added, output captured. */
    static Run run(List<String> cmd, Map<String, String> env, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        if (dir != null) pb.directory(dir.toFile());
        Path out = Files.createTempFile("talent-it-out", ".txt");
        Path err = Files.createTempFile("talent-it-err", ".txt");
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
