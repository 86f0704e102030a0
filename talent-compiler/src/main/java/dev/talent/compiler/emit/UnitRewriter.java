package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.ChainCallHoisting;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FrameLiveness;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Hoist;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.StaticsHoisting.HoistedStatic;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
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
    private static final Rank MOVED_STATIC = Rank.MOVED_STATIC;
    private static final Rank LOOP_TRANSFORM_OPEN = Rank.LOOP_TRANSFORM_OPEN;
    private static final Rank SITE_OPEN = Rank.SITE_OPEN;
    private static final Rank HOIST_OPEN = Rank.HOIST_OPEN;
    private static final Rank WRAP_OPEN = Rank.WRAP_OPEN;
    private static final Rank WRAP_CLOSE = Rank.WRAP_CLOSE;
    private static final Rank HOIST_CLOSE = Rank.HOIST_CLOSE;
    private static final Rank SITE_CLOSE = Rank.SITE_CLOSE;
    private static final Rank LOOP_TRANSFORM_CLOSE = Rank.LOOP_TRANSFORM_CLOSE;
    private static final Rank LOOP_BODY_OPEN = Rank.LOOP_BODY_OPEN;
    private static final Rank LOOP_BODY_CLOSE = Rank.LOOP_BODY_CLOSE;

    public record Global(String key, String name, String pos, String addressOf, CType type, Node decl, boolean isConst) {}

    private final TranslationUnit tu;
    private final int unitIndex;
    private final List<FunctionModel> functions;
    private final CallGraph graph;
    private final TypeResolver types;
    private final TypeDescriptors descriptors;
    private final FrameCode frames;
    private final Diagnostics diags;
    private final RewritePlan plan;
    private final String text;
    private final ResumeCopies resumeCopies;
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
        this.frames = new FrameCode(types, descriptors);
        this.diags = diags;
        this.text = tu.text();
        this.plan = new RewritePlan(text);
        this.resumeCopies = new ResumeCopies(text);
    }

    public static String unitSymbol(int unitIndex) {
        return "talent_unit_" + unitIndex;
    }

    public String rewrite(List<HoistedStatic> statics, List<dev.talent.compiler.analysis.Pragma> nocheckpointPragmas,
                          String lineDirectiveFile) {
        return rewrite(statics, nocheckpointPragmas, List.of(), lineDirectiveFile);
    }

    public String rewrite(List<HoistedStatic> statics, List<dev.talent.compiler.analysis.Pragma> nocheckpointPragmas,
                          List<dev.talent.compiler.analysis.Pragma> allocTypePragmas, String lineDirectiveFile) {
        renameMain();
        Map<String, String> renames = new HashMap<>();
        for (HoistedStatic s : statics) renames.put(s.varDecl().id(), s.newName());
        renameStatics(statics, renames);
        for (FunctionModel f : functions) renameHidingVariables(f);
        for (FunctionModel f : functions) wrapSuspended(f);
        HeapCalls heap = new HeapCalls(tu, types, descriptors, plan, diags, allocTypePragmas);
        for (FunctionModel f : functions) heap.rewrite(f, graph);
        heap.reportUnusedPragmas();
        WrapperAllocTypes.rewrite(tu, functions, graph, types, descriptors, plan);
        IoCalls io = new IoCalls(tu, plan, diags);
        for (FunctionModel f : functions) io.rewrite(f, graph);
        moveStatics(statics);
        // blanked first: a loop copied for resuming must not contain these lines
        for (var p : nocheckpointPragmas) plan.replace(p.start(), p.end(), "");
        for (var p : allocTypePragmas) plan.replace(p.start(), p.end(), "");
        // before the chain functions' rewriting: a clone is the function's text as it is now
        CleanClones clones = new CleanClones(tu, graph, plan);
        clones.plan(functions);
        for (FunctionModel f : functions) {
            if (!f.chain) continue;
            try {
                for (Hoist h : f.hoists) hoist(f, h);
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
        String trailer = trailer(statics, heap.sites());
        plan.insert(0, "#include \"talent.h\"\n" + descriptors.forwardDeclarations()
                + "#line 1 " + TypeDescriptors.cString(lineDirectiveFile) + "\n", HEADER);
        // the resume labels not moved into a resume copy stay where they were emitted
        String out = resumeCopies.expand(plan.apply());
        if (!out.endsWith("\n")) out += "\n";
        // the clones last, under their own #line directives (after the tables, whose #line names the generated file)
        String clonesText = clones.definitions(TypeDescriptors.cString(lineDirectiveFile));
        return out + trailer + (clonesText.isEmpty() || trailer.endsWith("\n") ? "" : "\n") + clonesText;
    }

    // ------------------------------------------------------------------ renames

    private void renameMain() {
        tu.root().walk(n -> {
            if (n.is("FunctionDecl") && n.name().equals("main") && tu.inMainFile(n.loc()) && !n.loc().inMacro()) {
                plan.replace(n.loc().offset(), n.loc().endOffset(), "talent_user_main");
            } else if (n.is("DeclRefExpr") && n.referencedDecl().path("kind").asText().equals("FunctionDecl")
                    && n.referencedDecl().path("name").asText().equals("main") && tu.isMacroFree(n)) {
                plan.replace(n.begin().offset(), n.begin().endOffset(), "talent_user_main");
            }
        });
    }

    private void renameStatics(List<HoistedStatic> statics, Map<String, String> renames) {
        for (HoistedStatic s : statics) {
            Node v = s.varDecl();
            plan.replace(v.loc().offset(), v.loc().endOffset(), s.newName());
        }
        if (renames.isEmpty()) return;
        for (FunctionModel f : functions) {
            f.body.walk(n -> {
                if (!n.is("DeclRefExpr")) return;
                String nn = renames.get(Ast.referencedDeclId(n));
                if (nn == null) return;
                if (!tu.isMacroFree(n)) {
                    diags.error(tu, n, "static variable '" + n.referencedDecl().path("name").asText()
                            + "' is used inside a macro expansion", "use it outside the macro, or make it a file-scope static");
                    return;
                }
                plan.replace(n.begin().offset(), n.begin().endOffset(), nn);
            });
        }
    }

    /** Variables renamed so that every variable needed at a point can be named there (FrameLiveness). */
    private void renameHidingVariables(FunctionModel f) {
        if (!f.chain) return;
        for (var v : f.variables) {
            if (v.isTemp() || v.cName.equals(v.name)) continue;
            plan.replace(v.decl.loc().offset(), v.decl.loc().endOffset(), v.cName);
            for (Node ref : FrameLiveness.references(f, v)) plan.replace(ref.begin().offset(), ref.begin().endOffset(), v.cName);
        }
    }

    private void moveStatics(List<HoistedStatic> statics) {
        Map<Node, FunctionModel> stmts = new LinkedHashMap<>();
        for (HoistedStatic s : statics) stmts.put(s.declStmt(), s.function());
        for (Map.Entry<Node, FunctionModel> e : stmts.entrySet()) {
            Node d = e.getKey();
            int end = Ast.statementEnd(text, d);
            String moved = plan.render(d.begin().offset(), end).replace("\n", " ");
            plan.replaceRendered(d.begin().offset(), end, "");
            plan.insert(e.getValue().decl.begin().offset(), moved + " ", MOVED_STATIC);
        }
    }

    // ------------------------------------------------------------------ talent_suspended

    private void wrapSuspended(FunctionModel f) {
        boolean indirectMayReachChain = graph.anyChainFunctionAddressTaken();
        f.body.walk(n -> {
            if (!n.is("CallExpr")) return;
            String callee = Ast.directCallee(n);
            boolean wrap;
            if (callee == null) {
                // in a chain function a call through a pointer is a chain call (IndirectCalls), unless it
                // could not be hoisted
                wrap = indirectMayReachChain && (!f.chain || f.suspendedCalls.contains(n));
            } else {
                FunctionModel target = graph.resolve(f, callee);
                // a library function, or a function of a header talent does not instrument, given a callback
                if (target == null || !target.inMainFile) wrap = indirectMayReachChain && passesFunctionPointer(n);
                else wrap = target.chain && !f.chain;
            }
            if (!wrap) return;
            if (!tu.isMacroFree(n)) {
                diags.warning(tu, n, "call that may reach a checkpointing function through a pointer is inside a macro"
                        + " expansion: a checkpoint requested during it is not deferred", "call it outside the macro");
                return;
            }
            boolean isVoid = n.qualType().equals("void");
            int b = n.begin().offset();
            int e = Ast.rangeEnd(text, n);
            plan.insertOpening(b, isVoid ? "({ talent_suspended++; " : "({ talent_suspended++; __auto_type __talent_sv = ", WRAP_OPEN, n);
            plan.insertClosing(e, isVoid ? "; talent_suspended--; })" : "; talent_suspended--; __talent_sv; })", WRAP_CLOSE, n);
        });
    }

    private static boolean passesFunctionPointer(Node call) {
        for (Node a : Ast.callArguments(call)) {
            try {
                CType t = CTypeParser.parse(a.qualType());
                if (t instanceof CType.Pointer p && p.to() instanceof CType.Function) return true;
            } catch (RuntimeException e) {
                // a type spelling talent does not parse is not a function pointer spelling
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ chain calls

    private void hoist(FunctionModel f, Hoist h) {
        Map<Hoist.ChainCall, Point> points = new HashMap<>();
        for (Point p : f.points) if (!p.isSite() && h.equals(p.hoist)) points.put(p.chainCall(), p);
        Node s = h.statement();
        if (h.shape() == Hoist.Shape.DIRECT) {
            Point p = points.get(h.calls().getFirst());
            if (p.isBlockingSite()) {
                plan.insert(s.begin().offset(), "for (;;) { " + siteCode(f, p) + " ", HOIST_OPEN);
                plan.insertClosing(Ast.statementEnd(text, s), " if (!talent_blocking_retry()) break; }", HOIST_CLOSE, s);
                return;
            }
            boolean braces = needsBraces(s);
            plan.insert(s.begin().offset(), (braces ? "{ " : "") + restoreLabel(p), HOIST_OPEN);
            plan.insertClosing(Ast.statementEnd(text, s), " " + unwindCheck(f, p) + (braces ? "}" : ""), HOIST_CLOSE, s);
            return;
        }
        StringBuilder decls = new StringBuilder();
        String code = steps(f, h, h.steps(), points, decls);
        String hoisted = decls + code;
        switch (h.shape()) {
            case BEFORE_STATEMENT -> {
                boolean braces = needsBraces(s);
                plan.insert(s.begin().offset(), (braces ? "{ " : "") + hoisted, HOIST_OPEN);
                if (braces) plan.insertClosing(Ast.statementEnd(text, s), " }", HOIST_CLOSE, s);
            }
            case WHILE_CONDITION -> {
                Node cond = h.anchor();
                int condEnd = Ast.rangeEnd(text, cond);
                int rparen = Ast.skipSpace(text, condEnd);
                if (rparen >= text.length() || text.charAt(rparen) != ')') throw new IllegalStateException("no ) after while condition");
                plan.replace(s.begin().offset(), cond.begin().offset(), "for (;;) { " + hoisted + "if (!(");
                plan.replace(rparen, rparen + 1, ")) break;");
                plan.insertClosing(Ast.statementEnd(text, Ast.loopBody(s)), " }", LOOP_TRANSFORM_CLOSE, Ast.loopBody(s));
            }
            case FOR_CONDITION -> {
                Node cond = h.anchor();
                String condText = renderNode(cond);
                removeForCondition(cond);
                Node body = Ast.loopBody(s);
                plan.insert(body.begin().offset(), "{ " + hoisted + "if (!(" + condText + ")) break; ", LOOP_TRANSFORM_OPEN);
                plan.insertClosing(Ast.statementEnd(text, body), " }", LOOP_TRANSFORM_CLOSE, body);
            }
            case DO_CONDITION -> {
                // do B while (c);  ->  for (;;) { __label__ L; B L: ; <hoisted> if (!(c')) break; }
                Node cond = h.anchor();
                Node body = Ast.loopBody(s);
                String condText = renderNode(cond);
                String[] label = continuesToLabel(s, h, points);
                plan.replace(s.begin().offset(), body.begin().offset(), "for (;;) ");
                plan.insert(body.begin().offset(), "{ " + label[0], LOOP_BODY_OPEN);
                plan.replaceRendered(Ast.statementEnd(text, body), Ast.statementEnd(text, s),
                        " " + label[1] + hoisted + "if (!(" + condText + ")) break; }");
            }
            case FOR_INCREMENT -> {
                // for (i; c; n) B  ->  for (i; c; ) { __label__ L; B L: ; <hoisted> (void)(n'); }
                Node inc = h.anchor();
                Node body = Ast.loopBody(s);
                String incText = renderNode(inc);
                String[] label = continuesToLabel(s, h, points);
                replaceNode(inc, "");
                plan.insert(body.begin().offset(), "{ " + label[0], LOOP_BODY_OPEN);
                plan.insertClosing(Ast.statementEnd(text, body), " " + label[1] + hoisted + "(void)(" + incText + "); }",
                        LOOP_BODY_CLOSE, body);
            }
            default -> throw new IllegalStateException(h.shape().toString());
        }
    }

    /**
     * A loop whose do-while condition or for increment moved to the end of its body: its continue statements
     * become gotos to a label there, local to the body's block (__label__) so that copies of the loop (resume
     * copies, versioning) do not define it twice. Returns the label's declaration and definition (both empty
     * when the loop has no continue: gcc warns about an unused label).
     */
    private String[] continuesToLabel(Node loop, Hoist h, Map<Hoist.ChainCall, Point> points) {
        List<Node> continues = ChainCallHoisting.continuesOf(loop);
        if (continues.isEmpty()) return new String[] {"", ""};
        String label = "__talent_c" + points.get(h.calls().getFirst()).id;
        for (Node c : continues) plan.replace(c.begin().offset(), Ast.rangeEnd(text, c), "goto " + label);
        return new String[] {"__label__ " + label + "; ", label + ": ; "};
    }

    /** Predicate for the boundary insertions of a node (wraps of it or of a part of it that starts or ends with it). */
    private static Predicate<Object> inside(Node n) {
        return o -> o instanceof Node x && (x == n || Ast.isStrictlyInside(x, n));
    }

    /** The rewritten text of an expression, with what is wrapped around it, on one line. */
    private String renderNode(Node n) {
        return plan.renderNode(n.begin().offset(), Ast.rangeEnd(text, n), inside(n)).replace("\n", " ");
    }

    private void replaceNode(Node n, String with) {
        plan.replaceNode(n.begin().offset(), Ast.rangeEnd(text, n), with, inside(n));
    }

    /**
     * Empties a for statement's condition, whose rendering moved into the body. When the normalisation already
     * replaced the whole condition (a call in the right operand of its {@code &&}), a second replacement of that
     * range is refused by the plan; the condition is then removed with the semicolons around it, a range that
     * merges the earlier replacement, which the rendering already holds.
     */
    private void removeForCondition(Node cond) {
        int from = cond.begin().offset(), to = Ast.rangeEnd(text, cond);
        boolean replacedWhole = plan.edits().stream().anyMatch(e -> e.start() == from && e.end() == to && from < to);
        if (replacedWhole) {
            int before = from - 1;
            while (before >= 0 && Character.isWhitespace(text.charAt(before))) before--;
            int after = Ast.skipSpace(text, to);
            if (before >= 0 && text.charAt(before) == ';' && after < text.length() && text.charAt(after) == ';') {
                plan.replaceRendered(before, after + 1, "; ;");
                return;
            }
        }
        replaceNode(cond, "");
    }

    /**
     * The code of normalised steps (docs/CODEGEN.md "Expression normalisation"); each node a step evaluates
     * is replaced by its temporary, whose declaration goes to {@code decls} (declared before all the code,
     * in the order the values are computed, so that each __typeof__ names only temporaries declared before).
     */
    private String steps(FunctionModel f, Hoist h, List<Hoist.Step> steps, Map<Hoist.ChainCall, Point> points,
                         StringBuilder decls) {
        StringBuilder code = new StringBuilder();
        for (Hoist.Step st : steps) {
            switch (st) {
                case Hoist.Step.Call c -> {
                    Hoist.ChainCall call = h.calls().get(c.index());
                    Point p = points.get(call);
                    String callText = renderNode(call.call());
                    if (p.isBlockingSite()) {
                        // talent.h: the site precedes the call inside its retry loop
                        decls.append("__typeof__(").append(callText).append(") ").append(call.temp()).append("; ");
                        code.append("for (;;) { ").append(siteCode(f, p)).append(" ").append(call.temp()).append(" = ")
                                .append(callText).append("; if (!talent_blocking_retry()) break; } ");
                        replaceNode(call.call(), call.temp());
                        continue;
                    }
                    code.append(restoreLabel(p));
                    if (call.temp() != null) {
                        decls.append("__typeof__(").append(callText).append(") ").append(call.temp()).append("; ");
                        code.append(assign(call.temp(), callText, call.returnType()));
                        replaceNode(call.call(), call.temp());
                    } else {
                        code.append(callText).append("; ");
                        replaceNode(call.call(), "((void)0)");
                    }
                    code.append(unwindCheck(f, p));
                }
                case Hoist.Step.Eval e -> {
                    String t = renderNode(e.expr());
                    if (e.temp() == null) {
                        code.append("(void)(").append(t).append("); ");
                        replaceNode(e.expr(), "((void)0)");
                    } else {
                        decls.append("__typeof__(((void)0, (").append(t).append("))) ").append(e.temp()).append("; ");
                        code.append(assign(e.temp(), "(" + t + ")", e.expr().qualType()));
                        replaceNode(e.expr(), e.temp());
                    }
                }
                case Hoist.Step.Logical l -> {
                    Node op = l.op();
                    String left = renderNode(op.child(0));
                    decls.append("int ").append(l.temp()).append("; ");
                    code.append(l.temp()).append(" = (").append(left).append(") != 0; if (").append(l.and() ? "" : "!")
                            .append(l.temp()).append(") { ");
                    code.append(steps(f, h, l.right(), points, decls));
                    code.append(l.temp()).append(" = (").append(renderNode(op.child(1))).append(") != 0; } ");
                    replaceNode(op, l.temp());
                }
                case Hoist.Step.Choice c -> {
                    Node op = c.op();
                    code.append("if (").append(renderNode(op.child(0))).append(") { ");
                    code.append(steps(f, h, c.then(), points, decls));
                    code.append(arm(c.temp(), renderNode(op.child(1)), op.qualType())).append("} else { ");
                    code.append(steps(f, h, c.els(), points, decls));
                    code.append(arm(c.temp(), renderNode(op.child(2)), op.qualType())).append("} ");
                    if (c.temp() != null) {
                        decls.append("__typeof__(((void)0, (").append(renderNode(op)).append("))) ").append(c.temp()).append("; ");
                    }
                    replaceNode(op, c.temp() != null ? c.temp() : "((void)0)");
                }
            }
        }
        return code.toString();
    }

    private String arm(String temp, String value, String type) {
        return temp == null ? "(void)(" + value + "); " : assign(temp, "(" + value + ")", type);
    }

    /**
     * {@code temp = value;}, or for a struct or union a copy through memory: a struct with a const member
     * (Csmith writes them) cannot be assigned, but its value can initialise a variable and be copied.
     */
    private String assign(String temp, String value, String type) {
        boolean aggregate;
        try {
            var category = types.category(CTypeParser.parse(type));
            aggregate = category == TypeResolver.Category.STRUCT || category == TypeResolver.Category.UNION;
        } catch (RuntimeException e) {
            aggregate = false;
        }
        if (!aggregate) return temp + " = " + value + "; ";
        return "{ __typeof__(" + value + ") __talent_v = " + value + "; __builtin_memcpy((void *)&" + temp
                + ", (const void *)&__talent_v, sizeof " + temp + "); } ";
    }

    /**
     * Closing insertions name the node whose code they close (the statement or loop body wrapped in braces,
     * the call wrapped in a statement expression): one at the end of {@code statement} belongs to the
     * statement's text when that node is inside the statement, and to the text around it otherwise.
     */
    static Predicate<Object> closingInside(Node statement) {
        return closes -> closes instanceof Node wrapped && Ast.isStrictlyInside(wrapped, statement);
    }

    /** A statement that is not directly in a block (if/else branch, loop body, after a label) needs braces. */
    private static boolean needsBraces(Node s) {
        Node p = s.parent();
        return p == null || !p.is("CompoundStmt");
    }

    // ------------------------------------------------------------------ sites

    /** The code of a site at point p (docs/CODEGEN.md "A site"). */
    private String siteCode(FunctionModel f, Point p) {
        return "if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(" + p.id + ")) { "
                + frames.save(f, p) + "talent_frame_end(); " + returnDummy(f) + " } " + restoreLabel(p) + "}";
    }

    private void site(FunctionModel f, Point p) {
        String code = siteCode(f, p);
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
        Predicate<Object> inside = closingInside(loop);
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
        Predicate<Object> inside = closingInside(loop);
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
                    nests.put(n, plan.renderStatement(n.begin().offset(), Ast.statementEnd(text, n), closingInside(n)));
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
            Predicate<Object> inside = closingInside(loop);
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

    /** The resume label of p, as a marker that {@link ResumeCopies} later puts in place or into a resume copy. */
    private String restoreLabel(Point p) {
        return resumeCopies.marker(p.id, "if (0) { __talent_r" + p.id + ": ; " + frames.restore(p) + "talent_frame_restored(); "
                + SetjmpRearm.code(p) + "} ");
    }

    private String unwindCheck(FunctionModel f, Point p) {
        return "if (__builtin_expect(talent_unwinding, 0)) { " + frames.save(f, p) + "talent_frame_end(); "
                + returnDummy(f) + " } ";
    }

    private String returnDummy(FunctionModel f) {
        return returnsVoid(f) ? "return;" : "return __talent_zret;";
    }

    private static boolean returnsVoid(FunctionModel f) {
        try {
            CType t = CTypeParser.parse(f.decl.qualType());
            return t instanceof CType.Function fn && fn.ret() instanceof CType.Builtin b && b.name().equals("void");
        } catch (RuntimeException e) {
            return f.decl.qualType().startsWith("void ");
        }
    }

    private void prologue(FunctionModel f) {
        StringBuilder sb = new StringBuilder(" ");
        // no point returns it when every call that may checkpoint runs suspended (IndirectCalls)
        if (!returnsVoid(f) && !f.points.isEmpty()) {
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

    // ------------------------------------------------------------------ tables at the end of the file

    private String trailer(List<HoistedStatic> statics, Map<String, String> allocSites) {
        List<Global> globals = globals(statics);
        StringBuilder defs = new StringBuilder();
        StringBuilder rows = new StringBuilder();
        for (Global g : globals) {
            String td;
            try {
                td = descriptors.refAtFileScope(g.type(), "__typeof__(" + g.addressOf() + ")", defs);
                descriptors.refuseInitialisedFlexibleArray(g.decl(), g.type());
            } catch (UnsupportedTypeException e) {
                diags.error(tu, g.decl(), "global '" + g.name() + "': " + e.getMessage(), "change the variable's type");
                continue;
            }
            rows.append("  { ").append(TypeDescriptors.cString(g.key())).append(", ").append(TypeDescriptors.cString(g.name()))
                    .append(", ").append(TypeDescriptors.cString(g.pos())).append(", (void *)&").append(g.addressOf())
                    .append(", ").append(td).append(", ").append(g.isConst() ? 1 : 0).append(" },\n");
        }
        StringBuilder sb = new StringBuilder("\n/* ---- talent: tables (generated) ---- */\n");
        sb.append(descriptors.definitions()).append(defs);
        String unit = unitSymbol(unitIndex);
        String globalsRef = "0, 0";
        if (!rows.isEmpty()) {
            sb.append("static const talent_global ").append(unit).append("_globals[] = {\n").append(rows).append("};\n");
            globalsRef = unit + "_globals, sizeof " + unit + "_globals / sizeof " + unit + "_globals[0]";
        }
        String sitesRef = "0, 0";
        // "type:T" entries: pointee types, by which the runtime restores a block typed at checkpoint time
        // from the pointers that referenced it (heap_restore.c)
        Map<String, String> siteRows = new LinkedHashMap<>(allocSites);
        descriptors.pointeeTypes().forEach((spelling, td) -> siteRows.putIfAbsent("type:" + spelling, td));
        if (!siteRows.isEmpty()) {
            sb.append("static const talent_alloc_site ").append(unit).append("_alloc_sites[] = {\n");
            siteRows.forEach((pos, td) -> sb.append("  { ").append(TypeDescriptors.cString(pos)).append(", ").append(td).append(" },\n"));
            sb.append("};\n");
            sitesRef = unit + "_alloc_sites, sizeof " + unit + "_alloc_sites / sizeof " + unit + "_alloc_sites[0]";
        }
        for (FunctionModel f : functions) {
            // the program table (another file) needs the address of every function a pointer can point to,
            // static ones included; a C99 inline definition is emitted only when the file also declares the
            // function extern. Only those: an alias makes a static function external for gcc, which then
            // keeps it out of line and inlines and specialises it less.
            if (!graph.isAddressTaken(f)) continue;
            if (!f.isStatic && f.decl.json().path("inline").asBoolean(false)) {
                sb.append("extern __typeof__(").append(cName(f)).append(") ").append(cName(f)).append(";\n");
            }
            sb.append("extern __typeof__(").append(cName(f)).append(") ").append(functionAlias(f.id))
                    .append(" __attribute__((alias(\"").append(cName(f)).append("\")));\n");
        }
        sb.append("const talent_unit ").append(unit).append(" = { ").append(TypeDescriptors.cString(tu.unitName()))
                .append(", ").append(globalsRef).append(", ").append(sitesRef).append(" };\n");
        return sb.toString();
    }

    private boolean hasSizedDeclaration(String name) {
        for (Node top : tu.root().inner()) {
            if (!top.is("VarDecl") || !top.name().equals(name)) continue;
            try {
                if (CTypeParser.parse(top.qualType()) instanceof CType.Array a && !a.size().isEmpty()) return true;
            } catch (RuntimeException e) {
                // unparsable type: not a sized array declaration
            }
        }
        return false;
    }

    /** The name of a function in the instrumented text (main is renamed). */
    private static String cName(FunctionModel f) {
        return f.name.equals("main") && !f.isStatic ? "talent_user_main" : f.name;
    }

    /** External alias of function {@code id}, defined next to the function, referenced by talent_program.c. */
    public static String functionAlias(int id) {
        return "talent_fn_" + id;
    }

    /** File-scope variables defined in this file, then hoisted function statics. */
    public List<Global> globals(List<HoistedStatic> statics) {
        Map<String, Global> out = new LinkedHashMap<>();
        for (Node top : tu.root().inner()) {
            if (!top.is("VarDecl") || !tu.inMainFile(top.position()) || top.attr("storageClass").equals("extern")) continue;
            if (top.attr("tls").length() > 0) continue;
            boolean isStatic = top.attr("storageClass").equals("static");
            String key = isStatic ? tu.unitName() + ":" + top.name() : top.name();
            CType t = CTypeParser.parse(top.qualType());
            if (t instanceof CType.Array a && a.size().isEmpty()) {
                // clang gives a tentative 'int t[];' its completed type (int[1]) or the later sized declaration
                // its size: an array still without size here has no object talent could describe
                if (!hasSizedDeclaration(top.name())) {
                    diags.warning(tu, top, "global array '" + top.name() + "' has no size here: it is not saved in checkpoints",
                            "give the array its size in this definition");
                }
                continue;
            }
            out.putIfAbsent(key, new Global(key, top.name(), tu.pos(top.position()), top.name(), t, top, isConstObject(t)));
        }
        for (HoistedStatic s : statics) {
            Node v = s.varDecl();
            CType t = CTypeParser.parse(v.qualType());
            String key = tu.unitName() + ":" + s.newName();
            out.putIfAbsent(key, new Global(key, v.name(), tu.pos(v.position()), s.newName(), t, v, isConstObject(t)));
        }
        return new ArrayList<>(out.values());
    }

    private boolean isConstObject(CType t) {
        if (t.isConst()) return true;
        if (t instanceof CType.Named n) {
            try {
                return types.canonical(n).isConst();
            } catch (RuntimeException e) {
                return false;
            }
        }
        return false;
    }
}
