package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.AddressObjects;
import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Globals;
import dev.talent.compiler.analysis.NamedUnionMembers;
import dev.talent.compiler.analysis.Pragma;
import dev.talent.compiler.analysis.StaticsHoisting.HoistedStatic;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the analyses of one file into its instrumented text: runs the emitters, one per file of this package,
 * in order over one {@link RewritePlan} of the file (docs/ARCHITECTURE.md "The emitters"), applies it, and
 * appends the tables and the clean clones. The order matters where an emitter copies text others edited.
 */
public final class UnitRewriter {
    private final TranslationUnit tu;
    private final int unitIndex;
    private final List<FunctionModel> functions;
    private final CallGraph graph;
    private final TypeResolver types;
    private final Diagnostics diags;
    private final AllocWrappers wrappers;
    private final NamedUnionMembers named;
    private AddressObjects addressObjects;

    public UnitRewriter(TranslationUnit tu, int unitIndex, List<FunctionModel> functions, CallGraph graph,
                        TypeResolver types, Diagnostics diags) {
        this(tu, unitIndex, functions, graph, types, diags, AllocWrappers.none());
    }

    /** {@code wrappers}: the program's allocation wrappers (AllocWrappers.find over every file). */
    public UnitRewriter(TranslationUnit tu, int unitIndex, List<FunctionModel> functions, CallGraph graph,
                        TypeResolver types, Diagnostics diags, AllocWrappers wrappers) {
        this(tu, unitIndex, functions, graph, types, diags, wrappers, NamedUnionMembers.all());
    }

    /** {@code named}: the union members the program names (NamedUnionMembers.of every file). */
    public UnitRewriter(TranslationUnit tu, int unitIndex, List<FunctionModel> functions, CallGraph graph,
                        TypeResolver types, Diagnostics diags, AllocWrappers wrappers, NamedUnionMembers named) {
        this.addressObjects = AddressObjects.NONE;
        this.named = named;
        this.wrappers = wrappers;
        this.tu = tu;
        this.unitIndex = unitIndex;
        this.functions = functions;
        this.graph = graph;
        this.types = types;
        this.diags = diags;
    }

    /**
     * The program's integer objects that hold only addresses (AddressObjects), described as addresses; the same set the
     * analysis accepted their stores with.
     */
    public UnitRewriter withAddressObjects(AddressObjects objects) {
        this.addressObjects = objects;
        return this;
    }

    /** The instrumented text; {@code lineDirectiveFile}: the file its {@code #line} directives name. */
    public String rewrite(List<HoistedStatic> statics, List<Pragma> nocheckpointPragmas, List<Pragma> allocTypePragmas,
                          String lineDirectiveFile) {
        String text = tu.text();
        RewritePlan plan = new RewritePlan(text);
        TypeDescriptors descriptors = new TypeDescriptors(types, named, tu, addressObjects);
        ResumeCopies resumeCopies = new ResumeCopies(text);
        // names first: every later emitter's text is built from renamed code
        new MainRename(tu, plan).emit();
        new StaticRenames(tu, plan, diags).emit(statics, functions);
        FrameGaps frameGaps = new FrameGaps(tu, plan);
        for (FunctionModel f : functions) frameGaps.emit(f);
        HidingVariableRenames hiding = new HidingVariableRenames(plan);
        for (FunctionModel f : functions) hiding.emit(f);
        IndeterminatePointers nulls = new IndeterminatePointers(plan, types);
        for (FunctionModel f : functions) nulls.emit(f);
        SuspendedWraps wraps = new SuspendedWraps(tu, graph, plan, diags);
        for (FunctionModel f : functions) wraps.emit(f);
        HeapCalls heap = new HeapCalls(tu, types, descriptors, plan, diags, allocTypePragmas, wrappers);
        for (FunctionModel f : functions) heap.rewrite(f, graph);
        heap.reportUnusedPragmas();
        WrapperAllocTypes.rewrite(tu, functions, graph, types, descriptors, plan, wrappers);
        IoCalls io = new IoCalls(tu, plan, diags);
        for (FunctionModel f : functions) io.rewrite(f, graph);
        PointerByteCopies pointerCopies = new PointerByteCopies(tu, types, plan, diags);
        for (FunctionModel f : functions) pointerCopies.rewrite(f);
        // with their initialisers as rewritten
        GlobalGaps gaps = new GlobalGaps(tu, plan);
        new StaticMoves(plan).emit(statics, gaps);
        gaps.emitFileScope();
        // blanked first: a loop copied for resuming must not contain these lines
        for (Pragma p : nocheckpointPragmas) plan.replace(p.start(), p.end(), "");
        for (Pragma p : allocTypePragmas) plan.replace(p.start(), p.end(), "");
        // before the chain functions' rewriting: a clone is the function's text as it is now
        CleanClones clones = new CleanClones(tu, graph, plan);
        clones.plan(functions);
        emitChainFunctions(plan, descriptors, resumeCopies);
        String tables = new UnitTables(tu, unitIndex, graph, descriptors, diags)
                .text(Globals.find(tu, types, statics, diags), heap.sites(), functions);
        plan.insert(0, "#include \"talent.h\"\n" + descriptors.forwardDeclarations()
                + "#line 1 " + TypeDescriptors.cString(lineDirectiveFile) + "\n", RewritePlan.Rank.HEADER);
        // the resume labels not moved into a resume copy stay where they were emitted
        String out = resumeCopies.expand(plan.apply());
        if (!out.endsWith("\n")) out += "\n";
        // the clones last, under their own #line directives (after the tables, whose #line names the generated file)
        String clonesText = clones.definitions(TypeDescriptors.cString(lineDirectiveFile));
        return out + tables + (clonesText.isEmpty() || tables.endsWith("\n") ? "" : "\n") + clonesText;
    }

    /**
     * Each function that may checkpoint: chain calls, sites, loop versions and strips, the restore path through
     * variable-length arrays, resume copies, prologue. A type talent cannot save refuses the function.
     */
    private void emitChainFunctions(RewritePlan plan, TypeDescriptors descriptors, ResumeCopies resumeCopies) {
        SiteCode siteCode = new SiteCode(new FrameCode(types, descriptors), resumeCopies);
        ChainCallHoists hoists = new ChainCallHoists(plan, types, siteCode);
        LoopVersioning versioning = new LoopVersioning(plan, graph);
        StripMinedLoops strips = new StripMinedLoops(tu, plan, resumeCopies);
        Sites sites = new Sites(plan, graph, siteCode, versioning, strips);
        Prologue prologue = new Prologue(plan);
        for (FunctionModel f : functions) {
            if (!f.chain) continue;
            try {
                hoists.emit(f);
                Map<Node, String> nests = versioning.shortNestsAsWritten(f);
                sites.emit(f);
                Set<Node> twice = new HashSet<>(nests.keySet());
                twice.addAll(strips.loops());   // before strips.emit(), which empties it
                versioning.versionShortNests(nests);
                strips.emit();
                VlaResume.emit(f, plan, resumeCopies, descriptors, tu.text(), twice, diags);
                resumeCopies.emit(f, graph, plan);
                prologue.emit(f);
            } catch (UnsupportedTypeException e) {
                diags.error(tu, e.at() != null ? e.at() : f.decl, e.getMessage() + " (in '" + f.name
                        + "', a function that may checkpoint)", "change the type, or mark the function '#pragma talent nocheckpoint'");
            }
        }
    }
}
