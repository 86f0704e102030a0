package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;

/**
 * Loop versioning (docs/CODEGEN.md): a loop with no inner loop, no chain call or blocking site, no label, no
 * case label of an outer switch and no site pragma (a leaf loop), or a short loop ({@link ShortLoops}) whose inner
 * loops are all such leaf loops (a short nest), is emitted as
 * {@code if (!talent_pending) <original loop> else <loop with its sites>}. The original keeps its lines; the
 * instrumented copy is flattened onto the loop's last line (comments removed), so line numbers stay those of
 * the source. Loops containing preprocessor lines or line continuations are not versioned (they cannot be
 * flattened). A loop inside a versioned short nest is not versioned again: the nest's copies decide for it.
 */
public final class LeafLoops {
    public static boolean isVersionable(FunctionModel f, Node loop, CallGraph graph, String text) {
        for (Node p = loop.parent(); p != null && p != f.body; p = p.parent()) {
            if (Ast.isLoop(p) && isVersionableAlone(f, p, graph, text)) return false;
        }
        return isVersionableAlone(f, loop, graph, text);
    }

    /** A versionable loop with loops inside it: its instrumented copy waits for the sites of those loops. */
    public static boolean isShortNest(FunctionModel f, Node loop, CallGraph graph, String text) {
        return hasInnerLoop(loop) && isVersionable(f, loop, graph, text);
    }

    private static boolean isVersionableAlone(FunctionModel f, Node loop, CallGraph graph, String text) {
        return isUnitCandidate(f, loop, graph, text) && (!hasInnerLoop(loop) || ShortLoops.isShort(f, loop));
    }

    /**
     * What a loop emitted in two copies needs (a versioned leaf loop or short nest, a strip-mined loop): its
     * inner loops are leaf loops, it holds no chain call, blocking site, statement expression or site pragma, it
     * can appear twice, and it has no preprocessor line or line continuation (a copy is flattened onto one line).
     */
    static boolean isUnitCandidate(FunctionModel f, Node loop, CallGraph graph, String text) {
        boolean[] ok = {true};
        loop.walk(n -> {
            if (n != loop && Ast.isLoop(n) && hasInnerLoop(n)) ok[0] = false;
            if (n.is("StmtExpr")) ok[0] = false;
            if (n.is("CallExpr") && (graph.isChainCall(f, n) || f.blockingSites.contains(n))) ok[0] = false;
        });
        if (!ok[0] || !canAppearTwice(loop)) return false;
        int start = loop.begin().offset();
        int end = Ast.statementEnd(text, loop);
        for (var s : f.sites) {
            if (s.pragma() != null && s.pragma().start() >= start && s.pragma().start() < end) return false;
        }
        String src = text.substring(start, end);
        if (src.contains("\\\n") || src.contains("\\\r")) return false;
        for (String line : src.split("\n", -1)) {
            if (line.stripLeading().startsWith("#")) return false;
        }
        return true;
    }

    static boolean hasInnerLoop(Node loop) {
        boolean[] found = {false};
        loop.walk(n -> {
            if (n != loop && Ast.isLoop(n)) found[0] = true;
        });
        return found[0];
    }

    /**
     * True when a copy of the loop can stand next to it in the function: it declares no label (labels are
     * per function) and takes no label's address, holds no case label of a switch outside it (Duff's device)
     * and no function-scope static.
     */
    static boolean canAppearTwice(Node loop) {
        boolean[] ok = {true};
        loop.walk(n -> {
            if (n.is("LabelStmt") || n.is("AddrLabelExpr")) ok[0] = false;
            if (n.is("VarDecl") && n.attr("storageClass").equals("static")) ok[0] = false;
            if ((n.is("CaseStmt") || n.is("DefaultStmt")) && !switchInside(n, loop)) ok[0] = false;
        });
        return ok[0];
    }

    private static boolean switchInside(Node caseLabel, Node loop) {
        for (Node p = caseLabel.parent(); p != null && p != loop; p = p.parent()) if (p.is("SwitchStmt")) return true;
        return false;
    }

    /** The code on one line: comments become a space, newlines a space; literals are kept as they are. */
    public static String flatten(String code) {
        StringBuilder out = new StringBuilder(code.length());
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < code.length() && code.charAt(j) != c) j += code.charAt(j) == '\\' ? 2 : 1;
                j = Math.min(j + 1, code.length());
                out.append(code, i, j);
                i = j;
            } else if (code.startsWith("//", i)) {
                while (i < code.length() && code.charAt(i) != '\n') i++;
                out.append(' ');
            } else if (code.startsWith("/*", i)) {
                int e = code.indexOf("*/", i + 2);
                i = e < 0 ? code.length() : e + 2;
                out.append(' ');
            } else if (c == '\n' || c == '\r') {
                out.append(' ');
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
