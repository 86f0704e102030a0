package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.ChainCallHoisting;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Hoist;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;
import dev.talent.compiler.rewrite.RewritePlan.Rank;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The chain calls of a function that may checkpoint, as analysis.ChainCallHoisting planned them (docs/CODEGEN.md
 * "Expression normalisation"): a call that is a whole statement gets its resume label before it and its unwind
 * check after it; other calls are evaluated before their statement (or at the top of a loop turned into
 * {@code for (;;)}, at the end of a loop body for a do-while condition or a for increment) by normalised steps
 * into temporaries, which take the calls' places in the statement. A blocking call retries around its site.
 */
final class ChainCallHoists {
    private final RewritePlan plan;
    private final TypeResolver types;
    private final SiteCode siteCode;
    private final String text;

    ChainCallHoists(RewritePlan plan, TypeResolver types, SiteCode siteCode) {
        this.plan = plan;
        this.types = types;
        this.siteCode = siteCode;
        this.text = plan.original();
    }

    /** Every hoist of f, in order. */
    void emit(FunctionModel f) {
        f.unevaluatedSelfReferences.forEach((ref, standIn) -> plan.replace(ref.begin().offset(), Ast.rangeEnd(text, ref), standIn));
        for (Hoist h : f.hoists) emit(f, h);
    }

    private void emit(FunctionModel f, Hoist h) {
        Map<Hoist.ChainCall, Point> points = new HashMap<>();
        for (Point p : f.points) if (!p.isSite() && h.equals(p.hoist)) points.put(p.chainCall(), p);
        Node s = h.statement();
        if (h.shape() == Hoist.Shape.DIRECT) {
            Point p = points.get(h.calls().getFirst());
            if (p.isBlockingSite()) {
                plan.insert(s.begin().offset(), "for (;;) { " + siteCode.site(f, p) + " ", Rank.HOIST_OPEN);
                plan.insertClosing(Ast.statementEnd(text, s), " if (!talent_blocking_retry()) break; }", Rank.HOIST_CLOSE, s);
                return;
            }
            boolean braces = Statements.needsBraces(s);
            plan.insert(s.begin().offset(), (braces ? "{ " : "") + siteCode.restoreLabel(p), Rank.HOIST_OPEN);
            plan.insertClosing(Ast.statementEnd(text, s), " " + siteCode.unwindCheck(f, p) + (braces ? "}" : ""), Rank.HOIST_CLOSE, s);
            return;
        }
        StringBuilder decls = new StringBuilder();
        String code = steps(f, h, h.steps(), points, decls);
        String hoisted = decls + code;
        switch (h.shape()) {
            case BEFORE_STATEMENT -> {
                boolean braces = Statements.needsBraces(s);
                plan.insert(s.begin().offset(), (braces ? "{ " : "") + hoisted, Rank.HOIST_OPEN);
                if (braces) plan.insertClosing(Ast.statementEnd(text, s), " }", Rank.HOIST_CLOSE, s);
            }
            case WHILE_CONDITION -> {
                Node cond = h.anchor();
                int condEnd = Ast.rangeEnd(text, cond);
                int rparen = Ast.skipSpace(text, condEnd);
                if (rparen >= text.length() || text.charAt(rparen) != ')') throw new IllegalStateException("no ) after while condition");
                plan.replace(s.begin().offset(), cond.begin().offset(), "for (;;) { " + hoisted + "if (!(");
                plan.replace(rparen, rparen + 1, ")) break;");
                plan.insertClosing(Ast.statementEnd(text, Ast.loopBody(s)), " }", Rank.LOOP_TRANSFORM_CLOSE, Ast.loopBody(s));
            }
            case FOR_CONDITION -> {
                Node cond = h.anchor();
                String condText = renderNode(cond);
                removeForCondition(cond);
                Node body = Ast.loopBody(s);
                plan.insert(body.begin().offset(), "{ " + hoisted + "if (!(" + condText + ")) break; ", Rank.LOOP_TRANSFORM_OPEN);
                plan.insertClosing(Ast.statementEnd(text, body), " }", Rank.LOOP_TRANSFORM_CLOSE, body);
            }
            case DO_CONDITION -> {
                // do B while (c);  ->  for (;;) { __label__ L; B L: ; <hoisted> if (!(c')) break; }
                Node cond = h.anchor();
                Node body = Ast.loopBody(s);
                String condText = renderNode(cond);
                String[] label = continuesToLabel(s, h, points);
                plan.replace(s.begin().offset(), body.begin().offset(), "for (;;) ");
                plan.insert(body.begin().offset(), "{ " + label[0], Rank.LOOP_BODY_OPEN);
                plan.replaceRendered(Ast.statementEnd(text, body), Ast.statementEnd(text, s),
                        " " + label[1] + hoisted + "if (!(" + condText + ")) break; }");
            }
            case FOR_INCREMENT -> {
                // for (i; c; n) B  ->  for (i; c; ) { __label__ L; B L: ; <hoisted> (void)(n'); }
                Node inc = h.anchor();
                Node body = Ast.loopBody(s);
                String incText = renderNode(inc);
                String[] label = continuesToLabel(s, h, points);
                replaceNode(inc, "");
                plan.insert(body.begin().offset(), "{ " + label[0], Rank.LOOP_BODY_OPEN);
                plan.insertClosing(Ast.statementEnd(text, body), " " + label[1] + hoisted + "(void)(" + incText + "); }",
                        Rank.LOOP_BODY_CLOSE, body);
            }
            default -> throw new IllegalStateException(h.shape().toString());
        }
    }

    /**
     * A loop whose do-while condition or for increment moved to the end of its body: its continue statements
     * become gotos to a label there, local to the body's block (__label__) so that copies of the loop (resume
     * copies, versioning) do not define it twice. Returns the label's declaration and definition (both empty
     * when the loop has no continue: gcc warns about an unused label).
     */
    private String[] continuesToLabel(Node loop, Hoist h, Map<Hoist.ChainCall, Point> points) {
        List<Node> continues = ChainCallHoisting.continuesOf(loop);
        if (continues.isEmpty()) return new String[] {"", ""};
        String label = "__talent_c" + points.get(h.calls().getFirst()).id;
        for (Node c : continues) plan.replace(c.begin().offset(), Ast.rangeEnd(text, c), "goto " + label);
        return new String[] {"__label__ " + label + "; ", label + ": ; "};
    }

    /** Predicate for the boundary insertions of a node (wraps of it or of a part of it that starts or ends with it). */
    private static Predicate<Object> inside(Node n) {
        return o -> o instanceof Node x && (x == n || Ast.isStrictlyInside(x, n));
    }

    /** The rewritten text of an expression, with what is wrapped around it, on one line. */
    private String renderNode(Node n) {
        return plan.renderNode(n.begin().offset(), Ast.rangeEnd(text, n), inside(n)).replace("\n", " ");
    }

    private void replaceNode(Node n, String with) {
        plan.replaceNode(n.begin().offset(), Ast.rangeEnd(text, n), with, inside(n));
    }

    /**
     * Empties a for statement's condition, whose rendering moved into the body. When the normalisation already
     * replaced the whole condition (a call in the right operand of its {@code &&}), a second replacement of that
     * range is refused by the plan; the condition is then removed with the semicolons around it, a range that
     * merges the earlier replacement, which the rendering already holds.
     */
    private void removeForCondition(Node cond) {
        int from = cond.begin().offset(), to = Ast.rangeEnd(text, cond);
        boolean replacedWhole = plan.edits().stream().anyMatch(e -> e.start() == from && e.end() == to && from < to);
        if (replacedWhole) {
            int before = from - 1;
            while (before >= 0 && Character.isWhitespace(text.charAt(before))) before--;
            int after = Ast.skipSpace(text, to);
            if (before >= 0 && text.charAt(before) == ';' && after < text.length() && text.charAt(after) == ';') {
                plan.replaceRendered(before, after + 1, "; ;");
                return;
            }
        }
        replaceNode(cond, "");
    }

    /**
     * The code of normalised steps (docs/CODEGEN.md "Expression normalisation"); each node a step evaluates
     * is replaced by its temporary, whose declaration goes to {@code decls} (declared before all the code,
     * in the order the values are computed, so that each __typeof__ names only temporaries declared before).
     */
    private String steps(FunctionModel f, Hoist h, List<Hoist.Step> steps, Map<Hoist.ChainCall, Point> points,
                         StringBuilder decls) {
        StringBuilder code = new StringBuilder();
        for (Hoist.Step st : steps) {
            switch (st) {
                case Hoist.Step.Call c -> {
                    Hoist.ChainCall call = h.calls().get(c.index());
                    Point p = points.get(call);
                    String callText = renderNode(call.call());
                    if (p.isBlockingSite()) {
                        // talent.h: the site precedes the call inside its retry loop
                        decls.append("__typeof__(").append(callText).append(") ").append(call.temp()).append("; ");
                        code.append("for (;;) { ").append(siteCode.site(f, p)).append(" ").append(call.temp()).append(" = ")
                                .append(callText).append("; if (!talent_blocking_retry()) break; } ");
                        replaceNode(call.call(), call.temp());
                        continue;
                    }
                    code.append(siteCode.restoreLabel(p));
                    if (call.temp() != null) {
                        decls.append("__typeof__(").append(callText).append(") ").append(call.temp()).append("; ");
                        code.append(assign(call.temp(), callText, call.returnType()));
                        replaceNode(call.call(), call.temp());
                    } else {
                        code.append(callText).append("; ");
                        replaceNode(call.call(), "((void)0)");
                    }
                    code.append(siteCode.unwindCheck(f, p));
                }
                case Hoist.Step.Eval e -> {
                    String t = renderNode(e.expr());
                    if (e.temp() == null) {
                        code.append("(void)(").append(t).append("); ");
                        replaceNode(e.expr(), "((void)0)");
                    } else {
                        decls.append("__typeof__(((void)0, (").append(t).append("))) ").append(e.temp()).append("; ");
                        code.append(assign(e.temp(), "(" + t + ")", e.expr().qualType()));
                        replaceNode(e.expr(), e.temp());
                    }
                }
                case Hoist.Step.Logical l -> {
                    Node op = l.op();
                    String left = renderNode(op.child(0));
                    decls.append("int ").append(l.temp()).append("; ");
                    code.append(l.temp()).append(" = (").append(left).append(") != 0; if (").append(l.and() ? "" : "!")
                            .append(l.temp()).append(") { ");
                    code.append(steps(f, h, l.right(), points, decls));
                    code.append(l.temp()).append(" = (").append(renderNode(op.child(1))).append(") != 0; } ");
                    replaceNode(op, l.temp());
                }
                case Hoist.Step.Choice c -> {
                    Node op = c.op();
                    // GNU a ?: b: its first operand, already a temporary, is the test and the value when chosen (clang's
                    // second and third children are OpaqueValueExprs repeating it)
                    boolean gnu = op.is("BinaryConditionalOperator");
                    code.append("if (").append(renderNode(op.child(0))).append(") { ");
                    code.append(steps(f, h, c.then(), points, decls));
                    code.append(arm(c.temp(), renderNode(op.child(gnu ? 0 : 1)), op.qualType())).append("} else { ");
                    code.append(steps(f, h, c.els(), points, decls));
                    code.append(arm(c.temp(), renderNode(op.inner().getLast()), op.qualType())).append("} ");
                    if (c.temp() != null) {
                        decls.append("__typeof__(((void)0, (").append(renderNode(op)).append("))) ").append(c.temp()).append("; ");
                    }
                    replaceNode(op, c.temp() != null ? c.temp() : "((void)0)");
                }
            }
        }
        return code.toString();
    }

    private String arm(String temp, String value, String type) {
        return temp == null ? "(void)(" + value + "); " : assign(temp, "(" + value + ")", type);
    }

    /**
     * {@code temp = value;}, or for a struct or union a copy through memory: a struct with a const member
     * (Csmith writes them) cannot be assigned, but its value can initialise a variable and be copied.
     */
    private String assign(String temp, String value, String type) {
        boolean aggregate;
        try {
            var category = types.category(CTypeParser.parse(type));
            aggregate = category == TypeResolver.Category.STRUCT || category == TypeResolver.Category.UNION;
        } catch (RuntimeException e) {
            aggregate = false;
        }
        if (!aggregate) return temp + " = " + value + "; ";
        return "{ __typeof__(" + value + ") __talent_v = " + value + "; __builtin_memcpy((void *)&" + temp
                + ", (const void *)&__talent_v, sizeof " + temp + "); } ";
    }
}
