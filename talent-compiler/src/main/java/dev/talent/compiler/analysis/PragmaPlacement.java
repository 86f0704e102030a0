package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.SourceLoc;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides what each talent pragma applies to: a checkpoint pragma must stand where a statement may stand
 * (between the statements of a block of a function body); a nocheckpoint pragma must come right before a
 * function definition or a loop. Anything else is an error at the pragma's line.
 */
public final class PragmaPlacement {
    public record Result(List<Site> pragmaSites, Map<Site, FunctionModel> siteFunctions,
                         Set<Node> excludedFunctions, Set<Node> excludedLoops) {}

    public static Result place(TranslationUnit tu, List<FunctionModel> functions, List<Pragma> pragmas,
                               Diagnostics diags) {
        List<Site> sites = new ArrayList<>();
        Map<Site, FunctionModel> owner = new java.util.LinkedHashMap<>();
        Set<Node> exFunctions = new HashSet<>();
        Set<Node> exLoops = new HashSet<>();
        String text = tu.text();
        for (Pragma p : pragmas) {
            SourceLoc at = new SourceLoc(tu.path().toString(), p.line(), 1, p.start(), 0, false, null, p.start());
            if (p.kind() == Pragma.Kind.NOCHECKPOINT) {
                int next = Ast.skipSpace(text, p.end());
                Node target = findStartingAt(functions, next);
                if (target == null) {
                    diags.error(tu, at, "#pragma talent nocheckpoint must come right before a function definition or a loop",
                            "move the pragma to the line before the function or the for/while/do statement");
                } else if (target.is("FunctionDecl")) {
                    exFunctions.add(target);
                } else {
                    exLoops.add(target);
                }
                continue;
            }
            FunctionModel fn = null;
            for (FunctionModel f : functions) {
                if (f.body != null && f.inMainFile && f.body.begin().offset() < p.start()
                        && p.start() < f.body.end().offset()) fn = f;
            }
            Node block = fn == null ? null : innermostBlock(fn.body, p.start());
            if (block == null) {
                diags.error(tu, at, "#pragma talent checkpoint is not inside a function body",
                        "put the pragma on its own line between two statements of a function");
                continue;
            }
            Node following = null;
            boolean inside = false;
            for (Node s : block.inner()) {
                int b = s.begin().offset();
                int e = Ast.statementEnd(text, s);
                if (b <= p.start() && p.start() < e) inside = true;
                if (following == null && b >= p.end()) following = s;
            }
            if (inside) {
                diags.error(tu, at, "#pragma talent checkpoint stands inside a statement or expression",
                        "put the pragma on its own line between two statements of a block");
                continue;
            }
            Site site = new Site(null, p, following, block, p.start());
            sites.add(site);
            owner.put(site, fn);
        }
        return new Result(sites, owner, exFunctions, exLoops);
    }

    /** The innermost CompoundStmt under root whose braces enclose offset. */
    private static Node innermostBlock(Node root, int offset) {
        Node[] best = {null};
        root.walk(n -> {
            if (n.is("CompoundStmt") && !n.begin().inMacro() && n.begin().offset() < offset
                    && offset < n.end().offset()) {
                if (best[0] == null || n.begin().offset() >= best[0].begin().offset()) best[0] = n;
            }
        });
        return best[0];
    }

    private static Node findStartingAt(List<FunctionModel> functions, int offset) {
        for (FunctionModel f : functions) {
            if (f.inMainFile && f.decl.begin().offset() == offset && !f.decl.begin().inMacro()) return f.decl;
        }
        Node[] found = {null};
        for (FunctionModel f : functions) {
            if (f.body == null || !f.inMainFile) continue;
            f.body.walk(n -> {
                if (Ast.isLoop(n) && n.begin().offset() == offset && !n.begin().inMacro()) found[0] = n;
            });
        }
        return found[0];
    }
}
