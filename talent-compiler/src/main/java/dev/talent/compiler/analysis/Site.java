package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;

/**
 * A checkpoint site: at the head of a loop body ({@code loop} set, {@code anchor} is the body) or where a
 * {@code #pragma talent checkpoint} stood ({@code pragma} set; anchor is the statement after it, or null at
 * the end of {@code block}), or at the entry of a recursive function ({@code loop} and {@code pragma} null,
 * {@code anchor} the body's first statement, {@code block} the body; see {@link RecursionSites}).
 */
public record Site(Node loop, Pragma pragma, Node anchor, Node block, int scopeOffset) {
    public boolean isLoopHead() {
        return loop != null;
    }
}
