package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FrameVariables;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.Optional;
import java.util.Set;

/**
 * Strip mining (docs/CODEGEN.md "Strip-mined loops"), as HotSpot does for the safepoint polls of counted loops:
 * a counted loop {@code for (INIT; v OP B; v++)} (or {@code v--}) whose inner loops are all leaf loops, that is
 * not short and that calls nothing outside its inner loops tests talent_pending once per strip of
 * {@value #STRIP} iterations instead of once per iteration:
 *
 * <pre>
 * for (INIT; v OP B; ) {
 *   if (!talent_pending) { e = B, or v + 63 when B is farther; for (; v OP e; v++) BODY }  -- leaf loops versioned
 *   else for (once = 1; once; once = 0, v++) { SITE BODY }                                 -- one iteration
 * }
 * </pre>
 *
 * The strip's body keeps its leaf loops versioned (each tests talent_pending before it starts, and runs its
 * instrumented copy, whose site takes the checkpoint, when a request is pending), so a request that arrives
 * during a strip waits for the running leaf loop, as anywhere else, and then at most for the rest of the strip's
 * straight-line code: the body calls nothing outside its inner loops, so no iteration can block or run long
 * outside them. (Strips of the loop as written, with unversioned leaf loops, were tried and reverted: with leaf
 * loops of 80 ms each, a request waited for the whole strip.) The test per iteration was the whole cost of the
 * sieve kernels' prime loop ({@code for (i = 2; i <= limit; i++) if (!composite[i]) ...}: 1.3-1.5 times plain
 * gcc's time on a cache-resident array). Conditions, so that the strip runs exactly the iterations the loop
 * would: OP is {@code < <= > >=} with v on either side, v a local or parameter of type int, long, long long or
 * their unsigned forms whose address is never taken, that the body and condition do not assign, compared
 * without conversion (both operands of the same type); B is built from literals, enum constants, sizeof and
 * such locals only (so the body cannot change it); no {@code break} leaves the loop (it would leave only the
 * strip); the body is a block; the header calls nothing.
 */
final class StripMining {
    /** Iterations of a strip: the test of talent_pending costs 1/64 of one per iteration. */
    static final int STRIP = 64;

    private static final Set<String> INTEGER_TYPES = Set.of("int", "unsigned int", "long", "unsigned long",
            "long long", "unsigned long long");
    private static final Set<String> BOUND_OPERATORS = Set.of("+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^");

    private StripMining() {}

    /** What the rewrite needs of a strip-mined loop's header. */
    record Header(String variable, String op, Node bound, Node increment, Node start) {
        boolean ascending() { return op.startsWith("<"); }
    }

    /**
     * The header of loop when it is strip-mined: a loop that is not short, whose inner loops are leaf loops, that
     * calls nothing outside them, with a counted header; else empty.
     */
    static Optional<Header> of(FunctionModel f, Node loop, CallGraph graph, String text) {
        if (!LeafLoops.hasInnerLoop(loop) || !LeafLoops.isUnitCandidate(f, loop, graph, text) || ShortLoops.isShort(f, loop)
                || callsOutsideInnerLoops(loop)) {
            return Optional.empty();
        }
        return header(f, loop);
    }

    private static Optional<Header> header(FunctionModel f, Node loop) {
        if (!loop.is("ForStmt")) return Optional.empty();
        Node[] parts = Ast.forParts(loop);
        Node init = parts[0], conditionVariable = parts[1], cond = parts[2], inc = parts[3], body = parts[4];
        if (conditionVariable != null || cond == null || inc == null || body == null || !body.is("CompoundStmt")) {
            return Optional.empty();
        }
        TranslationUnit tu = f.unit;
        if (!tu.isRewritable(loop) || !tu.isMacroFree(inc)) return Optional.empty();
        Node c = Ast.strip(cond);
        if (!c.is("BinaryOperator") || c.inner().size() != 2) return Optional.empty();
        String op = c.attr("opcode");
        if (!Set.of("<", "<=", ">", ">=").contains(op)) return Optional.empty();
        // both operands of the comparison have the same type, and v's side is v itself (no conversion)
        String type = c.child(0).qualType();
        if (!type.equals(c.child(1).qualType()) || !INTEGER_TYPES.contains(desugared(c.child(0)))) return Optional.empty();
        // the counter is the variable the increment steps
        Node i = Ast.strip(inc);
        if (!i.is("UnaryOperator") || i.inner().isEmpty()) return Optional.empty();
        String v = counter(i.child(0));
        if (v == null) return Optional.empty();
        Node bound;
        if (v.equals(counter(c.child(0)))) {
            bound = c.child(1);
        } else if (v.equals(counter(c.child(1)))) {
            bound = c.child(0);
            op = ShortLoops.mirrored(op);
        } else {
            return Optional.empty();
        }
        if (!ShortLoops.isPlainLocal(f, v)) return Optional.empty();
        String step = i.attr("opcode");
        if (!((step.equals("++") && op.startsWith("<")) || (step.equals("--") && op.startsWith(">")))) return Optional.empty();
        if (ShortLoops.writes(cond, v) || ShortLoops.writes(body, v)) return Optional.empty();
        if (!isInvariant(f, loop, bound)) return Optional.empty();
        if (init != null && (contains(init, "CallExpr") || !referencesOnlyLocals(f, init))) return Optional.empty();
        if (!referencesOnlyLocals(f, cond)) return Optional.empty();
        if (breaksOut(loop, body)) return Optional.empty();
        return Optional.of(new Header(nameOf(f, v), op, bound, inc, start(f, loop, init, v, op, desugared(c.child(0)))));
    }

    /**
     * The loop's new body: {@code stripBody} is the body with its leaf loops versioned and no resume label (it
     * keeps the body's lines), {@code onceBody} the body with the loop's site and its labels, flattened onto the
     * last line; {@code id} makes the temporaries' names unique in the function. The loop's increment is
     * removed from its header separately.
     */
    static String body(Header h, String text, String stripBody, String onceBody, int id) {
        String incText = text.substring(h.increment().begin().offset(), Ast.rangeEnd(text, h.increment()));
        int boundStart = h.bound().begin().offset();
        String bound = "(" + text.substring(boundStart, Ast.rangeEnd(text, h.bound())) + ")";
        String v = h.variable();
        String e = "__talent_e" + id;
        String once = "__talent_o" + id;
        boolean inclusive = h.op().endsWith("=");
        // distance = how far the bound is; a distance that does not fit v's type is beyond any strip
        String distance = h.ascending() ? "__builtin_sub_overflow(" + bound + ", " + v + ", &" + e + ")"
                : "__builtin_sub_overflow(" + v + ", " + bound + ", &" + e + ")";
        String reach = "(__typeof__(" + v + ")) " + (inclusive ? STRIP - 1 : STRIP);
        String far = v + (h.ascending() ? " + " : " - ") + reach;
        String step = h.ascending() ? v + "++" : v + "--";
        String range = "";
        if (h.start() != null) {
            String a = "(" + text.substring(h.start().begin().offset(), Ast.rangeEnd(text, h.start())) + ")";
            range = "if (!(" + v + (h.ascending() ? " >= " : " <= ") + a + ")) __builtin_unreachable(); ";
        }
        String setup = range + "__typeof__(" + v + ") " + e + "; if (" + distance + " || " + e + (inclusive ? " >= " : " > ")
                + STRIP + ") " + e + " = " + far + "; else " + e + " = " + bound + "; ";
        return "{ if (__builtin_expect(!talent_pending, 1)) { " + setup + "for (; " + v + " " + h.op() + " " + e + "; "
                + step + ") " + stripBody + " } else { int " + once + "; for (" + once + " = 1; " + once + "; " + once + " = 0, "
                + LeafLoops.flatten(incText) + ") " + LeafLoops.flatten(onceBody) + " } }";
    }

    /**
     * A, when INIT sets v to an A the loop cannot change: v then never goes below A (above, counting down), a
     * range the strip's header hides from gcc (it knows i >= 0 from {@code for (i = 0; ...; i++)}, and then
     * divides {@code (i + j) * (i + j + 1) / 2} by a shift: without it, spectral-norm took 1.17 times as long).
     * Not given for an unsigned v compared with {@code <=} or {@code >=}: it may wrap around there, legally.
     */
    private static Node start(FunctionModel f, Node loop, Node init, String v, String op, String type) {
        if (init == null) return null;
        if (type.startsWith("unsigned") && op.endsWith("=")) return null;
        Node a = null;
        if (init.is("DeclStmt")) {
            for (Node d : init.inner()) {
                if (d.is("VarDecl") && d.id().equals(v) && d.inner().size() == 1) a = d.child(0);
            }
        } else {
            Node e = Ast.strip(init);
            if (e.is("BinaryOperator") && e.attr("opcode").equals("=") && v.equals(counter(e.child(0)))) a = e.child(1);
        }
        return a != null && isInvariant(f, loop, a) ? a : null;
    }

    private static String desugared(Node n) {
        String d = n.desugaredQualType();
        return d.isEmpty() ? n.qualType() : d;
    }

    /** The declaration id of v when e is v itself (parentheses and the load of its value aside), else null. */
    private static String counter(Node e) {
        Node n = e;
        while (n != null && (n.is("ParenExpr") || (n.is("ImplicitCastExpr") && n.attr("castKind").equals("LValueToRValue")))) {
            n = n.inner().isEmpty() ? null : n.child(0);
        }
        if (n == null || !n.is("DeclRefExpr")) return null;
        String kind = n.referencedDecl().path("kind").asText();
        return kind.equals("VarDecl") || kind.equals("ParmVarDecl") ? Ast.referencedDeclId(n) : null;
    }

    private static String nameOf(FunctionModel f, String declId) {
        Variable var = FrameVariables.byDeclId(f, declId);
        if (var == null) throw new IllegalStateException("no variable " + declId);
        return var.ref();
    }

    /** Literals, enum constants, sizeof, arithmetic, and locals the loop does not write: nothing can change it. */
    private static boolean isInvariant(FunctionModel f, Node loop, Node n) {
        switch (n.kind()) {
            case "IntegerLiteral", "CharacterLiteral" -> { return true; }
            // the operand of sizeof is not evaluated
            case "UnaryExprOrTypeTraitExpr" -> { return true; }
            case "ParenExpr", "ImplicitCastExpr", "CStyleCastExpr", "ConstantExpr" -> { }
            case "BinaryOperator" -> { if (!BOUND_OPERATORS.contains(n.attr("opcode"))) return false; }
            case "UnaryOperator" -> { if (!Set.of("-", "+", "~", "!").contains(n.attr("opcode"))) return false; }
            case "DeclRefExpr" -> {
                String kind = n.referencedDecl().path("kind").asText();
                if (kind.equals("EnumConstantDecl")) return true;
                String id = Ast.referencedDeclId(n);
                return (kind.equals("VarDecl") || kind.equals("ParmVarDecl")) && ShortLoops.isPlainLocal(f, id)
                        && !ShortLoops.writes(loop, id);
            }
            default -> { return false; }
        }
        for (Node c : n.inner()) if (!isInvariant(f, loop, c)) return false;
        return true;
    }

    /** Every variable the header names is a local or parameter (not a static the rewrite renames, not a global). */
    private static boolean referencesOnlyLocals(FunctionModel f, Node part) {
        boolean[] ok = {true};
        part.walk(n -> {
            if (!n.is("DeclRefExpr")) return;
            String kind = n.referencedDecl().path("kind").asText();
            if (kind.equals("EnumConstantDecl")) return;
            if (FrameVariables.byDeclId(f, Ast.referencedDeclId(n)) == null) ok[0] = false;
        });
        return ok[0];
    }

    /**
     * A call whose nearest enclosing loop is loop (builtins aside): it could block or run long, and a strip
     * would then keep a request waiting for as many of them as it has iterations.
     */
    private static boolean callsOutsideInnerLoops(Node loop) {
        boolean[] found = {false};
        Ast.loopBody(loop).walk(n -> {
            if (!n.is("CallExpr")) return;
            String callee = Ast.directCallee(n);
            if (callee != null && callee.startsWith("__builtin_")) return;
            Node p = n.parent();
            while (p != null && p != loop && !Ast.isLoop(p)) p = p.parent();
            if (p == loop) found[0] = true;
        });
        return found[0];
    }

    private static boolean contains(Node root, String kind) {
        boolean[] found = {false};
        root.walk(n -> {
            if (n.is(kind)) found[0] = true;
        });
        return found[0];
    }

    /** A break in body whose nearest enclosing loop or switch is loop. */
    private static boolean breaksOut(Node loop, Node body) {
        boolean[] found = {false};
        body.walk(n -> {
            if (!n.is("BreakStmt")) return;
            Node p = n.parent();
            while (p != null && p != loop && !Ast.isLoop(p) && !p.is("SwitchStmt")) p = p.parent();
            if (p == loop) found[0] = true;
        });
        return found[0];
    }
}
