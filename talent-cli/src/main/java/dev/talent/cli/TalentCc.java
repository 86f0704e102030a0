package dev.talent.cli;

import dev.talent.compiler.CompilationFailedException;
import dev.talent.compiler.CompileRequest;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import dev.talent.format.SafeText;
import dev.talent.toolchain.BuiltRuntime;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.CrossCompiler;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ExecutableSpec;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ProcessRunner;
import dev.talent.toolchain.RuntimeLibrary;
import dev.talent.toolchain.ToolFailedException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code talentcc}: a C compiler driver for existing build systems ({@code make CC=talentcc}, CMake's
 * {@code CMAKE_C_COMPILER}). Objects are the host's plain objects carrying a {@link CcNote}; archives of them
 * are ordinary {@code ar} archives; the link instruments the translation units the host link pulls in (objects
 * named on the command line and archive members the linker loads) as one program and links {@code OUT.<platform>}
 * for every platform, and {@code OUT} as a copy of the host's. See docs/TALENTCC.md.
 */
public final class TalentCc {

    static final String HOST_GCC = System.getenv().getOrDefault("TALENT_HOST_CC", "gcc");
    private static final int PARALLEL_LINKS = 2;

    private final PrintWriter err;
    private final boolean progress;

    private TalentCc(PrintWriter err) {
        this.err = err;
        this.progress = BuildProgress.stderrIsTerminal();
    }

    /** Runs one talentcc command line; returns its exit status. */
    public static int run(PrintWriter err, List<String> args) {
        TalentCc cc = new TalentCc(err);
        try {
            CcArguments parsed = CcArguments.parse(args);
            return switch (parsed.mode()) {
                case PASS_THROUGH -> cc.gcc(parsed.original());
                case COMPILE -> cc.compile(parsed);
                case LINK -> cc.link(parsed);
            };
        } catch (CcArguments.Refused | Failed e) {
            err.println("talentcc: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (IOException e) {
            err.println("talentcc: " + SafeText.escape(String.valueOf(e.getMessage())));
            return ExitCodes.IO_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        } finally {
            err.flush();
        }
    }

    /** A failure with its message for the user. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    private int gcc(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(HOST_GCC);
        command.addAll(args);
        return ProcessRunner.runInheritingIO(command, EnvironmentChange.NONE, null);
    }

    /** -c: the host's object as gcc makes it (with -MD/-MF and warnings as the user asked), then the note. */
    private int compile(CcArguments args) throws IOException, InterruptedException, Failed {
        int status = gcc(args.original());
        if (status != 0) return status;
        for (Path source : args.sources()) attachNote(source, args.cc(), args.objectFor(source));
        return 0;
    }

    private void attachNote(Path source, CcOptions cc, Path object) throws IOException, InterruptedException, Failed {
        CcNote note = CcNote.of(source, cc, projectHeaders(source, cc));
        Path file = Files.createTempFile("talentcc-note", ".json");
        try {
            Files.write(file, note.toBytes());
            run(List.of("objcopy", "--remove-section", CcNote.SECTION, "--add-section", CcNote.SECTION + "=" + file,
                    object.toString()), "attaching talent's note to " + object);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The headers of {@code source} outside the system directories (gcc -MM), whose contents the note pins. */
    private List<Path> projectHeaders(Path source, CcOptions cc) throws IOException, InterruptedException, Failed {
        List<String> command = new ArrayList<>(List.of(HOST_GCC));
        command.addAll(cc.preprocessorArgs());
        command.addAll(List.of("-MM", source.toString()));
        String rule = run(command, "listing the headers of " + source).stdout();
        List<Path> headers = new ArrayList<>();
        List<String> words = makeWords(rule);
        for (int i = 1; i < words.size(); i++) {
            Path p = Path.of(words.get(i));
            if (!p.toAbsolutePath().normalize().equals(source.toAbsolutePath().normalize())) headers.add(p);
        }
        return headers;
    }

    /** The words of a make rule as gcc -M writes it: continuation lines joined, "\ " an escaped space. */
    static List<String> makeWords(String rule) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        String text = rule.replace("\\\n", " ");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == ' ') {
                w.append(' ');
                i++;
            } else if (Character.isWhitespace(c)) {
                if (!w.isEmpty()) words.add(w.toString());
                w.setLength(0);
            } else {
                w.append(c);
            }
        }
        if (!w.isEmpty()) words.add(w.toString());
        if (!words.isEmpty() && words.getFirst().endsWith(":")) words.set(0, words.getFirst().substring(0, words.getFirst().length() - 1));
        return words;
    }

    /** One translation unit of the program: its note and where it came from (for messages). */
    record Unit(CcNote note, String origin) { }

    /** The archives of the program's own objects the host link used (their -l options are not given to the cross links). */
    private final java.util.Set<String> userArchives = new java.util.HashSet<>();

    private int link(CcArguments args) throws IOException, InterruptedException, Failed {
        Path out = args.output().orElse(Path.of("a.out")).toAbsolutePath().normalize();
        String name = out.getFileName().toString();
        if (!name.matches("[A-Za-z0-9_][A-Za-z0-9._-]*")) throw new Failed("output name " + name + ": use letters, digits, '.', '_' and '-'");
        Path work = Files.createTempDirectory("talentcc-");
        try {
            List<Unit> units = hostLink(args, work);
            checkUnits(units);
            List<CrossCompiler> compilers = compilers(args.isas());
            say(name + ": instrumenting " + units.size() + " translation unit" + (units.size() == 1 ? "" : "s"));
            CompileResult instrumented = instrument(units, work.resolve("src"), name);
            Map<Platform, Path> built = linkAll(args, units, instrumented, compilers, out, work);
            Optional<dev.talent.toolchain.Isa> host = dev.talent.toolchain.Isa.host();
            Path hostBinary = null;
            for (Map.Entry<Platform, Path> e : built.entrySet()) {
                if (host.isPresent() && e.getKey().isa() == host.get() && hostBinary == null) hostBinary = e.getValue();
            }
            if (hostBinary == null) throw new Failed("no platform of the host's ISA was built, so " + name + " itself was not written");
            Path partial = out.resolveSibling("." + name + ".partial");
            Files.copy(hostBinary, partial, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Links the inputs with the host's gcc as given (C sources first compiled to noted objects), with the linker's
     * trace: it names every object and archive member the link uses, which are the program's translation units.
     * An object that is not the C library's and carries no note is refused: its code and state would not be
     * migrated.
     */
    private List<Unit> hostLink(CcArguments args, Path work) throws IOException, InterruptedException, Failed {
        List<String> command = new ArrayList<>(List.of(HOST_GCC));
        int n = 0;
        for (String input : args.inputs()) {
            if (input.endsWith(".c") && !input.startsWith("-")) {
                Path object = work.resolve("c" + n++ + "-" + Path.of(input).getFileName().toString().replaceAll("\\.c$", ".o"));
                List<String> compile = new ArrayList<>(List.of(HOST_GCC));
                compile.addAll(args.cc().compileFlags());
                compile.addAll(List.of("-c", input, "-o", object.toString()));
                if (ProcessRunner.runInheritingIO(compile, EnvironmentChange.NONE, null) != 0) throw new Failed("compiling " + input + " failed");
                attachNote(Path.of(input), args.cc(), object);
                command.add(object.toString());
            } else {
                command.add(input);
            }
        }
        command.addAll(args.cc().gccOnly());
        command.addAll(args.linkOptions().stream().filter(o -> !o.startsWith("-Wl,")).toList());
        Path map = work.resolve("host-link.map");
        command.addAll(List.of("-Wl,-Map=" + map, "-o", work.resolve("host-link").toString()));
        CapturedRun run = ProcessRunner.capture(command, EnvironmentChange.NONE, null);
        if (run.exitCode() != 0) {
            err.print(run.stderr());
            throw new Failed("linking failed (the host's gcc, before talent instruments anything)");
        }
        List<Unit> units = new ArrayList<>();
        LinkMap linkMap = LinkMap.parse(Files.readAllLines(map, java.nio.charset.StandardCharsets.ISO_8859_1));
        for (String loaded : linkMap.loaded()) {
            Path file = Path.of(loaded);
            if (isSystem(file)) continue;
            if (loaded.endsWith(".o")) {
                units.add(unitOf(file, file.startsWith(work) ? file.getFileName().toString().replaceFirst("^c[0-9]+-", "") : loaded));
            } else if (loaded.endsWith(".so") || loaded.matches(".*\\.so\\.[0-9.]+")) {
                throw new Failed(loaded + " is a shared library: talent builds static programs of objects compiled by talentcc");
            }
        }
        int member = 0;
        for (LinkMap.Member m : linkMap.members()) {
            Path archive = Path.of(m.archive());
            if (isSystem(archive)) continue;
            userArchives.add(archive.getFileName().toString());
            Path extracted = work.resolve("m" + member++ + "-" + m.member());
            Process p = new ProcessBuilder("ar", "p", archive.toString(), m.member())
                    .redirectOutput(extracted.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (ProcessRunner.waitFor(p) != 0) throw new Failed("cannot read " + m.member() + " from " + archive);
            units.add(unitOf(extracted, archive + "(" + m.member() + ")"));
        }
        if (units.isEmpty()) throw new Failed("the link uses no object compiled by talentcc");
        return units;
    }

    private static boolean isSystem(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith("/usr") || abs.startsWith("/lib") || abs.startsWith("/lib64");
    }

    private Unit unitOf(Path object, String origin) throws IOException, InterruptedException, Failed {
        Path dir = Files.createTempDirectory("talentcc-section");
        Path section = dir.resolve("note");
        try {
            CapturedRun r = ProcessRunner.capture(List.of("objcopy", "--dump-section", CcNote.SECTION + "=" + section,
                    object.toString(), dir.resolve("copy").toString()), EnvironmentChange.NONE, null);
            if (r.exitCode() != 0 && !r.stderr().contains("not exist") && !r.stderr().contains("not found")) {
                throw new Failed(origin + ": not an object file objcopy can read: " + r.stderr().strip());
            }
            if (!Files.isRegularFile(section)) {
                throw new Failed(origin + " was not compiled by talentcc: talent needs the C source of every object of the "
                        + "program (its code and its state are instrumented and migrated); compile it with talentcc");
            }
            if (Files.size(section) > CcNote.MAX_BYTES) throw new Failed(origin + ": talentcc note too large");
            try {
                return new Unit(CcNote.parse(Files.readAllBytes(section)), origin);
            } catch (IOException e) {
                throw new Failed(origin + ": " + e.getMessage());
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static void checkUnits(List<Unit> units) throws IOException, Failed {
        Map<Path, Unit> bySource = new LinkedHashMap<>();
        for (Unit u : units) {
            Optional<Path> changed = u.note().changedFile();
            if (changed.isPresent()) {
                throw new Failed(changed.get() + " changed (or is gone) since " + u.origin() + " was compiled from it: "
                        + "rebuild that object (talent instruments the sources at link time and must see what was compiled)");
            }
            Unit other = bySource.putIfAbsent(u.note().source().toAbsolutePath().normalize(), u);
            if (other != null) {
                throw new Failed(u.origin() + " and " + other.origin() + " both come from " + u.note().source()
                        + ": a program can have each source once");
            }
        }
    }

    private List<CrossCompiler> compilers(Optional<String> isas) throws Failed {
        ToolchainProbe probe = ToolchainProbe.ofHost();
        String list = isas.orElse(System.getenv().getOrDefault("TALENT_CC_ISAS", ""));
        List<Platform> platforms;
        try {
            platforms = list.isBlank() ? probe.defaultTargets().stream().filter(p -> probe.probe(p).isBuildable()).toList()
                    : java.util.Arrays.stream(list.split(",")).map(String::strip).map(Platform::parse).distinct().toList();
        } catch (IllegalArgumentException e) {
            throw new Failed(e.getMessage());
        }
        List<CrossCompiler> compilers = new ArrayList<>();
        for (Platform p : platforms) {
            try {
                compilers.add(CrossCompiler.forPlatform(p, probe));
            } catch (PlatformUnavailableException e) {
                throw new Failed(e.getMessage());
            }
        }
        if (compilers.isEmpty()) throw new Failed("no C compiler for any ISA is installed");
        return compilers;
    }

    private CompileResult instrument(List<Unit> units, Path dir, String name) throws IOException, InterruptedException, Failed {
        Files.createDirectories(dir);
        List<Path> sources = units.stream().map(u -> u.note().source()).toList();
        Map<Path, List<String>> args = new LinkedHashMap<>();
        units.forEach(u -> args.put(u.note().source(), u.note().preprocessorArgs()));
        try {
            CompileResult result = Instrumenter.checkpointCompiler(BuildProgress.forStderr(err))
                    .instrument(new CompileRequest(sources, List.of(), dir, name, args));
            DiagnosticRenderer r = new DiagnosticRenderer(Path.of(""));
            result.diagnostics().forEach(d -> err.println(r.render(d)));
            return result;
        } catch (CompilationFailedException e) {
            DiagnosticRenderer r = new DiagnosticRenderer(Path.of(""));
            e.diagnostics().forEach(d -> err.println(r.render(d)));
            long errors = e.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
            throw new Failed(errors + " error" + (errors == 1 ? "" : "s") + ", nothing linked");
        }
    }

    private Map<Platform, Path> linkAll(CcArguments args, List<Unit> units, CompileResult instrumented, List<CrossCompiler> compilers,
                                        Path out, Path work) throws IOException, InterruptedException, Failed {
        RuntimeLibrary runtime = RuntimeLibrary.fromClasspath(TalentDirectories.cache());
        Map<Platform, Path> built = new LinkedHashMap<>();
        Map<Platform, String> failures = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_LINKS, compilers.size()))) {
            Map<Platform, Future<Path>> pending = new LinkedHashMap<>();
            for (CrossCompiler c : compilers) {
                pending.put(c.platform(), pool.submit(() -> linkOne(args, units, instrumented, c, runtime, out, work)));
            }
            int done = 0;
            for (Map.Entry<Platform, Future<Path>> e : pending.entrySet()) {
                try {
                    built.put(e.getKey(), e.getValue().get());
                    say(out.getFileName() + "." + e.getKey().name() + " linked (" + ++done + "/" + compilers.size() + ")");
                } catch (ExecutionException x) {
                    switch (x.getCause()) {
                        case ToolFailedException t -> failures.put(e.getKey(), t.getMessage() + "\n" + t.output());
                        case IOException io -> throw io;
                        case RuntimeException r -> throw r;
                        case Throwable other -> throw new IllegalStateException(other);
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            failures.values().forEach(f -> err.println(f.stripTrailing()));
            throw new Failed("build failed for " + String.join(", ", failures.keySet().stream().map(Platform::name).toList()));
        }
        return built;
    }

    /** Each unit compiled for one platform with its own options, then linked with the tables and the runtime. */
    private Path linkOne(CcArguments args, List<Unit> units, CompileResult program, CrossCompiler compiler,
                               RuntimeLibrary runtime, Path out, Path work) throws Exception {
        // the program's own text for this ISA when it differs between the ISAs (CompileResult.forIsa)
        CompileResult instrumented = program.forIsa(compiler.platform().isa().id());
        BuiltRuntime lib = runtime.build(compiler);
        Path dir = work.resolve("obj-" + compiler.platform().name());
        Files.createDirectories(dir);
        List<Path> objects = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            List<String> flags = new ArrayList<>(compiler.executableFlags());
            flags.remove("-static");
            flags.addAll(units.get(i).note().compileFlags());
            flags.add("-I" + lib.includeDirectory());
            Path object = dir.resolve(i + ".o");
            compiler.compileObject(instrumented.instrumentedSources().get(i), flags, object);
            objects.add(object);
        }
        objects.add(instrumented.programTable());
        Path binary = out.resolveSibling(out.getFileName() + "." + compiler.platform().name());
        Path partial = binary.resolveSibling("." + binary.getFileName() + ".partial");
        List<String> linkFlags = new ArrayList<>();
        for (String input : args.inputs()) {
            // a library of the program's own objects is in the program already (instrumented), and is the host's
            if (input.startsWith("-l") && userArchives.contains("lib" + input.substring(2) + ".a")) continue;
            if (input.startsWith("-L") || input.startsWith("-l")) linkFlags.add(input);
        }
        linkFlags.addAll(args.linkOptions());
        linkFlags.addAll(lib.linkFlags());
        List<String> compileFlags = new ArrayList<>(args.cc().gccOnly());
        compileFlags.add("-I" + lib.includeDirectory());
        compiler.linkExecutable(new ExecutableSpec(objects, compileFlags, List.of(lib.archive()), linkFlags, partial));
        Files.move(partial, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return binary;
    }

    private CapturedRun run(List<String> command, String what) throws IOException, InterruptedException, Failed {
        CapturedRun r = ProcessRunner.capture(command, EnvironmentChange.NONE, null);
        if (r.exitCode() != 0) {
            err.print(r.stderr());
            throw new Failed(what + " failed");
        }
        return r;
    }

    /** Progress of long work, on stderr when it is a terminal only. */
    private void say(String message) {
        if (progress) {
            err.println("talentcc: " + message);
            err.flush();
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
