package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link Cfg} of a function from its statements (compound, if, for, while, do, switch/case/
 * default, break, continue, return, goto/label), with one block per resume point placed where the point's
 * code runs. Uses and kills are conservative: any read is a use; a plain assignment of a whole variable that
 * the statement, condition or initialiser always performs (see {@link #kills}), or an initialised
 * declaration, kills. Address-taken
 * variables are not tracked (they are saved wherever they are in scope).
 */
public final class CfgBuilder {
    private final FunctionModel f;
    private final Cfg cfg = new Cfg();
    private final Map<String, List<Point>> pointsBefore = new HashMap<>();
    private final Map<String, List<Point>> pointsAtEnd = new HashMap<>();
    private final Map<String, Hoist> hoists = new HashMap<>();
    private final Map<Hoist, Map<Integer, Point>> callPoints = new HashMap<>();
    /** Expressions that hoists evaluate before their points, out of the statement that held them. */
    private final java.util.Set<Node> moved = new java.util.HashSet<>();
    private final Map<String, Variable> vars = new HashMap<>();
    private final Map<String, Cfg.Block> labels = new HashMap<>();
    private final Deque<Integer> breakTargets = new ArrayDeque<>();
    private final Deque<Integer> continueTargets = new ArrayDeque<>();
    private final Deque<List<Integer>> switchCases = new ArrayDeque<>();
    private final Deque<boolean[]> switchHasDefault = new ArrayDeque<>();

    private CfgBuilder(FunctionModel f) {
        this.f = f;
        for (Variable v : f.variables) if (!v.isTemp() && !v.addressTaken) vars.put(v.declId, v);
        for (Point p : f.points) {
            if (p.isSite() && p.site.anchor() == null) {
                pointsAtEnd.computeIfAbsent(p.site.block().id(), k -> new ArrayList<>()).add(p);
            } else if (p.isSite()) {
                pointsBefore.computeIfAbsent(p.site.anchor().id(), k -> new ArrayList<>()).add(p);
            } else {
                hoists.put(p.hoist.anchor().id(), p.hoist);
                markMoved(p.hoist.steps(), p.hoist);
                callPoints.computeIfAbsent(p.hoist, k -> new HashMap<>()).put(p.callIndex, p);
            }
        }
    }

    public static Cfg build(FunctionModel f) {
        CfgBuilder b = new CfgBuilder(f);
        b.cfg.exit = b.cfg.newBlock("exit").index;
        b.cfg.entry = b.stmt(f.body, b.cfg.exit);
        if (!f.setjmps.isEmpty()) {
            // a longjmp made while a call at a point runs (also after a restore, which re-arms the buffer there) lands
            // at the label of a setjmp site: what is live there is live at every point (docs/CODEGEN.md "setjmp")
            List<Integer> landings = new ArrayList<>();
            f.body.walk(n -> {
                if (n.is("LabelStmt") && n.name().startsWith(SetjmpCalls.PREFIX + "l_")) landings.add(b.label(n.attr("declId")).index);
            });
            for (Cfg.Block blk : b.cfg.blocks) if (blk.point != null) blk.succ.addAll(landings);
        }
        return b.cfg;
    }

    private int stmt(Node s, int next) {
        return prefixPoints(s, inner(s, next));
    }

    /**
     * Chains the points and steps evaluated before `anchor` in front of entry: sites first, then the anchor's
     * hoisted steps (docs/CODEGEN.md "Expression normalisation", branches of && || ?: included); the entry
     * block reads the temporaries the rewritten anchor reads.
     */
    private int prefixPoints(Node anchor, int entry) {
        Hoist h = hoists.get(anchor.id());
        if (h != null) {
            useTemps(cfg.block(entry), h.finalUses());
            entry = steps(h, h.steps(), entry);
        }
        List<Point> ps = pointsBefore.get(anchor.id());
        if (ps == null) return entry;
        for (int i = ps.size() - 1; i >= 0; i--) entry = pointBlock(ps.get(i), entry);
        return entry;
    }

    private void markMoved(List<Hoist.Step> steps, Hoist h) {
        for (Hoist.Step s : steps) {
            switch (s) {
                case Hoist.Step.Call c -> moved.add(h.calls().get(c.index()).call());
                case Hoist.Step.Eval e -> moved.add(e.expr());
                case Hoist.Step.Logical l -> moved.add(l.op());
                case Hoist.Step.Choice c -> moved.add(c.op());
            }
        }
    }

    private int steps(Hoist h, List<Hoist.Step> steps, int next) {
        int entry = next;
        for (int i = steps.size() - 1; i >= 0; i--) entry = step(h, steps.get(i), entry);
        return entry;
    }

    private int step(Hoist h, Hoist.Step s, int next) {
        return switch (s) {
            case Hoist.Step.Call c -> {
                int b = pointBlock(callPoints.get(h).get(c.index()), next);
                useTemps(cfg.block(b), c.uses());
                yield b;
            }
            case Hoist.Step.Eval e -> {
                Cfg.Block b = cfg.newBlock("eval");
                useTemps(b, e.uses());
                killTemp(b, e.temp());
                b.succ.add(next);
                yield b.index;
            }
            case Hoist.Step.Logical l -> {
                Cfg.Block assign = cfg.newBlock("logical-right");
                useTemps(assign, l.rightUses());
                killTemp(assign, l.temp());
                assign.succ.add(next);
                int right = steps(h, l.right(), assign.index);
                Cfg.Block test = cfg.newBlock("logical-test");
                useTemps(test, List.of(l.temp()));
                test.succ.add(right);
                test.succ.add(next);
                Cfg.Block left = cfg.newBlock("logical-left");
                useTemps(left, l.leftUses());
                killTemp(left, l.temp());
                left.succ.add(test.index);
                yield left.index;
            }
            case Hoist.Step.Choice c -> {
                Cfg.Block thenAssign = cfg.newBlock("choice-then");
                useTemps(thenAssign, c.thenUses());
                killTemp(thenAssign, c.temp());
                thenAssign.succ.add(next);
                Cfg.Block elsAssign = cfg.newBlock("choice-else");
                useTemps(elsAssign, c.elsUses());
                killTemp(elsAssign, c.temp());
                elsAssign.succ.add(next);
                Cfg.Block test = cfg.newBlock("choice-test");
                useTemps(test, c.condUses());
                test.succ.add(steps(h, c.then(), thenAssign.index));
                test.succ.add(steps(h, c.els(), elsAssign.index));
                yield test.index;
            }
        };
    }

    private void useTemps(Cfg.Block b, List<String> names) {
        for (String n : names) {
            Variable t = temp(n);
            if (t != null) b.use.set(t.id);
        }
    }

    private void killTemp(Cfg.Block b, String name) {
        if (name == null) return;
        Variable t = temp(name);
        if (t != null) b.kill.set(t.id);
    }

    private int pointBlock(Point p, int next) {
        Cfg.Block b = cfg.newBlock("point");
        b.point = p;
        if (!p.isSite() && p.chainCall().temp() != null) killTemp(b, p.chainCall().temp());
        b.succ.add(next);
        return b.index;
    }

    private Variable temp(String name) {
        for (Variable v : f.variables) if (v.isTemp() && v.name.equals(name)) return v;
        return null;
    }

    private int inner(Node s, int next) {
        return switch (s.kind()) {
            case "CompoundStmt" -> {
                int entry = next;
                List<Point> end = pointsAtEnd.get(s.id());
                if (end != null) for (int i = end.size() - 1; i >= 0; i--) entry = pointBlock(end.get(i), entry);
                for (int i = s.inner().size() - 1; i >= 0; i--) entry = stmt(s.child(i), entry);
                yield entry;
            }
            case "IfStmt" -> {
                Cfg.Block c = expr("if", s.child(0));
                int then = stmt(s.child(1), next);
                int els = s.inner().size() > 2 ? stmt(s.child(2), next) : next;
                c.succ.add(then);
                c.succ.add(els);
                yield c.index;
            }
            case "WhileStmt" -> {
                Cfg.Block c = expr("while", s.child(0));
                int cEntry = prefixPoints(s.child(0), c.index);
                int body = loopBody(s.child(1), next, cEntry);
                c.succ.add(body);
                c.succ.add(next);
                yield cEntry;
            }
            case "DoStmt" -> {
                Cfg.Block c = expr("do-while", s.child(1));
                int cEntry = prefixPoints(s.child(1), c.index);
                int body = loopBody(s.child(0), next, cEntry);
                c.succ.add(body);
                c.succ.add(next);
                yield body;
            }
            case "ForStmt" -> {
                Node[] p = Ast.forParts(s);
                Cfg.Block c = p[2] != null ? expr("for-cond", p[2]) : cfg.newBlock("for-cond");
                int cEntry = p[2] != null ? prefixPoints(p[2], c.index) : c.index;
                int cont = cEntry;
                if (p[3] != null) {
                    Cfg.Block inc = expr("for-inc", p[3]);
                    inc.succ.add(cEntry);
                    cont = prefixPoints(p[3], inc.index);
                }
                int body = loopBody(p[4], next, cont);
                c.succ.add(body);
                if (p[2] != null) c.succ.add(next);
                if (p[0] == null) yield cEntry;
                Cfg.Block init = p[0].is("DeclStmt") ? decl(p[0]) : expr("for-init", p[0]);
                init.succ.add(cEntry);
                yield init.index;
            }
            case "SwitchStmt" -> {
                Cfg.Block c = expr("switch", s.child(0));
                breakTargets.push(next);
                switchCases.push(new ArrayList<>());
                switchHasDefault.push(new boolean[1]);
                stmt(s.inner().getLast(), next);
                breakTargets.pop();
                c.succ.addAll(switchCases.pop());
                if (!switchHasDefault.pop()[0]) c.succ.add(next);
                yield c.index;
            }
            case "CaseStmt", "DefaultStmt" -> {
                int sub = stmt(s.inner().getLast(), next);
                Cfg.Block b = cfg.newBlock(s.kind());
                b.succ.add(sub);
                if (!switchCases.isEmpty()) {
                    switchCases.peek().add(b.index);
                    if (s.is("DefaultStmt")) switchHasDefault.peek()[0] = true;
                }
                yield b.index;
            }
            case "LabelStmt" -> {
                Cfg.Block l = label(s.attr("declId"));
                l.succ.add(stmt(s.child(0), next));
                yield l.index;
            }
            case "GotoStmt" -> {
                Cfg.Block b = cfg.newBlock("goto");
                b.succ.add(label(s.attr("targetLabelDeclId")).index);
                yield b.index;
            }
            case "BreakStmt" -> {
                Cfg.Block b = cfg.newBlock("break");
                b.succ.add(breakTargets.isEmpty() ? next : breakTargets.peek());
                yield b.index;
            }
            case "ContinueStmt" -> {
                Cfg.Block b = cfg.newBlock("continue");
                b.succ.add(continueTargets.isEmpty() ? next : continueTargets.peek());
                yield b.index;
            }
            case "ReturnStmt" -> {
                Cfg.Block b = s.inner().isEmpty() ? cfg.newBlock("return") : expr("return", s.child(0));
                b.succ.add(cfg.exit);
                yield b.index;
            }
            case "DeclStmt" -> {
                Cfg.Block b = decl(s);
                b.succ.add(next);
                yield b.index;
            }
            case "NullStmt" -> next;
            case "AttributedStmt" -> stmt(s.inner().getLast(), next);
            default -> {
                Cfg.Block b = expr("expr", s);
                kills(s, b.kill);
                b.succ.add(next);
                yield b.index;
            }
        };
    }

    private int loopBody(Node body, int breakTo, int continueTo) {
        breakTargets.push(breakTo);
        continueTargets.push(continueTo);
        int b = stmt(body, continueTo);
        breakTargets.pop();
        continueTargets.pop();
        return b;
    }

    private Cfg.Block label(String declId) {
        return labels.computeIfAbsent(declId, k -> cfg.newBlock("label"));
    }

    private Cfg.Block expr(String label, Node e) {
        Cfg.Block b = cfg.newBlock(label);
        uses(e, b.use);
        kills(e, b.kill);
        return b;
    }

    private Cfg.Block decl(Node declStmt) {
        Cfg.Block b = cfg.newBlock("decl");
        for (Node d : declStmt.inner()) {
            if (!d.is("VarDecl")) continue;
            for (Node init : d.inner()) {
                uses(init, b.use);
                kills(init, b.kill);
            }
            Variable v = vars.get(d.id());
            if (v != null && !d.attr("init").isEmpty()) b.kill.set(v.id);
        }
        return b;
    }

    /** Every read of a tracked variable; the target of a plain `x = ...` is not a read. */
    private void uses(Node e, BitSet use) {
        if (e.is("DeclRefExpr")) {
            Variable v = vars.get(Ast.referencedDeclId(e));
            if (v != null && !isAssignmentTarget(e) && !isVaStarted(e) && !isAttributeInitialised(e)) use.set(v.id);
        }
        for (Node c : e.inner()) uses(c, use);
    }

    /** The va_list that va_start or va_copy initialises: written, not read. */
    private static boolean isVaStarted(Node declRef) {
        Node child = declRef;
        Node p = declRef.parent();
        while (p != null && (p.is("ParenExpr") || p.is("ImplicitCastExpr"))) {
            child = p;
            p = p.parent();
        }
        return p != null && p.is("CallExpr") && p.inner().size() > 1 && p.child(1) == child
                && VaListBrackets.STARTS.contains(String.valueOf(Ast.directCallee(p)));
    }

    /** The attribute object that pthread_mutexattr_init and its like initialise: written, not read (ThreadAttributes). */
    private static boolean isAttributeInitialised(Node declRef) {
        Node p = declRef.parent();
        while (p != null && !p.is("CallExpr")) p = p.parent();
        return p != null && ThreadAttributes.initialised(p) == declRef;
    }

    private static boolean isAssignmentTarget(Node declRef) {
        Node child = declRef;
        Node p = declRef.parent();
        while (p != null && p.is("ParenExpr")) {
            child = p;
            p = p.parent();
        }
        return p != null && p.is("BinaryOperator") && p.attr("opcode").equals("=") && p.child(0) == child;
    }

    /**
     * Kills every plain assignment {@code v = ...} of a whole tracked variable that evaluating e always performs
     * (not under the right operand of && or ||, an arm of ?:, sizeof or a statement expression), so that a
     * variable assigned after a point before any read ({@code if ((p = malloc(n)) == NULL)}, {@code for (p = head;
     * ...)}) is not live there (issue 11, cause 4). Parts of e that a hoist evaluates before its points
     * ({@link #moved}) are not killed here: the rewritten statement no longer performs them.
     */
    private void kills(Node e, BitSet kill) {
        if (moved.contains(e) || e.is("UnaryExprOrTypeTraitExpr") || e.is("StmtExpr")) return;
        if (e.is("BinaryOperator") && (e.attr("opcode").equals("&&") || e.attr("opcode").equals("||"))) {
            kills(e.child(0), kill);
            return;
        }
        if (e.is("ConditionalOperator") || e.is("BinaryConditionalOperator")) {
            kills(e.child(0), kill);
            return;
        }
        for (Node c : e.inner()) kills(c, kill);
        if (e.is("CallExpr") && e.inner().size() > 1 && VaListBrackets.STARTS.contains(String.valueOf(Ast.directCallee(e)))) {
            Node ap = Ast.strip(e.child(1));
            if (ap.is("DeclRefExpr")) {
                Variable v = vars.get(Ast.referencedDeclId(ap));
                if (v != null) kill.set(v.id);
            }
        }
        Node attr = ThreadAttributes.initialised(e);
        if (attr != null) {
            Variable v = vars.get(Ast.referencedDeclId(attr));
            if (v != null) kill.set(v.id);
        }
        if (e.is("BinaryOperator") && e.attr("opcode").equals("=")) {
            Node lhs = e.child(0);
            while (lhs.is("ParenExpr")) lhs = lhs.child(0);
            if (lhs.is("DeclRefExpr")) {
                Variable v = vars.get(Ast.referencedDeclId(lhs));
                if (v != null) kill.set(v.id);
            }
        }
    }
}
