package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A function in a cycle of the call graph (it calls itself, directly or through other functions) gets a site
 * at the entry of its body (docs/CODEGEN.md "A site"): a recursive program whose functions have no loop would
 * otherwise never reach a site, and one whose loops are only in the leaves of a deep recursion would reach
 * one late. Cycles are those of direct calls between the program's own functions (Tarjan's strongly connected
 * components); functions marked {@code nocheckpoint}, defined in headers talent does not instrument, or with
 * an empty body get none.
 */
public final class RecursionSites {
    private RecursionSites() {}

    /** Adds the entry sites; returns the functions that got one. */
    public static List<FunctionModel> place(List<FunctionModel> functions, CallGraph graph) {
        List<FunctionModel> out = new ArrayList<>();
        for (FunctionModel f : recursive(functions, graph)) {
            if (!f.inMainFile || f.noCheckpoint || f.body == null || f.body.inner().isEmpty()) continue;
            if (!f.unit.isRewritable(f.body) || f.inVaRegion(f.body.begin().offset() + 1)) continue;
            Node first = f.body.child(0);
            f.sites.add(new Site(null, null, first, f.body, f.body.begin().offset() + 1));
            out.add(f);
        }
        return out;
    }

    /** The functions that lie on a cycle of direct calls, in the order of {@code functions}. */
    static List<FunctionModel> recursive(List<FunctionModel> functions, CallGraph graph) {
        Tarjan t = new Tarjan(graph);
        for (FunctionModel f : functions) if (!t.index.containsKey(f)) t.run(f);
        List<FunctionModel> out = new ArrayList<>();
        for (FunctionModel f : functions) if (t.inCycle.contains(f)) out.add(f);
        return out;
    }

    /** Tarjan's strongly connected components, iterative (a deep call graph must not overflow the Java stack). */
    private static final class Tarjan {
        private record Frame(FunctionModel f, Iterator<FunctionModel> callees) {}

        final CallGraph graph;
        final Map<FunctionModel, Integer> index = new HashMap<>();
        final Map<FunctionModel, Integer> low = new HashMap<>();
        final Deque<FunctionModel> stack = new ArrayDeque<>();
        final Set<FunctionModel> onStack = new HashSet<>();
        final Set<FunctionModel> inCycle = new HashSet<>();
        final Deque<Frame> work = new ArrayDeque<>();
        int counter;

        Tarjan(CallGraph graph) {
            this.graph = graph;
        }

        void run(FunctionModel root) {
            visit(root);
            while (!work.isEmpty()) {
                Frame fr = work.peek();
                if (fr.callees().hasNext()) {
                    FunctionModel c = fr.callees().next();
                    if (!index.containsKey(c)) visit(c);
                    else if (onStack.contains(c)) low.put(fr.f(), Math.min(low.get(fr.f()), index.get(c)));
                    continue;
                }
                work.pop();
                FunctionModel f = fr.f();
                if (!work.isEmpty()) {
                    FunctionModel parent = work.peek().f();
                    low.put(parent, Math.min(low.get(parent), low.get(f)));
                }
                if (low.get(f).equals(index.get(f))) {
                    List<FunctionModel> component = new ArrayList<>();
                    FunctionModel w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (w != f);
                    if (component.size() > 1 || graph.callees(f).contains(f)) inCycle.addAll(component);
                }
            }
        }

        private void visit(FunctionModel f) {
            index.put(f, counter);
            low.put(f, counter);
            counter++;
            stack.push(f);
            onStack.add(f);
            work.push(new Frame(f, graph.callees(f).iterator()));
        }
    }
}
