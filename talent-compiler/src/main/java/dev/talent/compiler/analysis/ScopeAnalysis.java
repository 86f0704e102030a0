package dev.talent.compiler.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which frame variables are visible at a point: parameters, locals whose block encloses the point and whose
 * declaration ends before it, and the point's own statement's temporaries. A variable hidden by an inner
 * declaration of the same name cannot be named at the point ({@link Result#shadowed}).
 */
public final class ScopeAnalysis {
    public record Result(List<Variable> visible, List<Variable> shadowed) {}

    public static Result at(FunctionModel f, Point p) {
        int off = p.scopeOffset;
        Map<String, Variable> byName = new HashMap<>();
        List<Variable> shadowed = new ArrayList<>();
        for (Variable v : f.variables) {
            boolean in;
            if (v.isTemp()) {
                in = p.hoist != null && p.hoist.equals(v.tempOf);
            } else if (v.scope == null) {
                in = true;
            } else {
                in = v.scope.begin().offset() <= off && off < v.scope.end().offset()
                        && v.decl.end().offset() < off;
            }
            if (!in) continue;
            Variable prev = byName.get(v.cName);
            if (prev == null) {
                byName.put(v.cName, v);
            } else if (depth(v) >= depth(prev)) {
                byName.put(v.cName, v);
                shadowed.add(prev);
            } else {
                shadowed.add(v);
            }
        }
        List<Variable> visible = new ArrayList<>(byName.values());
        visible.sort((a, b) -> Integer.compare(a.id, b.id));
        return new Result(visible, shadowed);
    }

    private static int depth(Variable v) {
        return v.scope == null ? -1 : v.scope.begin().offset();
    }
}
