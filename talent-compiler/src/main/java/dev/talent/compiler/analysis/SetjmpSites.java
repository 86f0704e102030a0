package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * The setjmp sites of a function, as {@link SetjmpCalls} rewrote them: for each, what the restore path needs to
 * re-execute it ({@code SetjmpRearm}): its number, the name it was called by, whether it is a sigsetjmp, and the
 * block its buffer lives in when that is a local of this function (a point outside that block, or before the
 * declaration, does not re-arm it: the buffer is dead there, and its memory may be another variable's).
 */
public final class SetjmpSites {
    private SetjmpSites() {}

    /** {@code scope} null: the buffer is a global or is reached through a pointer (checked at run time). */
    public record Site(int k, String name, boolean sig, Node scope, int declOffset) {
        /** True when the buffer may be alive at a point whose scope offset is {@code at}. */
        public boolean armableAt(int at) {
            return scope == null || (at > declOffset && at >= scope.begin().offset() && at <= scope.end().offset());
        }
    }

    public static void find(FunctionModel f) {
        f.setjmps.clear();
        if (f.body == null) return;
        f.body.walk(n -> {
            if (!n.is("BinaryOperator") || !n.attr("opcode").equals("=")) return;
            Node lhs = Ast.strip(n.child(0));
            if (lhs == null || !lhs.is("DeclRefExpr")) return;
            String b = lhs.referencedDecl().path("name").asText("");
            if (!b.startsWith(SetjmpCalls.PREFIX + "b_")) return;
            int k = Integer.parseInt(b.substring((SetjmpCalls.PREFIX + "b_").length()));
            Node[] call = {null};
            f.body.walk(c -> {
                if (call[0] == null && c.is("CallExpr") && SetjmpCalls.SETJMP.contains(String.valueOf(Ast.directCallee(c)))
                        && c.inner().size() > 1 && Ast.strip(c.child(1)) != null && Ast.strip(c.child(1)).is("DeclRefExpr")
                        && Ast.strip(c.child(1)).referencedDecl().path("name").asText("").equals(b)) {
                    call[0] = c;
                }
            });
            if (call[0] == null) throw new IllegalStateException("setjmp site " + k + " lost its call");
            String text = f.unit.text();
            int at = call[0].begin().offset();
            int e = at;
            while (e < text.length() && (Character.isLetterOrDigit(text.charAt(e)) || text.charAt(e) == '_')) e++;
            String name = text.substring(at, e);
            boolean sig = SetjmpCalls.SIG.contains(Ast.directCallee(call[0]));
            Node base = bufferBase(n.child(1));
            Node scope = null;
            int declOffset = 0;
            if (base != null) {
                Node decl = f.unit.byId(Ast.referencedDeclId(base));
                if (decl != null && decl.is("VarDecl") && decl.attr("storageClass").isEmpty() && decl.parent() != null
                        && decl.parent().is("DeclStmt") && decl.parent().parent() != null && decl.parent().parent().is("CompoundStmt")) {
                    scope = FrameVariables.scopeOf(decl);
                    declOffset = decl.position().offset();
                }
            }
            f.setjmps.add(new Site(k, name, sig, scope, declOffset));
        });
        f.setjmps.sort(java.util.Comparator.comparingInt(Site::k));
        // read by the re-arming code of every resume point, which the CFG does not see: saved wherever in scope
        if (!f.setjmps.isEmpty()) for (Variable v : f.variables) if (v.name.startsWith(SetjmpCalls.PREFIX)) v.addressTaken = true;
    }

    /** The variable whose object holds the buffer: x, x.f, x[i], (&x)->f; null through any other pointer. */
    static Node bufferBase(Node e) {
        while (true) {
            if (e == null) return null;
            if (e.is("ParenExpr") || e.is("ImplicitCastExpr") || e.is("CStyleCastExpr")) {
                e = e.child(0);
            } else if (e.is("MemberExpr") && !e.flag("isArrow")) {
                e = e.child(0);
            } else if (e.is("MemberExpr")) {
                Node p = Ast.strip(e.child(0));
                if (p == null || !p.is("UnaryOperator") || !p.attr("opcode").equals("&")) return null;
                e = p.child(0);
            } else if (e.is("ArraySubscriptExpr")) {
                Node arr = e.child(0).is("ImplicitCastExpr") && e.child(0).attr("castKind").equals("ArrayToPointerDecay")
                        ? e.child(0).child(0) : null;
                if (arr == null) return null;
                e = arr;
            } else if (e.is("DeclRefExpr")) {
                // a pointer variable (a jmp_buf parameter is one) reaches a buffer elsewhere
                return e.qualType().contains("*") && !e.qualType().contains("[") ? null : e;
            } else {
                return null;
            }
        }
    }
}
