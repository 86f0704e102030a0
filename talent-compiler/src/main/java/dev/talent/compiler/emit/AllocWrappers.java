package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.IndirectCalls;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The program's allocation wrappers, over all its files (issue 11, cause 3; docs/CODEGEN.md "Allocation wrappers"):
 * functions whose every result is the start of a block allocated where the block's type cannot be seen, so that
 * their callers' casts and typed pointers give it (WrapperAllocTypes). A wrapper here: a function of the program's
 * own text that returns {@code void *} or a pointer to a character type (K&R code's {@code char *myalloc(size)}),
 * may not checkpoint, and returns only
 * <ul>
 * <li>the result of a library {@code malloc}, {@code calloc} or {@code realloc}, or of another wrapper (a wrapper
 * calling a wrapper), or of {@code memcpy}, {@code memmove}, {@code memset} or {@code strcpy} whose destination is
 * one of those ({@code return memcpy(xmalloc(n), p, n)}), or of a call through a function pointer returning
 * {@code void *} (mujs's {@code js_realloc} returns what {@code J->alloc} returns; such a wrapper is {@link #checked}:
 * the program's function may return anything);</li>
 * <li>or a local variable or a parameter of its own that is assigned nothing else, never incremented, and whose
 * address is not taken (bzip2's {@code myMalloc}, figlet's {@code myalloc}, clzip's
 * {@code if (buf) buf = realloc(buf, n); else buf = malloc(n); return buf;});</li>
 * <li>or a null pointer constant, returned or assigned to such a variable (uthash's test hook
 * {@code if (--malloc_cnt <= 0) return 0; return malloc(sz);}, {@code void *p = NULL; if (n) p = malloc(n);}).</li>
 * </ul>
 * A parameter that some path returns without assigning it is the caller's own pointer, which may point anywhere:
 * such a wrapper's calls are typed with the runtime's checked entry point ({@link #checked}).
 *
 * <p>The allocations whose block a wrapper returns ({@link #isInnerAllocation}) are left untyped at their own site
 * when all they show there is a character type or none ({@code (char *) malloc(size)} in a {@code char *} wrapper
 * says nothing about the block); the wrapper calls whose result another wrapper returns ({@link #isInnerCall}) are
 * typed by that wrapper's callers, not there.
 */
public final class AllocWrappers {
    private static final Set<String> ALLOCATORS = Set.of("malloc", "calloc", "realloc");
    /** Library functions returning their first argument. */
    private static final Set<String> RETURNS_DESTINATION = Set.of("memcpy", "memmove", "memset", "strcpy");

    /** wrapper -> the pointee of its return type (void or a character type). */
    private final Map<FunctionModel, CType> wrappers = new LinkedHashMap<>();
    private final Set<FunctionModel> checked = new HashSet<>();
    private final Set<FunctionModel> chainWrappers = new HashSet<>();
    private final Set<Node> innerAllocations = new HashSet<>();
    private final Set<Node> innerCalls = new HashSet<>();

    private AllocWrappers() {}

    /** None: every function is typed as before (units compiled alone in tests). */
    public static AllocWrappers none() {
        return new AllocWrappers();
    }

    /** The wrappers among {@code all} (least fixed point: a wrapper calling a wrapper is one once its callee is). */
    public static AllocWrappers find(List<FunctionModel> all, CallGraph graph, Map<TranslationUnit, TypeResolver> types) {
        AllocWrappers w = new AllocWrappers();
        Map<FunctionModel, CType> candidates = new LinkedHashMap<>();
        for (FunctionModel f : all) {
            TypeResolver t = types.get(f.unit);
            if (t == null || f.body == null || f.chain || !f.inMainFile) continue;
            CType generic = genericReturn(f, t);
            if (generic != null) candidates.put(f, generic);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<FunctionModel, CType> c : candidates.entrySet()) {
                if (w.wrappers.containsKey(c.getKey())) continue;
                Found found = w.check(c.getKey(), graph);
                if (found == null) continue;
                w.wrappers.put(c.getKey(), c.getValue());
                if (found.checked) w.checked.add(c.getKey());
                changed = true;
            }
        }
        // functions that would be wrappers but may checkpoint (mujs's js_malloc: J->alloc may reach any function
        // whose address is taken): their calls are typed through the checked entry where the result is a whole
        // right-hand side, as calls through pointers are (WrapperAllocTypes)
        for (FunctionModel f : all) {
            TypeResolver t = types.get(f.unit);
            if (t == null || f.body == null || !f.chain || !f.inMainFile || genericReturn(f, t) == null) continue;
            if (w.check(f, graph) != null) w.chainWrappers.add(f);
        }
        // the inner allocations and calls of the final set (a call of a function found later counts too)
        for (FunctionModel f : w.wrappers.keySet()) {
            Found found = w.check(f, graph);
            if (found == null) continue;   // cannot happen: the set only grew
            for (Node a : found.results) w.noteInner(f, a, graph);
        }
        return w;
    }

    public boolean isWrapper(FunctionModel f) {
        return f != null && wrappers.containsKey(f);
    }

    /**
     * A function that returns only allocations, as a wrapper does, but may checkpoint: its calls are typed like calls
     * through a pointer, with the checked entry, where the result is the whole right-hand side of an assignment or
     * initialiser.
     */
    public boolean isChainWrapper(FunctionModel f) {
        return f != null && chainWrappers.contains(f);
    }

    /** The pointee of the wrapper's return type, canonical: void or a character type. */
    public CType pointee(FunctionModel f) {
        return wrappers.get(f);
    }

    /** The wrapper may return a pointer its caller passed in unchanged: type its result with the checked entry. */
    public boolean checked(FunctionModel f) {
        return checked.contains(f);
    }

    /** Whether {@code e}, an allocation ({@link #isAllocation}), may also be a pointer a wrapper's caller passed. */
    public boolean mayPassThrough(Node e, FunctionModel f, CallGraph graph) {
        if (e == null || !e.is("CallExpr")) return false;
        if (IndirectCalls.isIndirect(e)) return true;   // whatever the program's function returns
        FunctionModel callee = graph.resolve(f, Ast.directCallee(e));
        if (callee != null) return checked.contains(callee);
        return RETURNS_DESTINATION.contains(Ast.directCallee(e)) && e.inner().size() > 1
                && mayPassThrough(stripCasts(e.child(1)), f, graph);
    }

    /** A library allocation whose block some wrapper returns. */
    public boolean isInnerAllocation(Node call) {
        return innerAllocations.contains(call);
    }

    /** A call of a wrapper whose result some wrapper returns (typed by that wrapper's callers). */
    public boolean isInnerCall(Node call) {
        return innerCalls.contains(call);
    }

    public static boolean isCharacter(CType t, TypeResolver types) {
        try {
            return types.canonical(t) instanceof CType.Builtin b
                    && (b.name().equals("char") || b.name().equals("signed char") || b.name().equals("unsigned char"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static CType genericReturn(FunctionModel f, TypeResolver types) {
        try {
            if (!(CTypeParser.parse(f.decl.qualType()) instanceof CType.Function fn)
                    || !(types.canonical(fn.ret()) instanceof CType.Pointer ptr)) return null;
            CType to = ptr.to();
            CType c = types.canonical(to);
            if (c instanceof CType.Builtin b && b.name().equals("void")) return c;
            return isCharacter(c, types) ? c : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What a wrapper returns: the allocation expressions that are its results; checked: a parameter may come back. */
    private record Found(List<Node> results, boolean checked) {}

    private Found check(FunctionModel f, CallGraph graph) {
        List<Node> returns = new ArrayList<>();
        boolean[] jumps = {false};
        f.body.walk(n -> {
            if (n.is("ReturnStmt")) returns.add(n);
            if (n.is("GotoStmt") || n.is("IndirectGotoStmt")) jumps[0] = true;
        });
        if (returns.isEmpty()) return null;
        Set<String> locals = new HashSet<>();
        f.body.walk(n -> { if (n.is("VarDecl") && !n.attr("storageClass").equals("static")) locals.add(n.id()); });
        Set<String> params = new HashSet<>();
        for (Node p : Ast.parameters(f.decl)) params.add(p.id());
        List<Node> results = new ArrayList<>();
        Set<String> vars = new HashSet<>();
        boolean checkedResult = false;
        boolean[] nulls = {false};
        for (Node r : returns) {
            if (r.inner().isEmpty()) return null;
            Node e = stripCasts(r.child(0));
            if (isNullConstant(e)) {   // no block: a wrapper may fail by returning NULL
                nulls[0] = true;
                continue;
            }
            if (wrapperResult(e, f, graph)) {
                results.add(e);
                continue;
            }
            if (e == null || !e.is("DeclRefExpr")) return null;
            String kind = e.referencedDecl().path("kind").asText();
            String id = Ast.referencedDeclId(e);
            if (kind.equals("VarDecl") && locals.contains(id)) {
                vars.add(id);
            } else if (kind.equals("ParmVarDecl") && params.contains(id)) {
                vars.add(id);
                if (jumps[0] || !assignedBefore(r, id, f.body)) checkedResult = true;
            } else {
                return null;   // a global, a static, another function's variable
            }
        }
        boolean[] ok = {true};
        f.body.walk(n -> {
            if (!ok[0]) return;
            if (n.is("VarDecl") && vars.contains(n.id())) {
                if (n.attr("storageClass").equals("static")) ok[0] = false;
                else if (!n.inner().isEmpty()) {
                    Node init = stripCasts(n.child(0));
                    if (wrapperResult(init, f, graph)) results.add(init);
                    else if (isNullConstant(init)) nulls[0] = true;
                    else ok[0] = false;
                }
            } else if (n.is("BinaryOperator") || n.is("CompoundAssignOperator")) {
                Node lhs = Ast.strip(n.child(0));
                boolean assigns = n.is("CompoundAssignOperator") || n.attr("opcode").equals("=");
                if (assigns && lhs != null && lhs.is("DeclRefExpr") && vars.contains(Ast.referencedDeclId(lhs))) {
                    Node rhs = stripCasts(n.child(1));
                    if (n.is("CompoundAssignOperator")) ok[0] = false;
                    else if (isNullConstant(rhs)) nulls[0] = true;
                    else if (!wrapperResult(rhs, f, graph)) ok[0] = false;
                    else results.add(rhs);
                }
            } else if (n.is("UnaryOperator")) {
                String op = n.attr("opcode");
                Node arg = Ast.strip(n.child(0));
                if (arg != null && arg.is("DeclRefExpr") && vars.contains(Ast.referencedDeclId(arg))
                        && (op.equals("&") || op.equals("++") || op.equals("--"))) ok[0] = false;
            }
        });
        if (!ok[0] || (nulls[0] && results.isEmpty())) return null;   // only NULL: no allocation to type
        for (Node e : results) if (mayPassThrough(e, f, graph)) checkedResult = true;
        return new Found(results, checkedResult);
    }

    /** Records the library allocation or wrapper call that result expression {@code e} of wrapper f stands for. */
    private void noteInner(FunctionModel f, Node e, CallGraph graph) {
        String name = Ast.directCallee(e);
        if (name == null) return;   // a call through a pointer: typed by the wrapper's callers, not there
        FunctionModel callee = graph.resolve(f, name);
        if (callee != null) {
            innerCalls.add(e);
        } else if (ALLOCATORS.contains(name)) {
            innerAllocations.add(e);
        } else if (RETURNS_DESTINATION.contains(name)) {
            noteInner(f, stripCasts(e.child(1)), graph);
        }
    }

    /**
     * What a wrapper may return: an allocation ({@link #isAllocation}) or the result of a call through a function
     * pointer returning {@code void *} (mujs's {@code js_realloc}; the wrapper is then {@link #checked}). Only for
     * finding wrappers: a local {@code void *} holding such a call's result is not typed at its first typed use
     * (WrapperAllocTypes), since the allocator may be the program's, whose block that use may cover in part.
     */
    private boolean wrapperResult(Node e, FunctionModel f, CallGraph graph) {
        if (e != null && IndirectCalls.isIndirect(e)) return isVoidPointer(e.qualType());
        return isAllocation(e, f, graph);
    }

    /**
     * A null pointer constant once casts are stripped ({@code 0}, {@code NULL}, {@code (void *)0}, GNU's
     * {@code __null}): a wrapper that returns it on a path (a failing allocation, a size of 0, a test hook making
     * allocations fail) returns no block there, and the runtime's typing calls pass a null pointer through.
     */
    static boolean isNullConstant(Node e) {
        if (e == null) return false;
        if (e.is("GNUNullExpr")) return true;
        return e.is("IntegerLiteral") && e.attr("value").equals("0");
    }

    /** {@code void *} as clang spells a call's type (qualifiers of the pointee allowed). */
    private static boolean isVoidPointer(String qualType) {
        String t = qualType.replace("const ", "").replace("volatile ", "").strip();
        return t.equals("void *");
    }

    static Node stripCasts(Node e) {
        while (e != null && (e.is("CStyleCastExpr") || e.is("ParenExpr") || e.is("ImplicitCastExpr")) && !e.inner().isEmpty()) {
            e = e.child(0);
        }
        return e;
    }

    /**
     * Whether {@code e}'s value is the start of a block whose type its own site does not give, or null: a library
     * allocation, a call of a wrapper, or memcpy &amp; co. of such a destination.
     */
    public boolean isAllocation(Node e, FunctionModel f, CallGraph graph) {
        if (e == null || !e.is("CallExpr")) return false;
        String name = Ast.directCallee(e);
        if (name == null) return false;
        FunctionModel callee = graph.resolve(f, name);
        if (callee != null) return wrappers.containsKey(callee);
        if (ALLOCATORS.contains(name)) return true;
        return RETURNS_DESTINATION.contains(name) && e.inner().size() > 1 && isAllocation(stripCasts(e.child(1)), f, graph);
    }

    /**
     * Whether every path from the function's start to {@code ret} assigns variable {@code id}: a statement before it
     * in an enclosing block, or the condition of an enclosing if/while/switch, does. Not across a case or a label (a
     * jump may skip what precedes it); the caller gives up on functions with goto.
     */
    static boolean assignedBefore(Node ret, String id, Node body) {
        Node child = ret;
        Node p = ret.parent();
        while (p != null) {
            switch (p.kind()) {
                case "CaseStmt", "DefaultStmt", "LabelStmt" -> {
                    return false;
                }
                case "CompoundStmt" -> {
                    if (p.parent() != null && p.parent().is("SwitchStmt")) return false;
                    for (Node s : p.inner()) {
                        if (s == child) break;
                        if (assigns(s, id)) return true;
                    }
                }
                case "IfStmt", "WhileStmt", "SwitchStmt" -> {
                    if (p.child(0) != child && assigns(p.child(0), id)) return true;
                }
                default -> { }
            }
            if (p == body) return false;
            child = p;
            p = p.parent();
        }
        return false;
    }

    /** Whether evaluating or executing {@code n} always assigns variable {@code id} (when it completes). */
    static boolean assigns(Node n, String id) {
        if (n == null) return false;
        return switch (n.kind()) {
            case "BinaryOperator" -> {
                String op = n.attr("opcode");
                Node lhs = Ast.strip(n.child(0));
                if (op.equals("=") && lhs != null && lhs.is("DeclRefExpr") && Ast.referencedDeclId(lhs).equals(id)) yield true;
                if (op.equals("&&") || op.equals("||")) yield assigns(n.child(0), id);
                yield assigns(n.child(0), id) || assigns(n.child(1), id);
            }
            case "ConditionalOperator", "BinaryConditionalOperator", "WhileStmt", "SwitchStmt" -> assigns(n.child(0), id);
            case "IfStmt" -> assigns(n.child(0), id) || (n.inner().size() >= 3 && assigns(n.child(1), id) && assigns(n.child(2), id));
            case "ForStmt", "DoStmt", "CaseStmt", "DefaultStmt", "LabelStmt", "StmtExpr", "GotoStmt", "ReturnStmt",
                 "BreakStmt", "ContinueStmt", "NullStmt", "UnaryExprOrTypeTraitExpr" -> false;
            default -> {
                // a block, a declaration, an expression: its parts run in turn
                boolean any = false;
                for (Node c : n.inner()) any = any || assigns(c, id);
                yield any;
            }
        };
    }
}
