package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Loop versioning (docs/CODEGEN.md "Leaf loops" and "Short loop nests"): a loop becomes
 * {@code if (!talent_pending) <the loop as written> else <the loop with its sites>}, so that the loop that runs
 * while no request is pending tests talent_pending once, before it starts. {@link Sites} versions a leaf loop once
 * its site is in; a short nest is versioned as a whole once all its sites are in, from its text as it was before
 * any of them went in.
 */
final class LoopVersioning {
    private final RewritePlan plan;
    private final CallGraph graph;
    private final String text;
    /** Site code of a loop whose body starts with this versioned leaf loop: it goes into the loop's instrumented copy. */
    private final Map<Node, String> siteBeforeInstrumentedCopy = new HashMap<>();

    LoopVersioning(RewritePlan plan, CallGraph graph) {
        this.plan = plan;
        this.graph = graph;
        this.text = plan.original();
    }

    /** The loop's text as rewritten so far: the copy that runs while talent_pending is clear. */
    String asWritten(Node loop) {
        return plan.renderStatement(loop.begin().offset(), Ast.statementEnd(text, loop), Statements.closingInside(loop));
    }

    /**
     * The site of an outer loop whose body starts with the versioned leaf loop {@code inner}: it goes before the
     * inner loop's instrumented copy, whose test of talent_pending serves it too.
     */
    void putBeforeInstrumentedCopy(Node inner, String siteCode) {
        siteBeforeInstrumentedCopy.put(inner, siteCode);
    }

    /**
     * {@code if (!talent_pending) <plain> else <the loop as rewritten now, with its sites>} in place of the loop (in
     * braces where the loop is a branch of an {@code if}); the site of an outer loop whose body starts with this one
     * goes before the instrumented copy.
     */
    void version(Node loop, String plain) {
        int start = loop.begin().offset();
        int end = Ast.statementEnd(text, loop);
        Predicate<Object> inside = Statements.closingInside(loop);
        String outerSite = siteBeforeInstrumentedCopy.remove(loop);
        String instrumented = LeafLoops.flatten(plan.renderStatement(start, end, inside));
        String versioned = "if (__builtin_expect(!talent_pending, 1)) { " + plain + " } else { "
                + (outerSite != null ? outerSite + " " : "") + instrumented + " }";
        // the branch of an if written without braces: braced, or gcc's -Wdangling-else warns on a following else
        boolean branchOfIf = loop.parent() != null && loop.parent().is("IfStmt") && loop.parent().child(0) != loop;
        plan.replaceStatement(start, end, branchOfIf ? "{ " + versioned + " }" : versioned, inside);
    }

    /**
     * The short nests of f that hold sites (docs/CODEGEN.md "Short loop nests"), each with its text as it is before
     * any site goes in: the copy that runs while talent_pending is clear.
     */
    Map<Node, String> shortNestsAsWritten(FunctionModel f) {
        Map<Node, String> nests = new LinkedHashMap<>();
        for (Point p : f.points) {
            if (!p.isSite() || p.site.pragma() != null) continue;
            for (Node n = p.site.loop(); n != null && n != f.body; n = n.parent()) {
                if (Ast.isLoop(n) && !nests.containsKey(n) && LeafLoops.isShortNest(f, n, graph, text)) {
                    nests.put(n, asWritten(n));
                }
            }
        }
        return nests;
    }

    /** {@code if (!talent_pending) <nest as written> else <nest with its sites>}, as for a leaf loop. */
    void versionShortNests(Map<Node, String> nests) {
        nests.forEach(this::version);
    }
}
