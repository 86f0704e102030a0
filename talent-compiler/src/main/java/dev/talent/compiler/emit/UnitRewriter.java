package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Globals;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.StaticsHoisting.HoistedStatic;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;
import dev.talent.compiler.rewrite.RewritePlan.Rank;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Turns the analyses of one file into its rewrite plan and applies it: renames (main, hoisted statics),
 * talent_suspended wraps, hoisted chain calls, sites, prologues, and the tables appended at the end.
 */
public final class UnitRewriter {
    // insertion ranks at one offset: RewritePlan.Rank, the one vocabulary
    private static final Rank HEADER = Rank.HEADER;
    private static final Rank PROLOGUE = Rank.PROLOGUE;
    private static final Rank SITE_OPEN = Rank.SITE_OPEN;
    private static final Rank SITE_CLOSE = Rank.SITE_CLOSE;

    private final TranslationUnit tu;
    private final int unitIndex;
    private final List<FunctionModel> functions;
    private final CallGraph graph;
    private final TypeResolver types;
    private final TypeDescriptors descriptors;
    private final Diagnostics diags;
    private final RewritePlan plan;
    private final String text;
    private final ResumeCopies resumeCopies;
    private final SiteCode siteCode;
    private final ChainCallHoists hoists;
    /** Site code of a loop whose body starts with this versioned leaf loop: it goes into the loop's instrumented copy. */
    private final Map<Node, String> siteBeforeInstrumentedCopy = new HashMap<>();
    /** Each strip-mined loop with its header and its site's code, which goes only into its one-iteration branch. */
    private final Map<Node, StripMinedLoop> stripMined = new LinkedHashMap<>();

    private record StripMinedLoop(StripMining.Header header, String siteCode) {}

    public UnitRewriter(TranslationUnit tu, int unitIndex, List<FunctionModel> functions, CallGraph graph,
                        TypeResolver types, Diagnostics diags) {
        this.tu = tu;
        this.unitIndex = unitIndex;
        this.functions = functions;
        this.graph = graph;
        this.types = types;
        this.descriptors = new TypeDescriptors(types);
        this.diags = diags;
        this.text = tu.text();
        this.plan = new RewritePlan(text);
        this.resumeCopies = new ResumeCopies(text);
        this.siteCode = new SiteCode(new FrameCode(types, descriptors), resumeCopies);
        this.hoists = new ChainCallHoists(plan, types, siteCode);
    }

    public String rewrite(List<HoistedStatic> statics, List<dev.talent.compiler.analysis.Pragma> nocheckpointPragmas,
                          String lineDirectiveFile) {
        return rewrite(statics, nocheckpointPragmas, List.of(), lineDirectiveFile);
    }

    public String rewrite(List<HoistedStatic> statics, List<dev.talent.compiler.analysis.Pragma> nocheckpointPragmas,
                          List<dev.talent.compiler.analysis.Pragma> allocTypePragmas, String lineDirectiveFile) {
        new MainRename(tu, plan).emit();
        new StaticRenames(tu, plan, diags).emit(statics, functions);
        HidingVariableRenames hiding = new HidingVariableRenames(plan);
        for (FunctionModel f : functions) hiding.emit(f);
        SuspendedWraps wraps = new SuspendedWraps(tu, graph, plan, diags);
        for (FunctionModel f : functions) wraps.emit(f);
        HeapCalls heap = new HeapCalls(tu, types, descriptors, plan, diags, allocTypePragmas);
        for (FunctionModel f : functions) heap.rewrite(f, graph);
        heap.reportUnusedPragmas();
        WrapperAllocTypes.rewrite(tu, functions, graph, types, descriptors, plan);
        IoCalls io = new IoCalls(tu, plan, diags);
        for (FunctionModel f : functions) io.rewrite(f, graph);
        new StaticMoves(plan).emit(statics);
        // blanked first: a loop copied for resuming must not contain these lines
        for (var p : nocheckpointPragmas) plan.replace(p.start(), p.end(), "");
        for (var p : allocTypePragmas) plan.replace(p.start(), p.end(), "");
        // before the chain functions' rewriting: a clone is the function's text as it is now
        CleanClones clones = new CleanClones(tu, graph, plan);
        clones.plan(functions);
        for (FunctionModel f : functions) {
            if (!f.chain) continue;
            try {
                hoists.emit(f);
                Map<Node, String> nests = shortNestsAsWritten(f);
                for (Point p : f.points) if (p.isSite()) site(f, p);
                java.util.Set<Node> twice = new java.util.HashSet<>(nests.keySet());
                twice.addAll(stripMined.keySet());   // before stripMine(), which empties it
                versionShortNests(nests);
                stripMine();
                VlaResume.emit(f, plan, resumeCopies, descriptors, text, twice, diags);
                resumeCopies.emit(f, graph, plan);
                prologue(f);
            } catch (UnsupportedTypeException e) {
                diags.error(tu, e.at() != null ? e.at() : f.decl, e.getMessage() + " (in '" + f.name
                        + "', a function that may checkpoint)", "change the type, or mark the function '#pragma talent nocheckpoint'");
            }
        }
        String trailer = new UnitTables(tu, unitIndex, graph, descriptors, diags)
                .text(Globals.find(tu, types, statics, diags), heap.sites(), functions);
        plan.insert(0, "#include \"talent.h\"\n" + descriptors.forwardDeclarations()
                + "#line 1 " + TypeDescriptors.cString(lineDirectiveFile) + "\n", HEADER);
        // the resume labels not moved into a resume copy stay where they were emitted
        String out = resumeCopies.expand(plan.apply());
        if (!out.endsWith("\n")) out += "\n";
        // the clones last, under their own #line directives (after the tables, whose #line names the generated file)
        String clonesText = clones.definitions(TypeDescriptors.cString(lineDirectiveFile));
        return out + trailer + (clonesText.isEmpty() || trailer.endsWith("\n") ? "" : "\n") + clonesText;
    }

    // ------------------------------------------------------------------ sites

    private void site(FunctionModel f, Point p) {
        String code = siteCode.site(f, p);
        if (p.site.pragma() != null) {
            plan.replace(p.site.pragma().start(), p.site.pragma().end(), code);
            return;
        }
        if (p.site.loop() == null) {
            // the entry of a recursive function (RecursionSites), after the prologue
            plan.insert(p.site.block().begin().offset() + 1, " " + code, SITE_OPEN);
            return;
        }
        Node body = p.site.anchor();
        Node loop = p.site.loop();
        Optional<StripMining.Header> strip = StripMining.of(f, loop, graph, text);
        if (strip.isPresent()) {
            stripMined.put(loop, new StripMinedLoop(strip.get(), code)); // emitted once its inner loops are versioned
            return;
        }
        // a leaf loop is versioned here; a short nest once all its sites are in (versionShortNests)
        boolean versioned = !LeafLoops.hasInnerLoop(loop) && LeafLoops.isVersionable(f, loop, graph, text);
        int loopStart = loop.begin().offset();
        int loopEnd = Ast.statementEnd(text, loop);
        Predicate<Object> inside = Statements.closingInside(loop);
        String plain = versioned ? plan.renderStatement(loopStart, loopEnd, inside) : null;
        Node first = body.is("CompoundStmt") ? (body.inner().isEmpty() ? null : body.child(0)) : body;
        if (first != null && isVersionedWithSite(f, first)) {
            // docs/CODEGEN.md: the body starts with a versioned leaf loop, whose test of talent_pending serves
            // this site too: the site goes into that loop's instrumented copy (one test per iteration, not two)
            siteBeforeInstrumentedCopy.put(first, code);
        } else if (body.is("CompoundStmt")) {
            plan.insert(body.begin().offset() + 1, " " + code, SITE_OPEN);
        } else {
            plan.insert(body.begin().offset(), "{ " + code + " ", SITE_OPEN);
            plan.insertClosing(Ast.statementEnd(text, body), " }", SITE_CLOSE, body);
        }
        if (versioned) version(loop, plain);
    }

    /**
     * {@code if (!talent_pending) <plain> else <the loop as rewritten now, with its sites>} in place of the loop;
     * the site of an outer loop whose body starts with this one goes before the instrumented copy.
     */
    private void version(Node loop, String plain) {
        int start = loop.begin().offset();
        int end = Ast.statementEnd(text, loop);
        Predicate<Object> inside = Statements.closingInside(loop);
        String outerSite = siteBeforeInstrumentedCopy.remove(loop);
        String instrumented = LeafLoops.flatten(plan.renderStatement(start, end, inside));
        plan.replaceStatement(start, end, "if (__builtin_expect(!talent_pending, 1)) { " + plain + " } else { "
                + (outerSite != null ? outerSite + " " : "") + instrumented + " }", inside);
    }

    /**
     * The short nests of f that hold sites (docs/CODEGEN.md "Short loop nests"), each with its text as it is before
     * any site goes in: the copy that runs while talent_pending is clear.
     */
    private Map<Node, String> shortNestsAsWritten(FunctionModel f) {
        Map<Node, String> nests = new LinkedHashMap<>();
        for (Point p : f.points) {
            if (!p.isSite() || p.site.pragma() != null) continue;
            for (Node n = p.site.loop(); n != null && n != f.body; n = n.parent()) {
                if (Ast.isLoop(n) && !nests.containsKey(n) && LeafLoops.isShortNest(f, n, graph, text)) {
                    nests.put(n, plan.renderStatement(n.begin().offset(), Ast.statementEnd(text, n), Statements.closingInside(n)));
                }
            }
        }
        return nests;
    }

    /** {@code if (!talent_pending) <nest as written> else <nest with its sites>}, as for a leaf loop. */
    private void versionShortNests(Map<Node, String> nests) {
        nests.forEach(this::version);
    }

    /**
     * Strip-mined loops (docs/CODEGEN.md): the increment leaves the header, and the body becomes a strip of
     * iterations (its leaf loops versioned, no resume label) or, with a request pending, one iteration that
     * starts with the loop's site (with the labels).
     */
    private void stripMine() {
        for (var e : stripMined.entrySet()) {
            Node loop = e.getKey();
            StripMining.Header header = e.getValue().header();
            Node body = Ast.loopBody(loop);
            int bodyStart = body.begin().offset();
            int end = Ast.statementEnd(text, loop);
            int loopStart = loop.begin().offset();
            if (!plan.render(loopStart, bodyStart).equals(text.substring(loopStart, bodyStart))) {
                throw new IllegalStateException("strip mining: the header of the loop at " + tu.pos(loop.begin())
                        + " was rewritten by another pass");
            }
            Predicate<Object> inside = Statements.closingInside(loop);
            String rendered = plan.renderStatement(bodyStart, end, inside);
            String once = "{ " + e.getValue().siteCode() + " " + rendered + " }";
            plan.replace(header.increment().begin().offset(), Ast.rangeEnd(text, header.increment()), "");
            plan.replaceStatement(bodyStart, end,
                    StripMining.body(header, text, resumeCopies.strip(rendered), once, loopStart), inside);
        }
        stripMined.clear();
    }

    /** A loop that gets a site at the head of its body and is versioned (its site is processed after this one). */
    private boolean isVersionedWithSite(FunctionModel f, Node stmt) {
        if (!Ast.isLoop(stmt) || !LeafLoops.isVersionable(f, stmt, graph, text)) return false;
        for (var s : f.sites) if (s.loop() == stmt) return true;
        return false;
    }

    private void prologue(FunctionModel f) {
        StringBuilder sb = new StringBuilder(" ");
        // no point returns it when every call that may checkpoint runs suspended (IndirectCalls)
        if (!SiteCode.returnsVoid(f) && !f.points.isEmpty()) {
            List<String> args = new ArrayList<>();
            for (Node p : Ast.parameters(f.decl)) args.add(p.name().isEmpty() ? "0" : p.name());
            String name = f.name.equals("main") ? "talent_user_main" : f.name;
            sb.append("static __typeof__(").append(name).append("(").append(String.join(", ", args))
                    .append(")) __talent_zret; ");
        }
        sb.append("if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(").append(f.id).append(")) {");
        for (Point p : f.points) sb.append(" case ").append(p.id).append(": goto ").append(VlaResume.target(f, p, null)).append(";");
        sb.append(" default: break; }");
        plan.insert(f.body.begin().offset() + 1, sb.toString(), PROLOGUE);
    }
}
