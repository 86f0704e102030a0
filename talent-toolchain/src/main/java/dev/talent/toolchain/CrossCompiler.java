package dev.talent.toolchain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compiles and links C for one platform with its gcc. Every compilation gets the flags that make results
 * identical across ISAs ({@code -ffp-contract=off -fsigned-char}, SSE math on i686); executables are static.
 */
public final class CrossCompiler {

    /**
     * Flags of every executable talent links, before the user's own. {@code -fmerge-constants} (which -O1 and up imply;
     * an explicit -f option stays in force after a user's -O0): identical string literals of different files are one
     * object, so that a pointer to a literal, saved as its text, is restored into the one literal with that text
     * (talent-runtime objects.c; docs/FORMAT.md, "Pointers"). {@code -fno-toplevel-reorder -fdata-sections}: objects
     * with static storage in source order, each in its own section, so that the gap the compiler writes after each
     * (TALENT_GAP) lies between it and the next in every section (docs/CODEGEN.md "Gaps between globals").
     */
    public static final List<String> EXECUTABLE_FLAGS = List.of("-static", "-O2", "-fmerge-constants", "-ffp-contract=off",
            "-fsigned-char", "-fno-toplevel-reorder", "-fdata-sections");

    private final Platform platform;
    private final Path compiler;
    private final Path archiver;

    private CrossCompiler(Platform platform, Path compiler, Path archiver) {
        this.platform = platform;
        this.compiler = compiler;
        this.archiver = archiver;
    }

    /** The compiler of a buildable platform, or an exception naming the missing packages. */
    public static CrossCompiler forPlatform(Platform platform, ToolchainProbe probe) throws PlatformUnavailableException {
        PlatformSupport support = probe.probe(platform);
        if (!support.isBuildable()) throw new PlatformUnavailableException(platform, "build for", support.missingForBuild());
        Path archiver = probe.findCommand(platform.archiverCommand()).orElseThrow();
        return new CrossCompiler(platform, support.compiler().orElseThrow(), archiver);
    }

    public Platform platform() { return platform; }

    public Path compilerPath() { return compiler; }

    /** The flags every executable of this platform is linked with, before user flags. */
    public List<String> executableFlags() {
        return Stream.concat(EXECUTABLE_FLAGS.stream(), platform.isa().requiredCFlags().stream()).toList();
    }

    public List<String> executableCommand(ExecutableSpec spec) {
        List<String> command = new ArrayList<>();
        command.add(compiler.toString());
        command.addAll(executableFlags());
        command.addAll(spec.compileFlags());
        spec.sources().forEach(s -> command.add(s.toString()));
        spec.libraries().forEach(l -> command.add(l.toString()));
        command.addAll(spec.linkFlags());
        command.add("-o");
        command.add(spec.output().toString());
        return command;
    }

    /** Compiles and links a static executable; on failure the exception carries gcc's output. */
    public void linkExecutable(ExecutableSpec spec) throws ToolFailedException, IOException, InterruptedException {
        Files.createDirectories(spec.output().toAbsolutePath().getParent());
        run(executableCommand(spec), "linking " + spec.output().getFileName() + " for " + platform.name() + " failed");
    }

    /** Compiles one file to an object; {@code flags} come first, then the ISA's required flags. */
    public void compileObject(Path source, List<String> flags, Path object)
            throws ToolFailedException, IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(compiler.toString());
        command.addAll(flags);
        command.addAll(platform.isa().requiredCFlags());
        command.addAll(List.of("-c", source.toString(), "-o", object.toString()));
        run(command, "compiling " + source.getFileName() + " for " + platform.name() + " failed");
    }

    /**
     * What this gcc says about {@code source} as the user wrote it ({@code gcc -fsyntax-only}, the executable's flags,
     * then {@code flags}): its warnings, which the instrumented copy cannot show against the user's lines. Warnings
     * that need the optimizer's analyses (-Wmaybe-uninitialized) are not among them.
     */
    public CapturedRun checkSyntax(Path source, List<String> flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(compiler.toString());
        command.addAll(executableFlags());
        command.addAll(flags);
        command.addAll(List.of("-fsyntax-only", source.toString()));
        return ProcessRunner.capture(command, EnvironmentChange.NONE, null);
    }

    /** Writes a static library (with a symbol index) of the objects. */
    public void archive(List<Path> objects, Path library) throws ToolFailedException, IOException, InterruptedException {
        Files.deleteIfExists(library);
        List<String> command = new ArrayList<>(List.of(archiver.toString(), "rcs", library.toString()));
        objects.forEach(o -> command.add(o.toString()));
        run(command, "archiving " + library.getFileName() + " for " + platform.name() + " failed");
    }

    private static void run(List<String> command, String summary)
            throws ToolFailedException, IOException, InterruptedException {
        CapturedRun run = ProcessRunner.capture(command, EnvironmentChange.NONE, null);
        if (run.exitCode() != 0) {
            throw new ToolFailedException(summary, command, run.exitCode(), run.stdout() + run.stderr());
        }
    }
}
