package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.StaticsHoisting.HoistedStatic;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
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
            Node fn = e.getValue().function().decl;
            String[] moved = moved(e.getValue(), d, plan.render(d.begin().offset(), end), end);
            plan.replaceRendered(d.begin().offset(), end, moved[1]);
            plan.insert(fn.begin().offset(), moved[0] + " " + moved[2], RewritePlan.Rank.MOVED_STATIC);
        }
        Map<Node, HoistedStatic> stmts = new LinkedHashMap<>();
        for (HoistedStatic s : statics) stmts.put(s.declStmt(), s);
        for (Map.Entry<Node, HoistedStatic> e : stmts.entrySet()) {
            Node d = e.getKey();
            int end = Ast.statementEnd(text, d);
            if (e.getValue().declaration() == null) gaps.splitDeclarators(text, d.inner());
            // spelled from its type when its text names something of the function (StaticsHoisting)
            String[] moved = moved(e.getValue(), d, e.getValue().declaration() != null ? e.getValue().declaration()
                    : plan.render(d.begin().offset(), end), end);
            plan.replaceRendered(d.begin().offset(), end, moved[1]);
            plan.insert(e.getValue().function().decl.begin().offset(), moved[0] + gaps.gap() + " " + moved[2],
                    RewritePlan.Rank.MOVED_STATIC);
        }
    }

    /**
     * The moved text, what is left at its old place, and what follows the moved text at its new place. Usually the
     * moved text is joined onto the function's line, which keeps the numbers of the lines after it, and nothing is
     * left. A text with a preprocessor line (gperf's {@code #line 10 "words.list"} between the initialiser's
     * elements) keeps its line breaks, framed by {@code #line} directives (LineDirectives): the moved text starts at
     * the line and file it was written at, the function after it at its own, and the old place is left as a
     * directive that gives the rest of the function the line and file that follow the declaration in the source.
     */
    private String[] moved(HoistedStatic s, Node stmt, String text, int end) {
        TranslationUnit tu = s.function().unit;
        int begin = stmt.begin().offset();
        if (!LineDirectives.hasPreprocessorLine(text) && !LineDirectives.hasPreprocessorLine(tu.text().substring(begin, end))) {
            return new String[] {text.replace("\n", " "), "", ""};
        }
        return new String[] {LineDirectives.at(tu, begin) + text, LineDirectives.at(tu, end),
                LineDirectives.at(tu, s.function().decl.begin().offset())};
    }
}
