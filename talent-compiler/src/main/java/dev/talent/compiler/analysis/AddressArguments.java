package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An integer made from an address and passed to a function of the program (issue 11; Unity's
 * {@code TEST_ASSERT_EQUAL_PTR} passes {@code (UNITY_INT)(ptr)} to {@code UnityAssertEqualNumber}). Its value is
 * correct after a restore as long as it never meets an address of the restored process and never decides where
 * data goes: the callee's definition (the whole program the link sees, {@link CallGraph}) is looked into, and the
 * parameter, with every local of the callee it is copied into and every value computed from it by arithmetic, may
 * only be
 * <ul>
 * <li>compared with a constant, a null pointer converted, or (while no checkpoint can have been taken since the
 * call) with another value made from an address at the same call, or used as a truth value;</li>
 * <li>used in integer arithmetic whose result is used in these ways;</li>
 * <li>copied into a local of the callee (not static, its address never taken), whose uses are checked the same;</li>
 * <li>printed: an argument of {@code printf}/{@code fprintf}/{@code dprintf} or of a character output function
 * ({@code putchar}, {@code putc}, {@code fputc}): an address printed differs from run to run natively too;</li>
 * <li>passed on to another function of the program whose parameter satisfies the same, recursively.</li>
 * </ul>
 * Refused, naming the callee, its parameter, the use and its place: stored anywhere but such a local (a global, a
 * static, a member, through a pointer), returned, converted to a pointer, used as an index or in pointer
 * arithmetic, passed to a function the program does not define (or through a pointer, or as a variadic
 * argument), or compared with another address-made value after a point where a checkpoint may be taken in the
 * callee (a site, a call that may checkpoint): the restored frame holds the old address while the other value may
 * be the new one. A comparison with a constant and printing stay correct after a checkpoint: the value is the
 * address as it was at the call, and a printed address is arbitrary natively. A call that runs suspended (inside
 * a macro expansion talent keeps, from a {@code nocheckpoint} function) or of a function that never checkpoints has
 * no checkpoint while the callee runs.
 */
final class AddressArguments {
    static final int MAX_DEPTH = 16;
    private static final Set<String> CHAR_OUTPUT = Set.of("putchar", "putc", "fputc", "putchar_unlocked",
            "putc_unlocked", "fputc_unlocked", "_IO_putc");

    private final CallGraph graph;
    private final Map<String, String> verdicts = new HashMap<>();
    private final Set<String> inProgress = new HashSet<>();
    private final Map<FunctionModel, Checkpoints> checkpoints = new HashMap<>();

    AddressArguments(CallGraph graph) {
        this.graph = graph;
    }

    /**
     * Null when argument {@code argIndex} of {@code call} (in {@code from}), a value made from an address, stays
     * correct after a restore; else the refused use, as "passed to 'f', whose parameter 'p' is ...".
     */
    String refusal(FunctionModel from, Node call, int argIndex) {
        return refusal(from, call, argIndex, false, false, 0, null);
    }

    /** {@code context}: the uses being checked in {@code from}, which tell its parameters' and locals' classes. */
    private String refusal(FunctionModel from, Node call, int argIndex, boolean frozen, boolean suspended, int depth,
            ParameterUses context) {
        String name = Ast.directCallee(call);
        if (name == null) return "passed to a function through a pointer";
        FunctionModel c = graph.resolve(from, name);
        if (c == null || c.body == null) return "passed to '" + name + "', a function the program does not define";
        List<Node> params = Ast.parameters(c.decl);
        if (argIndex >= params.size()) return "passed to '" + name + "' as a variadic argument";
        if (depth >= MAX_DEPTH) return "passed on through more than " + MAX_DEPTH + " calls (to '" + name + "')";
        List<Node> args = Ast.callArguments(call);
        boolean susp = suspended || from.noCheckpoint || from.suspendedCalls.contains(call) || !c.chain || c.noCheckpoint;
        boolean frz = frozen;
        StringBuilder classes = new StringBuilder();
        for (int j = 0; j < args.size() && j < params.size(); j++) {
            Node a = args.get(j);
            if (j != argIndex && !susp && containsChainCall(from, a)) frz = true;
            classes.append(context == null ? argumentClass(a) : context.argumentClass(a));
        }
        String key = c.key() + "#" + argIndex + "#" + frz + "#" + susp + "#" + classes;
        String cached = verdicts.get(key);
        if (cached != null) return cached.isEmpty() ? null : cached;
        if (!inProgress.add(key)) return null; // a cycle: the uses on it are checked where they are
        try {
            String r = new ParameterUses(c, params, argIndex, frz, susp, classes.toString(), depth).run();
            String out = r == null ? null : "passed to '" + name + "', whose parameter '" + params.get(argIndex).name()
                    + "' is " + r;
            verdicts.put(key, out == null ? "" : out);
            return out;
        } finally {
            inProgress.remove(key);
        }
    }

    /** 'A' an address converted at the call, 'C' a constant or a null pointer converted, 'O' anything else. */
    private static char argumentClass(Node a) {
        Node s = AddressIntegers.through(a);
        if (AddressIntegers.isConversion(s)) return AddressIntegers.fromNull(s.child(0)) ? 'C' : 'A';
        return AddressIntegers.isConstant(a) ? 'C' : 'O';
    }

    private boolean containsChainCall(FunctionModel from, Node n) {
        boolean[] found = {false};
        n.walk(x -> { if (x.is("CallExpr") && graph.isChainCall(from, x)) found[0] = true; });
        return found[0];
    }

    /** Where a checkpoint may be taken in a function: sites and calls that may checkpoint. */
    private record Checkpoints(List<Node> points, List<Integer> offsets, boolean everywhere) {
        /** True when use may run after a checkpoint taken in the function (text order, or a loop around both). */
        boolean before(Node use) {
            if (everywhere) return true;
            int u = use.begin().offset();
            for (int i = 0; i < points.size(); i++) {
                if (u < 0 || offsets.get(i) <= u) return true;
                Node cp = points.get(i);
                for (Node l = use.parent(); l != null; l = l.parent()) {
                    if (Ast.isLoop(l) && (cp == l || Ast.isStrictlyInside(cp, l))) return true;
                }
            }
            return false;
        }
    }

    private Checkpoints checkpointsOf(FunctionModel c) {
        return checkpoints.computeIfAbsent(c, f -> {
            List<Node> points = new ArrayList<>();
            List<Integer> offsets = new ArrayList<>();
            boolean[] everywhere = {f.hasBlockingCalls};
            boolean[] jumps = {false};
            for (Site s : f.sites) {
                if (s.loop() != null) {
                    points.add(s.loop());
                    offsets.add(s.loop().begin().offset());
                } else if (s.pragma() != null) {
                    Node at = s.anchor() != null ? s.anchor() : s.block();
                    points.add(at);
                    offsets.add(s.pragma().start());
                } else {
                    everywhere[0] = true; // a recursive function's site at entry
                }
            }
            f.body.walk(n -> {
                if (n.is("CallExpr")) {
                    if (graph.isChainCall(f, n)) {
                        points.add(n);
                        offsets.add(n.begin().offset());
                    }
                    String callee = Ast.directCallee(n);
                    if (callee != null && SetjmpCalls.SETJMP.contains(callee)) jumps[0] = true;
                } else if (n.is("GotoStmt") || n.is("IndirectGotoStmt")) {
                    jumps[0] = true;
                }
            });
            if (jumps[0] && !points.isEmpty()) everywhere[0] = true;
            return new Checkpoints(points, offsets, everywhere[0]);
        });
    }

    /** The uses of one parameter of one callee, and of the locals it is copied into. */
    private final class ParameterUses {
        private final FunctionModel c;
        private final List<Node> params;
        private final boolean frozen;
        private final boolean suspended;
        private final String classes;
        private final int depth;
        private final Checkpoints cps;
        private final Map<String, String> tainted = new HashMap<>();
        private final Deque<String> work = new ArrayDeque<>();
        private final Set<String> addressTaken = new HashSet<>();
        private final Set<String> written = new HashSet<>();
        private final Map<String, Node> locals = new HashMap<>();

        ParameterUses(FunctionModel c, List<Node> params, int index, boolean frozen, boolean suspended, String classes,
                int depth) {
            this.c = c;
            this.params = params;
            this.frozen = frozen;
            this.suspended = suspended;
            this.classes = classes;
            this.depth = depth;
            this.cps = suspended ? new Checkpoints(List.of(), List.of(), false) : checkpointsOf(c);
            c.body.walk(n -> {
                if (n.is("VarDecl")) locals.put(n.id(), n);
                if (!n.is("DeclRefExpr")) return;
                Node e = n;
                Node p = e.parent();
                while (p != null && p.is("ParenExpr")) {
                    e = p;
                    p = p.parent();
                }
                if (p == null) return;
                String id = Ast.referencedDeclId(n);
                if (p.is("UnaryOperator") && p.attr("opcode").equals("&")) addressTaken.add(id);
                if (p.is("UnaryOperator") && (p.attr("opcode").contains("++") || p.attr("opcode").contains("--"))) written.add(id);
                if (((p.is("BinaryOperator") && p.attr("opcode").equals("=")) || p.is("CompoundAssignOperator"))
                        && p.child(0) == e) {
                    written.add(id);
                }
            });
            Node param = params.get(index);
            taint(param.id(), param.name());
        }

        private void taint(String id, String name) {
            if (tainted.putIfAbsent(id, name) == null) work.add(id);
        }

        String run() {
            while (!work.isEmpty()) {
                String id = work.poll();
                for (Node ref : Ast.collect(c.body, "DeclRefExpr")) {
                    if (!Ast.referencedDeclId(ref).equals(id)) continue;
                    String r = reference(ref);
                    if (r != null) return r + " (" + c.unit.pos(ref.position()) + ")";
                }
            }
            return null;
        }

        /** One reference of a tainted variable: written, or its value used. */
        private String reference(Node ref) {
            Node e = ref;
            Node p = e.parent();
            while (p != null && p.is("ParenExpr")) {
                e = p;
                p = p.parent();
            }
            if (p == null) return "used";
            if (p.is("ImplicitCastExpr") && p.attr("castKind").equals("LValueToRValue")) return value(p, ref);
            if (p.is("BinaryOperator") && p.attr("opcode").equals("=") && p.child(0) == e) return null; // written
            if (p.is("UnaryOperator") && p.attr("opcode").equals("&")) return "has its address taken";
            if (p.is("UnaryOperator") && (p.attr("opcode").contains("++") || p.attr("opcode").contains("--"))) return value(p, ref);
            if (p.is("CompoundAssignOperator") && p.child(0) == e) return value(p, ref);
            if (inUnevaluated(p)) return null;
            return "used (" + p.kind() + ")";
        }

        /** A value computed from the parameter, at {@code e}; {@code ref} is the reference it comes from. */
        private String value(Node start, Node ref) {
            Node e = start;
            while (true) {
                Node p = e.parent();
                if (p == null) return "used";
                if (AddressIntegers.isDiscarded(e, p) || AddressIntegers.isTruthValue(e, p) || inUnevaluated(p)) return null;
                switch (p.kind()) {
                    case "ParenExpr", "ConstantExpr" -> {
                        e = p;
                        continue;
                    }
                    case "ImplicitCastExpr", "CStyleCastExpr" -> {
                        String k = p.attr("castKind");
                        if (k.equals("IntegralToPointer")) return "converted to " + p.qualType();
                        if (k.equals("ToVoid")) return null;
                        e = p;
                        continue;
                    }
                    case "ConditionalOperator" -> {
                        e = p;
                        continue;
                    }
                    case "CompoundStmt" -> {
                        e = p.parent(); // the value of a statement expression ({ ...; x; })
                        continue;
                    }
                    case "UnaryOperator" -> {
                        String op = p.attr("opcode");
                        if (op.equals("-") || op.equals("~") || op.equals("+")) {
                            e = p;
                            continue;
                        }
                        return "used (" + op + ")";
                    }
                    case "BinaryOperator" -> {
                        String op = p.attr("opcode");
                        Node other = p.child(0) == e ? p.child(1) : p.child(0);
                        if (Set.of("==", "!=", "<", ">", "<=", ">=").contains(op)) {
                            if (comparable(other, !frozen && !cps.before(ref))) return null;
                            return frozen || cps.before(ref) ? "compared with a value that is not a constant after a point"
                                    + " where a checkpoint may be taken (the restored frame would hold the old address)"
                                    : "compared with a value that is not a constant or an address";
                        }
                        if (op.equals(",")) {
                            e = p;
                            continue;
                        }
                        if (op.equals("=")) {
                            String r = store(p.child(0), op);
                            if (r != null) return r;
                            e = p;
                            continue;
                        }
                        if (AddressIntegers.pointerTyped(other) || AddressIntegers.pointerTyped(p)) {
                            return "used in pointer arithmetic (" + op + ")";
                        }
                        e = p;
                        continue;
                    }
                    case "CompoundAssignOperator" -> {
                        if (p.child(1) == e) {
                            String r = store(p.child(0), p.attr("opcode"));
                            if (r != null) return r;
                        }
                        e = p;
                        continue;
                    }
                    case "VarDecl" -> {
                        return declare(p);
                    }
                    case "ReturnStmt" -> {
                        return "returned";
                    }
                    case "CallExpr" -> {
                        if (p.child(0) == e) return "called";
                        String callee = Ast.directCallee(p);
                        if (callee != null && (AddressIntegers.OUTPUT.contains(callee) || CHAR_OUTPUT.contains(callee))) {
                            return null;
                        }
                        int index = p.inner().indexOf(e) - 1;
                        return refusal(c, p, index, frozen || cps.before(ref), suspended, depth + 1, this);
                    }
                    case "ArraySubscriptExpr" -> {
                        return "used as an array index";
                    }
                    case "InitListExpr" -> {
                        return "stored in an initializer";
                    }
                    default -> {
                        return "used (" + p.kind() + ")";
                    }
                }
            }
        }

        /** A store of the value into {@code target}: allowed into a local of the callee, whose uses are then checked. */
        private String store(Node target, String op) {
            Node t = target;
            while (t.is("ParenExpr") && !t.inner().isEmpty()) t = t.child(0);
            if (t.is("DeclRefExpr")) {
                String id = Ast.referencedDeclId(t);
                Node local = locals.get(id);
                String name = t.referencedDecl().path("name").asText("");
                if (tainted.containsKey(id)) return null;
                boolean param = params.stream().anyMatch(x -> x.id().equals(id));
                if ((param || (local != null && isPlainLocal(local))) && !addressTaken.contains(id)) {
                    taint(id, name);
                    return null;
                }
                return "stored in '" + name + "' (" + op + ")";
            }
            return "stored (" + op + ")";
        }

        private String declare(Node v) {
            if (isPlainLocal(v) && !addressTaken.contains(v.id())) {
                taint(v.id(), v.name());
                return null;
            }
            return "stored in '" + v.name() + "'";
        }

        /** A local variable of automatic storage of an integer or floating type. */
        private static boolean isPlainLocal(Node v) {
            String sc = v.attr("storageClass");
            String t = v.qualType();
            return !sc.equals("static") && !sc.equals("extern") && v.attr("tls").isEmpty() && !t.contains("[") && !t.contains("*")
                    && !t.contains("struct") && !t.contains("union") && !t.contains("(");
        }

        /**
         * The other side of a comparison: a constant or a null pointer converted; while the values are the addresses of
         * the moment ({@code fresh}), also another value made from an address: one converted in the callee, a tainted
         * variable, or a parameter given an address at the call and never written.
         */
        private boolean comparable(Node other, boolean fresh) {
            Node s = AddressIntegers.through(other);
            if (AddressIntegers.isConstant(s)) return true;
            if (AddressIntegers.isConversion(s) && AddressIntegers.fromNull(s.child(0))) return true;
            Node r = Ast.strip(s);
            if (r != null && r.is("DeclRefExpr")) {
                String id = Ast.referencedDeclId(r);
                for (int j = 0; j < params.size() && j < classes.length(); j++) {
                    if (params.get(j).id().equals(id) && !written.contains(id) && !addressTaken.contains(id)) {
                        if (classes.charAt(j) == 'C') return true;
                        if (classes.charAt(j) == 'A' && fresh) return true;
                    }
                }
                if (fresh && tainted.containsKey(id)) return true;
            }
            return fresh && AddressIntegers.isConversion(s);
        }

        /** As {@link AddressArguments#argumentClass}, a parameter or tainted local passed on keeping its class. */
        char argumentClass(Node a) {
            char own = AddressArguments.argumentClass(a);
            if (own != 'O') return own;
            Node r = Ast.strip(AddressIntegers.through(a));
            if (r == null || !r.is("DeclRefExpr")) return own;
            String id = Ast.referencedDeclId(r);
            if (tainted.containsKey(id)) return 'A';
            for (int j = 0; j < params.size() && j < classes.length(); j++) {
                if (params.get(j).id().equals(id) && !written.contains(id) && !addressTaken.contains(id)) return classes.charAt(j);
            }
            return own;
        }

        private static boolean inUnevaluated(Node p) {
            for (Node a = p; a != null; a = a.parent()) {
                if (a.is("UnaryExprOrTypeTraitExpr")) return true;
                if (a.kind().endsWith("Stmt")) return false;
            }
            return false;
        }
    }
}
