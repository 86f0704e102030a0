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
    private static final String FUNCTION_PUSH = "_Pragma(\"GCC diagnostic push\") "
            + "_Pragma(\"GCC diagnostic ignored \\\"-Wmaybe-uninitialized\\\"\") ";
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
        emitParameters(f, plan, descriptors);
        if (!f.vlas.isEmpty()) {
            // gcc's maybe-uninitialized analysis does not follow a chain of restore flags (a VLA of VLAs and a
            // pointer to it in one block): it would warn about variables the restore path never reads
            plan.insert(f.body.begin().offset() + 1, " " + FUNCTION_PUSH, RewritePlan.Rank.VLA_PARAMETERS);
            plan.insert(f.body.end().offset() + 1, " " + POP, RewritePlan.Rank.HEADER);
        }
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
            // gcc cannot know that the size expressions are not evaluated on the restore path (where the
            // variables they read are restored only later, at the point's label): no maybe-uninitialized there
            plan.insert(v.declStmt().begin().offset(), copies.marker(marker, "int " + flag(v) + " = 0; if (0) { " + label(v) + ": ; " + flag(v) + " = 1; } ")
                    + PUSH, LABEL_RANK);
            for (VariableLengthArrays.Dim d : v.dims()) {
                plan.insert(d.open() + 1, "__builtin_expect(talent_restoring, 0) ? " + restoreLength(var, d) + " : (size_t)(", LABEL_RANK);
                plan.insertClosing(d.close(), ")", RewritePlan.Rank.VLA_CLOSE, d);
            }
            StringBuilder defs = new StringBuilder();
            describe(var.type, var.cName, descriptor(var), descriptors, defs);
            // the flag, not talent_restoring (a global, which gcc cannot know is still set), tells that this is
            // the restore path: otherwise gcc sees the restore path fall through into code that reads variables
            // restored only at the point's label
            StringBuilder dispatch = new StringBuilder("if (__builtin_expect(" + flag(v) + ", 0)) switch (talent_current_point()) {");
            for (Point p : v.inScope()) dispatch.append(" case ").append(p.id).append(": goto ").append(target(f, p, v)).append(";");
            // only points of this scope come here (the prologue's and the outer dispatches' cases)
            dispatch.append(" default: __builtin_unreachable(); } ");
            int end = Ast.statementEnd(text, v.declStmt());
            // the descriptors read the (pointer) variable's type, which gcc may see as reading the variable
            plan.insert(end, " " + FrameCode.oneLine(defs) + POP + copies.marker(marker + 1, dispatch.toString()), AFTER_RANK);
        }
    }

    /** The saved length for a restored declaration: the array's own count, or the count at a depth of its type. */
    private static String restoreLength(Variable var, VariableLengthArrays.Dim d) {
        return d.depth() == 0 && var.type instanceof CType.Array ? "talent_restore_count(" + var.id + ")"
                : "talent_restore_dim(" + var.id + ", " + d.depth() + ")";
    }

    /**
     * Defines in {@code defs} the run-time descriptor {@code name} of type t, the type of the lvalue expression
     * {@code expr} (variably modified: arrays of arrays, pointers to arrays), and returns a reference to it;
     * types of fixed size below it get their descriptors from {@code descriptors}.
     */
    static String describe(CType t, String expr, String name, TypeDescriptors descriptors, StringBuilder defs) {
        if (!VariableLengthArrays.isVariablyModified(t)) return descriptors.ref(t, "__typeof__(" + expr + ")", defs);
        if (t instanceof CType.Array a) {
            String first = (expr.matches("\\w+") ? expr : "(" + expr + ")") + "[0]";
            String elem = describe(a.elem(), first, name + "_e", descriptors, defs);
            defs.append("const talent_type ").append(name).append(" __attribute__((unused)) = TALENT_ARRAY_TYPE(__typeof__(").append(expr)
                    .append("), ").append(TypeDescriptors.cString(TypeResolver.spell(t))).append(", __typeof__(").append(first)
                    .append("), ").append(elem).append("); ");
            return "&" + name;
        }
        CType.Pointer p = (CType.Pointer) t;
        String pointee = describe(p.to(), "(*" + expr + ")", name + "_p", descriptors, defs);
        defs.append("const talent_type ").append(name).append(" __attribute__((unused)) = TALENT_PTR_TYPE_TO(__typeof__(").append(expr)
                .append("), ").append(TypeDescriptors.cString(TypeResolver.spell(t))).append(", ")
                .append(TypeDescriptors.cString(TypeResolver.spell(p.to()))).append(", ").append(pointee).append("); ");
        return "&" + name;
    }

    /**
     * Run-time descriptors at the start of f's body for its parameters of variably modified type (a parameter
     * {@code double a[n][k]} is a {@code double (*)[k]}), before the prologue: a restart's jump does not pass
     * them. Their lengths come from the arguments of the call, which a restart issues again.
     */
    static void emitParameters(FunctionModel f, RewritePlan plan, TypeDescriptors descriptors) {
        StringBuilder defs = new StringBuilder();
        for (Variable v : f.variables) {
            if (v.isTemp() || !v.decl.is("ParmVarDecl") || !VariableLengthArrays.isVariablyModified(v.type)) continue;
            describe(v.type, v.cName, descriptor(v), descriptors, defs);
        }
        if (!defs.isEmpty()) plan.insert(f.body.begin().offset() + 1, " " + FrameCode.oneLine(defs), RewritePlan.Rank.VLA_PARAMETERS);
    }
}
