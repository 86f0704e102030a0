package dev.talent.compiler;

import dev.talent.compiler.analysis.AddressObjects;
import dev.talent.compiler.analysis.AddressTakenAnalysis;
import dev.talent.compiler.analysis.AllocaCalls;
import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.CompoundLiterals;
import dev.talent.compiler.analysis.ChainCallHoisting;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FrameLiveness;
import dev.talent.compiler.analysis.FrameVariables;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.LibraryCalls;
import dev.talent.compiler.analysis.LibraryFunctionAddresses;
import dev.talent.compiler.analysis.NamedUnionMembers;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.Pragma;
import dev.talent.compiler.analysis.PragmaPlacement;
import dev.talent.compiler.analysis.PragmaScanner;
import dev.talent.compiler.analysis.RecursionSites;
import dev.talent.compiler.analysis.Rejections;
import dev.talent.compiler.analysis.ResumePoints;
import dev.talent.compiler.analysis.Site;
import dev.talent.compiler.analysis.SetjmpCalls;
import dev.talent.compiler.analysis.StatementExpressions;
import dev.talent.compiler.analysis.VaListBrackets;
import dev.talent.compiler.analysis.VaListRegions;
import dev.talent.compiler.analysis.SetjmpSites;
import dev.talent.compiler.analysis.SitePlacement;
import dev.talent.compiler.analysis.SizeValues;
import dev.talent.compiler.analysis.StaticStorage;
import dev.talent.compiler.analysis.ThreadLocals;
import dev.talent.compiler.analysis.StaticsHoisting;
import dev.talent.compiler.analysis.ByteCopies;
import dev.talent.compiler.analysis.NetworkOrderIntegers;
import dev.talent.compiler.analysis.UnionMembers;
import dev.talent.compiler.analysis.WrappedNames;
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
import dev.talent.compiler.emit.AllocWrappers;
import dev.talent.compiler.emit.UnitRewriter;
import dev.talent.compiler.emit.UnitTables;
import dev.talent.compiler.emit.UnsupportedTypeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
                    ProgramTable.MainSignature mainSignature, boolean mainReturnsVoid, Diagnostics diags, String programName,
                    List<UnionMembers.Pun> byteOrderPuns, List<ByteCopies.Copy> byteCopies, List<SizeValues.Kept> keptSizes,
                    List<NetworkOrderIntegers.Kept> networkOrder, AddressObjects addressObjects) {
        FunctionModel function(String name) {
            for (Unit u : units) for (FunctionModel f : u.functions) if (f.name.equals(name)) return f;
            throw new IllegalArgumentException("no function " + name);
        }
    }

    public CompileResult compile(CompileRequest request) throws CompilationFailedException {
        checkBaseNames(request);
        List<Preprocessed> once;
        try {
            once = preprocessAll(request, null);
        } catch (IsaDependentTextException e) {
            return new PerIsaCompilation(this, events).compile(request, e.diagnostics());
        }
        Analysis a = analyze(request, parseAll(request, once, null));
        events.accept(new CompileEvent.Stage("writing"));
        Emitted e = emit(request, a);
        return write(request.outputDir(), a, e, fingerprint(a.units(), e.texts()), null);
    }

    /**
     * The analyses of the program as preprocessed once for every ISA, or, when its text differs between the
     * ISAs, as preprocessed for the first of them (x86_64).
     */
    Analysis analyze(CompileRequest request) throws CompilationFailedException {
        checkBaseNames(request);
        try {
            return analyze(request, parseAll(request, preprocessAll(request, null), null));
        } catch (IsaDependentTextException e) {
            String first = TargetMacros.TRIPLES.getFirst();
            try {
                return analyze(request, parseAll(request, preprocessAll(request, first), first));
            } catch (IsaDependentTextException impossible) {
                throw new IllegalStateException("a text preprocessed for one ISA cannot depend on the ISA", impossible);
            }
        }
    }

    private static void checkBaseNames(CompileRequest request) throws CompilationFailedException {
        Set<Path> seen = new HashSet<>();
        for (Path p : request.sources()) {
            if (!seen.add(p.toAbsolutePath().normalize())) {
                throw new CompilationFailedException(List.of(Diagnostic.error(p.toString(), 0, 0,
                        "the source file " + p + " is given twice", "give each source once")));
            }
        }
    }

    /**
     * The name of each source's unit (in its order): its base name, or, for sources sharing a base name
     * ({@code lib/x86/cpu_features.c} and {@code lib/arm/cpu_features.c}), its path below their common directory
     * joined with '_' ({@code x86_cpu_features.c}), numbered on if that is taken too. The names are the instrumented
     * files' and key the units' statics in a checkpoint: equal on every ISA and every build of the same sources.
     */
    static List<String> unitNames(List<Path> sources) {
        List<Path> abs = sources.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        Map<String, List<Path>> byBase = new HashMap<>();
        for (Path p : abs) byBase.computeIfAbsent(p.getFileName().toString(), k -> new ArrayList<>()).add(p);
        Set<String> taken = new HashSet<>();
        for (Map.Entry<String, List<Path>> e : byBase.entrySet()) if (e.getValue().size() == 1) taken.add(e.getKey());
        List<String> out = new ArrayList<>();
        for (Path p : abs) {
            String base = p.getFileName().toString();
            List<Path> same = byBase.get(base);
            if (same.size() == 1) {
                out.add(base);
                continue;
            }
            Path common = same.getFirst().getParent();
            for (Path q : same) while (common != null && !q.startsWith(common)) common = common.getParent();
            String name = (common == null ? p : common.relativize(p)).toString().replace('/', '_');
            String stem = name.endsWith(".c") ? name.substring(0, name.length() - 2) : name;
            String unique = name;
            for (int n = 2; !taken.add(unique); n++) unique = stem + "_" + n + ".c";
            out.add(unique);
        }
        return out;
    }

    /** Every source preprocessed, for every ISA at once ({@code triple} null) or for the one ISA {@code triple}. */
    List<Preprocessed> preprocessAll(CompileRequest request, String triple)
            throws CompilationFailedException, IsaDependentTextException {
        List<Preprocessed> out = new ArrayList<>();
        List<Diagnostic> dependent = new ArrayList<>();
        for (Path source : request.sources()) {
            try {
                out.add(preprocess(source, request.preprocessorArgs(source), triple));
            } catch (IsaDependentTextException e) {
                dependent.addAll(e.diagnostics());
            }
        }
        if (!dependent.isEmpty()) throw new IsaDependentTextException(dependent);
        return out;
    }

    /** clang's AST of every preprocessed source, for {@code triple} (null: the build host's). */
    List<Unit> parseAll(CompileRequest request, List<Preprocessed> texts, String triple) throws CompilationFailedException {
        List<Unit> units = new ArrayList<>();
        List<String> names = unitNames(request.sources());
        for (int i = 0; i < texts.size(); i++) {
            Path source = request.sources().get(i);
            units.add(parse(source, names.get(i), withTarget(request.preprocessorArgs(source), triple), texts.get(i),
                    units.size()));
        }
        return units;
    }

    private static List<String> withTarget(List<String> args, String triple) {
        if (triple == null) return args;
        List<String> out = new ArrayList<>();
        out.add("--target=" + triple);
        out.addAll(args);
        return out;
    }

    Analysis analyze(CompileRequest request, List<Unit> units) throws CompilationFailedException {
        Diagnostics diags = new Diagnostics();
        events.accept(new CompileEvent.Stage("analysing"));
        List<FunctionModel> all = new ArrayList<>();
        for (Unit u : units) {
            pass("functions", u.tu.unitName(), () -> {
                for (Node top : u.tu.root().inner()) {
                    if (top.is("FunctionDecl") && Ast.functionBody(top) != null) u.functions.add(new FunctionModel(u.tu, top));
                }
                for (FunctionModel f : u.functions) VaListRegions.find(f);
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
                    boolean inVaRegion = f.inVaRegion(s.pragma().start());
                    if (f.noCheckpoint || inVaRegion) {
                        diags.warningAtLine(u.tu, s.pragma().line(), 1, inVaRegion
                                ? "checkpoint pragma where a va_list is live (between va_start and va_end, or in a function"
                                        + " with a va_list parameter), where no checkpoint is taken: ignored"
                                : "checkpoint pragma in function '" + f.name + "', which is marked nocheckpoint: ignored", "");
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
        AddressObjects addressObjects = pass("address objects", "program",
                () -> AddressObjects.of(units.stream().map(u -> u.tu).toList()));
        for (Unit u : units) {
            for (FunctionModel f : u.mainFunctions()) {
                pass("chain-call hoisting", f.toString(), () -> {
                    ChainCallHoisting.run(f, graph, diags);
                    return null;
                });
                pass("rejections", f.toString(), () -> {
                    Rejections.check(f, graph, addressObjects, diags);
                    return null;
                });
            }
            u.statics = pass("statics", u.tu.unitName(), () -> {
                List<StaticsHoisting.HoistedStatic> s = new ArrayList<>();
                for (FunctionModel f : u.mainFunctions()) s.addAll(StaticsHoisting.find(f, u.types, diags));
                return s;
            });
        }
        UnionMembers unionMembers = new UnionMembers();
        ByteCopies byteCopies = new ByteCopies();
        NetworkOrderIntegers networkOrder = new NetworkOrderIntegers();
        SizeValues sizeValues = new SizeValues();
        pass("union members", "program", () -> {
            for (Unit u : units) {
                for (FunctionModel f : u.functions) {
                    sizeValues.define(f);
                    networkOrder.define(f.name);
                    if (f.body != null) byteCopies.define(f.name);
                    if (graph.isAddressTaken(f)) sizeValues.addressTaken(f);
                }
            }
            for (Unit u : units) {
                for (FunctionModel f : u.functions) {
                    unionMembers.scan(u.tu, u.types, f.body);
                    byteCopies.scan(u.tu, u.types, f.body, f.decl, f.name);
                    networkOrder.scan(u.tu, u.types, f.body, f.name);
                    if (f.inMainFile) sizeValues.scan(u.tu, u.types, f.body);
                }
                for (Node d : u.tu.root().inner()) {
                    if (d.is("VarDecl") && u.tu.isMainFileNode(d)) sizeValues.scan(u.tu, u.types, d);
                    if (d.is("VarDecl")) byteCopies.functionsReferenced(u.tu, d);
                }
            }
            // a pointer's bytes computed from (a hash of an address) are wrong after any restart: refused by name
            for (ByteCopies.Refusal r : byteCopies.refusals()) diags.error(r.tu(), r.at(), r.message(), r.remedy());
            return null;
        });
        pass("wrapped names", "program", () -> {
            WrappedNames.check(units.stream().map(u -> u.tu).toList(), diags);
            return null;
        });
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
        return new Analysis(units, graph, functionTable, pointTable, mainSignature, mainReturnsVoid, diags, request.programName(),
                unionMembers.byteOrderPuns(), byteCopies.copies(), sizeValues.kept(),
                networkOrder.kept(), addressObjects);
    }

    /** One source's text as talent instruments it, and where its lines were written. */
    record Preprocessed(String text, LineMap lines) {}

    /**
     * The program's text differs between the ISAs: a conditional of the program tests a macro whose value does
     * (UnitPreprocessor); {@code diagnostics} name each such conditional.
     */
    static final class IsaDependentTextException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient List<Diagnostic> diagnostics;

        IsaDependentTextException(List<Diagnostic> diagnostics) {
            super(diagnostics.isEmpty() ? "" : diagnostics.getFirst().message());
            this.diagnostics = List.copyOf(diagnostics);
        }

        List<Diagnostic> diagnostics() {
            return diagnostics;
        }
    }

    /**
     * Reads one source: its project headers inlined (HeaderInliner), the result preprocessed as far as it is
     * the program's own (UnitPreprocessor: the program's macros expanded, the C library's headers and macros
     * left to each ISA's gcc). With {@code triple} null, once for every ISA (a conditional that depends on the
     * ISA makes it throw IsaDependentTextException); otherwise for that clang target only. Every line of the
     * text maps to the file and line it was written in.
     */
    private Preprocessed preprocess(Path source, List<String> args, String triple)
            throws CompilationFailedException, IsaDependentTextException {
        HeaderInliner.Result inlined = pass("headers", source.getFileName().toString(), () -> HeaderInliner.inline(source, args));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("talent-unit");
            Path merged = dir.resolve(source.getFileName());
            Path scratch = dir.resolve("talent-pp-" + source.getFileName());
            UnitPreprocessor.Result pre;
            try {
                pre = UnitPreprocessor.preprocess(loader, inlined.text(), merged, scratch, withTarget(args, triple),
                        triple == null ? targetMacros() : new TargetMacros.Dependent(Set.of(), Set.of()));
            } catch (UnitPreprocessor.PreprocessorFailedException e) {
                // clang's own messages, on the file as the user wrote it
                loader.load(source, withTarget(args, triple));
                throw new CompilationFailedException(List.of(Diagnostic.error(source.toString(), 0, 0,
                        "clang could not preprocess the file" + (triple == null ? "" : " for " + triple) + ": "
                                + e.getMessage().strip(), "check the -I/-D options given to talent build")));
            } catch (UnitPreprocessor.TargetDependentConditionException e) {
                List<Diagnostic> ds = new ArrayList<>();
                for (String at : e.at()) {
                    int colon = at.indexOf(':');
                    LineMap.Origin o = inlined.lines().origin(Integer.parseInt(at.substring(0, colon)));
                    ds.add(Diagnostic.warning(o.file(), o.line(), 1, "this conditional tests '" + at.substring(colon + 1)
                                    + "', whose value differs between the ISAs talent builds for: the program is "
                                    + "preprocessed, analysed and instrumented for each ISA",
                            "a checkpoint moves between two ISAs only where the program's state is described alike "
                                    + "on both; test a property that is the same on every ISA to keep one text"));
                }
                throw new IsaDependentTextException(ds);
            }
            return new Preprocessed(pre.text(), pre.lines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteDir(dir);
        }
    }

    /** clang's AST of one preprocessed text, read from a temporary directory under the unit's name. */
    private Unit parse(Path source, String name, List<String> args, Preprocessed pre, int index)
            throws CompilationFailedException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("talent-unit");
            Path merged = dir.resolve(name);
            Files.writeString(merged, pre.text(), StandardCharsets.ISO_8859_1);
            TranslationUnit read = loader.load(merged, args);
            TranslationUnit tu = new TranslationUnit(source, merged.toString(), read.text(), read.root()).withLines(pre.lines()).withUnitName(name);
            // statement expressions that may checkpoint become statements before theirs (docs/CODEGEN.md "Statement
            // expressions"), then read again; once per level of nesting
            for (int round = 0; round < StatementExpressions.MAX_ROUNDS; round++) {
                TranslationUnit before = tu;
                StatementExpressions.Result se = pass("statement expressions", source.getFileName().toString(),
                        () -> StatementExpressions.rewrite(before));
                if (!se.changed()) break;
                Files.writeString(merged, se.text(), StandardCharsets.ISO_8859_1);
                read = loader.load(merged, args);
                tu = new TranslationUnit(source, merged.toString(), read.text(), read.root()).withLines(pre.lines()).withUnitName(name);
            }
            // thread-locals of a single-threaded unit become plain statics (docs/CODEGEN.md "Globals and statics"), then read again
            TranslationUnit tls = tu;
            ThreadLocals.Result tl = pass("thread-locals", source.getFileName().toString(), () -> ThreadLocals.rewrite(tls));
            if (tl.changed()) {
                Files.writeString(merged, tl.text(), StandardCharsets.ISO_8859_1);
                read = loader.load(merged, args);
                tu = new TranslationUnit(source, merged.toString(), read.text(), read.root()).withLines(pre.lines()).withUnitName(name);
            }
            // setjmp call sites are rewritten so that a restore can re-arm their buffers (docs/CODEGEN.md), then read again
            Diagnostics jumps = new Diagnostics();
            TranslationUnit first = tu;
            SetjmpCalls.Result sj = pass("setjmp", source.getFileName().toString(), () -> SetjmpCalls.rewrite(first, jumps));
            if (jumps.hasErrors()) throw new CompilationFailedException(jumps.all());
            if (sj.changed()) {
                Files.writeString(merged, sj.text(), StandardCharsets.ISO_8859_1);
                read = loader.load(merged, args);
                tu = new TranslationUnit(source, merged.toString(), read.text(), read.root()).withLines(pre.lines()).withUnitName(name);
            }
            // alloca calls become tracked blocks owned by a frame variable (docs/CODEGEN.md "alloca"), then read again
            TranslationUnit second = tu;
            AllocaCalls.Result al = pass("alloca", source.getFileName().toString(), () -> AllocaCalls.rewrite(second));
            if (al.changed()) {
                Files.writeString(merged, al.text(), StandardCharsets.ISO_8859_1);
                read = loader.load(merged, args);
                tu = new TranslationUnit(source, merged.toString(), read.text(), read.root()).withLines(pre.lines()).withUnitName(name);
            }
            // block-scope compound literals become named frame variables (docs/CODEGEN.md "Compound literals"), then read again
            TranslationUnit literals = tu;
            CompoundLiterals.Result cl = pass("compound literals", source.getFileName().toString(), () -> CompoundLiterals.rewrite(literals));
            if (cl.changed()) {
                Files.writeString(merged, cl.text(), StandardCharsets.ISO_8859_1);
                read = loader.load(merged, args);
                tu = new TranslationUnit(source, merged.toString(), read.text(), read.root()).withLines(pre.lines()).withUnitName(name);
            }
            // va_list regions are bracketed with the no-checkpoint counter (docs/CODEGEN.md "va_list regions"), then read again
            TranslationUnit third = tu;
            VaListBrackets.Result va = pass("va_list", source.getFileName().toString(), () -> VaListBrackets.rewrite(third));
            if (va.changed()) {
                Files.writeString(merged, va.text(), StandardCharsets.ISO_8859_1);
                read = loader.load(merged, args);
                tu = new TranslationUnit(source, merged.toString(), read.text(), read.root()).withLines(pre.lines()).withUnitName(name);
            }
            return new Unit(tu, index);
        } catch (CompilationFailedException e) {
            // clang's messages name lines of the temporary text; name the files they were written in
            List<Diagnostic> mapped = new ArrayList<>();
            for (Diagnostic d : e.diagnostics()) {
                if (dir != null && d.file().startsWith(dir.toString())) {
                    var o = pre.lines().origin(d.line());
                    mapped.add(new Diagnostic(d.severity(), o.file(), o.line(), d.column(), d.message(), d.remedy()));
                } else {
                    mapped.add(d);
                }
            }
            throw new CompilationFailedException(mapped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteDir(dir);
        }
    }

    private static void deleteDir(Path dir) {
        if (dir == null) return;
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private static final java.util.concurrent.ConcurrentMap<String, TargetMacros.Dependent> TARGET_MACROS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Computed once per clang (five runs of it). */
    private TargetMacros.Dependent targetMacros() {
        return TARGET_MACROS.computeIfAbsent(loader.clang(), c -> TargetMacros.of(loader));
    }

    /** The instrumented text of every unit (not written yet) and talent_program.c without its fingerprint. */
    record Emitted(List<String> texts, List<LibraryFunctionAddresses.LibraryFunction> libraryFunctions) {}

    Emitted emit(CompileRequest request, Analysis a) throws CompilationFailedException {
        Diagnostics diags = a.diags();
        List<String> texts = new ArrayList<>();
        Map<TranslationUnit, TypeResolver> resolvers = new HashMap<>();
        List<FunctionModel> all = new ArrayList<>();
        for (Unit u : a.units()) {
            resolvers.put(u.tu, u.types);
            all.addAll(u.mainFunctions());
        }
        AllocWrappers wrappers = pass("allocation wrappers", "program", () -> AllocWrappers.find(all, a.graph(), resolvers));
        NamedUnionMembers named = pass("named union members", "program",
                () -> NamedUnionMembers.of(a.units().stream().map(u -> u.tu).toList(), resolvers));
        for (Unit u : a.units()) {
            String instrumented = pass("rewrite", u.tu.unitName(), () -> {
                UnitRewriter rw = new UnitRewriter(u.tu, u.index, u.mainFunctions(), a.graph(), u.types, diags, wrappers, named)
                        .withAddressObjects(a.addressObjects());
                try {
                    return rw.rewrite(u.statics, u.nocheckpointPragmas, u.allocTypePragmas, u.tu.path().toString());
                } catch (UnsupportedTypeException e) {
                    diags.add(Diagnostic.error(u.tu.path().toString(), 0, 0, e.getMessage(),
                            "change the type of the variable, or mark the function '#pragma talent nocheckpoint'"));
                    return "";
                }
            });
            texts.add(instrumented);
        }
        failOnErrors(diags);
        List<LibraryFunctionAddresses.LibraryFunction> libraryFunctions =
                LibraryFunctionAddresses.find(a.units().stream().map(u -> u.tu).toList(), a.graph());
        return new Emitted(texts, libraryFunctions);
    }

    /**
     * Writes the instrumented units and talent_program.c into {@code dir}; {@code note} (may be null) is the
     * program's word on the ISAs a checkpoint of this build cannot move to (talent_the_isa_note).
     */
    CompileResult write(Path dir, Analysis a, Emitted e, String fingerprint, String note) {
        try {
            Files.createDirectories(dir);
            List<Path> outputs = new ArrayList<>();
            for (int i = 0; i < a.units().size(); i++) {
                Path out = dir.resolve(a.units().get(i).tu.unitName());
                Files.writeString(out, generatedLines(e.texts().get(i), out), StandardCharsets.ISO_8859_1);
                outputs.add(out);
            }
            String program = programTable(a, e, fingerprint, null);
            List<Diagnostic> diagnostics = new ArrayList<>(a.diags().all());
            String isaNote = note;
            if (!a.byteOrderPuns().isEmpty()) {
                String why = byteOrderNote(a.byteOrderPuns());
                String change = "write and read the same member of the union to migrate across byte orders";
                isaNote = withNote(isaNote, why, change);
                UnionMembers.Pun first = a.byteOrderPuns().getFirst();
                diagnostics.add(warningAt(first.writtenAt(), "a checkpoint does not move between big-endian"
                                + " (s390x) and little-endian ISAs (refused at restore, exit 65): " + why, change));
            }
            if (!a.byteCopies().isEmpty()) {
                ByteCopies.Copy first = a.byteCopies().getFirst();
                boolean width = a.byteCopies().stream().anyMatch(ByteCopies.Copy::widthBound);
                String why = byteCopyNote(a.byteCopies(), width);
                String change = first.io() ? "write and read the value's bytes in a fixed order (shifts into an unsigned char buffer)"
                        + " to migrate across byte orders"
                        : first.call().equals(ByteCopies.PUNNED) || first.call().equals(ByteCopies.PASSED) ? "take the number's bytes in a fixed order (shifts:"
                        + " (v >> 8 * i) & 0xff) instead of through a character pointer, to migrate across byte orders"
                        : first.call().equals(ByteCopies.COMPARED) || first.call().equals(ByteCopies.COMPARED_BY)
                        ? "compare the values (*x < *y) rather than their bytes with memcmp, to migrate across byte orders"
                        : first.call().equals(ByteCopies.AS_NUMBERS) ? "keep the numbers in an array of their type, or"
                        + " assemble them from the bytes in a fixed order (shifts), to migrate across byte orders"
                        : "copy the value's bytes in a fixed order (shifts) to migrate across byte orders";
                isaNote = withNote(isaNote, why, change);
                diagnostics.add(warningAt(first.at(), "a checkpoint does not move between big-endian"
                                + " (s390x) and little-endian ISAs" + (width ? " nor between 32-bit (i686) and 64-bit ones" : "")
                                + " (refused at restore, exit 65): " + why, change));
            }
            if (!a.networkOrder().isEmpty()) {
                String why = networkOrderNote(a.networkOrder());
                String change = "keep ports and addresses in host byte order (ntohs/ntohl where they are read) or in the C"
                        + " library's socket address structs, to migrate across byte orders";
                isaNote = withNote(isaNote, why, change);
                diagnostics.add(warningAt(a.networkOrder().getFirst().at(), "a checkpoint does not move between big-endian"
                                + " (s390x) and little-endian ISAs (refused at restore, exit 65): " + why, change));
            }
            if (!a.keptSizes().isEmpty()) {
                SizeValues.Kept first = a.keptSizes().getFirst();
                String why = keptSizeNote(a.keptSizes());
                String change = "compute the size where it is used (n * sizeof(T)) instead of keeping it, to migrate across"
                        + " pointer widths";
                isaNote = withNote(isaNote, why, change);
                diagnostics.add(warningAt(first.at(), "a checkpoint does not move between 32-bit (i686)"
                                + " and 64-bit ISAs (refused at restore, exit 65): " + why, change));
            }
            boolean orderBound = !a.byteOrderPuns().isEmpty() || !a.byteCopies().isEmpty() || !a.networkOrder().isEmpty();
            boolean widthBound = a.byteCopies().stream().anyMatch(ByteCopies.Copy::widthBound) || !a.keptSizes().isEmpty();
            if (orderBound) {
                program = byteOrderFingerprint(program, fingerprint, widthBound);
            } else if (widthBound) {
                program = widthFingerprint(program, fingerprint);
            }
            // what talent run and the fleet must know before they draw a destination (talent-toolchain BuildBinding)
            Optional<CompileResult.IsaBinding> binding = orderBound || widthBound
                    ? Optional.of(new CompileResult.IsaBinding(orderBound, widthBound, bindingCause(a))) : Optional.empty();
            if (isaNote != null) {
                program += "\n/* the ISAs a checkpoint of this build is refused on, and why (checkpoint_read.c) */\n"
                        + "const char *const talent_the_isa_note = " + dev.talent.compiler.emit.TypeDescriptors.cString(isaNote) + ";\n";
            }
            Path programFile = dir.resolve("talent_program.c");
            Files.writeString(programFile, program, StandardCharsets.UTF_8);
            return new CompileResult(outputs, programFile, fingerprint, diagnostics, Map.of(), binding,
                    Int128Uses.first(a.units().stream().map(u -> u.tu).toList()));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** What binds the build's checkpoints to a byte order or pointer width, in one line: the first state of each kind. */
    private static String bindingCause(Analysis a) {
        List<String> each = new ArrayList<>();
        if (!a.byteOrderPuns().isEmpty()) each.add(a.byteOrderPuns().getFirst().describe());
        if (!a.byteCopies().isEmpty()) each.add(a.byteCopies().getFirst().describe());
        if (!a.networkOrder().isEmpty()) each.add(a.networkOrder().getFirst().describe());
        if (!a.keptSizes().isEmpty()) each.add(a.keptSizes().getFirst().describe());
        return String.join("; ", each);
    }

    /**
     * The ISA note with one more reason and what to change in the program about it: the restore refusal prints the note,
     * so it says both, like the build's warning (its message and hint).
     */
    static String withNote(String note, String why, String change) {
        String more = why + " (" + change + ")";
        return note == null ? more : note + "; " + more;
    }

    /** A warning at {@code at} ("file:line:col", or a bare file name). */
    private static Diagnostic warningAt(String at, String message, String hint) {
        int c2 = at.lastIndexOf(':');
        int c1 = c2 > 0 ? at.lastIndexOf(':', c2 - 1) : -1;
        return Diagnostic.warning(c1 > 0 ? at.substring(0, c1) : at, c1 > 0 ? Integer.parseInt(at.substring(c1 + 1, c2)) : 0,
                c1 > 0 ? Integer.parseInt(at.substring(c2 + 1)) : 0, message, hint);
    }

    /** What talent_the_isa_note says of a program whose values depend on the byte order (UnionMembers). */
    static String byteOrderNote(List<UnionMembers.Pun> puns) {
        List<String> each = new ArrayList<>();
        for (UnionMembers.Pun p : puns.subList(0, Math.min(3, puns.size()))) each.add(p.describe());
        return "the program's values depend on the byte order (" + String.join("; ", each) + (puns.size() > 3 ? "; ..." : "")
                + "), so a checkpoint moves only between ISAs of the byte order it was written on";
    }

    /**
     * The program table with a fingerprint of its own on big-endian ISAs (and, with {@code width}, on 32-bit ones): the
     * one text is compiled for every ISA, and the preprocessor of each picks its fingerprint, so the runtime refuses a
     * checkpoint of the other byte order (pointer width).
     */
    static String byteOrderFingerprint(String program, String fingerprint, boolean width) {
        String line = "  " + dev.talent.compiler.emit.TypeDescriptors.cString(fingerprint) + ",\n";
        int at = program.indexOf("talent_the_program = {\n" + line);
        if (at < 0) throw new IllegalStateException("no fingerprint in the program table");
        int from = program.indexOf(line, at);
        String split = "#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__\n"
                + "  " + dev.talent.compiler.emit.TypeDescriptors.cString(fingerprint + "-be") + ",\n"
                + (width ? "#elif __SIZEOF_POINTER__ == 4\n  " + dev.talent.compiler.emit.TypeDescriptors.cString(fingerprint + "-32")
                        + ",\n" : "")
                + "#else\n" + line + "#endif\n";
        return program.substring(0, from) + split + program.substring(from + line.length());
    }

    /** What talent_the_isa_note says of a program that keeps sizes whose value depends on the pointer width (SizeValues). */
    static String keptSizeNote(List<SizeValues.Kept> kept) {
        List<String> each = new ArrayList<>();
        for (SizeValues.Kept k : kept.subList(0, Math.min(3, kept.size()))) each.add(k.describe());
        return "the program keeps sizes or offsets that differ between 32-bit and 64-bit ISAs (" + String.join("; ", each)
                + (kept.size() > 3 ? "; ..." : "") + "), so a checkpoint moves only between ISAs of the pointer width it was"
                + " written on";
    }

    /** The program table with a fingerprint of its own on 32-bit ISAs (SizeValues; byte order does not matter). */
    static String widthFingerprint(String program, String fingerprint) {
        String line = "  " + dev.talent.compiler.emit.TypeDescriptors.cString(fingerprint) + ",\n";
        int at = program.indexOf("talent_the_program = {\n" + line);
        if (at < 0) throw new IllegalStateException("no fingerprint in the program table");
        int from = program.indexOf(line, at);
        String split = "#if __SIZEOF_POINTER__ == 4\n  " + dev.talent.compiler.emit.TypeDescriptors.cString(fingerprint + "-32")
                + ",\n#else\n" + line + "#endif\n";
        return program.substring(0, from) + split + program.substring(from + line.length());
    }

    /** What talent_the_isa_note says of a program that keeps numbers in network byte order (NetworkOrderIntegers). */
    static String networkOrderNote(List<NetworkOrderIntegers.Kept> kept) {
        List<String> each = new ArrayList<>();
        for (NetworkOrderIntegers.Kept k : kept.subList(0, Math.min(3, kept.size()))) each.add(k.describe());
        return "the program keeps numbers in network byte order in its own integers (" + String.join("; ", each)
                + (kept.size() > 3 ? "; ..." : "") + "), which talent carries as numbers, so a checkpoint moves only between"
                + " ISAs of the byte order it was written on";
    }

    /**
     * What talent_the_isa_note says of a program that copies numbers' bytes into character storage or writes and reads
     * them raw to files and sockets (ByteCopies).
     */
    static String byteCopyNote(List<ByteCopies.Copy> copies, boolean width) {
        List<String> each = new ArrayList<>();
        for (ByteCopies.Copy c : copies.subList(0, Math.min(3, copies.size()))) each.add(c.describe());
        boolean io = copies.stream().anyMatch(ByteCopies.Copy::io);
        boolean memory = copies.stream().anyMatch(c -> !c.io());
        String storage = copies.stream().anyMatch(ByteCopies.Copy::reinterpreting) ? "memory" : "character storage";
        boolean punned = copies.stream().allMatch(c -> c.call().equals(ByteCopies.PUNNED) || c.call().equals(ByteCopies.PASSED));
        String where = punned ? "the program computes from the bytes of numbers"
                : io && memory ? "the program's " + storage + " and files or sockets hold"
                : io ? "the program's files or sockets hold" : "the program's " + storage + " holds";
        return where + (punned ? " in this ISA's representation (" : " numbers in this ISA's representation (") + String.join("; ", each)
                + (copies.size() > 3 ? "; ..." : "") + "), so a checkpoint moves only between ISAs of the byte order"
                + (width ? " and pointer width" : "") + " it was written on";
    }

    /** talent_program.c's text. */
    static String programTable(Analysis a, Emitted e, String fingerprint, String programName) {
        return ProgramTable.generate(fingerprint, programName == null ? a.programName() : programName, a.units().size(),
                a.functionTable(), a.graph()::isAddressTaken, e.libraryFunctions(), a.pointTable(), a.mainSignature(),
                a.mainReturnsVoid());
    }

    /** Where the tables talent appends begin. */
    static final String TABLES_MARK = UnitTables.MARK;

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
        return fingerprint(units, texts, "");
    }

    /** The same, over {@code extra} too (PerIsaCompilation: the texts of the other ISAs, the description). */
    static String fingerprint(List<Unit> units, List<String> texts, String extra) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(TalentVersion.STRING.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < texts.size(); i++) {
                md.update((byte) 0);
                md.update(units.get(i).tu.unitName().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(texts.get(i).getBytes(StandardCharsets.ISO_8859_1));
            }
            if (!extra.isEmpty()) {
                md.update((byte) 0);
                md.update(extra.getBytes(StandardCharsets.UTF_8));
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
