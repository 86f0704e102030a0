package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which member of {@code epoll_data} an {@code epoll_ctl} call registers, decided from the program's text (issue 12):
 * {@code data.ptr} is a pointer, migrated like any pointer (translated for the destination's addresses), while
 * {@code data.fd}/{@code data.u32} and {@code data.u64} are numbers of 32 and 64 bits. The runtime never guesses it
 * from the value: the compiler passes the kind to {@code talent_epoll_ctl}, and a call whose kind it cannot tell is
 * refused at build time.
 *
 * <p>The event argument must be {@code &v} for a local {@code struct epoll_event v} of the calling function whose
 * address goes nowhere else (but {@code memset}, {@code epoll_ctl} and {@code epoll_wait}/{@code epoll_pwait}), and
 * never assigned as a whole. When every write of {@code v.data} in the function (assignments, the initializer's
 * designator) names one kind, that is the kind. When they name several, the kind is that of the write that is the
 * nearest earlier statement of the same block as the call, with no other write of {@code v.data} between them (it
 * reaches the call on every path); otherwise the call is refused. {@code EPOLL_CTL_DEL} registers nothing and needs
 * no kind.
 */
public final class EpollDataKind {
    /** talent.h's TALENT_EPOLL_DATA_*; NONE for a call that registers no data (DEL). */
    public enum Kind {
        NONE(0), INT32(1), U64(2), POINTER(3);

        public final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    /** The kind, or why it cannot be told. */
    public sealed interface Result permits Known, Unknown {}

    public record Known(Kind kind) implements Result {}

    public record Unknown(String why) implements Result {}

    private static final int EPOLL_CTL_DEL = 2;
    private static final Set<String> ADDRESS_USERS = Set.of("memset", "epoll_ctl", "epoll_wait", "epoll_pwait",
            "__builtin_memset");

    private EpollDataKind() {}

    /** The kind {@code call} (an epoll_ctl call in function body {@code body}) registers. */
    public static Result of(Node body, Node call) {
        List<Node> args = Ast.callArguments(call);
        if (args.size() != 4) return new Unknown("epoll_ctl is called with " + args.size() + " arguments");
        Node op = Ast.strip(args.get(1));
        if (op != null && op.is("IntegerLiteral") && op.attr("value").equals(Integer.toString(EPOLL_CTL_DEL))) {
            return new Known(Kind.NONE);
        }
        Node ev = Ast.strip(args.get(3));
        if (ev == null || !ev.is("UnaryOperator") || !ev.attr("opcode").equals("&") || ev.inner().isEmpty()) {
            return new Unknown("its event argument is not &v for a struct epoll_event variable v of this function, so the"
                    + " member of epoll_data it holds (data.ptr, a pointer, or data.fd/u32/u64, numbers) cannot be seen");
        }
        Node var = Ast.strip(ev.child(0));
        if (var == null || !var.is("DeclRefExpr") || !var.referencedDecl().path("kind").asText().equals("VarDecl")) {
            return new Unknown("its event argument is not &v for a struct epoll_event variable v of this function");
        }
        String id = Ast.referencedDeclId(var);
        String name = var.referencedDecl().path("name").asText();
        Node decl = localDecl(body, id);
        if (decl == null) {
            return new Unknown("'" + name + "' is not a local variable of this function: the member of its epoll_data"
                    + " written elsewhere cannot be seen");
        }
        List<Write> writes = new ArrayList<>();
        Node init = decl.inner().isEmpty() ? null : decl.child(decl.inner().size() - 1);
        if (init != null && init.is("InitListExpr") && init.inner().size() >= 2) {
            Node data = init.child(1);
            Kind k = data.is("InitListExpr") ? member(data.json().path("field").path("name").asText("")) : null;
            if (k != null) writes.add(new Write(k, decl));
        }
        String[] escape = {null};
        body.walk(n -> {
            if (n.is("BinaryOperator") && n.attr("opcode").equals("=") && !n.inner().isEmpty()) {
                Node lhs = Ast.strip(n.child(0));
                if (isVar(lhs, id)) escape[0] = "'" + name + "' is assigned as a whole";
                Kind k = dataMember(lhs, id);
                if (k != null) writes.add(new Write(k, n));
            } else if (n.is("UnaryOperator") && n.attr("opcode").equals("&") && !n.inner().isEmpty()
                    && isVar(Ast.strip(n.child(0)), id)) {
                Node user = enclosingCall(n);
                String callee = user == null ? null : Ast.directCallee(user);
                if (callee == null || !ADDRESS_USERS.contains(callee)) {
                    escape[0] = "the address of '" + name + "' is given to " + (callee == null ? "something" : callee)
                            + ", which may write its epoll_data";
                }
            }
        });
        if (escape[0] != null) return new Unknown(escape[0]);
        if (writes.isEmpty()) {
            return new Unknown("no member of '" + name + ".data' is written in this function");
        }
        Kind first = writes.getFirst().kind;
        if (writes.stream().allMatch(w -> w.kind == first)) return new Known(first);
        return nearest(call, writes, name);
    }

    private record Write(Kind kind, Node node) {}

    /** The kind of the write that is the nearest earlier statement of the call's block, none between. */
    private static Result nearest(Node call, List<Write> writes, String name) {
        String mixed = "both a pointer and a number are written to '" + name + ".data' in this function, and no single"
                + " write reaches this call on every path (the nearest earlier statement of its block)";
        Node stmt = call;
        while (stmt.parent() != null && !stmt.parent().is("CompoundStmt")) stmt = stmt.parent();
        Node block = stmt.parent();
        if (block == null) return new Unknown(mixed);
        int at = block.inner().indexOf(stmt);
        for (int i = at - 1; i >= 0; i--) {
            Node s = block.child(i);
            List<Write> inside = new ArrayList<>();
            for (Write w : writes) if (w.node == s || Ast.isStrictlyInside(w.node, s)) inside.add(w);
            if (inside.isEmpty()) continue;
            // the statement itself must be the write (an expression statement or the declaration), not a block or a
            // branch holding one
            Write w = inside.getLast();
            boolean direct = s == w.node || (s.is("DeclStmt") && w.node.parent() == s);
            return inside.size() == 1 && direct ? new Known(w.kind) : new Unknown(mixed);
        }
        return new Unknown(mixed);
    }

    private static Node localDecl(Node body, String id) {
        Node[] found = {null};
        body.walk(n -> {
            if (found[0] == null && n.is("VarDecl") && n.id().equals(id)) found[0] = n;
        });
        Node d = found[0];
        if (d == null || !d.qualType().equals("struct epoll_event") || d.attr("storageClass").equals("static")) return null;
        return d;
    }

    private static boolean isVar(Node n, String id) {
        return n != null && n.is("DeclRefExpr") && Ast.referencedDeclId(n).equals(id);
    }

    /** For {@code v.data.m}: the kind of m; else null. */
    private static Kind dataMember(Node lhs, String id) {
        if (lhs == null || !lhs.is("MemberExpr") || lhs.flag("isArrow") || lhs.inner().isEmpty()) return null;
        Node data = Ast.strip(lhs.child(0));
        if (data == null || !data.is("MemberExpr") || !data.name().equals("data") || data.flag("isArrow")
                || data.inner().isEmpty() || !isVar(Ast.strip(data.child(0)), id)) {
            return null;
        }
        return member(lhs.name());
    }

    private static Kind member(String m) {
        return switch (m) {
            case "ptr" -> Kind.POINTER;
            case "fd", "u32" -> Kind.INT32;
            case "u64" -> Kind.U64;
            default -> null;
        };
    }

    private static Node enclosingCall(Node n) {
        Node p = n.parent();
        while (p != null && (p.is("ImplicitCastExpr") || p.is("ParenExpr") || p.is("CStyleCastExpr"))) p = p.parent();
        return p != null && p.is("CallExpr") ? p : null;
    }
}
