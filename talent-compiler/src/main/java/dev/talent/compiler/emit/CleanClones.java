package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.AllocaCalls;
import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Site;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Clean clones (docs/CODEGEN.md): a chain function whose only points are the sites of one versioned loop (a leaf
 * loop or a short nest, {@link LeafLoops}) and that calls no chain function gets an uninstrumented copy,
 * {@code f__talent_clean}, appended to the file; its direct calls in this file's chain functions choose at the
 * call, {@code (__builtin_expect(!(talent_pending | talent_restoring), 1) ? f__talent_clean : f)(args)}, as the
 * versioned loop chooses at its start. gcc inlines and specialises the clone at its call site as in a plain build
 * (the hash kernel of {@code talent bench overhead}, a loop in a function called once from main: 1.25 times plain
 * gcc's instructions with the instrumented function inlined, whose slow paths kept the loop's value in a
 * callee-saved register; 1.00 with the clone), and the instrumented function, now reached only while a request is
 * pending or a restore runs, is kept out of line ({@code noinline}). Promptness is the versioned loop's: a request
 * that arrives while the clone runs is served at the caller's next site or chain call check, after the one loop.
 *
 * <p>The clone is the function's text as rewritten so far (allocation and I/O calls already replaced, so its
 * blocks are typed as the original's are) with the name changed, placed after everything else in the file under a
 * {@code #line} directive that gives it its original lines. So that its names and macros mean there what they
 * meant in place, no preprocessor line may follow the function's start in the file; it has no function-scope
 * static (a copy would be a second variable), no label, no {@code __func__}, and is not {@code extern} or a
 * non-static {@code inline} function, and calls no alloca (see AllocaCalls). Only calls after the function's definition choose (the clone is declared
 * there, with {@code __typeof__}); a function without such a call gets no clone.
 */
final class CleanClones {

    static final String SUFFIX = "__talent_clean";
    static final String CHOOSE = "__builtin_expect(!(talent_pending | talent_restoring), 1)";

    private final TranslationUnit tu;
    private final CallGraph graph;
    private final RewritePlan plan;
    /** Each clone's first line and text. */
    private final Map<FunctionModel, Clone> clones = new LinkedHashMap<>();

    private record Clone(int line, String code) {}

    CleanClones(TranslationUnit tu, CallGraph graph, RewritePlan plan) {
        this.tu = tu;
        this.graph = graph;
        this.plan = plan;
    }

    /** Whether f qualifies (see the class comment). */
    static boolean eligible(FunctionModel f, CallGraph graph, TranslationUnit tu) {
        String text = tu.text();
        if (!f.chain || f.noCheckpoint || !f.inMainFile || f.body == null || f.name.equals("main")) return false;
        if (f.decl.loc().inMacro() || f.decl.begin().inMacro() || f.body.end().inMacro()) return false;
        if (!f.hoists.isEmpty() || f.hasBlockingCalls || !f.blockingSites.isEmpty() || f.sites.isEmpty()) return false;
        String storage = f.decl.attr("storageClass");
        if (storage.equals("extern")) return false;
        int start = f.decl.begin().offset();
        int bodyEnd = f.body.end().offset() + 1;
        if (start < 0 || bodyEnd > text.length() || start >= bodyEnd) return false;
        String header = text.substring(start, f.body.begin().offset());
        if (!f.isStatic && header.contains("inline")) return false;
        Node outer = null;
        for (Site s : f.sites) {
            if (!s.isLoopHead() || s.pragma() != null) return false;
            Node top = s.loop();
            for (Node p = s.loop().parent(); p != null && p != f.body; p = p.parent()) if (Ast.isLoop(p)) top = p;
            if (outer == null) outer = top;
            else if (outer != top) return false;
        }
        if (outer == null || !LeafLoops.isVersionable(f, outer, graph, text)) return false;
        if (!LeafLoops.canAppearTwice(f.body)) return false;
        // alloca's frame list: the runtime orders lists by their variable's address, so a function with alloca is
        // never inlined (AllocaCalls), and a clone, which exists to be inlined, would break that
        if (text.substring(f.body.begin().offset(), bodyEnd).contains(AllocaCalls.LIST)) return false;
        boolean[] ok = {true};
        f.body.walk(n -> {
            if (n.is("PredefinedExpr") || n.is("StmtExpr")) ok[0] = false;
            if (n.is("CallExpr") && graph.isChainCall(f, n)) ok[0] = false;
        });
        if (!ok[0]) return false;
        String rest = text.substring(start);
        if (rest.contains("\\\n") || rest.contains("\\\r")) return false;
        for (String line : rest.split("\n", -1)) {
            if (line.stripLeading().startsWith("#")) return false;
        }
        return true;
    }

    /**
     * Renders the clones of the eligible functions (call before the chain functions' own rewriting: the clone is
     * the text as it is now), declares each after its function, keeps the function out of line and makes the
     * calls after it choose.
     */
    void plan(List<FunctionModel> functions) {
        List<FunctionModel> eligible = new ArrayList<>();
        for (FunctionModel f : functions) if (eligible(f, graph, tu)) eligible.add(f);
        if (eligible.isEmpty()) return;
        // the calls that can choose: only functions that have one get a clone (an unused one draws a gcc warning)
        Map<FunctionModel, List<Node>> callees = new LinkedHashMap<>();
        for (FunctionModel g : functions) {
            if (!g.chain || g.body == null) continue;
            g.body.walk(n -> {
                if (!n.is("CallExpr")) return;
                FunctionModel target = graph.resolve(g, Ast.directCallee(n));
                if (target == null || !eligible.contains(target)) return;
                if (n.begin().offset() <= target.body.end().offset()) return;     // the clone is not declared yet
                Node callee = Ast.strip(n.child(0));
                if (callee == null || !tu.isMacroFree(callee) || callee.begin().inMacro()) return;
                callees.computeIfAbsent(target, t -> new ArrayList<>()).add(callee);
            });
        }
        for (Map.Entry<FunctionModel, List<Node>> e : callees.entrySet()) {
            FunctionModel f = e.getKey();
            int start = f.decl.begin().offset();
            int bodyEnd = f.body.end().offset() + 1;
            String clone = plan.render(start, f.decl.loc().offset()) + f.name + SUFFIX
                    + plan.render(f.decl.loc().endOffset(), bodyEnd);
            clones.put(f, new Clone(f.decl.begin().line(), (f.isStatic ? "" : "static ") + clone));
            plan.insert(start, "__attribute__((noinline)) ", RewritePlan.Rank.DEFAULT);
            plan.insert(bodyEnd, " static __typeof__(" + f.name + ") " + f.name + SUFFIX + ";", RewritePlan.Rank.DEFAULT);
            for (Node callee : e.getValue()) {
                plan.replace(callee.begin().offset(), callee.begin().endOffset(),
                        "(" + CHOOSE + " ? " + f.name + SUFFIX + " : " + f.name + ")");
            }
        }
    }

    /** The clones' definitions, to append after the rewritten file, with their line directives naming {@code file}. */
    String definitions(String quotedFile) {
        StringBuilder out = new StringBuilder();
        for (Clone c : clones.values()) out.append("#line ").append(c.line()).append(' ').append(quotedFile).append('\n').append(c.code()).append('\n');
        return out.toString();
    }
}
