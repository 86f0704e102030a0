package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.List;

/**
 * Variable-length arrays in chain functions (issue 11, cause 6; docs/CODEGEN.md "Variable-length arrays"). A
 * restart enters a function through its prologue's {@code goto} to the point's resume label, and C forbids a
 * jump into the scope of an object of variably modified type (gcc: "jump into scope of identifier with variably
 * modified type"). A VLA whose scope holds no resume point needs nothing: no label is inside it and no point
 * outside its block can name it. One whose scope holds points is saved with its run-time length (a descriptor
 * built after its declaration) and, on restore, declared again with the saved length: the prologue jumps to a
 * label before the declaration, and a second dispatch after it jumps on to the point ({@link Vla}). Supported:
 * a one-dimensional VLA of elements of fixed size, declared alone in a declaration directly in a block; other
 * variably modified declarations in scope at a point (a pointer to a VLA, a VLA of VLAs, a VLA typedef) are
 * refused, naming the declaration and the point.
 */
public final class VariableLengthArrays {
    private VariableLengthArrays() {}

    /** A VLA in scope at resume points: re-declared on restore. {@code label} is its index in the function. */
    public record Vla(Variable variable, Node decl, Node declStmt, List<Point> inScope, int label) {}

    /** Records or reports each variably modified declaration of chain function f whose scope contains a resume point. */
    public static void check(FunctionModel f, Diagnostics diags) {
        if (!f.chain || f.body == null || !f.inMainFile) return;
        TranslationUnit tu = f.unit;
        String text = tu.text();
        f.body.walk(n -> {
            if (!(n.is("VarDecl") || n.is("TypedefDecl")) || !isVariablyModified(n.qualType())) return;
            Node declStmt = n.parent();
            if (declStmt == null || declStmt.parent() == null) return;
            int from = Ast.statementEnd(text, declStmt);
            int to = Ast.rangeEnd(text, declStmt.parent());
            List<Point> inScope = new ArrayList<>();
            for (Point p : f.points) if (p.scopeOffset >= from && p.scopeOffset < to) inScope.add(p);
            if (inScope.isEmpty()) return;
            String at = tu.pos(inScope.getFirst().positionNode.position());
            Variable v = variable(f, n);
            String why = unsupported(tu, n, declStmt, v);
            if (why == null) {
                v.addressTaken = true;   // saved at every point of its scope, through memory, with its length
                f.vlas.add(new Vla(v, n, declStmt, List.copyOf(inScope), f.vlas.size()));
                return;
            }
            diags.error(tu, n, (n.is("TypedefDecl") ? "variably modified type '" : "variable-length array '") + n.name()
                            + "' is in scope at a checkpoint point (" + at + ") of '" + f.name
                            + "': a restart jumps to that point past the declaration, and talent declares again only "
                            + why, "give the array a fixed size or allocate it with malloc, or end its block before " + at);
        });
    }

    /** Null when talent can declare the VLA again on restore, else what it supports instead. */
    private static String unsupported(TranslationUnit tu, Node n, Node declStmt, Variable v) {
        String oneDim = "a one-dimensional variable-length array of fixed-size elements, declared alone in a declaration"
                + " directly in a block";
        if (!n.is("VarDecl") || v == null) return oneDim;
        CType t;
        try {
            t = CTypeParser.parse(n.qualType());
        } catch (RuntimeException e) {
            return oneDim;
        }
        if (!(t instanceof CType.Array a) || !a.isVariableLength() || isVariablyModified(TypeResolver.spell(a.elem()))) return oneDim;
        if (!declStmt.is("DeclStmt") || declStmt.inner().size() != 1 || !declStmt.parent().is("CompoundStmt")) return oneDim;
        if (!tu.isRewritable(declStmt) || !tu.isMacroFree(n)) return oneDim + ", not written by a macro";
        if (n.attr("storageClass").equals("static")) return oneDim;
        return null;
    }

    private static Variable variable(FunctionModel f, Node decl) {
        for (Variable v : f.variables) if (!v.isTemp() && v.declId.equals(decl.id())) return v;
        return null;
    }

    /** The VLAs of f whose scope holds point p, outermost first. */
    public static List<Vla> enclosing(FunctionModel f, Point p) {
        List<Vla> out = new ArrayList<>();
        for (Vla v : f.vlas) if (v.inScope().contains(p)) out.add(v);
        out.sort(java.util.Comparator.comparingInt(v -> v.declStmt().begin().offset()));
        return out;
    }

    /** True for a type that involves an array whose length is computed at run time (through pointers too). */
    static boolean isVariablyModified(String qualType) {
        try {
            CType t = CTypeParser.parse(qualType);
            while (true) {
                if (t instanceof CType.Array a) {
                    if (a.isVariableLength()) return true;
                    t = a.elem();
                } else if (t instanceof CType.Pointer p) {
                    t = p.to();
                } else {
                    return false;
                }
            }
        } catch (RuntimeException e) {
            // a spelling talent does not parse: clang prints a VLA's length as an expression between brackets
            return qualType.matches(".*\\[[^\\]]*[^0-9\\]\\s][^\\]]*\\].*");
        }
    }
}
