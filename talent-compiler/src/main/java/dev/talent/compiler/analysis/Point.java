package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;
import java.util.ArrayList;
import java.util.List;

/** A resume point: a site or a chain call. Ids are global (program point table index). */
public final class Point {
    public final FunctionModel function;
    public final Site site;
    public final Hoist hoist;
    public final int callIndex;
    /** Source offset used for scope queries (which declarations are visible here). */
    public final int scopeOffset;
    public final Node positionNode;
    public int id = -1;
    /** Variables to save/restore here (live, or address-taken and in scope), by variable id order. */
    public final List<Variable> saved = new ArrayList<>();

    private Point(FunctionModel f, Site site, Hoist hoist, int callIndex, int scopeOffset, Node positionNode) {
        this.function = f;
        this.site = site;
        this.hoist = hoist;
        this.callIndex = callIndex;
        this.scopeOffset = scopeOffset;
        this.positionNode = positionNode;
    }

    public static Point site(FunctionModel f, Site s, Node positionNode) {
        return new Point(f, s, null, -1, s.scopeOffset(), positionNode);
    }

    public static Point call(FunctionModel f, Hoist h, int i) {
        return new Point(f, null, h, i, h.anchor().begin().offset(), h.calls().get(i).call());
    }

    public boolean isSite() {
        return site != null;
    }

    /** A hoisted call of a library blocking function: a site (point table is_site = 1) emitted around the call. */
    public boolean isBlockingSite() {
        return hoist != null && chainCall().blocking();
    }

    public Hoist.ChainCall chainCall() {
        return hoist.calls().get(callIndex);
    }
}
