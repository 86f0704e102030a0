package dev.talent.compiler.ast;

import java.util.ArrayList;
import java.util.List;

/** Small queries on clang AST nodes and the source text, shared by the passes. */
public final class Ast {
    private Ast() {}

    public static final List<String> LOOPS = List.of("ForStmt", "WhileStmt", "DoStmt");

    public static boolean isLoop(Node n) {
        return LOOPS.contains(n.kind());
    }

    /** The body statement of a loop. */
    public static Node loopBody(Node loop) {
        return switch (loop.kind()) {
            case "DoStmt" -> loop.child(0);
            default -> loop.inner().getLast();
        };
    }

    /** The condition of a while/do loop (null for a for loop, see {@link #forParts}). */
    public static Node loopCondition(Node loop) {
        return switch (loop.kind()) {
            case "WhileStmt" -> loop.child(0);
            case "DoStmt" -> loop.child(1);
            default -> null;
        };
    }

    /**
     * init, condition variable, cond, inc, body of a ForStmt; clang prints absent parts as empty JSON
     * objects ({}), which become nodes of kind "".
     */
    public static Node[] forParts(Node forStmt) {
        List<Node> in = forStmt.inner();
        Node[] parts = new Node[5];
        for (int i = 0; i < 5 && i < in.size(); i++) parts[i] = in.get(i).kind().isEmpty() ? null : in.get(i);
        return parts;
    }

    public static Node strip(Node e) {
        while (e != null && (e.is("ParenExpr") || e.is("ImplicitCastExpr") || e.is("ConstantExpr")
                || e.is("FullExpr") || e.is("ExprWithCleanups")) && !e.inner().isEmpty()) {
            e = e.child(0);
        }
        return e;
    }

    /** Whether {@code n} names a function ({@code DeclRefExpr} to a {@code FunctionDecl}). */
    public static boolean isFunctionRef(Node n) {
        return n.is("DeclRefExpr") && n.referencedDecl().path("kind").asText().equals("FunctionDecl");
    }

    /** The called function's name for a direct call, or null for a call through a pointer. */
    public static String directCallee(Node call) {
        Node callee = strip(call.child(0));
        if (callee != null && isFunctionRef(callee)) {
            return callee.referencedDecl().path("name").asText();
        }
        return null;
    }

    public static String referencedDeclId(Node declRef) {
        return declRef.referencedDecl().path("id").asText("");
    }

    public static List<Node> callArguments(Node call) {
        return call.inner().subList(1, call.inner().size());
    }

    /** Function definitions: FunctionDecl nodes with a body. */
    public static Node functionBody(Node fn) {
        // attributes (BuiltinAttr, NoInlineAttr, ...) may follow the body
        for (Node c : fn.inner()) if (c.is("CompoundStmt")) return c;
        return null;
    }

    public static List<Node> parameters(Node fn) {
        List<Node> ps = new ArrayList<>();
        for (Node c : fn.inner()) if (c.is("ParmVarDecl")) ps.add(c);
        return ps;
    }

    /** Index just past whitespace and comments starting at i. */
    public static int skipSpace(String text, int i) {
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (text.startsWith("//", i)) {
                while (i < text.length() && text.charAt(i) != '\n') i++;
            } else if (text.startsWith("/*", i)) {
                int e = text.indexOf("*/", i + 2);
                i = e < 0 ? text.length() : e + 2;
            } else if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                i += 2;
            } else {
                break;
            }
        }
        return i;
    }

    /**
     * Offset just past the last token of the node's range. When the range ends inside a macro expansion,
     * the end of the macro invocation (name and, for a function-like macro, its argument list).
     */
    public static int rangeEnd(String text, Node n) {
        SourceLoc e = n.end();
        if (!e.inMacro()) return e.endOffset();
        int i = e.offset();
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) i++;
        int j = skipSpace(text, i);
        if (j < text.length() && text.charAt(j) == '(') return matchParen(text, j) + 1;
        return i;
    }

    /** Offset just past a statement, including its terminating semicolon (clang ranges leave it out). */
    public static int statementEnd(String text, Node stmt) {
        int end = rangeEnd(text, stmt);
        if (stmt.is("CompoundStmt")) return end;
        int j = skipSpace(text, end);
        if (j < text.length() && text.charAt(j) == ';' && !(end > 0 && text.charAt(end - 1) == ';')) return j + 1;
        return end;
    }

    /** Index of the parenthesis closing the one at open, skipping strings, chars and comments. */
    public static int matchParen(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i++;
                while (i < text.length() && text.charAt(i) != c) {
                    if (text.charAt(i) == '\\') i++;
                    i++;
                }
            } else if (text.startsWith("//", i) || text.startsWith("/*", i)) {
                i = skipSpace(text, i) - 1;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth == 0) return i;
            }
        }
        throw new IllegalStateException("unbalanced parenthesis at offset " + open);
    }

    /** True when n is a descendant of ancestor (not ancestor itself). */
    public static boolean isStrictlyInside(Node n, Node ancestor) {
        for (Node p = n.parent(); p != null; p = p.parent()) if (p == ancestor) return true;
        return false;
    }

    /** Every node below root (inclusive) that satisfies the kind, in document order. */
    public static List<Node> collect(Node root, String kind) {
        List<Node> out = new ArrayList<>();
        root.walk(n -> { if (n.is(kind)) out.add(n); });
        return out;
    }
}
