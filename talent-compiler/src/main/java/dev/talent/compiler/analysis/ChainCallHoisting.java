package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the chain calls of a chain function and decides how each is moved into its own statement
 * (docs/CODEGEN.md "A chain call"): in evaluation order, into temporaries, before the statement or inside
 * the loop for a loop condition. Calls that cannot be moved without changing what the program does are
 * build errors with a remedy. Calls of library blocking functions are hoisted the same way and become
 * blocking sites; where they cannot be hoisted they stay plain wrapper calls (a NOTE says so).
 */
public final class ChainCallHoisting {
    private static final Set<String> ASSIGNMENTS = Set.of("=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=",
            "^=", "|=");

    private final FunctionModel f;
    private final CallGraph graph;
    private final Diagnostics diags;
    private final TranslationUnit tu;
    private int tempCounter;
    /** Blocking calls already reported as no site (a condition is collected more than once). */
    private final java.util.Set<Node> reportedBlocking = new java.util.HashSet<>();

    private ChainCallHoisting(FunctionModel f, CallGraph graph, Diagnostics diags) {
        this.f = f;
        this.graph = graph;
        this.diags = diags;
        this.tu = f.unit;
    }

    public static void run(FunctionModel f, CallGraph graph, Diagnostics diags) {
        if (!f.chain || f.body == null) return;
        new ChainCallHoisting(f, graph, diags).statement(f.body);
    }

    private void statement(Node s) {
        switch (s.kind()) {
            case "CompoundStmt" -> s.inner().forEach(this::statement);
            case "IfStmt", "SwitchStmt" -> {
                hoistBefore(s, s.child(0), s);
                for (int i = 1; i < s.inner().size(); i++) statement(s.child(i));
            }
            case "WhileStmt" -> {
                List<Hoist.ChainCall> calls = calls(s.child(0));
                if (!calls.isEmpty() && checkRewritable(s, s.child(0))) {
                    f.hoists.add(new Hoist(Hoist.Shape.WHILE_CONDITION, s.child(0), s, withTemps(calls)));
                }
                statement(s.child(1));
            }
            case "DoStmt" -> {
                statement(s.child(0));
                for (Hoist.ChainCall c : calls(s.child(1))) {
                    if (c.blocking()) {
                        notASite(c.call(), "is in the condition of a do-while loop");
                        continue;
                    }
                    diags.error(tu, c.call(), "call of '" + Ast.directCallee(c.call())
                                    + "', which may checkpoint, in the condition of a do-while loop",
                            "compute the condition into a variable at the end of the loop body, e.g. "
                                    + "'int more = ...; } while (more);'");
                }
            }
            case "ForStmt" -> {
                Node[] p = Ast.forParts(s);
                if (p[0] != null) hoistBefore(s, p[0], s);
                if (p[2] != null) {
                    List<Hoist.ChainCall> calls = calls(p[2]);
                    if (!calls.isEmpty() && checkRewritable(s, p[2])) {
                        f.hoists.add(new Hoist(Hoist.Shape.FOR_CONDITION, p[2], s, withTemps(calls)));
                    }
                }
                if (p[3] != null) {
                    for (Hoist.ChainCall c : calls(p[3])) {
                        if (c.blocking()) {
                            notASite(c.call(), "is in the increment of a for loop");
                            continue;
                        }
                        diags.error(tu, c.call(), "call of '" + Ast.directCallee(c.call())
                                        + "', which may checkpoint, in the increment of a for loop",
                                "move the call to the end of the loop body");
                    }
                }
                if (p[4] != null) statement(p[4]);
            }
            case "CaseStmt", "DefaultStmt", "LabelStmt", "AttributedStmt" -> statement(s.inner().getLast());
            case "ReturnStmt", "DeclStmt" -> { if (!s.inner().isEmpty()) hoistBefore(s, s, s); }
            case "BreakStmt", "ContinueStmt", "GotoStmt", "NullStmt", "GCCAsmStmt", "IndirectGotoStmt" -> { }
            default -> expressionStatement(s);
        }
    }

    private void expressionStatement(Node e) {
        List<Hoist.ChainCall> calls = calls(e);
        if (calls.isEmpty() || !checkRewritable(e, e)) return;
        if (calls.size() == 1 && isDirect(e, calls.getFirst().call())) {
            f.hoists.add(new Hoist(Hoist.Shape.DIRECT, e, e, List.of(calls.getFirst())));
        } else {
            f.hoists.add(new Hoist(Hoist.Shape.BEFORE_STATEMENT, e, e, withTemps(calls)));
        }
    }

    private void hoistBefore(Node anchor, Node expr, Node stmt) {
        List<Hoist.ChainCall> calls = calls(expr);
        if (!calls.isEmpty() && checkRewritable(stmt, expr)) {
            f.hoists.add(new Hoist(Hoist.Shape.BEFORE_STATEMENT, anchor, stmt, withTemps(calls)));
        }
    }

    private boolean checkRewritable(Node stmt, Node expr) {
        if (!tu.isRewritable(stmt)) {
            boolean onlyBlocking = true;
            for (Hoist.ChainCall c : calls(expr)) onlyBlocking &= c.blocking();
            if (onlyBlocking) {
                for (Hoist.ChainCall c : calls(expr)) notASite(c.call(), "is in a statement written inside a macro expansion");
                return false;
            }
            diags.error(tu, expr, "a call of a function that may checkpoint is written inside a macro expansion",
                    "call the function outside the macro, or mark the callee '#pragma talent nocheckpoint'");
            return false;
        }
        return true;
    }

    /** `f(a);`, `(void)f(a);` or `v = f(a);` with v a plain variable. */
    private static boolean isDirect(Node stmt, Node call) {
        Node e = stripVoid(stmt);
        if (e == call) return true;
        if (e.is("BinaryOperator") && e.attr("opcode").equals("=")) {
            Node lhs = Ast.strip(e.child(0));
            return lhs.is("DeclRefExpr") && lhs.referencedDecl().path("kind").asText().endsWith("VarDecl")
                    && Ast.strip(e.child(1)) == call;
        }
        return false;
    }

    private static Node stripVoid(Node e) {
        while (e.is("ParenExpr") || (e.is("CStyleCastExpr") && e.qualType().equals("void"))) e = e.child(0);
        return e;
    }

    /**
     * Chain calls and blocking calls below expr in evaluation order; reports chain calls that cannot be
     * hoisted (errors) and blocking calls that therefore are no site (notes).
     */
    private List<Hoist.ChainCall> calls(Node expr) {
        List<Hoist.ChainCall> out = new ArrayList<>();
        collect(expr, expr, out);
        return out;
    }

    /** A library blocking call left where it is: the wrapper is called, but no checkpoint is taken there. */
    private void notASite(Node call, String why) {
        if (reportedBlocking.add(call)) {
            diags.note(tu, call, "call of '" + Ast.directCallee(call) + "' " + why + ": it is not a blocking site, so a "
                    + "checkpoint requested while it blocks waits for the next site after it returns");
        }
        f.blockingSites.remove(call);
    }

    /** Names the temporaries of hoisted non-void calls (function-wide numbering, in source order). */
    private List<Hoist.ChainCall> withTemps(List<Hoist.ChainCall> calls) {
        List<Hoist.ChainCall> out = new ArrayList<>();
        for (Hoist.ChainCall c : calls) {
            out.add(c.isVoid() ? c : new Hoist.ChainCall(c.call(), "__talent_t" + (++tempCounter), c.returnType(), false,
                    c.blocking()));
        }
        return out;
    }

    private void collect(Node n, Node root, List<Hoist.ChainCall> out) {
        if (n.is("UnaryExprOrTypeTraitExpr")) return; // sizeof/alignof: not evaluated
        for (Node c : n.inner()) collect(c, root, out);
        if (!n.is("CallExpr")) return;
        if (!graph.isChainCall(f, n)) {
            if (LibraryCalls.isBlockingCall(tu, graph, f, n)) collectBlocking(n, root, out);
            return;
        }
        String problem = unhoistableContext(n, root);
        if (problem != null) {
            diags.error(tu, n, "call of '" + Ast.directCallee(n) + "', which may checkpoint, " + problem,
                    "assign the call's result to a variable in a statement of its own before this expression");
            return;
        }
        if (!tu.isMacroFree(n)) {
            diags.error(tu, n, "call of '" + Ast.directCallee(n) + "', which may checkpoint, inside a macro expansion",
                    "call the function outside the macro");
            return;
        }
        checkArguments(n);
        String type = n.qualType();
        boolean isVoid = isVoid(type);
        out.add(new Hoist.ChainCall(n, null, type, isVoid, false));
    }

    /** A library blocking call becomes a blocking site when it can be hoisted like a chain call. */
    private void collectBlocking(Node n, Node root, List<Hoist.ChainCall> out) {
        if (!tu.isMacroFree(n)) return;   // not rewritten at all (IoCalls leaves macro expansions alone)
        String problem = unhoistableContext(n, root);
        if (problem == null && argumentSideEffect(n) != null) problem = "has a side effect in its arguments";
        if (problem != null) {
            notASite(n, problem);
            return;
        }
        if (reportedBlocking.contains(n)) return;
        f.blockingSites.add(n);
        out.add(new Hoist.ChainCall(n, null, n.qualType(), isVoid(n.qualType()), true));
    }

    /** The first increment, decrement or assignment in the call's arguments, or null. */
    private static Node argumentSideEffect(Node call) {
        Node[] found = {null};
        for (Node arg : Ast.callArguments(call)) {
            arg.walk(n -> {
                if (found[0] == null && isSideEffect(n)) found[0] = n;
            });
        }
        return found[0];
    }

    private static boolean isSideEffect(Node n) {
        return (n.is("UnaryOperator") && n.attr("opcode").matches("\\+\\+|--"))
                || ((n.is("BinaryOperator") || n.is("CompoundAssignOperator")) && ASSIGNMENTS.contains(n.attr("opcode")));
    }

    private static boolean isVoid(String type) {
        try {
            return CTypeParser.parse(type) instanceof CType.Builtin b && b.name().equals("void");
        } catch (RuntimeException e) {
            return type.equals("void");
        }
    }

    private String unhoistableContext(Node call, Node root) {
        Node child = call;
        for (Node p = call.parent(); p != null && child != root; child = p, p = p.parent()) {
            int i = p.inner().indexOf(child);
            switch (p.kind()) {
                case "BinaryOperator" -> {
                    String op = p.attr("opcode");
                    if ((op.equals("&&") || op.equals("||")) && i == 1) return "is the right operand of " + op;
                    if (op.equals(",") && i == 1 && hasSideEffects(p.child(0))) {
                        return "follows a side effect in a comma expression";
                    }
                }
                case "ConditionalOperator", "BinaryConditionalOperator" -> {
                    if (i > 0) return "is an operand of ?: that is not always evaluated";
                }
                case "StmtExpr" -> { return "is inside a statement expression"; }
                default -> { }
            }
        }
        return null;
    }

    private void checkArguments(Node call) {
        for (Node arg : Ast.callArguments(call)) {
            arg.walk(n -> {
                boolean sideEffect = (n.is("UnaryOperator") && n.attr("opcode").matches("\\+\\+|--"))
                        || ((n.is("BinaryOperator") || n.is("CompoundAssignOperator")) && ASSIGNMENTS.contains(n.attr("opcode")));
                if (sideEffect) {
                    diags.error(tu, n, "argument of '" + Ast.directCallee(call)
                                    + "', which may checkpoint, has a side effect (it is evaluated again on restart)",
                            "do the assignment or increment in a statement before the call");
                } else if (n.is("CallExpr") && n != call && !graph.isChainCall(f, n) && !f.blockingSites.contains(n)) {
                    String name = Ast.directCallee(n);
                    if (name != null && !name.startsWith("__builtin")) {
                        diags.warning(tu, n, "call of '" + name + "' in an argument of '" + Ast.directCallee(call)
                                        + "' is evaluated again when the program restarts at this call",
                                "if it has side effects, call it in a statement before");
                    }
                }
            });
        }
    }

    static boolean hasSideEffects(Node e) {
        boolean[] found = {false};
        e.walk(n -> {
            if (n.is("CallExpr") || n.is("CompoundAssignOperator")
                    || (n.is("UnaryOperator") && n.attr("opcode").matches("\\+\\+|--"))
                    || (n.is("BinaryOperator") && n.attr("opcode").equals("="))) found[0] = true;
        });
        return found[0];
    }
}
