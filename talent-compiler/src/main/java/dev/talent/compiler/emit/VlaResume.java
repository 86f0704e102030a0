package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.VariableLengthArrays;
import dev.talent.compiler.analysis.VariableLengthArrays.Vla;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.List;

/**
 * The restore path through variable-length arrays (docs/CODEGEN.md "Variable-length arrays"): for a VLA
 * {@code T v[E];} in scope at resume points,
 *
 * <pre>
 *   int __talent_vr0 = 0; if (0) { __talent_v0: ; __talent_vr0 = 1; }
 *   T v[__builtin_expect(talent_restoring, 0) ? talent_restore_count(ID) : (size_t)(E)];
 *   const talent_type __talent_vtd_ID = TALENT_ARRAY_TYPE(__typeof__(v), "T[E]", __typeof__(v[0]), ELEM);
 *   if (__builtin_expect(__talent_vr0, 0)) switch (talent_current_point()) { case P: goto __talent_rP; ...
 *       default: __builtin_unreachable(); }
 * </pre>
 *
 * (the declaration between {@code _Pragma("GCC diagnostic ...")} that silence gcc's maybe-uninitialized
 * warnings about the size expression, which the restore path does not evaluate). The prologue sends a point in the VLA's scope to {@code __talent_v0} (a label before the declaration: no jump
 * enters the scope of a variably modified object), the array is declared with the saved count, and the second
 * dispatch goes on to the point's label (or to the next VLA's label for a point inside a nested one). The
 * label and the dispatch are resume-copy markers, so a loop emitted twice has them only in its resume copy.
 * The descriptor, built at run time, saves and restores the array with its length (FrameCode).
 */
final class VlaResume {
    private static final int MARKER_BASE = 1_000_000_000;
    private static final RewritePlan.Rank LABEL_RANK = RewritePlan.Rank.VLA_LABEL;
    private static final RewritePlan.Rank AFTER_RANK = RewritePlan.Rank.VLA_AFTER;

    private static final String PUSH = "_Pragma(\"GCC diagnostic push\") "
            + "_Pragma(\"GCC diagnostic ignored \\\"-Wmaybe-uninitialized\\\"\") "
            + "_Pragma(\"GCC diagnostic ignored \\\"-Wuninitialized\\\"\") ";
    private static final String POP = "_Pragma(\"GCC diagnostic pop\") ";

    private VlaResume() {}

    static String label(Vla v) {
        return "__talent_v" + v.label();
    }

    /** Set on the restore path through the VLA's label (a local: gcc follows its value). */
    static String flag(Vla v) {
        return "__talent_vr" + v.label();
    }

    /** The descriptor of a VLA variable, declared after its declaration. */
    static String descriptor(Variable v) {
        return "__talent_vtd_" + v.id;
    }

    /** Where the prologue (or the dispatch after {@code after}, when not null) sends point p. */
    static String target(FunctionModel f, Point p, Vla after) {
        List<Vla> chain = VariableLengthArrays.enclosing(f, p);
        int next = after == null ? 0 : chain.indexOf(after) + 1;
        return next < chain.size() ? label(chain.get(next)) : "__talent_r" + p.id;
    }

    /**
     * {@code emittedTwice}: loops that versioning emits twice from a snapshot of their text (short nests,
     * strip-mined loops), which would lose the label and the dispatch: a VLA declared in one is refused.
     */
    static void emit(FunctionModel f, RewritePlan plan, ResumeCopies copies, TypeDescriptors descriptors, String text,
                     java.util.Set<dev.talent.compiler.ast.Node> emittedTwice, dev.talent.compiler.analysis.Diagnostics diags) {
        for (Vla v : f.vlas) {
            dev.talent.compiler.ast.Node loop = null;
            for (var n = v.declStmt().parent(); n != null && n != f.body; n = n.parent()) if (emittedTwice.contains(n)) loop = n;
            if (loop != null) {
                diags.error(f.unit, v.decl(), "variable-length array '" + v.variable().name + "' is declared in a loop that"
                                + " talent emits twice for speed (a short loop nest or a strip-mined loop, at "
                                + f.unit.pos(loop.position()) + ") and is in scope at a checkpoint point: its restore path"
                                + " cannot be placed in both copies",
                        "declare the array before the loop, or give it a fixed size");
                continue;
            }
            Variable var = v.variable();
            int marker = MARKER_BASE + (f.id << 10) + 2 * v.label();
            // gcc cannot know that the size expression is not evaluated on the restore path (where the
            // variables it reads are restored only later, at the point's label): no maybe-uninitialized there
            plan.insert(v.declStmt().begin().offset(), copies.marker(marker, "int " + flag(v) + " = 0; if (0) { " + label(v) + ": ; " + flag(v) + " = 1; } ")
                    + PUSH, LABEL_RANK);
            int lb = text.indexOf('[', v.decl().loc().endOffset());
            int rb = matchBracket(text, lb);
            plan.insert(lb + 1, "__builtin_expect(talent_restoring, 0) ? talent_restore_count(" + var.id + ") : (size_t)(", LABEL_RANK);
            plan.insertClosing(rb, ")", RewritePlan.Rank.VLA_CLOSE, v);
            CType.Array a = (CType.Array) var.type;
            StringBuilder defs = new StringBuilder();
            String elem = descriptors.ref(a.elem(), "__typeof__(" + var.cName + "[0])", defs);
            // the flag, not talent_restoring (a global, which gcc cannot know is still set), tells that this is
            // the restore path: otherwise gcc sees the restore path fall through into code that reads variables
            // restored only at the point's label
            StringBuilder dispatch = new StringBuilder("if (__builtin_expect(" + flag(v) + ", 0)) switch (talent_current_point()) {");
            for (Point p : v.inScope()) dispatch.append(" case ").append(p.id).append(": goto ").append(target(f, p, v)).append(";");
            // only points of this scope come here (the prologue's and the outer dispatches' cases)
            dispatch.append(" default: __builtin_unreachable(); } ");
            int end = Ast.statementEnd(text, v.declStmt());
            plan.insert(end, " " + POP + FrameCode.oneLine(defs) + "const talent_type " + descriptor(var) + " = TALENT_ARRAY_TYPE(__typeof__("
                    + var.cName + "), " + TypeDescriptors.cString(TypeResolver.spell(var.type)) + ", __typeof__(" + var.cName
                    + "[0]), " + elem + "); " + copies.marker(marker + 1, dispatch.toString()), AFTER_RANK);
        }
    }

    /** The ']' closing the '[' at {@code open} (a size expression: brackets nest, literals are skipped). */
    private static int matchBracket(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                for (i++; i < text.length() && text.charAt(i) != c; i++) if (text.charAt(i) == '\\') i++;
            } else if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unbalanced bracket at offset " + open);
    }
}
