package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.StaticsHoisting.HoistedStatic;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The declaration statements of hoisted function statics move, as rewritten so far (renamed by
 * {@link StaticRenames}, their initialisers' calls rewritten), to file scope right before their function, on the
 * function's first line (the lines keep their numbers); their old place is left blank.
 */
final class StaticMoves {
    private final RewritePlan plan;

    StaticMoves(RewritePlan plan) {
        this.plan = plan;
    }

    void emit(List<HoistedStatic> statics) {
        String text = plan.original();
        Map<Node, HoistedStatic> stmts = new LinkedHashMap<>();
        for (HoistedStatic s : statics) stmts.put(s.declStmt(), s);
        for (Map.Entry<Node, HoistedStatic> e : stmts.entrySet()) {
            Node d = e.getKey();
            int end = Ast.statementEnd(text, d);
            // spelled from its type when its text names something of the function (StaticsHoisting)
            String moved = e.getValue().declaration() != null ? e.getValue().declaration()
                    : plan.render(d.begin().offset(), end).replace("\n", " ");
            plan.replaceRendered(d.begin().offset(), end, "");
            plan.insert(e.getValue().function().decl.begin().offset(), moved + " ", RewritePlan.Rank.MOVED_STATIC);
        }
    }
}
