package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * For each resume point of a chain function: the variables to save and restore there, i.e. the variables
 * live at the point (liveness over the CFG) plus every address-taken variable, restricted to those in scope.
 *
 * <p>A variable needed at a point where another variable of the same name hides it (nested blocks reusing
 * {@code i}) could not be named by the point's save and restore code: the hiding variable is renamed in the
 * instrumented code ({@link Variable#cName}; its references rewritten by the emitter), or, when its name is
 * written inside a macro expansion, the hidden one; only when neither can be renamed is it a build error.
 */
public final class FrameLiveness {
    public static void run(FunctionModel f, Diagnostics diags) {
        TranslationUnit tu = f.unit;
        Cfg cfg = CfgBuilder.build(f);
        BitSet[] live = LivenessAnalysis.liveIn(cfg);
        Set<Variable> unrenamable = new HashSet<>();
        for (Cfg.Block b : cfg.blocks) {
            if (b.point == null) continue;
            Point p = b.point;
            ScopeAnalysis.Result scope = ScopeAnalysis.at(f, p);
            // rename until every needed variable can be named here (each round renames one variable)
            for (int round = 0; round <= f.variables.size(); round++) {
                Variable hidden = null;
                for (Variable v : scope.shadowed()) {
                    if ((v.addressTaken || live[b.index].get(v.id)) && !unrenamable.contains(v)) {
                        hidden = v;
                        break;
                    }
                }
                if (hidden == null) break;
                Variable hiding = null;
                for (Variable w : scope.visible()) if (w.cName.equals(hidden.cName)) hiding = w;
                if (hiding != null && renamable(f, hiding)) rename(hiding);
                else if (renamable(f, hidden)) rename(hidden);
                else unrenamable.add(hidden);
                scope = ScopeAnalysis.at(f, p);
            }
            p.saved.clear();
            for (Variable v : scope.visible()) {
                if (v.addressTaken || live[b.index].get(v.id)) p.saved.add(v);
            }
            for (Variable v : scope.shadowed()) {
                if (v.addressTaken || live[b.index].get(v.id)) {
                    diags.error(tu, v.decl, "variable '" + v.name + "' is needed after the checkpoint at "
                                    + tu.pos(p.positionNode.position()) + " but is hidden there by another variable of the same name,"
                                    + " and neither can be renamed (a name written inside a macro expansion)",
                            "rename one of the two variables");
                }
            }
        }
    }

    private static void rename(Variable v) {
        v.cName = v.name + "__talent_v" + v.id;
    }

    /** A local (not a parameter or temporary) whose declaration and every use are written outside macros. */
    public static boolean renamable(FunctionModel f, Variable v) {
        if (v.isTemp() || v.scope == null) return false;
        TranslationUnit tu = f.unit;
        if (v.decl.loc().inMacro() || !tu.inMainFile(v.decl.loc())) return false;
        boolean[] ok = {true};
        f.body.walk(n -> {
            if (ok[0] && n.is("DeclRefExpr") && Ast.referencedDeclId(n).equals(v.declId) && !tu.isMacroFree(n)) ok[0] = false;
        });
        return ok[0];
    }

    /** The references of a renamed variable, for the emitter. */
    public static java.util.List<Node> references(FunctionModel f, Variable v) {
        java.util.List<Node> out = new java.util.ArrayList<>();
        f.body.walk(n -> {
            if (n.is("DeclRefExpr") && Ast.referencedDeclId(n).equals(v.declId)) out.add(n);
        });
        return out;
    }
}
