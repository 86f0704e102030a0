package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
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

    /**
     * A variably modified variable in scope at resume points: re-declared on restore. {@code label} is its index
     * in the function; {@code dims} its run-time lengths as written in its declarator.
     */
    public record Vla(Variable variable, Node decl, Node declStmt, List<Point> inScope, int label, List<Dim> dims) {
        public Vla {
            dims = List.copyOf(dims);
        }
    }

    /**
     * One run-time length of a declarator: the brackets at {@code open}..{@code close} in the source, and
     * {@code depth}, how many arrays and pointers lie between the variable's type and the array that has it
     * (0: the variable is that array; {@code double (*p)[k]}: 1).
     */
    public record Dim(int depth, int open, int close) {}

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
            List<Dim> dims = why == null ? dims(text, n, v.type) : null;
            if (dims == null && why == null) why = FORMS + ", its lengths written between brackets after its name";
            if (why == null) {
                v.addressTaken = true;   // saved at every point of its scope, through memory, with its lengths
                f.vlas.add(new Vla(v, n, declStmt, List.copyOf(inScope), f.vlas.size(), dims));
                return;
            }
            diags.error(tu, n, (n.is("TypedefDecl") ? "variably modified type '" : "variable-length array '") + n.name()
                            + "' is in scope at a checkpoint point (" + at + ") of '" + f.name
                            + "': a restart jumps to that point past the declaration, and talent declares again only "
                            + why, "give the array a fixed size or allocate it with malloc, or end its block before " + at);
        });
    }

    private static final String FORMS = "a variable-length array (of arrays) of fixed-size elements or a pointer to one"
            + " (`T v[n][m]`, `T (*p)[m]`), declared alone in a declaration directly in a block";

    /** Null when talent can declare the variable again on restore, else what it supports instead. */
    private static String unsupported(TranslationUnit tu, Node n, Node declStmt, Variable v) {
        if (!n.is("VarDecl") || v == null) return FORMS;
        CType t;
        try {
            t = CTypeParser.parse(n.qualType());
        } catch (RuntimeException e) {
            return FORMS;
        }
        if (arrays(t) < 0) return FORMS;
        if (!declStmt.is("DeclStmt") || declStmt.inner().size() != 1 || !declStmt.parent().is("CompoundStmt")) return FORMS;
        if (!tu.isRewritable(declStmt) || !tu.isMacroFree(n)) return FORMS + ", not written by a macro";
        if (n.attr("storageClass").equals("static")) return FORMS;
        return null;
    }

    /**
     * How many arrays a supported variably modified type nests below its top (arrays of arrays, or a pointer to
     * them), the innermost element of fixed size; -1 for any other form.
     */
    static int arrays(CType t) {
        if (t instanceof CType.Pointer p) t = p.to();
        int k = 0;
        while (t instanceof CType.Array a) {
            k++;
            t = a.elem();
        }
        return k == 0 || isVariablyModified(t) ? -1 : k;
    }

    /**
     * The run-time lengths of declaration n of type t as written after its name: {@code name[E0][E1]} for an
     * array, {@code (*name)[E1]} for a pointer; null when the text has another shape (parentheses, a macro).
     */
    static List<Dim> dims(String text, Node n, CType t) {
        int at = n.loc().endOffset();
        int depth = 0;
        if (t instanceof CType.Pointer p) {
            at = skipSpace(text, at);
            if (at >= text.length() || text.charAt(at) != ')') return null;
            at++;
            depth = 1;
            t = p.to();
        }
        List<Dim> out = new ArrayList<>();
        while (t instanceof CType.Array a) {
            at = skipSpace(text, at);
            if (at >= text.length() || text.charAt(at) != '[') return null;
            int close = matchBracket(text, at);
            if (close < 0) return null;
            if (a.isVariableLength()) out.add(new Dim(depth, at, close));
            depth++;
            at = close + 1;
            t = a.elem();
        }
        return out.isEmpty() ? null : out;
    }

    private static int skipSpace(String text, int at) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        return at;
    }

    /** The ']' closing the '[' at {@code open} (a size expression: brackets nest, literals are skipped), or -1. */
    static int matchBracket(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                for (i++; i < text.length() && text.charAt(i) != c; i++) if (text.charAt(i) == '\\') i++;
            } else if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return i;
            }
        }
        return -1;
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
    public static boolean isVariablyModified(CType t) {
        for (int i = 0; i < 64; i++) {
            if (t instanceof CType.Array a) {
                if (a.isVariableLength()) return true;
                t = a.elem();
            } else if (t instanceof CType.Pointer p) {
                t = p.to();
            } else {
                return false;
            }
        }
        return false;
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
