package dev.talent.compiler.emit;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Strip-mined loops (docs/CODEGEN.md "Strip-mined loops"; which loops and how: {@link StripMining}): the increment
 * leaves the header, and the body becomes a strip of iterations (its leaf loops versioned, no resume label) or,
 * with a request pending, one iteration that starts with the loop's site (with the labels). {@link Sites} defers
 * each such loop with its site's code; {@link #emit} rewrites them once their inner loops are versioned.
 */
final class StripMinedLoops {
    private final TranslationUnit tu;
    private final RewritePlan plan;
    private final ResumeCopies resumeCopies;
    private final String text;
    /** Each strip-mined loop with its header and its site's code, which goes only into its one-iteration branch. */
    private final Map<Node, Deferred> deferred = new LinkedHashMap<>();

    private record Deferred(StripMining.Header header, String siteCode) {}

    StripMinedLoops(TranslationUnit tu, RewritePlan plan, ResumeCopies resumeCopies) {
        this.tu = tu;
        this.plan = plan;
        this.resumeCopies = resumeCopies;
        this.text = plan.original();
    }

    /** Strip-mines {@code loop} at the next {@link #emit}, its site's code in the one-iteration branch. */
    void defer(Node loop, StripMining.Header header, String siteCode) {
        deferred.put(loop, new Deferred(header, siteCode));
    }

    /** The loops deferred since the last {@link #emit}. */
    Set<Node> loops() {
        return Collections.unmodifiableSet(deferred.keySet());
    }

    void emit() {
        for (var e : deferred.entrySet()) {
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
        deferred.clear();
    }
}
