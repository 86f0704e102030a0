package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;
import java.util.List;

/**
 * The chain calls of one statement or loop condition, in evaluation order, and how they are moved out.
 * {@code anchor} is the node the calls are evaluated before (statement, or the loop condition for the
 * loop shapes); {@code statement} is the statement the code goes in front of.
 */
public record Hoist(Shape shape, Node anchor, Node statement, List<ChainCall> calls) {
    public enum Shape {
        /** {@code f(a);} or {@code v = f(a);}: label before, unwinding check after, no temporary. */
        DIRECT,
        /** temporaries assigned before the statement, calls replaced by the temporaries. */
        BEFORE_STATEMENT,
        /** {@code while (c)} becomes {@code for (;;) { <hoisted> if (!(c')) break; ... }}. */
        WHILE_CONDITION,
        /** {@code for (i; c; n)} becomes {@code for (i; ; n) { <hoisted> if (!(c')) break; ... }}. */
        FOR_CONDITION
    }

    /**
     * A call to a chain function, or to a library blocking function ({@code blocking}: a blocking site,
     * emitted in its retry loop); {@code temp} is null for DIRECT and void calls.
     */
    public record ChainCall(Node call, String temp, String returnType, boolean isVoid, boolean blocking) {}
}
