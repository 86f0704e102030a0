package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.StaticsHoisting.HoistedStatic;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The declaration statements of hoisted function statics move, as rewritten so far (renamed by
 * {@link StaticRenames}, their initialisers' calls rewritten), to file scope right before their function, on the
 * function's first line (the lines keep their numbers); their old place is left blank. The function's type
 * declarations such a static needs (its {@code typedef struct { ... } entry;}) move before it the same way.
 */
final class StaticMoves {
    private final RewritePlan plan;

    StaticMoves(RewritePlan plan) {
        this.plan = plan;
    }

    /** {@code gaps}: a gap follows each moved declaration (GlobalGaps). */
    void emit(List<HoistedStatic> statics, GlobalGaps gaps) {
        String text = plan.original();
        // the function's type declarations a static needs first, once each, in their order
        Map<Node, HoistedStatic> typeStmts = new LinkedHashMap<>();
        for (HoistedStatic s : statics) for (Node t : s.types()) typeStmts.putIfAbsent(t, s);
        List<Map.Entry<Node, HoistedStatic>> ordered = new ArrayList<>(typeStmts.entrySet());
        ordered.sort(Comparator.comparingInt(e -> e.getKey().begin().offset()));
        for (Map.Entry<Node, HoistedStatic> e : ordered) {
            Node d = e.getKey();
            int end = Ast.statementEnd(text, d);
            String moved = plan.render(d.begin().offset(), end).replace("\n", " ");
            plan.replaceRendered(d.begin().offset(), end, "");
            plan.insert(e.getValue().function().decl.begin().offset(), moved + " ", RewritePlan.Rank.MOVED_STATIC);
        }
        Map<Node, HoistedStatic> stmts = new LinkedHashMap<>();
        for (HoistedStatic s : statics) stmts.put(s.declStmt(), s);
        for (Map.Entry<Node, HoistedStatic> e : stmts.entrySet()) {
            Node d = e.getKey();
            int end = Ast.statementEnd(text, d);
            if (e.getValue().declaration() == null) gaps.splitDeclarators(text, d.inner());
            // spelled from its type when its text names something of the function (StaticsHoisting)
            String moved = e.getValue().declaration() != null ? e.getValue().declaration()
                    : plan.render(d.begin().offset(), end).replace("\n", " ");
            plan.replaceRendered(d.begin().offset(), end, "");
            plan.insert(e.getValue().function().decl.begin().offset(), moved + gaps.gap() + " ", RewritePlan.Rank.MOVED_STATIC);
        }
    }
}
