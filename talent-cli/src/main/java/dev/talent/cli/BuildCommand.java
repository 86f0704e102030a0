package dev.talent.cli;

import dev.talent.compiler.Diagnostic;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.RuntimeLibrary;
import dev.talent.toolchain.ToolchainProbe;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Instrument C sources and build DIR/NAME.<isa> for each ISA (static binaries).")
public final class BuildCommand implements Callable<Integer> {

    private static final Pattern PROGRAM_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern OPTIMIZATION = Pattern.compile("-O(0|1|2|3|s|g|z|fast)?");

    @Spec CommandSpec spec;

    @Option(names = "-o", required = true, paramLabel = "DIR", description = "Output directory.")
    Path outputDir;

    @Option(names = "--isa", split = ",", paramLabel = "LIST",
            description = "ISAs to build (default: every ISA whose toolchain is installed): ${COMPLETION-CANDIDATES}",
            completionCandidates = KnownPlatforms.class)
    List<String> isas;

    @Option(names = "--name", paramLabel = "NAME", description = "Program name (default: first file without .c).")
    String name;

    @Option(names = "-I", paramLabel = "DIR", description = "Add an include directory.")
    List<Path> includeDirs = new ArrayList<>();

    @Option(names = "-D", paramLabel = "NAME[=VALUE]", description = "Define a macro.")
    List<String> defines = new ArrayList<>();

    @Option(names = "-U", paramLabel = "NAME", description = "Undefine a macro.")
    List<String> undefines = new ArrayList<>();

    // The level is read from the argument itself (-O, -O2, -Os...): picocli cannot attach an optional value
    // without taking the next file name as the value of a bare -O.
    @Option(names = {"-O", "-O0", "-O1", "-O2", "-O3", "-Os", "-Og", "-Oz", "-Ofast"}, paramLabel = "",
            description = "Optimization level (default -O2).")
    boolean optimizationGiven;

    @Option(names = "-std", paramLabel = "STD", description = "C standard, as -std=c99.")
    String standard;

    @Option(names = "-W", paramLabel = "WARNING", description = "Warning option, as -Wall.")
    List<String> warnings = new ArrayList<>();

    @Option(names = "-L", paramLabel = "DIR", description = "Add a library directory.")
    List<Path> libraryDirs = new ArrayList<>();

    @Option(names = "-l", paramLabel = "LIB", description = "Link a library, as -lm.")
    List<String> libraries = new ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "FILE.c", description = "C sources.")
    List<Path> sources;

    /** Other gcc options (-f*, -m*, -g*, -Wl,..., -pipe, ...): given to gcc only, or refused (CcOptions.refusal). */
    @Unmatched
    List<String> otherOptions = new ArrayList<>();

    /** The request the command line describes. */
    BuildRequest request() {
        // options first: the value of a refused option (-include x.h) would otherwise be taken for a file
        List<String> gccOnly = new ArrayList<>();
        List<String> allDefines = new ArrayList<>(defines);
        List<String> allLibraries = new ArrayList<>(libraries);
        boolean pthread = false;
        for (int i = 0; i < otherOptions.size(); i++) {
            String o = otherOptions.get(i);
            if (!o.startsWith("-")) {
                throw new ParameterException(spec.commandLine(), "unexpected argument '" + o + "'");
            }
            if (o.equals(CcOptions.PTHREAD)) {
                pthread = true;
                continue;
            }
            Optional<String> why = CcOptions.refusal(o);
            if (why.isPresent()) {
                throw new ParameterException(spec.commandLine(), "option " + o + " is not supported: " + why.get());
            }
            gccOnly.add(o);
            if (CcOptions.takesValue(o) && i + 1 < otherOptions.size()) gccOnly.add(otherOptions.get(++i));
        }
        for (String w : warnings) {
            if (w.startsWith("p,")) {
                throw new ParameterException(spec.commandLine(), "option -W" + w + " is not supported: "
                        + "it gives options to gcc's preprocessor that the analysis (clang) would not see; use -D, -U or -I");
            }
        }
        for (Path source : sources) {
            if (!source.getFileName().toString().endsWith(".c")) {
                throw new ParameterException(spec.commandLine(), "not a C source file: " + source);
            }
        }
        if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            throw new ParameterException(spec.commandLine(), "-o " + outputDir + ": exists and is not a directory");
        }
        if (name != null && !PROGRAM_NAME.matcher(name).matches()) {
            throw new ParameterException(spec.commandLine(),
                    "--name must be a file name of letters, digits, '.', '_' and '-', not '" + name + "'");
        }
        Optional<List<Platform>> platforms;
        try {
            platforms = Optional.ofNullable(isas).map(list -> list.stream().map(Platform::parse).distinct().toList());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (pthread) {
            // as gcc's specs do: the define before the user's, the library after the user's
            allDefines.addFirst(CcOptions.PTHREAD_DEFINE);
            if (!allLibraries.contains(CcOptions.PTHREAD_LIBRARY)) allLibraries.add(CcOptions.PTHREAD_LIBRARY);
        }
        CcOptions cc = new CcOptions(includeDirs, allDefines, undefines, optimizationLevel(), Optional.ofNullable(standard),
                warnings, libraryDirs, allLibraries, gccOnly);
        return new BuildRequest(sources, cc, outputDir, name != null ? name : BuildRequest.defaultName(sources), platforms);
    }

    private Optional<String> optimizationLevel() {
        if (!optimizationGiven) return Optional.empty();
        String last = null;
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            if (OPTIMIZATION.matcher(arg).matches()) last = arg;
        }
        String level = last == null ? "" : last.substring(2);
        return Optional.of(level.isEmpty() ? "1" : level);
    }

    @Override
    public Integer call() throws Exception {
        BuildRequest request = request();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Path source : request.sources()) {
            if (!Files.isRegularFile(source)) {
                err.println("talent build: no such file: " + source);
                return ExitCodes.USAGE;
            }
        }
        DiagnosticRenderer diagnostics = new DiagnosticRenderer(Path.of(""));
        ProgramBuilder builder = new ProgramBuilder(ToolchainProbe.ofHost(),
                RuntimeLibrary.fromClasspath(TalentDirectories.cache()), Instrumenter.checkpointCompiler(BuildProgress.forStderr(err)));
        try {
            builder.build(request, new BuildEventRenderer(out, err, Terminals.stderrIsTerminal(), BuildCommand::displayed, diagnostics));
            return ExitCodes.OK;
        } catch (BuildFailedException.Rejected e) {
            e.diagnostics().forEach(d -> err.println(diagnostics.render(d)));
            long errors = e.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
            err.println("talent build: " + errors + " error" + (errors == 1 ? "" : "s") + ", nothing built");
            return ExitCodes.FAILURE;
        } catch (BuildFailedException.NoPlatform e) {
            err.println("talent build: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } catch (BuildFailedException.ToolFailed e) {
            e.outputs().forEach((platform, output) -> err.println(output.stripTrailing()));
            err.println("talent build: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    static String displayed(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
    }

    /** For --help: the platform names. */
    static final class KnownPlatforms extends ArrayList<String> {
        private static final long serialVersionUID = 1L;
        KnownPlatforms() { super(Platform.KNOWN.stream().map(Platform::name).toList()); }
    }
}
