package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.FrameVariables;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.OptionalLong;

/**
 * A {@code for} loop whose header alone bounds it to a few iterations: {@code for (v = A; v OP B; STEP)} with
 * integer literals A and B, OP one of {@code < <= > >= !=}, STEP {@code ++v v++ --v v-- v += C v -= C} (C a
 * positive literal) towards B, v a local variable or parameter of the function whose address is never taken,
 * and v not assigned in the condition or the body. Such a
 * loop with leaf loops inside is versioned as a whole (docs/CODEGEN.md "Short loop nests"): the n-body kernel's
 * {@code for (i = 0; i < NBODIES; i++) for (j = i + 1; j < NBODIES; j++) ...} then tests talent_pending once per
 * call instead of once per outer iteration.
 */
final class ShortLoops {
    /** At most this many iterations: a request waits for at most this many runs of the inner loops. */
    static final long MAX_TRIPS = 16;

    private ShortLoops() {}

    static boolean isShort(FunctionModel f, Node loop) {
        OptionalLong trips = trips(f, loop);
        return trips.isPresent() && trips.getAsLong() <= MAX_TRIPS;
    }

    /** The number of iterations the header allows, when it is one of the forms above. */
    static OptionalLong trips(FunctionModel f, Node loop) {
        if (!loop.is("ForStmt")) return OptionalLong.empty();
        Node[] parts = Ast.forParts(loop);
        Node init = parts[0], conditionVariable = parts[1], cond = Ast.strip(parts[2]), inc = Ast.strip(parts[3]);
        if (init == null || conditionVariable != null || cond == null || inc == null) return OptionalLong.empty();
        String v;
        Long start;
        if (init.is("DeclStmt") && init.inner().size() == 1 && init.child(0).is("VarDecl")
                && init.child(0).inner().size() == 1) {
            v = init.child(0).id();
            start = literal(init.child(0).child(0));
        } else if (init.is("BinaryOperator") && init.attr("opcode").equals("=")) {
            v = variable(init.child(0));
            start = literal(init.child(1));
        } else {
            return OptionalLong.empty();
        }
        if (v == null || start == null || !isPlainLocal(f, v)) return OptionalLong.empty();
        Long step = step(inc, v);
        if (step == null || !cond.is("BinaryOperator")) return OptionalLong.empty();
        String op = cond.attr("opcode");
        Long bound;
        if (v.equals(variable(cond.child(0)))) {
            bound = literal(cond.child(1));
        } else if (v.equals(variable(cond.child(1)))) {
            bound = literal(cond.child(0));
            op = mirrored(op);
        } else {
            return OptionalLong.empty();
        }
        if (bound == null || op == null || writes(cond, v) || writes(Ast.loopBody(loop), v)) return OptionalLong.empty();
        long s = start, b = bound, d = step;
        long trips = switch (op) {
            case "<" -> d > 0 ? ceilDiv(b - s, d) : -1;
            case "<=" -> d > 0 ? ceilDiv(b - s + 1, d) : -1;
            case ">" -> d < 0 ? ceilDiv(s - b, -d) : -1;
            case ">=" -> d < 0 ? ceilDiv(s - b + 1, -d) : -1;
            // v != B ends only when the steps hit B exactly
            case "!=" -> (b - s) % d == 0 && (b - s) / d >= 0 ? (b - s) / d : -1;
            default -> -1;
        };
        return trips < 0 ? OptionalLong.empty() : OptionalLong.of(trips);
    }

    /** A local or parameter of f that nothing can change behind the loop's back (no pointer to it exists). */
    static boolean isPlainLocal(FunctionModel f, String declId) {
        Variable var = FrameVariables.byDeclId(f, declId);
        return var != null && !var.addressTaken;
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : Math.ceilDiv(a, b);
    }

    /** The operator with its operands swapped ({@code a < b} is {@code b > a}); null for another operator. */
    static String mirrored(String op) {
        return switch (op) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            case "!=" -> "!=";
            default -> null;
        };
    }

    /** The change of v by the increment expression, or null when it is not one of the forms above. */
    private static Long step(Node inc, String v) {
        if (inc.is("UnaryOperator") && v.equals(variable(inc.child(0)))) {
            return switch (inc.attr("opcode")) {
                case "++" -> 1L;
                case "--" -> -1L;
                default -> null;
            };
        }
        if (inc.is("CompoundAssignOperator") && v.equals(variable(inc.child(0)))) {
            Long c = literal(inc.child(1));
            if (c == null || c <= 0) return null;
            return switch (inc.attr("opcode")) {
                case "+=" -> c;
                case "-=" -> -c;
                default -> null;
            };
        }
        return null;
    }

    /** The declaration id of a plain integer variable reference, else null. */
    private static String variable(Node e) {
        Node n = Ast.strip(e);
        if (n == null || !n.is("DeclRefExpr")) return null;
        String kind = n.referencedDecl().path("kind").asText();
        if (!kind.equals("VarDecl") && !kind.equals("ParmVarDecl")) return null;
        return Ast.referencedDeclId(n);
    }

    /** The value of an integer literal (through casts, parentheses and a unary minus), else null. */
    private static Long literal(Node e) {
        Node n = Ast.strip(e);
        if (n == null) return null;
        if (n.is("UnaryOperator") && n.attr("opcode").equals("-")) {
            Long inner = literal(n.child(0));
            return inner == null ? null : -inner;
        }
        if (!n.is("IntegerLiteral")) return null;
        try {
            return Long.parseLong(n.attr("value"));
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    /** True when code under root assigns v, increments or decrements it (taking its address is excluded earlier). */
    static boolean writes(Node root, String v) {
        if (root == null) return false;
        boolean[] found = {false};
        root.walk(n -> {
            if (n.is("UnaryOperator")) {
                String op = n.attr("opcode");
                if ((op.equals("++") || op.equals("--")) && v.equals(variable(n.child(0)))) found[0] = true;
            } else if ((n.is("BinaryOperator") && n.attr("opcode").equals("=")) || n.is("CompoundAssignOperator")) {
                if (v.equals(variable(n.child(0)))) found[0] = true;
            }
        });
        return found[0];
    }
}
