package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.Set;

/**
 * Places a site at the head of every loop body (for, while, do) of a function that may checkpoint, except
 * in loops excluded by {@code #pragma talent nocheckpoint} and loops in a va_list region (VaListRegions); a loop inside a macro expansion gets no site
 * (a NOTE says so).
 */
public final class SitePlacement {
    public static void place(FunctionModel f, Set<Node> excludedLoops, Diagnostics diags) {
        if (f.body == null || !f.inMainFile || f.noCheckpoint) return;
        TranslationUnit tu = f.unit;
        f.body.walk(n -> {
            if (!Ast.isLoop(n) || excludedLoops.contains(n) || f.inVaRegion(n)) return;
            Node body = Ast.loopBody(n);
            if (!tu.isRewritable(n) || !tu.isRewritable(body)) {
                diags.note(tu, n, "no checkpoint site in this loop: it is written inside a macro expansion");
                return;
            }
            int scopeOffset = body.is("CompoundStmt") ? body.begin().offset() + 1 : body.begin().offset();
            f.sites.add(new Site(n, null, body, null, scopeOffset));
        });
    }
}
