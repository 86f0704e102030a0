package dev.talent.cli.bench;

import dev.talent.base.FileTrees;
import dev.talent.cli.BuildFailedException;
import dev.talent.cli.BuildRequest;
import dev.talent.cli.CcOptions;
import dev.talent.cli.ProgramBuilder;
import dev.talent.toolchain.CrossCompiler;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ExecutableSpec;
import dev.talent.toolchain.Launcher;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ToolFailedException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A temporary directory where a benchmark extracts its bundled programs, builds and runs them; deleted on close.
 * Instrumented binaries come from the normal {@code talent build} path ({@link ProgramBuilder}), plain ones from
 * the same gcc with the same mandatory flags ({@link CrossCompiler#executableFlags()}) and nothing else.
 */
public final class BenchWorkspace implements AutoCloseable {

    private final Path root;
    private final ToolchainProbe probe;
    private final ProgramBuilder builder;
    private final Consumer<BenchEvent> events;

    private BenchWorkspace(Path root, ToolchainProbe probe, ProgramBuilder builder, Consumer<BenchEvent> events) {
        this.root = root;
        this.probe = probe;
        this.builder = builder;
        this.events = events;
    }

    public static BenchWorkspace create(ToolchainProbe probe, ProgramBuilder builder, Consumer<BenchEvent> events)
            throws IOException {
        return new BenchWorkspace(Files.createTempDirectory("talent-bench-"), probe, builder, events);
    }

    public Path root() { return root; }

    public ToolchainProbe probe() { return probe; }

    public Consumer<BenchEvent> events() { return events; }

    /** The platforms of {@code wanted} this host can build and run; the others are reported as skipped. */
    public List<Platform> usable(List<Platform> wanted) {
        List<Platform> usable = new ArrayList<>();
        for (Platform platform : wanted) {
            PlatformSupport support = probe.probe(platform);
            if (support.isBuildable() && support.isRunnable()) usable.add(platform);
            else events.accept(new BenchEvent.PlatformSkipped(support));
        }
        return usable;
    }

    /** Whether the platform's binaries run under qemu here. */
    public boolean emulated(Platform platform) { return !platform.runsNativelyOn(probe.host()); }

    /**
     * A C file of {@code bytes} bytes of read-only data in the sections that come first in the text segment
     * ({@code .text.startup}, where gcc puts {@code main}, and {@code .text}): linked first, it moves all the
     * code after it by that much (see {@link OverheadBench} on code layouts).
     */
    public Path layoutPad(int bytes) throws IOException {
        Path target = root.resolve("src").resolve("layout-pad-" + bytes + ".c");
        Files.createDirectories(target.getParent());
        Files.writeString(target, """
                /* talent bench overhead: moves the code linked after it by %1$d bytes (another code layout) */
                __attribute__((section(".text.startup.talent_pad"), used)) const unsigned char talent_pad_startup[%1$d] = {0};
                __attribute__((section(".text.talent_pad"), used)) const unsigned char talent_pad_text[%1$d] = {0};
                """.formatted(bytes));
        return target;
    }

    /** Copies a bundled source (a resource of this package) into the workspace. */
    public Path extract(String resource) throws IOException {
        Path target = root.resolve("src").resolve(Path.of(resource).getFileName());
        Files.createDirectories(target.getParent());
        try (InputStream in = BenchWorkspace.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is missing from talent's resources");
            Files.write(target, in.readAllBytes());
        }
        return target;
    }

    /** Builds {@code source} with {@code talent build} for the platforms; returns the binaries. */
    public Map<Platform, Path> buildInstrumented(Path source, String name, List<Platform> platforms)
            throws BenchFailedException, IOException, InterruptedException {
        return buildInstrumented(List.of(source), name, platforms);
    }

    /** Builds the sources (linked in this order) with {@code talent build} for the platforms; returns the binaries. */
    public Map<Platform, Path> buildInstrumented(List<Path> sources, String name, List<Platform> platforms)
            throws BenchFailedException, IOException, InterruptedException {
        events.accept(new BenchEvent.Building(name, platforms, true));
        BuildRequest request = new BuildRequest(sources, CcOptions.NONE.withLibrary("m"),
                root.resolve("instrumented").resolve(name), name, Optional.of(platforms));
        try {
            return builder.build(request, event -> {});
        } catch (BuildFailedException.ToolFailed e) {
            throw new BenchFailedException("building " + name + " failed: " + e.getMessage() + "\n"
                    + String.join("\n", e.outputs().values()).stripTrailing(), e);
        } catch (BuildFailedException e) {
            throw new BenchFailedException("building " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Builds {@code source} for x86_64 without talent: {@code gcc -static -O2 -ffp-contract=off -fsigned-char ... -lm}. */
    public Path buildPlain(Path source, String name, Platform platform)
            throws BenchFailedException, IOException, InterruptedException {
        return buildPlain(List.of(source), name, platform);
    }

    /** Builds the sources (linked in this order) without talent, as {@link #buildPlain(Path, String, Platform)}. */
    public Path buildPlain(List<Path> sources, String name, Platform platform)
            throws BenchFailedException, IOException, InterruptedException {
        events.accept(new BenchEvent.Building(name, List.of(platform), false));
        Path binary = root.resolve("plain").resolve(name + "." + platform.name());
        try {
            CrossCompiler.forPlatform(platform, probe)
                    .linkExecutable(new ExecutableSpec(sources, List.of(), List.of(), List.of("-lm"), binary));
        } catch (PlatformUnavailableException e) {
            throw new BenchFailedException(e.getMessage(), e);
        } catch (ToolFailedException e) {
            throw new BenchFailedException(e.getMessage() + "\n" + e.output(), e);
        }
        return binary;
    }

    /** Runs a binary (under qemu when the platform needs it) in the workspace, capturing its output and timing it. */
    public TimedRun run(Platform platform, Path binary, List<String> args, EnvironmentChange env)
            throws BenchFailedException, IOException, InterruptedException {
        Launcher launcher;
        try {
            launcher = Launcher.forPlatform(platform, probe);
        } catch (PlatformUnavailableException e) {
            throw new BenchFailedException(e.getMessage(), e);
        }
        long start = System.nanoTime();
        var run = launcher.runCapturing(binary, args, env, root);
        return new TimedRun(run, (System.nanoTime() - start) / 1e6);
    }

    /** A fresh, empty directory in the workspace (deleted first if it exists). */
    public Path freshDirectory(String name) throws IOException {
        Path dir = root.resolve(name);
        deleteTree(dir);
        Files.createDirectories(dir);
        return dir;
    }

    static BenchFailedException unexpected(String what, TimedRun run) {
        return new BenchFailedException(what + " exited with status " + run.exitCode()
                + (run.stderr().isBlank() ? "" : ":\n" + run.stderr().stripTrailing()));
    }

    static String platformNames(List<Platform> platforms) {
        return platforms.stream().map(Platform::name).collect(Collectors.joining(" "));
    }

    @Override
    public void close() throws IOException { deleteTree(root); }

    static void deleteTree(Path dir) throws IOException {
        FileTrees.deleteRecursively(dir);
    }
}
