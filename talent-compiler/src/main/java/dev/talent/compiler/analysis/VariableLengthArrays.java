package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;

/**
 * Variable-length arrays in chain functions (issue 11, cause 6; docs/CODEGEN.md "Variable-length arrays"). A
 * restart enters a function through its prologue's {@code goto} to the point's resume label, and C forbids a
 * jump into the scope of an object of variably modified type (gcc: "jump into scope of identifier with variably
 * modified type"). So a VLA (or a pointer to one, or a typedef of one) whose scope holds no resume point needs
 * nothing: no label is inside it and it is never live at a point (a point outside its block cannot name it).
 * One whose scope holds a point is refused, naming the array and the point's line: saving its length and
 * contents and declaring it again with the saved length on restore is not implemented.
 */
public final class VariableLengthArrays {
    private VariableLengthArrays() {}

    /** Reports each variably modified declaration of chain function f whose scope contains a resume point. */
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
            for (Point p : f.points) {
                if (p.scopeOffset < from || p.scopeOffset >= to) continue;
                String at = tu.pos(p.positionNode.position());
                diags.error(tu, n, (n.is("TypedefDecl") ? "variably modified type '" : "variable-length array '") + n.name()
                                + "' is in scope at a checkpoint point (" + at + ") of '" + f.name
                                + "': a restart jumps to that point past the declaration, which C forbids, and talent does"
                                + " not save an array's run-time length to declare it again",
                        "give the array a fixed size or allocate it with malloc, or end its block before " + at);
                return;
            }
        });
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
