package dev.talent.cli;

import dev.talent.compiler.CompilationFailedException;
import dev.talent.compiler.CompileRequest;
import dev.talent.compiler.CompileResult;
import dev.talent.toolchain.BuildBinding;
import dev.talent.toolchain.BuiltRuntime;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.CrossCompiler;
import dev.talent.toolchain.ExecutableSpec;
import dev.talent.toolchain.MissingTool;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.RuntimeLibrary;
import dev.talent.toolchain.ToolFailedException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code talent build}: choose platforms, instrument the sources once, then per platform build the runtime and
 * link {@code DIR/NAME.<platform>}; then {@code DIR/NAME.binding} when a checkpoint of the build is bound to its
 * writer's byte order or pointer width ({@link BuildBinding}), and no such file otherwise. Platforms are linked in parallel (two at a time: gcc is single-threaded and
 * the machines talent targets have few cores).
 */
public final class ProgramBuilder {

    private static final int PARALLEL_LINKS = 2;

    private final ToolchainProbe probe;
    private final RuntimeLibrary runtime;
    private final Instrumenter instrumenter;

    public ProgramBuilder(ToolchainProbe probe, RuntimeLibrary runtime, Instrumenter instrumenter) {
        this.probe = probe;
        this.runtime = runtime;
        this.instrumenter = instrumenter;
    }

    /**
     * Builds every platform; returns the binaries by platform, in platform order. {@code events} is called from more
     * than one thread (a {@link BuildEvent.PlatformStarted} from the thread that links that platform).
     */
    public Map<Platform, Path> build(BuildRequest request, Consumer<BuildEvent> events)
            throws BuildFailedException, IOException, InterruptedException {
        List<CrossCompiler> candidates = compilers(request, events);
        events.accept(new BuildEvent.Instrumenting(request.sources()));
        CompileResult instrumented = instrument(request);
        events.accept(new BuildEvent.Instrumented(instrumented));
        Files.createDirectories(request.outputDir());

        Map<Platform, Path> built = new LinkedHashMap<>();
        Map<Platform, String> failures = new LinkedHashMap<>();
        // a platform whose gcc cannot compile the program (a 128-bit integer on i686): said before gcc would fail on it
        List<CrossCompiler> buildable = new ArrayList<>();
        for (CrossCompiler compiler : candidates) {
            Platform platform = compiler.platform();
            Optional<String> why = instrumented.forIsa(platform.isa().id()).unbuildableOn(platform.isa().id(),
                    platform.isa().pointerBits());
            if (why.isEmpty()) {
                buildable.add(compiler);
                continue;
            }
            if (request.platforms().isPresent()) {
                failures.put(platform, "talent build: not building " + platform + ": " + why.get());   // asked for: printed with the failure
            } else {
                events.accept(new BuildEvent.PlatformUnbuildable(platform, why.get()));
            }
        }
        if (buildable.isEmpty()) {
            throw new BuildFailedException.ToolFailed(failures, "build failed for "
                    + failures.keySet().stream().map(Platform::name).collect(Collectors.joining(", ")));
        }
        List<CrossCompiler> compilers = List.copyOf(buildable);
        reportCompilerMessages(request, compilers, events);
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_LINKS, compilers.size()))) {
            Map<Platform, Future<Path>> pending = new LinkedHashMap<>();
            for (CrossCompiler compiler : compilers) {
                int number = pending.size() + 1;
                pending.put(compiler.platform(), pool.submit(() -> {
                    events.accept(new BuildEvent.PlatformStarted(compiler.platform(), number, compilers.size()));
                    return link(request, instrumented, compiler);
                }));
            }
            for (Map.Entry<Platform, Future<Path>> entry : pending.entrySet()) {
                try {
                    Path binary = entry.getValue().get();
                    built.put(entry.getKey(), binary);
                    events.accept(new BuildEvent.PlatformBuilt(entry.getKey(), binary));
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case ToolFailedException t -> failures.put(entry.getKey(), t.getMessage() + "\n" + t.output());
                        case IOException io -> throw io;
                        case RuntimeException r -> throw r;
                        case Throwable other -> throw new IllegalStateException(other);
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new BuildFailedException.ToolFailed(failures, "build failed for "
                    + failures.keySet().stream().map(Platform::name).collect(Collectors.joining(", ")));
        }
        // DIR/NAME.binding: which platforms a checkpoint of this build may move to, for talent run and deploy
        Path program = request.outputDir().resolve(request.name());
        Optional<BuildBinding> binding = instrumented.binding().map(b -> new BuildBinding(b.byteOrder(), b.pointerWidth(),
                b.isaClasses(), b.why().replaceAll("\\p{Cntrl}", "?")));
        BuildBinding.write(program, binding);
        binding.ifPresent(b -> events.accept(new BuildEvent.BindingWritten(BuildBinding.fileOf(program), b)));
        return built;
    }

    private List<CrossCompiler> compilers(BuildRequest request, Consumer<BuildEvent> events) throws BuildFailedException {
        List<CrossCompiler> compilers = new ArrayList<>();
        if (request.platforms().isPresent()) {
            List<String> problems = new ArrayList<>();
            for (Platform platform : request.platforms().get()) {
                try {
                    compilers.add(CrossCompiler.forPlatform(platform, probe));
                } catch (PlatformUnavailableException e) {
                    problems.add(e.getMessage());
                }
            }
            if (!problems.isEmpty()) throw new BuildFailedException.NoPlatform(String.join("\n", problems));
            return compilers;
        }
        List<MissingTool> missing = new ArrayList<>();
        for (Platform platform : probe.defaultTargets()) {
            PlatformSupport support = probe.probe(platform);
            if (!support.isBuildable()) {
                events.accept(new BuildEvent.PlatformSkipped(support));
                missing.addAll(support.missingForBuild());
                continue;
            }
            try {
                compilers.add(CrossCompiler.forPlatform(platform, probe));
            } catch (PlatformUnavailableException e) {
                throw new IllegalStateException("probe said buildable", e);
            }
        }
        if (compilers.isEmpty()) {
            throw new BuildFailedException.NoPlatform("no C compiler for any ISA is installed; install one with: apt-get install "
                    + missing.stream().map(MissingTool::debianPackage).distinct().collect(Collectors.joining(" ")));
        }
        return compilers;
    }

    private CompileResult instrument(BuildRequest request) throws BuildFailedException, IOException, InterruptedException {
        Files.createDirectories(request.workDir());
        try {
            return instrumenter.instrument(new CompileRequest(request.sources(), request.cc().preprocessorArgs(),
                    request.workDir(), request.name()));
        } catch (CompilationFailedException e) {
            throw new BuildFailedException.Rejected(e.diagnostics(), e);
        }
    }

    /**
     * The user's sources through gcc as written, once (the host's own platform when it is built, else the first), so
     * that its warnings point at the user's lines as a plain gcc build's would; the instrumented copies are compiled
     * for every platform afterwards, and their messages would point at talent's text.
     */
    private void reportCompilerMessages(BuildRequest request, List<CrossCompiler> compilers, Consumer<BuildEvent> events)
            throws IOException, InterruptedException {
        CrossCompiler gcc = compilers.stream().filter(c -> c.platform().runsNativelyOn(probe.host())).findFirst()
                .orElse(compilers.getFirst());
        Path cwd = Path.of("").toAbsolutePath();
        for (Path source : request.sources()) {
            // named as the user named it (gcc prints the path it was given; the request's are absolute)
            Path named = source.isAbsolute() && source.startsWith(cwd) ? cwd.relativize(source) : source;
            CapturedRun run = gcc.checkSyntax(named, request.cc().compileFlags());
            String text = run.stdout() + run.stderr();
            if (!text.isBlank()) events.accept(new BuildEvent.CompilerMessages(source, text));
        }
    }

    private Path link(BuildRequest request, CompileResult program, CrossCompiler compiler)
            throws ToolFailedException, IOException, InterruptedException {
        // the program's own text for this ISA when it differs between the ISAs (CompileResult.forIsa)
        CompileResult instrumented = program.forIsa(compiler.platform().isa().id());
        BuiltRuntime lib = runtime.build(compiler);
        Path binary = request.binary(compiler.platform());
        // Link under a temporary name and rename, so DIR never holds a half-written binary under the real name.
        Path partial = binary.resolveSibling("." + binary.getFileName() + ".partial");
        List<String> compileFlags = new ArrayList<>(request.cc().compileFlags());
        compileFlags.add("-I" + lib.includeDirectory());
        List<String> linkFlags = Stream.concat(request.cc().linkFlags().stream(), lib.linkFlags().stream()).toList();
        List<Path> sources = Stream.concat(instrumented.instrumentedSources().stream(), Stream.of(instrumented.programTable())).toList();
        compiler.linkExecutable(new ExecutableSpec(sources, compileFlags, List.of(lib.archive()), linkFlags, partial));
        Files.move(partial, binary, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return binary;
    }
}
