package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain calls of one statement or loop condition, in evaluation order, and how they are moved out.
 * {@code anchor} is the node the calls are evaluated before (statement, or the loop condition or increment
 * for the loop shapes); {@code statement} is the statement the code goes in front of.
 *
 * <p>{@code steps} is the normalised evaluation of the anchor's expression (docs/CODEGEN.md "Expression
 * normalisation"): the chain calls ({@link Step.Call}, in the order of {@code calls}) and, around them, what
 * C sequences with them: operands evaluated once into temporaries ({@link Step.Eval}), the right operand of
 * {@code &&}/{@code ||} ({@link Step.Logical}) and the arms of {@code ?:} ({@link Step.Choice}) under an
 * explicit {@code if}. {@code temps} are all temporaries (the calls' and the others) in declaration order;
 * {@code finalUses} the temporaries the rewritten anchor itself reads.
 */
public record Hoist(Shape shape, Node anchor, Node statement, List<ChainCall> calls, List<Step> steps,
                    List<Temp> temps, List<String> finalUses) {
    public enum Shape {
        /** {@code f(a);} or {@code v = f(a);}: label before, unwinding check after, no temporary. */
        DIRECT,
        /** temporaries assigned before the statement, calls replaced by the temporaries. */
        BEFORE_STATEMENT,
        /** {@code while (c)} becomes {@code for (;;) { <hoisted> if (!(c')) break; ... }}. */
        WHILE_CONDITION,
        /** {@code for (i; c; n)} becomes {@code for (i; ; n) { <hoisted> if (!(c')) break; ... }}. */
        FOR_CONDITION,
        /** {@code do B while (c);} becomes {@code for (;;) { B <hoisted> if (!(c')) break; }} (continue: goto). */
        DO_CONDITION,
        /** {@code for (i; c; n) B} becomes {@code for (i; c; ) { B <hoisted> n'; }} (continue: goto). */
        FOR_INCREMENT
    }

    /** A flat sequence of calls (each call's temporary read by the anchor). */
    public Hoist(Shape shape, Node anchor, Node statement, List<ChainCall> calls) {
        this(shape, anchor, statement, calls, flat(calls), tempsOf(calls), usesOf(calls));
    }

    private static List<Step> flat(List<ChainCall> calls) {
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) out.add(new Step.Call(i, List.of()));
        return out;
    }

    private static List<Temp> tempsOf(List<ChainCall> calls) {
        List<Temp> out = new ArrayList<>();
        for (ChainCall c : calls) if (c.temp() != null) out.add(new Temp(c.temp(), c.returnType(), c.call()));
        return out;
    }

    private static List<String> usesOf(List<ChainCall> calls) {
        List<String> out = new ArrayList<>();
        for (ChainCall c : calls) if (c.temp() != null) out.add(c.temp());
        return out;
    }

    /**
     * A call to a chain function, or to a library blocking function ({@code blocking}: a blocking site,
     * emitted in its retry loop); {@code temp} is null for DIRECT and void calls.
     */
    public record ChainCall(Node call, String temp, String returnType, boolean isVoid, boolean blocking) {}

    /** A compiler temporary: name, clang's type of the value it holds, the node it holds the value of. */
    public record Temp(String name, String type, Node node) {}

    /** One step of a normalised expression; {@code uses} are the temporaries the step's own text reads. */
    public sealed interface Step {
        /** Chain call {@code calls().get(index)}: resume label, {@code temp = call;}, unwinding check. */
        record Call(int index, List<String> uses) implements Step {}

        /** {@code temp = (expr');} (or {@code (void)(expr');} when temp is null); expr becomes temp. */
        record Eval(Node expr, String temp, List<String> uses) implements Step {}

        /**
         * {@code temp = (left') != 0; if (temp) { <right> temp = (right') != 0; }} for {@code &&}
         * ({@code if (!temp)} for {@code ||}); the operator becomes temp.
         */
        record Logical(Node op, String temp, boolean and, List<String> leftUses, List<Step> right,
                       List<String> rightUses) implements Step {}

        /**
         * {@code if (cond') { <then> temp = then'; } else { <els> temp = els'; }}; the operator becomes temp
         * ({@code (void)} arms and no temp when it is void).
         */
        record Choice(Node op, String temp, List<String> condUses, List<Step> then, List<String> thenUses,
                      List<Step> els, List<String> elsUses) implements Step {}
    }

    /** The temporary holding call i's result, or null. */
    public Temp tempNamed(String name) {
        for (Temp t : temps) if (t.name().equals(name)) return t;
        return null;
    }
}
