package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives each block-scope compound literal whose address the program may keep a named frame variable (docs/CODEGEN.md
 * "Compound literals"; issue 11), before the text is analysed again:
 *
 * <pre>
 *   struct pt *p = &amp;(struct pt){1, 2};
 * becomes (on the same line)
 *   __typeof__(struct pt) __talent_lit1; struct pt *p = &amp;(*(__typeof__(__talent_lit1) *)__builtin_memcpy(
 *       (void *)&amp;__talent_lit1, &amp;(struct pt){1, 2}, sizeof __talent_lit1));
 * </pre>
 *
 * The literal is evaluated where it was written, as often as it was (C11 6.5.2.5: each evaluation initialises the
 * object again), and copied at once into the variable, declared just before the statement of the innermost block
 * that holds the literal (a lifetime at least as long as the literal's). The variable is address-taken, so it is a
 * frame variable saved at every point in its scope and restored at its place; a pointer to it is carried like any
 * pointer into a frame. An array literal with its size left out ({@code (int[]){1, 2, 3}}) is declared with the
 * size clang computed. Literals whose value only is used ({@code f((struct opts){.n = 3})}, {@code (int){3} + x}),
 * those not evaluated ({@code sizeof}) and those in the initialiser of a {@code static} (static storage) are left
 * as they are. A literal talent cannot rewrite (inside a macro expansion kept in the text, or a statement written
 * in one) stays, and {@link #uncarried} names it in a function that may checkpoint.
 */
public final class CompoundLiterals {
    private CompoundLiterals() {}

    /** The variables' names: this prefix and a number unique in the unit. */
    public static final String PREFIX = "__talent_lit";

    public record Result(String text, boolean changed) {}

    private record Edit(int at, int end, int order, String text) {
        Edit(int at, int order, String text) {
            this(at, at, order, text);
        }
    }

    private static final Pattern OPEN_ARRAY = Pattern.compile("\\[\\s*\\]");
    private static final Pattern FIRST_SIZE = Pattern.compile("\\[(\\d+)\\]");

    public static Result rewrite(TranslationUnit tu) {
        String text = tu.text();
        List<Edit> edits = new ArrayList<>();
        int[] count = {0};
        for (Node top : tu.root().inner()) {
            if (top.is("VarDecl") && tu.isRewritable(top)) fileScope(tu, text, top, edits, count);
            if (!top.is("FunctionDecl") || Ast.functionBody(top) == null) continue;
            Node body = Ast.functionBody(top);
            if (!tu.isRewritable(body)) continue;
            body.walk(n -> {
                if (!n.is("CompoundLiteralExpr") || !needsFrameObject(n)) return;
                Node stmt = statementOf(n);
                if (stmt == null || !tu.isRewritable(stmt) || !tu.isMacroFree(n)) return;
                int begin = n.begin().offset();
                if (begin < 0 || begin >= text.length() || text.charAt(begin) != '(') return;
                int close = Ast.matchParen(text, begin);
                int end = Ast.rangeEnd(text, n);
                if (close < 0 || end <= close || text.charAt(end - 1) != '}') return;
                String type = typeName(text.substring(begin + 1, close), n.qualType());
                if (declaration(type, "v") == null) return;
                count[0]++;
                String v = PREFIX + count[0];
                edits.add(new Edit(stmt.begin().offset(), 0, declaration(type, v)));
                edits.add(new Edit(begin, 1, "(*(__typeof__(" + v + ") *)__builtin_memcpy((void *)&" + v + ", &"));
                edits.add(new Edit(end, 2, ", sizeof " + v + "))"));
            });
        }
        if (edits.isEmpty()) return new Result(text, false);
        edits.sort(Comparator.comparingInt(Edit::at).thenComparingInt(Edit::order));
        StringBuilder out = new StringBuilder(text.length() + 128 * edits.size());
        int pos = 0;
        for (Edit e : edits) {
            if (e.at() < pos) throw new IllegalStateException("overlapping compound literal rewrites at offset " + e.at());
            out.append(text, pos, e.at()).append(e.text());
            pos = e.end();
        }
        out.append(text.substring(pos));
        return new Result(out.toString(), true);
    }

    /**
     * A compound literal at file scope has static storage: each outermost one whose object is used becomes a named
     * {@code static} defined just before the declaration, with the literal's initialiser ({@code static int *p =
     * (int[]){1, 2};} becomes {@code static int __talent_lit1[2] = {1, 2}; static int *p = (__talent_lit1);}), a
     * variable of the unit's table like any other; literals nested in it are named the same way first. One that
     * cannot be written so stays, and {@link StaticStorage} names it.
     */
    private static void fileScope(TranslationUnit tu, String text, Node decl, List<Edit> edits, int[] count) {
        for (Node n : literalsIn(decl, decl)) {
            List<Edit> declarations = new ArrayList<>();
            int before = count[0];
            String v = named(tu, text, n, declarations, count);
            if (v == null) {
                count[0] = before;
                continue;
            }
            for (Edit d : declarations) edits.add(new Edit(decl.begin().offset(), 0, d.text()));
            edits.add(new Edit(n.begin().offset(), Ast.rangeEnd(text, n), 1, "(" + v + ")"));
        }
    }

    /** The literals under {@code root} whose object is used and whose nearest enclosing literal is {@code root}'s. */
    private static List<Node> literalsIn(Node root, Node stop) {
        List<Node> out = new ArrayList<>();
        root.walk(n -> {
            if (n == root || !n.is("CompoundLiteralExpr") || !usesObject(n)) return;
            for (Node a = n.parent(); a != null && a != stop; a = a.parent()) if (a.is("CompoundLiteralExpr") && a != root) return;
            out.add(n);
        });
        return out;
    }

    /**
     * Adds the static definitions of the literal and of the literals nested in it (those first) to {@code
     * declarations}, and returns the literal's name; null when one of them cannot be written so.
     */
    private static String named(TranslationUnit tu, String text, Node n, List<Edit> declarations, int[] count) {
        if (!tu.isMacroFree(n)) return null;
        int begin = n.begin().offset();
        if (begin < 0 || begin >= text.length() || text.charAt(begin) != '(') return null;
        int close = Ast.matchParen(text, begin);
        int end = Ast.rangeEnd(text, n);
        if (close < 0 || end <= close || text.charAt(end - 1) != '}' || text.substring(close, end).contains("//")) return null;
        String type = typeName(text.substring(begin + 1, close), n.qualType());
        if (declaration(type, "v") == null) return null;
        StringBuilder init = new StringBuilder();
        int pos = close + 1;
        List<Node> inner = new ArrayList<>(literalsIn(n, n));
        inner.sort(Comparator.comparingInt(x -> x.begin().offset()));
        for (Node c : inner) {
            String cv = named(tu, text, c, declarations, count);
            int cb = c.begin().offset();
            if (cv == null || cb < pos) return null;
            init.append(text, pos, cb).append('(').append(cv).append(')');
            pos = Ast.rangeEnd(text, c);
        }
        init.append(text, pos, end);
        count[0]++;
        String v = PREFIX + count[0];
        String d = declaration(type, v);
        declarations.add(new Edit(0, 0, "static " + d.substring(0, d.length() - 2) + " = " + init.toString().replace('\n', ' ') + "; "));
        return v;
    }

    /** The literal's object is used (not only its value), where it is evaluated. */
    public static boolean usesObject(Node lit) {
        if (implicit(lit)) return false;
        Node p = lit.parent();
        while (p != null && p.is("ParenExpr")) p = p.parent();
        if (p != null && p.is("ImplicitCastExpr") && "LValueToRValue".equals(p.attr("castKind"))) return false;
        for (Node a = lit.parent(); a != null; a = a.parent()) if (a.is("UnaryExprOrTypeTraitExpr")) return false;
        return true;
    }

    /**
     * The literal's object may be reached after the expression: its address is taken, it is an array (which decays
     * to a pointer), or a member of it is used as an object. False for a literal whose value only is read, one not
     * evaluated, and one with static storage (in a {@code static}'s initialiser).
     */
    static boolean needsFrameObject(Node lit) {
        if (implicit(lit)) return false;
        Node p = lit.parent();
        while (p != null && p.is("ParenExpr")) p = p.parent();
        if (p != null && p.is("ImplicitCastExpr") && "LValueToRValue".equals(p.attr("castKind"))) return false;
        for (Node a = lit.parent(); a != null; a = a.parent()) {
            if (a.is("UnaryExprOrTypeTraitExpr")) return false;
            if (a.is("VarDecl") && ("static".equals(a.attr("storageClass")) || "extern".equals(a.attr("storageClass")))) {
                return false;
            }
            if (a.is("FunctionDecl")) break;
        }
        return true;
    }

    /**
     * A literal clang made, not the program: an argument passed to a transparent union parameter (glibc's
     * {@code bind(s, (struct sockaddr *) &a, n)} under {@code _GNU_SOURCE}) is wrapped in a compound literal of the
     * union type, a prvalue, where every compound literal written in C is an lvalue. It is passed by value.
     */
    static boolean implicit(Node lit) {
        return "prvalue".equals(lit.attr("valueCategory"));
    }

    /** The statement of the innermost compound statement that holds the node, or null. */
    private static Node statementOf(Node n) {
        Node s = n;
        while (s.parent() != null && !s.parent().is("CompoundStmt")) {
            if (s.parent().is("FunctionDecl")) return null;
            s = s.parent();
        }
        return s.parent() == null ? null : s;
    }

    /**
     * The declaration of {@code v} with the type name: {@code struct pt v; }, {@code int v[3]; }; null when the name has
     * a declarator talent does not split (parentheses: a pointer to a function or to an array).
     */
    static String declaration(String type, String v) {
        if (type == null || type.indexOf('(') >= 0 || type.indexOf(')') >= 0) return null;
        int bracket = type.indexOf('[');
        return bracket < 0 ? type + " " + v + "; " : type.substring(0, bracket) + " " + v + type.substring(bracket) + "; ";
    }

    /** The type name as written, with a left-out array size filled in from clang's type; null if it cannot be. */
    static String typeName(String written, String qualType) {
        Matcher open = OPEN_ARRAY.matcher(written);
        if (!open.find()) return written;
        Matcher size = FIRST_SIZE.matcher(qualType);
        if (!size.find()) return null;
        return written.substring(0, open.start()) + "[" + size.group(1) + "]" + written.substring(open.end());
    }

    /**
     * True when the literal is one {@link #rewrite} made a frame variable of: the source of the copy into a
     * {@link #PREFIX} variable.
     */
    public static boolean carried(Node lit) {
        Node a = lit.parent();
        while (a != null && (a.is("ParenExpr") || a.is("ImplicitCastExpr") || (a.is("UnaryOperator") && "&".equals(a.attr("opcode"))))) {
            a = a.parent();
        }
        if (a == null || !a.is("CallExpr") || !"__builtin_memcpy".equals(Ast.directCallee(a)) || a.inner().size() != 4) return false;
        Node src = Ast.strip(a.child(2));
        Node dst = a.child(1);
        while (dst != null && (dst.is("CStyleCastExpr") || dst.is("ParenExpr") || dst.is("ImplicitCastExpr")) && !dst.inner().isEmpty()) {
            dst = dst.child(0);
        }
        if (src == null || !src.is("UnaryOperator") || src.inner().isEmpty() || Ast.strip(src.child(0)) != Ast.strip(lit)) return false;
        if (dst == null || !dst.is("UnaryOperator") || dst.inner().isEmpty()) return false;
        Node v = Ast.strip(dst.child(0));
        return v != null && v.is("DeclRefExpr") && v.referencedDecl().path("name").asText().startsWith(PREFIX);
    }

    /** A block-scope literal whose object may outlive the expression and that {@link #rewrite} could not carry. */
    public static boolean uncarried(Node lit) {
        return lit.is("CompoundLiteralExpr") && needsFrameObject(lit) && !carried(lit);
    }
}
