package dev.talent.compiler.emit;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.function.Predicate;

/** What the emitters that wrap or copy whole statements share about statements. */
final class Statements {
    private Statements() {}

    /**
     * Closing insertions name the node whose code they close (the statement or loop body wrapped in braces,
     * the call wrapped in a statement expression): one at the end of {@code statement} belongs to the
     * statement's text when that node is inside the statement, and to the text around it otherwise.
     */
    static Predicate<Object> closingInside(Node statement) {
        return closes -> closes instanceof Node wrapped && Ast.isStrictlyInside(wrapped, statement);
    }

    /** A statement that is not directly in a block (if/else branch, loop body, after a label) needs braces. */
    static boolean needsBraces(Node s) {
        Node p = s.parent();
        return p == null || !p.is("CompoundStmt");
    }
}
