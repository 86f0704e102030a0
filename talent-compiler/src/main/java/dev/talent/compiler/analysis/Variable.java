package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.Node;

/**
 * A variable of a function's frame: parameter, local, or compiler temporary ({@code decl} null).
 * {@code id} is the variable id of docs/CODEGEN.md.
 */
public final class Variable {
    public final String name;
    public final Node decl;
    public final String declId;
    public final String typeSpelling;
    public final CType type;
    public final int declOffset;
    public final String pos;
    /** Block (CompoundStmt or ForStmt) the declaration is scoped to; null for parameters. */
    public final Node scope;
    public int id;
    /**
     * The name the instrumented code uses: {@code name}, or a unique name when the variable is renamed because
     * it hides another variable needed at a point (docs/CODEGEN.md "Shadowed variables").
     */
    public String cName;
    public boolean addressTaken;
    /**
     * The struct variable that holds this local with a gap after it (docs/CODEGEN.md "Gaps between frame variables"),
     * or null when the variable is declared as written.
     */
    public String wrapper;
    public Hoist tempOf;

    public Variable(String name, Node decl, String typeSpelling, CType type, int declOffset, String pos, Node scope) {
        this.name = name;
        this.decl = decl;
        this.declId = decl == null ? "" : decl.id();
        this.typeSpelling = typeSpelling;
        this.type = type;
        this.declOffset = declOffset;
        this.pos = pos;
        this.scope = scope;
        this.cName = name;
    }

    /** How the instrumented code names the variable's object: its C name, or the member of its wrapper. */
    public String ref() {
        return wrapper == null ? cName : wrapper + ".__talent_o";
    }

    public boolean isTemp() {
        return decl == null;
    }

    @Override
    public String toString() {
        return name;
    }
}
