package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.TranslationUnit;
import java.util.BitSet;

/**
 * For each resume point of a chain function: the variables to save and restore there, i.e. the variables
 * live at the point (liveness over the CFG) plus every address-taken variable, restricted to those in scope.
 */
public final class FrameLiveness {
    public static void run(FunctionModel f, Diagnostics diags) {
        TranslationUnit tu = f.unit;
        Cfg cfg = CfgBuilder.build(f);
        BitSet[] live = LivenessAnalysis.liveIn(cfg);
        for (Cfg.Block b : cfg.blocks) {
            if (b.point == null) continue;
            Point p = b.point;
            ScopeAnalysis.Result scope = ScopeAnalysis.at(f, p);
            p.saved.clear();
            for (Variable v : scope.visible()) {
                if (v.addressTaken || live[b.index].get(v.id)) p.saved.add(v);
            }
            for (Variable v : scope.shadowed()) {
                if (v.addressTaken || live[b.index].get(v.id)) {
                    diags.error(tu, v.decl, "variable '" + v.name + "' is needed after the checkpoint at "
                                    + tu.pos(p.positionNode.position()) + " but is hidden there by another variable of the same name",
                            "rename one of the two variables");
                }
            }
        }
    }
}
