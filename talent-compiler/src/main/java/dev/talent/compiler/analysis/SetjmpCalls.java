package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Rewrites each {@code setjmp} call site of a unit's text into a form whose jump buffer a restore can
 * re-establish (docs/CODEGEN.md "setjmp and longjmp"), before the text is analysed again:
 *
 * <pre>
 *   if (setjmp(E) == 0) A else B
 * becomes (on the same line)
 *   __talent_sjb_K = (E); __talent_sja_K = ++__talent_sjn; __talent_sju_K = talent_suspended;
 *   __talent_sjv_K = setjmp(__talent_sjb_K); __talent_sjl_K: talent_suspended = __talent_sju_K;
 *   if (__talent_sjv_K == 0) A else B
 * </pre>
 *
 * with the variables declared at the top of the function's body. The buffer's address and the order in which
 * sites were armed are frame variables (saved with every checkpoint, by their object and not by address); the
 * label is where a setjmp re-executed on the restore path ({@code SetjmpSites}, emitted at each resume point)
 * delivers a later longjmp. Only the forms C allows (C11 7.13.1.1) are taken; others are refused here.
 */
public final class SetjmpCalls {
    private SetjmpCalls() {}

    /** Library names of setjmp (after glibc's macros: setjmp -> _setjmp, sigsetjmp -> __sigsetjmp). */
    static final Set<String> SETJMP = Set.of("setjmp", "_setjmp", "sigsetjmp", "__sigsetjmp");
    static final Set<String> SIG = Set.of("sigsetjmp", "__sigsetjmp");
    private static final Set<String> RELATIONAL = Set.of("==", "!=", "<", ">", "<=", ">=");
    static final String PREFIX = "__talent_sj";
    private static final String UNUSED = " __attribute__((unused))";

    public record Result(String text, boolean changed) {}

    private record Edit(int at, int end, String text) {}

    public static Result rewrite(TranslationUnit tu, Diagnostics diags) {
        String text = tu.text();
        if (!text.contains("setjmp")) return new Result(text, false);
        List<Edit> edits = new ArrayList<>();
        int[] k = {0};
        for (Node top : tu.root().inner()) {
            if (!top.is("FunctionDecl") || Ast.functionBody(top) == null) continue;
            Node body = Ast.functionBody(top);
            List<Node> calls = new ArrayList<>();
            body.walk(n -> {
                if (n.is("CallExpr") && SETJMP.contains(String.valueOf(Ast.directCallee(n)))) calls.add(n);
            });
            if (calls.isEmpty()) continue;
            if (!tu.isRewritable(body) || !tu.isRewritable(top)) {
                diags.error(tu, calls.getFirst(), "setjmp in a function talent cannot rewrite (written by a macro)",
                        "write the function in the program's text");
                continue;
            }
            StringBuilder decls = new StringBuilder(" unsigned long " + PREFIX + "n" + UNUSED + " = 0;");
            boolean any = false;
            for (Node call : calls) {
                int site = ++k[0];
                String edit = site(tu, text, call, site, decls, edits, diags);
                if (edit != null) any = true;
            }
            if (!any) continue;
            edits.add(new Edit(body.begin().offset() + 1, body.begin().offset() + 1, decls.toString() + " "));
            edits.add(new Edit(top.begin().offset(), top.begin().offset(), "extern int talent_suspended; "
                    + "extern unsigned long long talent_sj_mask_get(void); "));
        }
        if (edits.isEmpty()) return new Result(text, false);
        edits.sort(Comparator.comparingInt(Edit::at).thenComparingInt(e -> e.end() - e.at()));
        StringBuilder out = new StringBuilder(text.length() + 256 * edits.size());
        int pos = 0;
        for (Edit e : edits) {
            if (e.at() < pos) throw new IllegalStateException("overlapping setjmp rewrites at offset " + e.at());
            out.append(text, pos, e.at()).append(e.text());
            pos = e.end();
        }
        out.append(text.substring(pos));
        return new Result(out.toString(), true);
    }

    /** One call: its form checked, its edits added; null (and an error) when it is refused. */
    private static String site(TranslationUnit tu, String text, Node call, int k, StringBuilder decls, List<Edit> edits,
                               Diagnostics diags) {
        String callee = Ast.directCallee(call);
        int begin = call.begin().offset();
        int nameEnd = begin;
        while (nameEnd < text.length() && (Character.isLetterOrDigit(text.charAt(nameEnd)) || text.charAt(nameEnd) == '_')) nameEnd++;
        String written = text.substring(begin, nameEnd);
        if (!tu.inMainFile(call.begin()) || !SETJMP.contains(written)) {
            diags.error(tu, call, "'" + callee + "' is called inside the arguments of a macro",
                    "call setjmp directly in the function's text, in one of the forms C allows");
            return null;
        }
        int open = Ast.skipSpace(text, nameEnd);
        if (open >= text.length() || text.charAt(open) != '(') {
            diags.error(tu, call, "'" + written + "' is not called directly", "call setjmp by its name");
            return null;
        }
        int close = Ast.matchParen(text, open);
        List<String> args = splitArguments(text.substring(open + 1, close));
        boolean sig = SIG.contains(callee);
        if (args.size() != (sig ? 2 : 1)) {
            diags.error(tu, call, "'" + written + "' with " + args.size() + " arguments", "check the call");
            return null;
        }
        // the form (C11 7.13.1.1): climb through parentheses, one '!' or one comparison with a constant
        Node cur = call;
        Node up = parentSkipping(cur);
        String form = "call";
        if (up != null && up.is("UnaryOperator") && up.attr("opcode").equals("!")) {
            cur = up;
            up = parentSkipping(cur);
            form = "!call";
        } else if (up != null && up.is("BinaryOperator") && RELATIONAL.contains(up.attr("opcode"))
                && isConstant(otherOperand(up, cur))) {
            cur = up;
            up = parentSkipping(cur);
            form = "comparison";
        }
        Node stmt;
        if (up != null && (up.is("IfStmt") || up.is("SwitchStmt")) && contains(up.child(0), cur)) {
            stmt = up;
        } else if (up != null && Ast.isLoop(up) && !contains(Ast.loopBody(up), cur)) {
            diags.error(tu, call, "'" + written + "' in the condition of a loop: talent re-arms a jump buffer where the"
                            + " function called setjmp, once, and a loop condition runs again at each iteration",
                    "call it once before the loop or in an if inside the loop body: 'for (;;) { if (" + written
                            + "(...) == 0) break; ... }'");
            return null;
        } else if (form.equals("call") && up != null && up.is("CStyleCastExpr") && up.qualType().equals("void")
                && isStatementContext(parentSkipping(up))) {
            stmt = up;
        } else if (form.equals("call") && up != null && up.is("BinaryOperator") && up.attr("opcode").equals("=")
                && up.child(1) != null && Ast.strip(up.child(1)) == call && isStatementContext(parentSkipping(up))) {
            stmt = up;
        } else if (form.equals("call") && up != null && up.is("VarDecl") && up.parent() != null && up.parent().is("DeclStmt")
                && up.parent().inner().size() == 1 && isStatementContext(up.parent().parent())) {
            stmt = up.parent();
        } else if (isStatementContext(up)) {
            stmt = cur;
        } else {
            diags.error(tu, call, "'" + written + "' is used inside a larger expression (" + (up == null ? "?" : up.kind())
                            + "): C allows setjmp only as the whole condition of an if or switch, compared there with a"
                            + " constant or negated with '!', or as a whole expression statement (C11 7.13.1.1)",
                    "write 'if (" + written + "(...) == 0) { ... } else { ... }' or 'int r; r = ...' after 'switch ("
                            + written + "(...))'");
            return null;
        }
        // a statement that is the call itself begins with the C library's macro, whose name was checked above
        if (stmt != call && !tu.isRewritable(stmt)) {
            diags.error(tu, call, "'" + written + "' in a statement written by a macro", "write the statement in the program's text");
            return null;
        }
        String b = PREFIX + "b_" + k;
        String v = PREFIX + "v_" + k;
        // the site's variables live where its buffer lives: a local buffer's block (so that they are neither saved
        // nor re-armed once the block has ended and its memory may hold other variables), else the whole function
        Node owner = localBufferDeclaration(tu, call);
        StringBuilder siteDecls = owner == null ? decls : new StringBuilder();
        // read by the re-arming code only where a resume point is in their scope: unused for gcc elsewhere
        siteDecls.append(" struct __jmp_buf_tag *").append(b).append(UNUSED).append(" = 0; unsigned long ").append(PREFIX).append("a_")
                .append(k).append(UNUSED).append(" = 0; int ").append(v).append(UNUSED).append(" = 0; int ").append(PREFIX).append("u_")
                .append(k).append(UNUSED).append(" = 0;");
        if (sig) siteDecls.append(" int ").append(PREFIX).append("s_").append(k).append(UNUSED).append(" = 0; unsigned long long ")
                .append(PREFIX).append("m_").append(k).append(UNUSED).append(" = 0;");
        if (owner != null) {
            int after = Ast.statementEnd(text, owner);
            edits.add(new Edit(after, after, siteDecls.toString()));
        }
        StringBuilder pre = new StringBuilder();
        pre.append(b).append(" = (").append(args.get(0).strip()).append("); ")
                .append(PREFIX).append("a_").append(k).append(" = ++").append(PREFIX).append("n; ")
                .append(PREFIX).append("u_").append(k).append(" = talent_suspended; ");
        if (sig) {
            pre.append(PREFIX).append("s_").append(k).append(" = (").append(args.get(1).strip()).append(") != 0; ")
                    .append(PREFIX).append("m_").append(k).append(" = ").append(PREFIX).append("s_").append(k)
                    .append(" ? talent_sj_mask_get() : 0; ");
            pre.append(v).append(" = ").append(written).append("(").append(b).append(", ").append(PREFIX).append("s_").append(k).append("); ");
        } else {
            pre.append(v).append(" = ").append(written).append("(").append(b).append("); ");
        }
        pre.append(PREFIX).append("l_").append(k).append(":").append(UNUSED).append("; talent_suspended = ").append(PREFIX).append("u_").append(k).append("; ");
        int stmtBegin = stmt.begin().offset();
        int stmtEnd = Ast.statementEnd(text, stmt);
        boolean block = isBlockContext(stmt.is("DeclStmt") ? stmt.parent() : parentSkipping(stmt), stmt);
        edits.add(new Edit(stmtBegin, stmtBegin, block ? pre.toString() : "{ " + pre));
        edits.add(new Edit(begin, close + 1, stmt == call ? "(void)" + v : v));
        if (!block) edits.add(new Edit(stmtEnd, stmtEnd, " }"));
        return form;
    }

    /** The declaration statement of the local variable whose object holds the call's buffer, if it is one. */
    private static Node localBufferDeclaration(TranslationUnit tu, Node call) {
        Node base = SetjmpSites.bufferBase(call.child(1));
        if (base == null) return null;
        Node decl = tu.byId(Ast.referencedDeclId(base));
        if (decl == null || !decl.is("VarDecl") || !decl.attr("storageClass").isEmpty()) return null;
        Node stmt = decl.parent();
        if (stmt == null || !stmt.is("DeclStmt") || stmt.parent() == null || !stmt.parent().is("CompoundStmt")
                || !tu.isRewritable(stmt)) {
            return null;
        }
        return stmt;
    }

    /** The parent, skipping parentheses and implicit casts. */
    private static Node parentSkipping(Node n) {
        Node p = n.parent();
        while (p != null && (p.is("ParenExpr") || p.is("ImplicitCastExpr") || p.is("FullExpr") || p.is("ConstantExpr"))) p = p.parent();
        return p;
    }

    private static Node otherOperand(Node binary, Node mine) {
        Node l = binary.child(0);
        Node r = binary.child(1);
        return contains(l, mine) ? r : l;
    }

    private static boolean contains(Node root, Node x) {
        for (Node p = x; p != null; p = p.parent()) if (p == root) return true;
        return false;
    }

    /** An integer constant expression of the simple kinds programs write: literals, enum constants, -literal. */
    private static boolean isConstant(Node e) {
        Node s = Ast.strip(e);
        if (s == null) return false;
        if (e.is("ConstantExpr")) return true;
        if (s.is("IntegerLiteral") || s.is("CharacterLiteral")) return true;
        if (s.is("DeclRefExpr") && s.referencedDecl().path("kind").asText().equals("EnumConstantDecl")) return true;
        return s.is("UnaryOperator") && (s.attr("opcode").equals("-") || s.attr("opcode").equals("+")) && isConstant(s.child(0));
    }

    /** Statement positions: a block, a label, a case, the branch of an if, a loop body. */
    private static boolean isStatementContext(Node up) {
        return up != null && (up.is("CompoundStmt") || up.is("LabelStmt") || up.is("CaseStmt") || up.is("DefaultStmt")
                || up.is("IfStmt") || Ast.isLoop(up));
    }

    /** True when text may be inserted before the statement without braces (its parent is a block or a label). */
    private static boolean isBlockContext(Node parent, Node stmt) {
        if (parent == null) return false;
        if (parent.is("CompoundStmt")) return true;
        if (parent.is("LabelStmt") || parent.is("CaseStmt") || parent.is("DefaultStmt")) {
            // the statement after the label; a case's constant is not a statement position
            return parent.inner().getLast() == stmt && isBlockContext(parentSkipping(parent), parent);
        }
        return false;
    }

    /** Top-level comma-separated arguments of a call's text. */
    static List<String> splitArguments(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                i++;
                while (i < s.length() && s.charAt(i) != c) {
                    if (s.charAt(i) == '\\') i++;
                    i++;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (!s.isBlank()) out.add(s.substring(start));
        return out;
    }
}
