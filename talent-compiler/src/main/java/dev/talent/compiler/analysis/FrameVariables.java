package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The variables of a function's frame with their ids: parameters first, then locals and compiler
 * temporaries in source order (a statement's temporaries come before the variables it declares).
 * Function-scope statics and extern declarations are not frame variables.
 */
public final class FrameVariables {
    /**
     * The variable's type as talent describes it: a type written {@code __typeof__(expr)} (the statement expressions of
     * macros such as {@code MAX_OF}: {@code __typeof__(a) _a = (a);}) is the type it stands for, spelled alike for every
     * ISA ({@link StatementExpressions#sugaredType}); one that cannot be is refused as before.
     */
    static String declaredType(TranslationUnit tu, Node varDecl) {
        String t = varDecl.qualType();
        if (!t.contains("typeof")) return t;
        String s = StatementExpressions.sugaredType(tu, varDecl);
        // a spelling that is itself __typeof__ (a '?:' of two arithmetic types) has no one description: refused as before
        return s == null || s.startsWith("__typeof__") ? t : s;
    }

    public static void collect(FunctionModel f) {
        TranslationUnit tu = f.unit;
        f.variables.clear();
        for (Node p : Ast.parameters(f.decl)) {
            f.variables.add(new Variable(p.name(), p, p.qualType(), CTypeParser.parse(p.qualType()),
                    p.position().offset(), tu.pos(p.position()), null));
        }
        record Ordered(int offset, int seq, Variable v) {}
        List<Ordered> locals = new ArrayList<>();
        int[] seq = {0};
        f.body.walk(n -> {
            if (!n.is("VarDecl")) return;
            String sc = n.attr("storageClass");
            if (sc.equals("static") || sc.equals("extern")) return;
            Node scope = scopeOf(n);
            String type = declaredType(tu, n);
            locals.add(new Ordered(n.position().offset(), seq[0]++, new Variable(n.name(), n, type,
                    parsed(type), n.position().offset(), tu.pos(n.position()), scope)));
        });
        for (Hoist h : f.hoists) {
            int at = h.statement().begin().offset();
            for (Hoist.Temp c : h.temps()) {
                Variable t = new Variable(c.name(), null, c.type(), CTypeParser.parse(c.type()), at,
                        tu.pos(c.node().begin()), null);
                t.tempOf = h;
                locals.add(new Ordered(at, -1_000_000 + seq[0]++, t));
            }
        }
        locals.sort(Comparator.comparingInt(Ordered::offset).thenComparingInt(Ordered::seq));
        for (Ordered o : locals) f.variables.add(o.v());
        for (int i = 0; i < f.variables.size(); i++) f.variables.get(i).id = i;
    }

    /**
     * A type as parsed; a {@code typeof (...)} spelling with no one type on every ISA (a rewritten {@code ?:} of two
     * arithmetic types: {@code typeof (1 ? (unsigned int)0 : (long)0)}) is a type talent cannot save, refused by name if
     * such a variable is live where a checkpoint may be taken.
     */
    private static CType parsed(String type) {
        try {
            return CTypeParser.parse(type);
        } catch (IllegalArgumentException e) {
            if (type.startsWith("typeof")) return new CType.Builtin(type, false);
            throw e;
        }
    }

    /** The block a local declaration is visible in: the enclosing CompoundStmt, or the ForStmt of a for-init. */
    static Node scopeOf(Node varDecl) {
        Node p = varDecl.parent();
        while (p != null && !p.is("CompoundStmt") && !p.is("ForStmt")) p = p.parent();
        return p;
    }

    public static Variable byDeclId(FunctionModel f, String declId) {
        for (Variable v : f.variables) if (!v.isTemp() && v.declId.equals(declId)) return v;
        return null;
    }

    /** Convenience for tests and emitters: the type of a variable with typedefs kept. */
    public static CType type(Variable v) {
        return v.type;
    }
}
