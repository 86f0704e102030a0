package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.StaticsHoisting;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper in the spirit of Error Prone's BugCheckerRefactoringTestHelper: C input files in a temporary
 * directory, run the compiler (or only its analyses) on them, then look at the instrumented text, at what
 * the analyses found, or at the diagnostics of a rejected program.
 */
public final class CProgram {
    private final Path dir;
    private final List<Path> sources = new ArrayList<>();
    private CheckpointCompiler.Analysis analysis;

    private CProgram(Path dir) {
        this.dir = dir;
    }

    /** Duff's device: a do-while loop holding case labels of a switch outside it (a loop that cannot be copied). */
    public static final String DUFFS_DEVICE = """
            int main(void) {
              int n = 0, k = 3;
              switch (k % 2) {
              case 0: do { n += 2;
              case 1:      n++;
                      } while (--k > 0);
              }
              return n;
            }
            """;

    public static CProgram in(Path dir) {
        return new CProgram(dir);
    }

    /** Adds a file; .c files are compiled, others (headers) only written. */
    public CProgram file(String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, text);
            if (name.endsWith(".c")) sources.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public CompileRequest request() {
        return new CompileRequest(sources, List.of("-I" + dir), dir.resolve("out"), "test");
    }

    public Path outputDir() {
        return dir.resolve("out");
    }

    public CProgram analyze() {
        try {
            analysis = new CheckpointCompiler().analyze(request());
        } catch (CompilationFailedException e) {
            throw new AssertionError("unexpected rejection: " + e.diagnostics(), e);
        }
        return this;
    }

    public CompileResult compile() {
        try {
            return new CheckpointCompiler().compile(request());
        } catch (CompilationFailedException e) {
            throw new AssertionError("unexpected rejection: " + e.diagnostics(), e);
        }
    }

    /** Compiles and returns the instrumented text of one file. */
    public String instrumented(String name) {
        compile();
        try {
            return Files.readString(outputDir().resolve(name), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The instrumented file with each call's choice of a clean clone (emit.CleanClones) written back as the plain
     * call, {@code (... ? f__talent_clean : f)(x)} as {@code f(x)}: for tests of other rewritings, whose expected
     * text names the call as written (CleanClonesTest checks the choice itself).
     */
    public String instrumentedWithoutCloneChoices(String name) {
        return instrumented(name).replaceAll(
                "\\(__builtin_expect\\(!\\(talent_pending \\| talent_restoring\\), 1\\) \\? (\\w+)__talent_clean : \\1\\)", "$1");
    }

    /**
     * Compiles the instrumented file {@code name} (after {@link #compile}) with the host gcc, {@code -Wall
     * -Wextra -Werror}: generated code must be valid C that draws no warning.
     */
    public CProgram compilesWithGcc(String name) {
        Path include = Path.of(System.getProperty("user.dir")).resolveSibling("talent-runtime").resolve("src/main/c/include");
        try {
            Process gcc = new ProcessBuilder("gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-fsigned-char", "-c",
                    "-I" + include, outputDir().resolve(name).toString(), "-o", dir.resolve(name + ".o").toString())
                    .redirectErrorStream(true).start();
            String log = new String(gcc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(gcc.waitFor()).as(log).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return this;
    }

    /** Expects the program to be rejected; returns the diagnostics. */
    public List<Diagnostic> rejection() {
        CompilationFailedException e = catchThrowableOfType(CompilationFailedException.class,
                () -> new CheckpointCompiler().compile(request()));
        assertThat(e).as("the program should be rejected").isNotNull();
        return e.diagnostics();
    }

    /** The part of an instrumented file that corresponds line by line to the original (between #line and the tables). */
    public static List<String> originalLines(String instrumented) {
        List<String> lines = instrumented.lines().toList();
        int start = 0;
        while (!lines.get(start).startsWith("#line 1 ")) start++;
        int end = lines.indexOf("/* ---- talent: tables (generated) ---- */");
        if (lines.get(end - 1).startsWith("#line ")) end--;   // the tables' own #line (CheckpointCompiler.generatedLines)
        return lines.subList(start + 1, end - 1);
    }

    /**
     * What the passes found in one file (after {@link #analyze}), for tests that run one emitter alone on a plan of
     * the file's text: the unit, its types, its functions, the program's call graph, its hoisted statics.
     */
    public record AnalysedUnit(TranslationUnit tu, TypeResolver types, List<FunctionModel> functions, CallGraph graph,
                               List<StaticsHoisting.HoistedStatic> statics, Diagnostics diags) {
        /** The function named {@code name} of this file. */
        public FunctionModel function(String name) {
            return functions.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
        }
    }

    public AnalysedUnit unit(String name) {
        for (CheckpointCompiler.Unit u : analysis.units()) {
            if (u.tu.unitName().equals(name)) {
                return new AnalysedUnit(u.tu, u.types, u.mainFunctions(), analysis.graph(), u.statics, analysis.diags());
            }
        }
        throw new IllegalArgumentException("no unit " + name);
    }

    public List<Diagnostic> diagnostics() {
        return analysis.diags().all();
    }

    public FunctionModel function(String name) {
        return analysis.function(name);
    }

    public List<Point> points() {
        return analysis.pointTable();
    }

    /** Names of the variables saved at the i-th point of a function, in variable-id order. */
    public List<String> saved(String function, int i) {
        return function(function).points.get(i).saved.stream().map(v -> v.name).toList();
    }

    public List<String> variables(String function) {
        return function(function).variables.stream().map((Variable v) -> v.name).toList();
    }
}
