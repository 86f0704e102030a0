package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.StaticsHoisting.HoistedStatic;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Function statics hoisted to file scope (analysis.StaticsHoisting) take their file-scope name: in their
 * declaration and in every reference of the functions; a reference inside a macro expansion is refused (the
 * name cannot be changed there). {@link StaticMoves} later moves the declarations.
 */
final class StaticRenames {
    private final TranslationUnit tu;
    private final RewritePlan plan;
    private final Diagnostics diags;

    StaticRenames(TranslationUnit tu, RewritePlan plan, Diagnostics diags) {
        this.tu = tu;
        this.plan = plan;
        this.diags = diags;
    }

    void emit(List<HoistedStatic> statics, List<FunctionModel> functions) {
        Map<String, String> renames = new HashMap<>();
        for (HoistedStatic s : statics) renames.put(s.varDecl().id(), s.newName());
        for (HoistedStatic s : statics) {
            Node v = s.varDecl();
            plan.replace(v.loc().offset(), v.loc().endOffset(), s.newName());
        }
        if (renames.isEmpty()) return;
        for (FunctionModel f : functions) {
            f.body.walk(n -> {
                if (!n.is("DeclRefExpr")) return;
                String nn = renames.get(Ast.referencedDeclId(n));
                if (nn == null) return;
                if (!tu.isMacroFree(n)) {
                    diags.error(tu, n, "static variable '" + n.referencedDecl().path("name").asText()
                            + "' is used inside a macro expansion", "use it outside the macro, or make it a file-scope static");
                    return;
                }
                plan.replace(n.begin().offset(), n.begin().endOffset(), nn);
            });
        }
    }
}
