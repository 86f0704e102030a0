package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.SourceLoc;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.Set;

/**
 * The macro invocation around a call written in a macro's arguments ({@code assert(f(x))}, {@code isfinite(f(x))}),
 * and whether that invocation can run suspended as a whole: wrapped, from its name to its closing parenthesis, in
 * a statement expression that defers checkpoints while it runs (docs/CODEGEN.md "Calls inside macros"). The text
 * inside the invocation is left as written, so the macro sees what the program wrote (assert's message is its
 * argument's text).
 */
public final class MacroExpansions {
    private static final Set<String> JUMPS = Set.of("ReturnStmt", "GotoStmt", "IndirectGotoStmt", "BreakStmt",
            "ContinueStmt");

    private MacroExpansions() {}

    /**
     * The outermost expression of the expansion that contains {@code call}: the highest ancestor whose first and last
     * tokens both come from the same expansion as the call's first token.
     */
    public static Node outermost(Node call) {
        int off = call.begin().offset();
        Node m = call;
        for (Node p = call.parent(); p != null; p = p.parent()) {
            if (!sameExpansion(p.begin(), off) || !sameExpansion(p.end(), off)) break;
            m = p;
        }
        return m;
    }

    /** Why the invocation around {@code call} cannot run suspended as a whole, or null when it can. */
    public static String whyNotSuspendable(TranslationUnit tu, Node call) {
        if (!call.begin().inMacro()) return "starts outside the macro's arguments";
        Node m = outermost(call);
        if (!tu.inMainFile(m.begin()) || !tu.inMainFile(m.end())) return "is not written in this file";
        if (m.qualType().isEmpty() || (m.kind().endsWith("Stmt") && !m.is("StmtExpr"))) {
            return "expands to a statement, not an expression";
        }
        if (usedAsLvalue(m)) return "is used as an lvalue";
        boolean[] jumps = {false};
        m.walk(n -> {
            if (JUMPS.contains(n.kind())) jumps[0] = true;
        });
        if (jumps[0]) return "jumps out of its expression (return, goto, break or continue)";
        return null;
    }

    private static boolean usedAsLvalue(Node m) {
        Node p = m.parent();
        if (p == null) return false;
        if (p.is("UnaryOperator")) return p.attr("opcode").matches("&|\\+\\+|--");
        boolean assignment = (p.is("BinaryOperator") || p.is("CompoundAssignOperator"))
                && ChainCallHoisting.ASSIGNMENTS.contains(p.attr("opcode"));
        return assignment && !p.inner().isEmpty() && p.inner().getFirst() == m;
    }

    private static boolean sameExpansion(SourceLoc l, int off) {
        return l.inMacro() && l.offset() == off;
    }
}
