package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.FrameLiveness;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.rewrite.RewritePlan;

/**
 * In a function that may checkpoint, the variables analysis.FrameLiveness renamed (a variable hiding another of
 * the same name that must be saved at a point, or the hidden one) take their C name ({@link Variable#cName}) in
 * their declaration and every reference, so that every variable needed at a point can be named there.
 */
final class HidingVariableRenames {
    private final RewritePlan plan;

    HidingVariableRenames(RewritePlan plan) {
        this.plan = plan;
    }

    void emit(FunctionModel f) {
        if (!f.chain) return;
        for (Variable v : f.variables) {
            if (v.isTemp() || v.cName.equals(v.name) || v.wrapper != null) continue;   // FrameGaps renamed it
            plan.replace(v.decl.loc().offset(), v.decl.loc().endOffset(), v.cName);
            for (Node ref : FrameLiveness.references(f, v)) plan.replace(ref.begin().offset(), ref.begin().endOffset(), v.cName);
        }
    }
}
