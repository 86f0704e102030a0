package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.Optional;
import java.util.Set;

/**
 * Strip mining (docs/CODEGEN.md "Strip-mined loops"), as HotSpot does for the safepoint polls of counted loops:
 * a counted loop {@code for (INIT; v OP B; v++)} (or {@code v--}) whose inner loops are all leaf loops and that
 * is not short tests talent_pending once per strip of iterations instead of once per iteration:
 *
 * <pre>
 * { long k = 64; unsigned long long t = 0;
 *   for (INIT; v OP B; ) {
 *     if (!talent_pending) { n = next strip length; e = B or v + n; for (; v OP e; v++) BODY }  -- as written
 *     else for (once; once; once = 0, v++) { SITE BODY-with-sites }                             -- one iteration
 * } }
 * </pre>
 *
 * The first strip is 64 iterations; then the runtime (talent_strip_next) doubles or halves the length so that a
 * strip takes about a millisecond: a request waits that long whatever an iteration costs. The test per
 * iteration was the whole cost of the sieve kernel's prime loop ({@code for (i = 2; i <= limit; i++) if
 * (!composite[i]) ...}: 1.4-1.6 times plain gcc's time on a cache-resident array). Conditions, so that the
 * strip runs exactly the iterations the loop would: OP is {@code < <= > >=} with v on either side, v a local or
 * parameter of type int, long, long long or their unsigned forms whose address is never taken, that the body
 * and condition do not assign, compared without conversion (both operands of the same type); B is built from
 * literals, enum constants, sizeof and such locals only (so the body cannot change it); no {@code break}
 * leaves the loop (it would leave only the strip); the body is a block; the header calls nothing.
 */
final class StripMining {
    /** Iterations of a loop's first strip; the runtime adapts the next ones (talent_strip_next). */
    static final int FIRST_STRIP = 64;

    private static final Set<String> INTEGER_TYPES = Set.of("int", "unsigned int", "long", "unsigned long",
            "long long", "unsigned long long");
    private static final Set<String> BOUND_OPERATORS = Set.of("+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^");

    private StripMining() {}

    /** What the rewrite needs of a strip-mined loop's header. */
    record Header(String variable, String op, Node bound, Node increment) {
        boolean ascending() { return op.startsWith("<"); }
    }

    /** True when loop is strip-mined: a non-short loop whose inner loops are leaf loops, with a counted header. */
    static boolean applies(FunctionModel f, Node loop, CallGraph graph, String text) {
        return LeafLoops.hasInnerLoop(loop) && LeafLoops.isUnitCandidate(f, loop, graph, text)
                && !ShortLoops.isShort(f, loop) && header(f, loop).isPresent();
    }

    static Optional<Header> header(FunctionModel f, Node loop) {
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
            op = switch (op) {
                case "<" -> ">";
                case "<=" -> ">=";
                case ">" -> "<";
                default -> "<=";
            };
        } else {
            return Optional.empty();
        }
        if (!isPlainLocal(f, v)) return Optional.empty();
        String step = i.attr("opcode");
        if (!(step.equals("++") && op.startsWith("<") || step.equals("--") && op.startsWith(">"))) return Optional.empty();
        if (ShortLoops.writes(cond, v) || ShortLoops.writes(body, v)) return Optional.empty();
        if (!isInvariant(f, loop, bound)) return Optional.empty();
        if (init != null && (contains(init, "CallExpr") || !referencesOnlyLocals(f, init))) return Optional.empty();
        if (!referencesOnlyLocals(f, cond)) return Optional.empty();
        if (breaksOut(loop, body)) return Optional.empty();
        return Optional.of(new Header(nameOf(f, v), op, bound, inc));
    }

    /**
     * The loop as emitted: {@code header} is the loop's text up to its body, {@code plainBody} the body as
     * written (it keeps its lines), {@code instrumentedBody} the body with its sites (flattened onto the last
     * line), {@code id} makes the two temporaries' names unique in the function.
     */
    static String rewrite(Header h, String header, int headerStart, String text, String plainBody,
                          String instrumentedBody, int id) {
        int incStart = h.increment().begin().offset();
        int incEnd = Ast.rangeEnd(text, h.increment());
        String incText = text.substring(incStart, incEnd);
        String headerWithoutIncrement = header.substring(0, incStart - headerStart) + header.substring(incEnd - headerStart);
        int boundStart = h.bound().begin().offset();
        String bound = "(" + text.substring(boundStart, Ast.rangeEnd(text, h.bound())) + ")";
        String v = h.variable();
        String e = "__talent_e" + id;
        String n = "__talent_n" + id;
        String length = "__talent_k" + id;
        String started = "__talent_t" + id;
        String once = "__talent_o" + id;
        boolean inclusive = h.op().endsWith("=");
        // the first strip runs without asking the clock (a loop of a few iterations never does); after a restart
        // into the loop both variables are uninitialised, and the runtime sanitises them
        String strip = "long " + n + " = " + started + " ? talent_strip_next(&" + length + ", &" + started + ") : ("
                + started + " = 1, " + FIRST_STRIP + "L); ";
        // distance = how far the bound is; a distance that does not fit v's type is beyond any strip
        String distance = h.ascending() ? "__builtin_sub_overflow(" + bound + ", " + v + ", &" + e + ")"
                : "__builtin_sub_overflow(" + v + ", " + bound + ", &" + e + ")";
        String reach = "(__typeof__(" + v + ")) " + (inclusive ? "(" + n + " - 1)" : n);
        String far = v + (h.ascending() ? " + " : " - ") + reach;
        String step = h.ascending() ? v + "++" : v + "--";
        String setup = strip + "__typeof__(" + v + ") " + e + "; if (" + distance + " || " + e + (inclusive ? " >= " : " > ")
                + n + ") " + e + " = " + far + "; else " + e + " = " + bound + "; ";
        return "{ long " + length + " = " + FIRST_STRIP + "; unsigned long long " + started + " = 0; "
                + headerWithoutIncrement + "{ if (__builtin_expect(!talent_pending, 1)) { " + setup + "for (; " + v + " "
                + h.op() + " " + e + "; " + step + ") " + plainBody + " } else { for (int " + once + " = 1; " + once
                + "; " + once + " = 0, " + LeafLoops.flatten(incText) + ") " + LeafLoops.flatten(instrumentedBody) + " } } }";
    }

    private static String desugared(Node n) {
        String d = n.desugaredQualType();
        return d.isEmpty() ? n.qualType() : d;
    }

    /** The declaration id of v when e is v itself (parentheses and the load of its value aside), else null. */
    private static String counter(Node e) {
        Node n = e;
        while (n != null && (n.is("ParenExpr") || n.is("ImplicitCastExpr") && n.attr("castKind").equals("LValueToRValue"))) {
            n = n.inner().isEmpty() ? null : n.child(0);
        }
        if (n == null || !n.is("DeclRefExpr")) return null;
        String kind = n.referencedDecl().path("kind").asText();
        return kind.equals("VarDecl") || kind.equals("ParmVarDecl") ? Ast.referencedDeclId(n) : null;
    }

    private static boolean isPlainLocal(FunctionModel f, String declId) {
        for (Variable var : f.variables) if (var.declId.equals(declId)) return !var.addressTaken;
        return false;
    }

    private static String nameOf(FunctionModel f, String declId) {
        for (Variable var : f.variables) if (var.declId.equals(declId)) return var.name;
        throw new IllegalStateException("no variable " + declId);
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
                return (kind.equals("VarDecl") || kind.equals("ParmVarDecl")) && isPlainLocal(f, id)
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
            String id = Ast.referencedDeclId(n);
            boolean local = false;
            for (Variable var : f.variables) if (var.declId.equals(id)) local = true;
            if (!local) ok[0] = false;
        });
        return ok[0];
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
