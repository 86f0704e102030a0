package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain function's prologue (docs/CODEGEN.md): the dummy its unwinding returns, and while restoring the jump to
 * the resume label of the point its frame was at (through the labels of the variable-length arrays in scope).
 */
final class Prologue {
    private final RewritePlan plan;

    Prologue(RewritePlan plan) {
        this.plan = plan;
    }

    void emit(FunctionModel f) {
        StringBuilder sb = new StringBuilder(" ");
        // no point returns it when every call that may checkpoint runs suspended (IndirectCalls)
        if (!SiteCode.returnsVoid(f) && !f.points.isEmpty()) {
            List<String> args = new ArrayList<>();
            for (Node p : Ast.parameters(f.decl)) args.add(p.name().isEmpty() ? "0" : p.name());
            String name = f.name.equals("main") ? MainRename.USER_MAIN : f.name;
            sb.append("static __typeof__(").append(name).append("(").append(String.join(", ", args))
                    .append(")) __talent_zret; ");
        }
        sb.append("if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(").append(f.id).append(")) {");
        for (Point p : f.points) sb.append(" case ").append(p.id).append(": goto ").append(VlaResume.target(f, p, null)).append(";");
        sb.append(" default: break; }");
        plan.insert(f.body.begin().offset() + 1, sb.toString(), RewritePlan.Rank.PROLOGUE);
    }
}
