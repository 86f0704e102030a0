package dev.talent.compiler;

import dev.talent.compiler.analysis.AddressTakenAnalysis;
import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.ChainCallHoisting;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FrameLiveness;
import dev.talent.compiler.analysis.FrameVariables;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.LibraryCalls;
import dev.talent.compiler.analysis.LibraryFunctionAddresses;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.Pragma;
import dev.talent.compiler.analysis.PragmaPlacement;
import dev.talent.compiler.analysis.PragmaScanner;
import dev.talent.compiler.analysis.RecursionSites;
import dev.talent.compiler.analysis.Rejections;
import dev.talent.compiler.analysis.ResumePoints;
import dev.talent.compiler.analysis.Site;
import dev.talent.compiler.analysis.SetjmpCalls;
import dev.talent.compiler.analysis.SetjmpSites;
import dev.talent.compiler.analysis.SitePlacement;
import dev.talent.compiler.analysis.StaticStorage;
import dev.talent.compiler.analysis.StaticsHoisting;
import dev.talent.compiler.analysis.VariableLengthArrays;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.LineMap;
import dev.talent.compiler.ast.ClangAstLoader;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.emit.ProgramTable;
import dev.talent.compiler.emit.UnitRewriter;
import dev.talent.compiler.emit.UnsupportedTypeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The checkpoint compiler: clang JSON AST of every file, the analyses over the whole program, then one
 * instrumented copy of each file plus talent_program.c. See docs/CODEGEN.md.
 */
public final class CheckpointCompiler {
    private final ClangAstLoader loader;
    private final Consumer<CompileEvent> events;

    public CheckpointCompiler() {
        this(new ClangAstLoader());
    }

    public CheckpointCompiler(ClangAstLoader loader) {
        this(loader, event -> { });
    }

    /** {@code events}: progress for a front end to show; the loader should report to the same place. */
    public CheckpointCompiler(ClangAstLoader loader, Consumer<CompileEvent> events) {
        this.loader = loader;
        this.events = events;
    }

    /** A compiler that runs clang as {@link ClangAstLoader#ClangAstLoader()} does and reports to {@code events}. */
    public static CheckpointCompiler reportingTo(Consumer<CompileEvent> events) {
        return new CheckpointCompiler(new ClangAstLoader(System.getenv().getOrDefault("TALENT_CLANG", "clang"), events), events);
    }

    /** Per-file state between passes. */
    static final class Unit {
        final TranslationUnit tu;
        final int index;
        final List<FunctionModel> functions = new ArrayList<>();
        List<Pragma> nocheckpointPragmas = List.of();
        List<Pragma> allocTypePragmas = List.of();
        List<StaticsHoisting.HoistedStatic> statics = List.of();
        TypeResolver types;

        Unit(TranslationUnit tu, int index) {
            this.tu = tu;
            this.index = index;
        }

        List<FunctionModel> mainFunctions() {
            return functions.stream().filter(f -> f.inMainFile).toList();
        }
    }

    /** Everything the analyses found, before any text is generated (tests inspect it). */
    record Analysis(List<Unit> units, CallGraph graph, List<FunctionModel> functionTable, List<Point> pointTable,
                    ProgramTable.MainSignature mainSignature, boolean mainReturnsVoid, Diagnostics diags) {
        FunctionModel function(String name) {
            for (Unit u : units) for (FunctionModel f : u.functions) if (f.name.equals(name)) return f;
            throw new IllegalArgumentException("no function " + name);
        }
    }

    public CompileResult compile(CompileRequest request) throws CompilationFailedException {
        Analysis a = analyze(request);
        events.accept(new CompileEvent.Stage("writing"));
        return emit(request, a);
    }

    Analysis analyze(CompileRequest request) throws CompilationFailedException {
        Diagnostics diags = new Diagnostics();
        Set<String> baseNames = new HashSet<>();
        for (Path p : request.sources()) {
            if (!baseNames.add(p.getFileName().toString())) {
                throw new CompilationFailedException(List.of(Diagnostic.error(p.toString(), 0, 0,
                        "two source files are named " + p.getFileName(), "rename one: instrumented files keep their base names")));
            }
        }
        List<Unit> units = new ArrayList<>();
        for (Path source : request.sources()) {
            units.add(load(source, request.preprocessorArgs(source), units.size()));
        }
        events.accept(new CompileEvent.Stage("analysing"));
        List<FunctionModel> all = new ArrayList<>();
        for (Unit u : units) {
            pass("functions", u.tu.unitName(), () -> {
                for (Node top : u.tu.root().inner()) {
                    if (top.is("FunctionDecl") && Ast.functionBody(top) != null) u.functions.add(new FunctionModel(u.tu, top));
                }
                u.types = new TypeResolver(u.tu);
                StaticStorage.check(u.tu, u.types, diags);
                return null;
            });
            all.addAll(u.functions);
            pass("pragmas", u.tu.unitName(), () -> {
                // the text is preprocessed: a pragma of an inactive branch is not in it
                PragmaScanner.Result scan = PragmaScanner.scan(u.tu.text());
                for (PragmaScanner.BadPragma b : scan.unknown()) {
                    diags.errorAtLine(u.tu, b.line(), 1, "unknown '#pragma talent " + b.word() + "'",
                            "use '#pragma talent checkpoint', '#pragma talent nocheckpoint' or '#pragma talent alloc_type(T)'");
                }
                u.allocTypePragmas = scan.pragmas().stream().filter(p -> p.kind() == Pragma.Kind.ALLOC_TYPE).toList();
                List<Pragma> placeable = scan.pragmas().stream().filter(p -> p.kind() != Pragma.Kind.ALLOC_TYPE).toList();
                PragmaPlacement.Result placed = PragmaPlacement.place(u.tu, u.functions, placeable, diags);
                u.nocheckpointPragmas = placeable.stream().filter(p -> p.kind() == Pragma.Kind.NOCHECKPOINT).toList();
                for (FunctionModel f : u.functions) f.noCheckpoint = placed.excludedFunctions().contains(f.decl);
                for (Site s : placed.pragmaSites()) {
                    FunctionModel f = placed.siteFunctions().get(s);
                    if (f.noCheckpoint) {
                        diags.warningAtLine(u.tu, s.pragma().line(), 1,
                                "checkpoint pragma in function '" + f.name + "', which is marked nocheckpoint: ignored", "");
                        u.nocheckpointPragmas = new ArrayList<>(u.nocheckpointPragmas);
                        u.nocheckpointPragmas.add(s.pragma());
                    } else {
                        f.sites.add(s);
                    }
                }
                for (FunctionModel f : u.mainFunctions()) {
                    pass("site placement", f.toString(), () -> {
                        SitePlacement.place(f, placed.excludedLoops(), diags);
                        return null;
                    });
                }
                return null;
            });
        }
        CallGraph graph = pass("call graph", "program", () -> new CallGraph(all));
        pass("recursion sites", "program", () -> RecursionSites.place(all, graph));
        for (Unit u : units) {
            for (FunctionModel f : u.mainFunctions()) {
                if (!f.noCheckpoint) f.hasBlockingCalls = pass("blocking calls", f.toString(),
                        () -> LibraryCalls.containsBlockingCall(f, graph));
            }
        }
        for (FunctionModel bad : graph.computeChainFunctions()) Rejections.headerChainFunction(bad, diags);
        for (Unit u : units) {
            for (FunctionModel f : u.mainFunctions()) {
                pass("chain-call hoisting", f.toString(), () -> {
                    ChainCallHoisting.run(f, graph, diags);
                    return null;
                });
                pass("rejections", f.toString(), () -> {
                    Rejections.check(f, diags);
                    return null;
                });
            }
            u.statics = pass("statics", u.tu.unitName(), () -> {
                List<StaticsHoisting.HoistedStatic> s = new ArrayList<>();
                for (FunctionModel f : u.mainFunctions()) s.addAll(StaticsHoisting.find(f, u.types, diags));
                return s;
            });
        }
        failOnErrors(diags);

        List<FunctionModel> functionTable = new ArrayList<>();
        List<Point> pointTable = new ArrayList<>();
        for (Unit u : units) {
            for (FunctionModel f : u.mainFunctions()) {
                f.id = functionTable.size();
                functionTable.add(f);
                if (!f.chain) continue;
                pass("frame variables", f.toString(), () -> {
                    FrameVariables.collect(f);
                    AddressTakenAnalysis.run(f);
                    SetjmpSites.find(f);
                    ResumePoints.collect(f);
                    VariableLengthArrays.check(f, diags);
                    return null;
                });
                for (Point p : f.points) {
                    p.id = pointTable.size();
                    pointTable.add(p);
                }
            }
        }
        for (FunctionModel f : functionTable) {
            if (f.chain) pass("liveness", f.toString(), () -> {
                FrameLiveness.run(f, diags);
                return null;
            });
        }
        failOnErrors(diags);

        ProgramTable.MainSignature mainSignature = null;
        boolean mainReturnsVoid = false;
        for (FunctionModel f : functionTable) {
            if (!f.name.equals("main") || f.isStatic) continue;
            CType t = CTypeParser.parse(f.decl.qualType());
            if (t instanceof CType.Function fn) {
                mainReturnsVoid = fn.ret() instanceof CType.Builtin b && b.name().equals("void");
                if (fn.params().isEmpty()) mainSignature = ProgramTable.MainSignature.VOID;
                else if (fn.params().size() == 2) mainSignature = ProgramTable.MainSignature.ARGC_ARGV;
            }
            if (mainSignature == null) {
                diags.error(f.unit, f.decl, "main has an unsupported signature " + f.decl.qualType(),
                        "declare it as 'int main(void)' or 'int main(int argc, char **argv)'");
            }
        }
        if (mainSignature == null && !diags.hasErrors()) {
            diags.add(Diagnostic.error(request.sources().getFirst().toString(), 0, 0, "the program has no main function",
                    "talent builds whole programs: pass the file that defines main"));
        }
        failOnErrors(diags);
        return new Analysis(units, graph, functionTable, pointTable, mainSignature, mainReturnsVoid, diags);
    }

    /**
     * Reads one source: its project headers inlined (HeaderInliner), the result preprocessed as far as it is
     * the program's own (UnitPreprocessor: the program's macros expanded, the C library's headers and macros
     * left to each ISA's gcc), and clang's AST of that text, read from a temporary directory under the
     * source's base name. Every line of the text maps to the file and line it was written in.
     */
    private Unit load(Path source, List<String> args, int index) throws CompilationFailedException {
        HeaderInliner.Result inlined = pass("headers", source.getFileName().toString(), () -> HeaderInliner.inline(source, args));
        Path dir = null;
        LineMap lines = inlined.lines();
        try {
            dir = Files.createTempDirectory("talent-unit");
            Path merged = dir.resolve(source.getFileName());
            Path scratch = dir.resolve("talent-pp-" + source.getFileName());
            UnitPreprocessor.Result pre;
            try {
                pre = UnitPreprocessor.preprocess(loader, inlined.text(), merged, scratch, args, targetMacros());
            } catch (UnitPreprocessor.PreprocessorFailedException e) {
                // clang's own messages, on the file as the user wrote it
                loader.load(source, args);
                throw new CompilationFailedException(List.of(Diagnostic.error(source.toString(), 0, 0,
                        "clang could not preprocess the file: " + e.getMessage().strip(),
                        "check the -I/-D options given to talent build")));
            } catch (UnitPreprocessor.TargetDependentConditionException e) {
                List<Diagnostic> ds = new ArrayList<>();
                for (String at : e.at()) {
                    int colon = at.indexOf(':');
                    LineMap.Origin o = inlined.lines().origin(Integer.parseInt(at.substring(0, colon)));
                    ds.add(Diagnostic.error(o.file(), o.line(), 1, "this conditional tests '" + at.substring(colon + 1)
                                    + "', whose value differs between the ISAs talent builds for: the program's text is "
                                    + "preprocessed once for all of them, so the branch taken would be the build host's on every ISA",
                            "test a property that is the same on every ISA, or select the code at run time "
                                    + "(e.g. 'if (sizeof(long) == 8)' instead of '#if LONG_MAX > 2147483647')"));
                }
                throw new CompilationFailedException(ds);
            }
            lines = pre.lines();
            Files.writeString(merged, pre.text(), StandardCharsets.ISO_8859_1);
            TranslationUnit read = loader.load(merged, args);
            TranslationUnit tu = new TranslationUnit(source, merged.toString(), read.text(), read.root()).withLines(pre.lines());
            // setjmp call sites are rewritten so that a restore can re-arm their buffers (docs/CODEGEN.md), then read again
            Diagnostics jumps = new Diagnostics();
            TranslationUnit first = tu;
            SetjmpCalls.Result sj = pass("setjmp", source.getFileName().toString(), () -> SetjmpCalls.rewrite(first, jumps));
            if (jumps.hasErrors()) throw new CompilationFailedException(jumps.all());
            if (sj.changed()) {
                Files.writeString(merged, sj.text(), StandardCharsets.ISO_8859_1);
                read = loader.load(merged, args);
                tu = new TranslationUnit(source, merged.toString(), read.text(), read.root()).withLines(pre.lines());
            }
            return new Unit(tu, index);
        } catch (CompilationFailedException e) {
            // clang's messages name lines of the temporary text; name the files they were written in
            List<Diagnostic> mapped = new ArrayList<>();
            for (Diagnostic d : e.diagnostics()) {
                if (dir != null && d.file().startsWith(dir.toString())) {
                    var o = lines.origin(d.line());
                    mapped.add(new Diagnostic(d.severity(), o.file(), o.line(), d.column(), d.message(), d.remedy()));
                } else {
                    mapped.add(d);
                }
            }
            throw new CompilationFailedException(mapped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) Files.deleteIfExists(p);
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    // a temporary directory left behind is harmless
                }
            }
        }
    }

    private static final java.util.concurrent.ConcurrentMap<String, TargetMacros.Dependent> TARGET_MACROS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Computed once per clang (five runs of it). */
    private TargetMacros.Dependent targetMacros() {
        return TARGET_MACROS.computeIfAbsent(loader.clang(), c -> TargetMacros.of(loader));
    }

    private CompileResult emit(CompileRequest request, Analysis a) throws CompilationFailedException {
        Diagnostics diags = a.diags();
        List<Unit> units = a.units();
        CallGraph graph = a.graph();
        List<Path> outputs = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        try {
            Files.createDirectories(request.outputDir());
            for (Unit u : units) {
                String instrumented = pass("rewrite", u.tu.unitName(), () -> {
                    UnitRewriter rw = new UnitRewriter(u.tu, u.index, u.mainFunctions(), graph, u.types, diags);
                    try {
                        return rw.rewrite(u.statics, u.nocheckpointPragmas, u.allocTypePragmas, u.tu.path().toString());
                    } catch (UnsupportedTypeException e) {
                        diags.add(Diagnostic.error(u.tu.path().toString(), 0, 0, e.getMessage(),
                                "change the type of the variable, or mark the function '#pragma talent nocheckpoint'"));
                        return "";
                    }
                });
                Path out = request.outputDir().resolve(u.tu.unitName());
                texts.add(generatedLines(instrumented, out));
                outputs.add(out);
            }
            failOnErrors(diags);
            for (int i = 0; i < outputs.size(); i++) {
                Files.writeString(outputs.get(i), texts.get(i), StandardCharsets.ISO_8859_1);
            }
            String fingerprint = fingerprint(units, texts);
            List<LibraryFunctionAddresses.LibraryFunction> libraryFunctions = LibraryFunctionAddresses.find(units.stream().map(u -> u.tu).toList(), graph);
            String program = ProgramTable.generate(fingerprint, request.programName(), units.size(), a.functionTable(),
                    graph::isAddressTaken, libraryFunctions, a.pointTable(), a.mainSignature(), a.mainReturnsVoid());
            Path programFile = request.outputDir().resolve("talent_program.c");
            Files.writeString(programFile, program, StandardCharsets.UTF_8);
            return new CompileResult(outputs, programFile, fingerprint, diags.all());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the tables talent appends begin (UnitRewriter). */
    static final String TABLES_MARK = "/* ---- talent: tables (generated) ---- */";

    /**
     * The appended tables are talent's, not the user's: a #line before them names the generated file and its
     * own lines, so that a gcc message about them points there rather than past the end of the original file.
     */
    static String generatedLines(String text, Path out) {
        int at = text.lastIndexOf("\n" + TABLES_MARK);
        if (at < 0) return text;
        int line = 1;
        for (int i = 0; i <= at; i++) if (text.charAt(i) == '\n') line++;
        // the directive takes line `line`; the mark, the next one
        String directive = "#line " + (line + 1) + " \"" + out.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n";
        return text.substring(0, at + 1) + directive + text.substring(at + 1);
    }

    /** SHA-256 over the instrumented sources and the compiler version, truncated to 128 bits. */
    static String fingerprint(List<Unit> units, List<String> texts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(TalentVersion.STRING.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < texts.size(); i++) {
                md.update((byte) 0);
                md.update(units.get(i).tu.unitName().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(texts.get(i).getBytes(StandardCharsets.ISO_8859_1));
            }
            byte[] h = md.digest();
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void failOnErrors(Diagnostics diags) throws CompilationFailedException {
        if (diags.hasErrors()) throw new CompilationFailedException(diags.all());
    }

    /** Runs one pass; a crash becomes an InternalCompilerError naming the pass and the position. */
    private static <T> T pass(String name, String position, Supplier<T> body) {
        try {
            return body.get();
        } catch (InternalCompilerError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InternalCompilerError(name, position, e);
        }
    }
}
