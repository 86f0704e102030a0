package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The program's call graph over all files and the set of chain functions: a function may checkpoint if it
 * has a site (a blocking call counts as one) or directly calls a function that may checkpoint (fixed point). A nocheckpoint function never
 * is one; its calls to chain functions are made under talent_suspended.
 */
public final class CallGraph {
    private final Map<FunctionModel, List<FunctionModel>> callees = new LinkedHashMap<>();
    private final Map<String, FunctionModel> external = new HashMap<>();
    private final Map<String, FunctionModel> perUnit = new HashMap<>();
    private final Set<String> addressTakenFunctions = new HashSet<>();
    private final Map<FunctionModel, Integer> callSites = new HashMap<>();
    /** Functions of the program's own text that call through a pointer (IndirectCalls). */
    private final Set<FunctionModel> indirectCallers = new HashSet<>();
    /** Set by computeChainFunctions: some chain function's address is taken. */
    private boolean indirectReachesChain;

    public CallGraph(List<FunctionModel> allFunctions) {
        for (FunctionModel f : allFunctions) {
            if (f.isStatic || !f.inMainFile) perUnit.put(f.unit.unitName() + ":" + f.name, f);
            else external.put(f.name, f);
        }
        for (FunctionModel f : allFunctions) {
            List<FunctionModel> out = new ArrayList<>();
            f.body.walk(n -> {
                if (n.is("CallExpr")) {
                    // a call in a va_list region never has this frame on the stack at a checkpoint (VaListRegions)
                    boolean suspended = f.inVaRegion(n);
                    if (IndirectCalls.isIndirect(n) && !suspended) indirectCallers.add(f);
                    FunctionModel c = resolve(f, Ast.directCallee(n));
                    if (c != null) callSites.merge(c, 1, Integer::sum);
                    if (c != null && !suspended && !out.contains(c)) out.add(c);
                } else if (Ast.isFunctionRef(n)
                        && !isDirectCallee(n)) {
                    FunctionModel c = resolve(f, n.referencedDecl().path("name").asText());
                    if (c != null) addressTakenFunctions.add(c.key());
                }
            });
            callees.put(f, out);
        }
        // file-scope initialisers can take function addresses too (tables of callbacks)
        for (FunctionModel f : allFunctions) {
            f.unit.root().inner().forEach(top -> {
                if (top.is("VarDecl")) top.walk(n -> {
                    if (Ast.isFunctionRef(n)) {
                        FunctionModel c = resolve(f, n.referencedDecl().path("name").asText());
                        if (c != null) addressTakenFunctions.add(c.key());
                    }
                });
            });
        }
    }

    public static boolean isDirectCallee(Node declRef) {
        Node p = declRef.parent();
        Node child = declRef;
        while (p != null && (p.is("ImplicitCastExpr") || p.is("ParenExpr"))) {
            child = p;
            p = p.parent();
        }
        return p != null && p.is("CallExpr") && p.child(0) == child;
    }

    /** The definition a call by name from function `from` reaches, or null for a library function. */
    public FunctionModel resolve(FunctionModel from, String name) {
        return resolve(from.unit, name);
    }

    /** The definition a reference by name from file {@code unit} reaches, or null for a library function. */
    public FunctionModel resolve(dev.talent.compiler.ast.TranslationUnit unit, String name) {
        if (name == null) return null;
        FunctionModel local = perUnit.get(unit.unitName() + ":" + name);
        return local != null ? local : external.get(name);
    }

    public List<FunctionModel> callees(FunctionModel f) {
        return callees.getOrDefault(f, List.of());
    }

    /**
     * Marks chain functions (fixed point); returns header functions that would have to be chain functions. A
     * call through a pointer counts as a call of every function whose address the program takes (IndirectCalls):
     * once one of those may checkpoint, every instrumented function that calls through a pointer may too.
     */
    public List<FunctionModel> computeChainFunctions() {
        for (FunctionModel f : callees.keySet()) f.chain = !f.noCheckpoint && (!f.sites.isEmpty() || f.hasBlockingCalls);
        boolean changed = true;
        while (changed) {
            changed = false;
            boolean indirect = anyChainFunctionAddressTaken();
            for (Map.Entry<FunctionModel, List<FunctionModel>> e : callees.entrySet()) {
                FunctionModel f = e.getKey();
                if (f.chain || f.noCheckpoint) continue;
                if (indirect && f.inMainFile && indirectCallers.contains(f)) {
                    f.chain = true;
                    changed = true;
                    continue;
                }
                for (FunctionModel c : e.getValue()) {
                    if (c.chain) {
                        f.chain = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        indirectReachesChain = anyChainFunctionAddressTaken();
        List<FunctionModel> badHeaders = new ArrayList<>();
        for (FunctionModel f : callees.keySet()) {
            if (f.chain && !f.inMainFile) badHeaders.add(f);
        }
        return badHeaders;
    }

    /**
     * True for a call that may checkpoint from chain function {@code from}: a direct call of a chain function, or
     * a call through a pointer when some chain function's address is taken (unless the call could not be
     * hoisted and runs suspended, {@link FunctionModel#suspendedCalls}). A call in a va_list region is none
     * ({@link VaListRegions}).
     */
    public boolean isChainCall(FunctionModel from, Node call) {
        if (from.inVaRegion(call)) return false;
        if (IndirectCalls.isIndirect(call)) {
            return from.chain && from.inMainFile && !from.suspendedCalls.contains(call) && indirectReachesChain;
        }
        FunctionModel c = resolve(from, Ast.directCallee(call));
        return c != null && c.chain && !from.suspendedCalls.contains(call);
    }

    /**
     * True when the program takes f's address somewhere (a reference that is not a call's callee, in a function
     * body or a file-scope initialiser): only then can a function pointer to f exist, and only then does f need
     * an address in the function table.
     */
    public boolean isAddressTaken(FunctionModel f) {
        return addressTakenFunctions.contains(f.key());
    }

    /**
     * True for a static function called from exactly one place and never through a pointer: gcc inlines such
     * a function into its caller whatever its size (it can then drop the function), which a second call site
     * would prevent.
     */
    public boolean isCalledOnce(FunctionModel f) {
        return f.isStatic && !isAddressTaken(f) && callSites.getOrDefault(f, 0) == 1;
    }

    /** True when some chain function's address is taken: only then can an indirect call reach one. */
    public boolean anyChainFunctionAddressTaken() {
        for (FunctionModel f : callees.keySet()) if (f.chain && addressTakenFunctions.contains(f.key())) return true;
        return false;
    }
}
