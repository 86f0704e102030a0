package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the chain calls of a chain function and decides how each is moved into its own statement
 * (docs/CODEGEN.md "A chain call" and "Expression normalisation"): in evaluation order, into temporaries,
 * before the statement, inside the loop for a loop condition, or at the end of the loop body for a do-while
 * condition or a for increment. A call in a conditionally evaluated position (right operand of {@code &&} /
 * {@code ||}, an arm of {@code ?:}, after a side effect in a comma expression) is placed under an explicit
 * {@code if} that keeps C's sequence points; an argument with a side effect (or a call) is evaluated once into
 * a temporary, since the call itself is issued again on restart. What has no such rewriting (a statement
 * expression, a call inside a macro expansion) is a build error with a remedy. Calls of library blocking
 * functions are hoisted the same way and become blocking sites; where they cannot be hoisted they stay plain
 * wrapper calls (a NOTE says so).
 */
public final class ChainCallHoisting {
    static final Set<String> ASSIGNMENTS = Set.of("=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=",
            "^=", "|=");

    private final FunctionModel f;
    private final CallGraph graph;
    private final Diagnostics diags;
    private final TranslationUnit tu;
    private int tempCounter;
    /** Blocking calls already reported as no site. */
    private final Set<Node> reportedBlocking = new HashSet<>();

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
                hoistBefore(s, s.child(0), s, Hoist.Shape.BEFORE_STATEMENT);
                for (int i = 1; i < s.inner().size(); i++) statement(s.child(i));
            }
            case "WhileStmt" -> {
                hoistBefore(s.child(0), s.child(0), s, Hoist.Shape.WHILE_CONDITION);
                statement(s.child(1));
            }
            case "DoStmt" -> {
                statement(s.child(0));
                hoistBefore(s.child(1), s.child(1), s, Hoist.Shape.DO_CONDITION);
            }
            case "ForStmt" -> {
                Node[] p = Ast.forParts(s);
                if (p[0] != null) hoistBefore(s, p[0], s, Hoist.Shape.BEFORE_STATEMENT);
                if (p[2] != null) hoistBefore(p[2], p[2], s, Hoist.Shape.FOR_CONDITION);
                if (p[3] != null && p[4] != null) hoistBefore(p[3], p[3], s, Hoist.Shape.FOR_INCREMENT);
                if (p[4] != null) statement(p[4]);
            }
            case "CaseStmt", "DefaultStmt", "LabelStmt", "AttributedStmt" -> statement(s.inner().getLast());
            case "ReturnStmt" -> { if (!s.inner().isEmpty()) hoistBefore(s, s, s, Hoist.Shape.BEFORE_STATEMENT); }
            case "DeclStmt" -> {
                if (!s.inner().isEmpty() && declaratorsIndependent(s)) hoistBefore(s, s, s, Hoist.Shape.BEFORE_STATEMENT);
            }
            case "BreakStmt", "ContinueStmt", "GotoStmt", "NullStmt", "GCCAsmStmt", "IndirectGotoStmt" -> { }
            default -> hoistBefore(s, s, s, Hoist.Shape.BEFORE_STATEMENT);
        }
    }

    /**
     * Normalises {@code expr} (a statement, a condition, an increment) and records the hoist; a lone call as
     * a statement of its own, or assigned to a plain variable, needs no temporary (shape DIRECT).
     */
    private void hoistBefore(Node anchor, Node expr, Node stmt, Hoist.Shape shape) {
        Norm n = new Norm();
        n.find(expr, expr);
        if (n.interesting.isEmpty()) return;
        if (!checkRewritable(stmt, n)) return;
        if ((shape == Hoist.Shape.DO_CONDITION || shape == Hoist.Shape.FOR_INCREMENT) && !continuesRewritable(stmt, n)) return;
        int tempsBefore = tempCounter;
        List<Hoist.Step> steps = new ArrayList<>();
        n.norm(expr, steps);
        if (n.calls.isEmpty()) return;
        if (shape == Hoist.Shape.BEFORE_STATEMENT && steps.size() == 1 && steps.getFirst() instanceof Hoist.Step.Call
                && isDirect(stmt, n.calls.getFirst().call())) {
            Hoist.ChainCall c = n.calls.getFirst();
            tempCounter = tempsBefore;   // no temporary: the numbering stays dense
            f.hoists.add(new Hoist(Hoist.Shape.DIRECT, stmt, stmt, List.of(new Hoist.ChainCall(c.call(), null,
                    c.returnType(), c.isVoid(), c.blocking()))));
            return;
        }
        List<String> finalUses = new ArrayList<>();
        for (Hoist.Temp t : n.pendingTemps()) finalUses.add(t.name());
        f.hoists.add(new Hoist(shape, anchor, stmt, List.copyOf(n.calls), steps, List.copyOf(n.temps), finalUses));
    }

    private boolean checkRewritable(Node stmt, Norm n) {
        if (tu.isRewritable(stmt)) return true;
        boolean onlyBlocking = true;
        for (Node c : n.interesting) onlyBlocking &= !graph.isChainCall(f, c);
        if (onlyBlocking) {
            for (Node c : n.interesting) notASite(c, "is in a statement written inside a macro expansion");
            return false;
        }
        boolean onlyIndirect = true;
        for (Node c : n.interesting) onlyIndirect &= !graph.isChainCall(f, c) || IndirectCalls.isIndirect(c);
        if (onlyIndirect) {
            for (Node c : n.interesting) {
                if (IndirectCalls.isIndirect(c)) suspend(c, "is in a statement written inside a macro expansion");
                else notASite(c, "is in a statement written inside a macro expansion");
            }
            return false;
        }
        diags.error(tu, stmt, "a call of a function that may checkpoint is written inside a macro expansion",
                "call the function outside the macro, or mark the callee '#pragma talent nocheckpoint'");
        return false;
    }

    /**
     * A do-while condition or a for increment with a call that may checkpoint moves to the end of the loop
     * body, so the loop's own {@code continue} statements become {@code goto}s to it: they must be rewritable.
     */
    private boolean continuesRewritable(Node loop, Norm n) {
        boolean anyChain = false;
        for (Node c : n.interesting) anyChain |= graph.isChainCall(f, c);
        if (n.interesting.isEmpty()) return true;
        for (Node c : continuesOf(loop)) {
            if (!tu.isMacroFree(c)) {
                if (!anyChain) {
                    for (Node b : n.interesting) notASite(b, "is in a loop whose 'continue' is written inside a macro expansion");
                    return false;
                }
                diags.error(tu, c, "'continue' inside a macro expansion in a loop whose "
                                + (loop.is("DoStmt") ? "condition" : "increment") + " calls a function that may checkpoint",
                        "write the continue outside the macro, or compute the "
                                + (loop.is("DoStmt") ? "condition" : "increment") + " at the end of the loop body");
                return false;
            }
        }
        return true;
    }

    /** The {@code continue} statements that continue {@code loop} (not an inner loop). */
    public static List<Node> continuesOf(Node loop) {
        List<Node> out = new ArrayList<>();
        collectContinues(Ast.loopBody(loop), out);
        return out;
    }

    private static void collectContinues(Node n, List<Node> out) {
        if (n.is("ContinueStmt")) {
            out.add(n);
            return;
        }
        if (Ast.isLoop(n)) return;
        for (Node c : n.inner()) collectContinues(c, out);
    }

    /**
     * The calls of a declaration are evaluated before it: a call in the initialiser of a declarator that reads
     * a variable declared by an earlier declarator of the same declaration would read it before it exists.
     */
    private boolean declaratorsIndependent(Node declStmt) {
        Set<String> declared = new HashSet<>();
        for (Node d : declStmt.inner()) {
            if (!d.is("VarDecl")) continue;
            // a declarator is in scope in its own initialiser: T *p = xmalloc(sizeof *p);
            declared.add(d.id());
            if (containsHoistable(d)) {
                List<Node> unevaluated = new ArrayList<>();
                Node[] bad = {null};
                d.walk(x -> {
                    if (bad[0] != null || !x.is("DeclRefExpr") || !declared.contains(Ast.referencedDeclId(x))) return;
                    if (inUnevaluatedOperand(x, d) && unevaluatedStandIn(x) != null && tu.isMacroFree(x)) unevaluated.add(x);
                    else bad[0] = x;
                });
                if (bad[0] != null) {
                    diags.error(tu, d, "the initialiser of '" + d.name() + "' calls a function that may checkpoint and reads '"
                                    + bad[0].referencedDecl().path("name").asText() + "', declared by the same declaration",
                            "declare '" + d.name() + "' in a declaration of its own"
                                    + (bad[0].referencedDecl().path("name").asText().equals(d.name())
                                    ? " and assign it the call's result in a statement after it" : ""));
                    return false;
                }
                for (Node x : unevaluated) f.unevaluatedSelfReferences.put(x, unevaluatedStandIn(x));
            }
        }
        return true;
    }

    /**
     * Under {@code sizeof}/{@code _Alignof} below {@code root}: not evaluated (a variably modified type is left out by
     * {@link #unevaluatedStandIn}), so the name may be replaced by any expression of its type.
     */
    private static boolean inUnevaluatedOperand(Node x, Node root) {
        for (Node a = x.parent(); a != null && a != root; a = a.parent()) if (a.is("UnaryExprOrTypeTraitExpr")) return true;
        return false;
    }

    /**
     * The call is moved before the declaration, where the name is not declared yet: {@code sizeof *p} becomes {@code
     * sizeof *(*(T *)0)}, an expression of the same type that is never evaluated. Null for a type this spelling does
     * not fit (an array, a function pointer, a variably modified or unnamed type).
     */
    static String unevaluatedStandIn(Node declRef) {
        String t = declRef.qualType();
        if (t.isEmpty() || t.contains("(") || t.contains("[") || t.contains(":")) return null;
        return "(*(" + t + " *)0)";
    }

    private boolean containsHoistable(Node n) {
        if (n.is("UnaryExprOrTypeTraitExpr")) return false;
        if (n.is("CallExpr") && (graph.isChainCall(f, n) || LibraryCalls.isBlockingCall(tu, graph, f, n))) return true;
        for (Node c : n.inner()) if (containsHoistable(c)) return true;
        return false;
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

    /** A library blocking call left where it is: the wrapper is called, but no checkpoint is taken there. */
    private void notASite(Node call, String why) {
        if (reportedBlocking.add(call)) {
            diags.note(tu, call, "call of '" + Ast.directCallee(call) + "' " + why + ": it is not a blocking site, so a "
                    + "checkpoint requested while it blocks waits for the next site after it returns");
        }
        f.blockingSites.remove(call);
    }

    /**
     * A call through a pointer that cannot be hoisted runs suspended (as a library's call of a callback does): a
     * checkpoint requested during it is taken at the next site after it returns. Correct, only later.
     */
    private void suspend(Node call, String why) {
        if (f.suspendedCalls.add(call)) {
            diags.warning(tu, call, "call through a function pointer " + why + ": a checkpoint requested while it runs "
                    + "waits until it returns", "make the call a statement of its own, outside macros and statement expressions");
        }
    }

    /**
     * A direct call that may checkpoint, written in a macro's arguments (assert(f(x)), isfinite(f(x))): the text of
     * the expansion cannot be rewritten without changing what the macro sees (assert's message is its argument's
     * text), so the whole invocation runs suspended instead. Correct, only later.
     */
    private void suspendMacro(Node call, Node invocation) {
        if (f.suspendedCalls.add(call)) {
            f.suspendedMacros.add(invocation);
            diags.warning(tu, call, "call of '" + Ast.directCallee(call) + "', which may checkpoint, inside a macro"
                    + " expansion: the macro runs suspended, and a checkpoint requested while it runs waits until it ends",
                    "call the function outside the macro to let it checkpoint");
        }
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

    static boolean hasSideEffects(Node e) {
        boolean[] found = {false};
        e.walk(n -> {
            if (n.is("CallExpr") || n.is("CompoundAssignOperator")
                    || (n.is("UnaryOperator") && n.attr("opcode").matches("\\+\\+|--"))
                    || (n.is("BinaryOperator") && n.attr("opcode").equals("="))) found[0] = true;
        });
        return found[0];
    }

    /** The normalisation of one expression: its steps, calls and temporaries (docs/CODEGEN.md). */
    private final class Norm {
        /** Calls to hoist: chain calls, and library blocking calls that become blocking sites. */
        final Set<Node> interesting = new LinkedHashSet<>();
        /** Nodes with an interesting call below them (inclusive). */
        final Set<Node> hasCall = new HashSet<>();
        final List<Hoist.ChainCall> calls = new ArrayList<>();
        final List<Hoist.Temp> temps = new ArrayList<>();
        /** Nodes replaced by a temporary (or by ((void)0)) in the rewritten text. */
        final Map<Node, String> replaced = new HashMap<>();
        /** Temporaries not yet read by a step, in creation order. */
        final List<Hoist.Temp> pending = new ArrayList<>();

        /** Collects the calls to hoist below n; reports those that cannot be. */
        void find(Node n, Node root) {
            if (n.is("UnaryExprOrTypeTraitExpr")) return; // sizeof/alignof: not evaluated
            // GNU a ?: b: clang repeats a under OpaqueValueExprs (the test and the value), which the AST loader empties;
            // a is evaluated once, as the operator's first operand, and only that one is rewritten
            if (n.is("OpaqueValueExpr")) return;
            for (Node c : n.inner()) find(c, root);
            if (!n.is("CallExpr")) return;
            boolean chain = graph.isChainCall(f, n);
            if (!chain && !LibraryCalls.isBlockingCall(tu, graph, f, n)) return;
            if (chain && IndirectCalls.isIndirect(n) && (!tu.isMacroFree(n) || noRewriting(n, root) != null)) {
                suspend(n, !tu.isMacroFree(n) ? "is inside a macro expansion" : noRewriting(n, root));
                return;
            }
            if (!tu.isMacroFree(n)) {
                if (chain) {
                    String why = MacroExpansions.whyNotSuspendable(tu, n);
                    if (why == null) {
                        suspendMacro(n, MacroExpansions.outermost(n));
                    } else {
                        diags.error(tu, n, "call of '" + Ast.directCallee(n) + "', which may checkpoint, inside a macro"
                                + " expansion that " + why, "call the function outside the macro");
                    }
                }
                return;   // a blocking call in a macro is not rewritten at all (IoCalls leaves it alone)
            }
            String problem = noRewriting(n, root);
            if (problem != null) {
                if (chain) {
                    diags.error(tu, n, "call of " + IndirectCalls.describe(n) + ", which may checkpoint, " + problem,
                            "assign the call's result to a variable in a statement of its own before this expression");
                } else {
                    notASite(n, problem);
                }
                return;
            }
            if (!chain) {
                if (reportedBlocking.contains(n)) return;
                f.blockingSites.add(n);
            }
            interesting.add(n);
            for (Node p = n; p != null; p = p.parent()) {
                if (!hasCall.add(p) || p == root) break;
            }
        }

        /** Why a call at this place cannot be moved out of the expression, or null. */
        private String noRewriting(Node call, Node root) {
            Node child = call;
            for (Node p = call.parent(); p != null && child != root; child = p, p = p.parent()) {
                switch (p.kind()) {
                    case "StmtExpr" -> {
                        String why = StatementExpressions.whyNotMoved(tu, p);
                        return "is inside a statement expression" + (why == null ? "" : " that talent cannot move out of its expression: " + why);
                    }
                    default -> { }
                }
            }
            return null;
        }

        void norm(Node e, List<Hoist.Step> out) {
            if (!hasCall.contains(e)) return;
            if (e.is("CallExpr")) {
                for (Node c : e.inner()) norm(c, out);
                if (!interesting.contains(e)) return;
                // a restart calls again: the arguments are evaluated again, so what has a side effect is
                // evaluated once, before the call (`f(i++)`)
                // a call through a pointer: the pointer is evaluated once into a temporary, saved with the frame by
                // its target's name, so that a restart calls the very function the checkpoint was taken in, even
                // when the callee changed what the expression reads (a handler replacing itself in a table)
                if (IndirectCalls.isIndirect(e) && !replaced.containsKey(e.child(0))) capture(e.child(0), out);
                for (Node a : Ast.callArguments(e)) if (impure(a)) capture(a, out);
                String type = e.qualType();
                boolean isVoid = isVoid(type);
                boolean blocking = !graph.isChainCall(f, e);
                // a value nobody reads (left of a comma, cast to void) needs no temporary: Csmith discards
                // struct results whose const members a temporary could not even be assigned
                String temp = isVoid || valueUnused(e) ? null : newTemp();
                List<String> uses = consume(e);
                calls.add(new Hoist.ChainCall(e, temp, type, isVoid, blocking));
                out.add(new Hoist.Step.Call(calls.size() - 1, uses));
                replaced(e, temp, type);
                return;
            }
            if (e.is("BinaryOperator")) {
                String op = e.attr("opcode");
                Node left = e.child(0);
                Node right = e.child(1);
                if ((op.equals("&&") || op.equals("||")) && hasCall.contains(right)) {
                    norm(left, out);
                    List<String> leftUses = consume(left);
                    String temp = newTemp();
                    List<Hoist.Step> rs = new ArrayList<>();
                    norm(right, rs);
                    List<String> rightUses = consume(right);
                    out.add(new Hoist.Step.Logical(e, temp, op.equals("&&"), leftUses, rs, rightUses));
                    replaced(e, temp, "int");
                    return;
                }
                if (op.equals(",") && hasCall.contains(right)) {
                    norm(left, out);
                    if (impure(left)) {
                        out.add(new Hoist.Step.Eval(left, null, consume(left)));
                        replaced.put(left, "");
                    }
                    norm(right, out);
                    return;
                }
            }
            if (e.is("BinaryConditionalOperator") && hasCall.contains(e)) {
                // GNU a ?: b: a once, into a temporary (unless it already is one), then the temporary when it is not
                // zero, else b: t = (a'); if (t) { v = (t); } else { <b> v = (b'); }
                Node common = e.child(0);
                Node other = e.inner().getLast();
                norm(common, out);
                if (!replaced.containsKey(common)) capture(common, out);
                String commonTemp = replaced.get(common);
                List<String> condUses = consume(common);
                List<Hoist.Step> es = new ArrayList<>();
                norm(other, es);
                List<String> elsUses = consume(other);
                String type = e.qualType();
                String temp = isVoid(type) ? null : newTemp();
                out.add(new Hoist.Step.Choice(e, temp, condUses, List.of(), commonTemp.isEmpty() ? List.of() : List.of(commonTemp),
                        es, elsUses));
                replaced(e, temp, type);
                return;
            }
            if (e.is("ConditionalOperator") && (hasCall.contains(e.child(1)) || hasCall.contains(e.child(2)))) {
                Node cond = e.child(0);
                norm(cond, out);
                List<String> condUses = consume(cond);
                List<Hoist.Step> ts = new ArrayList<>();
                norm(e.child(1), ts);
                List<String> thenUses = consume(e.child(1));
                List<Hoist.Step> es = new ArrayList<>();
                norm(e.child(2), es);
                List<String> elsUses = consume(e.child(2));
                String type = e.qualType();
                String temp = isVoid(type) ? null : newTemp();
                out.add(new Hoist.Step.Choice(e, temp, condUses, ts, thenUses, es, elsUses));
                replaced(e, temp, type);
                return;
            }
            for (Node c : e.inner()) norm(c, out);
        }

        private static boolean valueUnused(Node call) {
            Node child = call;
            Node p = call.parent();
            while (p != null && p.is("ParenExpr")) {
                child = p;
                p = p.parent();
            }
            if (p == null) return false;
            if (p.is("BinaryOperator") && p.attr("opcode").equals(",") && p.child(0) == child) return true;
            return p.is("CStyleCastExpr") && p.qualType().equals("void");
        }

        /** An argument that must not be evaluated again on restart: once, into a temporary, before the call. */
        private void capture(Node arg, List<Hoist.Step> out) {
            String type = arg.qualType();
            String temp = newTemp();
            out.add(new Hoist.Step.Eval(arg, temp, consume(arg)));
            replaced(arg, temp, type);
        }

        private void replaced(Node n, String temp, String type) {
            replaced.put(n, temp == null ? "" : temp);
            if (temp == null) return;
            Hoist.Temp t = new Hoist.Temp(temp, type, n);
            temps.add(t);
            pending.add(t);
        }

        private String newTemp() {
            tempCounter++;
            return "__talent_t" + tempCounter;
        }

        /** The pending temporaries inside n: read by the step that evaluates n's text. */
        private List<String> consume(Node n) {
            List<String> out = new ArrayList<>();
            for (var it = pending.iterator(); it.hasNext(); ) {
                Hoist.Temp t = it.next();
                if (t.node() == n || Ast.isStrictlyInside(t.node(), n)) {
                    out.add(t.name());
                    it.remove();
                }
            }
            return out;
        }

        List<Hoist.Temp> pendingTemps() {
            return pending;
        }

        /** True when evaluating n (its hoisted parts replaced) again would do something again. */
        boolean impure(Node n) {
            if (replaced.containsKey(n) || n.is("UnaryExprOrTypeTraitExpr")) return false;
            if (isSideEffect(n) || n.is("StmtExpr")) return true;
            if (n.is("CallExpr")) {
                String callee = Ast.directCallee(n);
                if (callee == null || !callee.startsWith("__builtin")) return true;
            }
            for (Node c : n.inner()) if (impure(c)) return true;
            return false;
        }
    }
}
