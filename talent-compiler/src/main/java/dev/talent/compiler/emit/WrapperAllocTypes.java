package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.IndirectCalls;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.SourceLoc;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Types the blocks of allocation wrappers from their callers (issue 11, cause 3; docs/CODEGEN.md "Heap calls"). A
 * wrapper such as bzip2's {@code void *myMalloc(Int32 n) { void *p = malloc(n); ...; return p; }} allocates
 * every block at one {@code malloc} whose type it cannot see; its callers can: {@code (Cell *) myMalloc(...)},
 * {@code name = myMalloc(5 + strlen(s))} with {@code Char *name}. Each such call becomes
 * {@code talent_heap_type_first(myMalloc(...), &talent_td_T)}: the runtime gives the block that element type
 * when it is still untyped and its size is a multiple of T's (a block typed once keeps its type; one used
 * under two types is still refused at the checkpoint, as before). A block whose callers all use it as
 * {@code char} is thus a {@code char} array, migrated to any byte order. Calls through a function pointer
 * returning {@code void *} (zlib's {@code strm->zalloc}) are typed the same way from their callers' casts
 * ({@code talent_heap_type_result}, which checks that the pointer is a block of ours).
 *
 * <p>A wrapper, here: a function of the unit that returns {@code void *}, may not checkpoint, and returns
 * only the result of a library {@code malloc}, {@code calloc} or {@code realloc}, directly or through a local
 * variable that is assigned nothing else and whose address is not taken: its result is the start of a
 * tracked block (or null), never another pointer.
 */
final class WrapperAllocTypes {
    private static final Set<String> ALLOCATORS = Set.of("malloc", "calloc", "realloc");

    private WrapperAllocTypes() {}

    static void rewrite(TranslationUnit tu, List<FunctionModel> functions, CallGraph graph, TypeResolver types,
                        TypeDescriptors descriptors, RewritePlan plan) {
        Set<FunctionModel> wrappers = new HashSet<>();
        for (FunctionModel f : functions) if (isWrapper(f, graph, types)) wrappers.add(f);
        for (FunctionModel f : functions) {
            if (f.body == null || !f.inMainFile) continue;
            f.body.walk(n -> {
                if (!n.is("CallExpr")) return;
                if (IndirectCalls.isIndirect(n)) {
                    typeIndirectResult(tu, n, types, descriptors, plan);
                    return;
                }
                if (!tu.isMacroFree(n) || n.end().inMacro()) return;
                FunctionModel callee = graph.resolve(f, Ast.directCallee(n));
                if (callee == null || !wrappers.contains(callee)) return;
                CType elem = typedUse(n, types);
                if (elem == null) return;
                String desc = descriptor(elem, types, descriptors);
                if (desc == null) return;
                plan.insert(n.begin().offset(), "talent_heap_type_first(", RewritePlan.Rank.DEFAULT);
                plan.insert(n.end().offset() + 1, ", " + desc + ")", RewritePlan.Rank.DEFAULT);
            });
        }
    }

    /** The descriptor of elem at file scope (with a "type:" entry), or null when it cannot be described. */
    private static String descriptor(CType elem, TypeResolver types, TypeDescriptors descriptors) {
        try {
            if (!types.fileScopeSpellable(elem) || types.category(elem) == TypeResolver.Category.UNSUPPORTED) return null;
            String desc = descriptors.refAtFileScope(elem, TypeResolver.spell(elem), new StringBuilder());
            descriptors.pointeeOf(elem);   // a "type:" entry of alloc_sites: how a restore finds it
            return desc;
        } catch (RuntimeException e) {
            return null;   // not describable: the block stays as the checkpoint-time inference leaves it
        }
    }

    /**
     * A call through a function pointer returning {@code void *} (zlib's {@code (deflate_state *) ZALLOC(strm, 1,
     * sizeof(deflate_state))}, ZALLOC expanding to {@code (*((strm)->zalloc))(...)}) whose result is cast, assigned
     * or initialised to a {@code T *}: {@code talent_heap_type_result(call, &talent_td_T)} types the block when it
     * is one of ours. A chain call (hoisted into a temporary by the resume protocol) is wrapped the same way: the
     * temporary takes the call's place inside the wrapper. The call may be a whole
     * macro expansion: the wrapped text is then the macro invocation, which is exactly the call when the call is the
     * whole right-hand side of an assignment or initialiser, or the operand of a cast written outside the macro that
     * is itself such a right-hand side (a macro expanding to more than the call, {@code foo(x) + 1}, makes the cast's
     * parent an operator, and is left alone).
     */
    private static void typeIndirectResult(TranslationUnit tu, Node call, TypeResolver types, TypeDescriptors descriptors,
                                           RewritePlan plan) {
        if (!returnsVoidPointer(call, types)) return;
        Node operand = call;
        Node p = call.parent();
        while (p != null && (p.is("ImplicitCastExpr") || p.is("ParenExpr"))) {
            operand = p;
            p = p.parent();
        }
        if (p == null) return;
        if (p.is("CStyleCastExpr")) {
            if (p.begin().inMacro() || !tu.inMainFile(p.begin())) return;
            Node q = p.parent();
            Node child = p;
            while (q != null && (q.is("ImplicitCastExpr") || q.is("ParenExpr"))) {
                child = q;
                q = q.parent();
            }
            if (!wholeRightHandSide(q, child)) return;
        } else if (!wholeRightHandSide(p, operand)) {
            return;
        }
        SourceLoc b = operand.begin();
        if (!tu.inMainFile(b) || !tu.inMainFile(operand.end())) return;
        String text = tu.text();
        int start = b.offset();
        if (start < 0 || start >= text.length()) return;
        if (b.inMacro() && !(Character.isLetter(text.charAt(start)) || text.charAt(start) == '_')) return;   // not a macro name
        int end = Ast.rangeEnd(text, operand);
        if (end <= start || end > text.length()) return;
        CType elem = typedUse(call, types);
        if (elem == null) return;
        String desc = descriptor(elem, types, descriptors);
        if (desc == null) return;
        plan.insert(start, "talent_heap_type_result(", RewritePlan.Rank.DEFAULT);
        plan.insert(end, ", " + desc + ")", RewritePlan.Rank.DEFAULT);
    }

    private static boolean wholeRightHandSide(Node parent, Node child) {
        if (parent == null || parent.begin().inMacro()) return false;   // an assignment written inside a macro
        if (parent.is("VarDecl")) return true;
        return parent.is("BinaryOperator") && parent.attr("opcode").equals("=") && parent.inner().size() == 2 && parent.child(1) == child;
    }

    private static boolean returnsVoidPointer(Node call, TypeResolver types) {
        try {
            return types.canonical(CTypeParser.parse(call.qualType())) instanceof CType.Pointer ptr
                    && types.canonical(ptr.to()) instanceof CType.Builtin b && b.name().equals("void");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The pointee of the typed pointer the call's result is cast to, assigned to or initialises; else null. */
    static CType typedUse(Node call, TypeResolver types) {
        Node child = call;
        Node p = call.parent();
        while (p != null && (p.is("ImplicitCastExpr") || p.is("ParenExpr"))) {
            child = p;
            p = p.parent();
        }
        if (p == null) return null;
        String target = switch (p.kind()) {
            case "CStyleCastExpr", "VarDecl" -> p.qualType();
            case "BinaryOperator" -> p.attr("opcode").equals("=") && p.child(1) == child ? p.child(0).qualType() : null;
            default -> null;
        };
        if (target == null || target.isEmpty()) return null;
        try {
            if (!(types.canonical(CTypeParser.parse(target)) instanceof CType.Pointer ptr)) return null;
            CType to = ptr.to();
            CType c = types.canonical(to);
            if (c instanceof CType.Builtin b && b.name().equals("void")) return null;
            if (c instanceof CType.Array || c instanceof CType.Function) return null;
            return to;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static boolean isWrapper(FunctionModel f, CallGraph graph, TypeResolver types) {
        if (f.body == null || f.chain || !f.inMainFile) return false;
        try {
            if (!(CTypeParser.parse(f.decl.qualType()) instanceof CType.Function fn)
                    || !(types.canonical(fn.ret()) instanceof CType.Pointer ptr)
                    || !(types.canonical(ptr.to()) instanceof CType.Builtin b) || !b.name().equals("void")) return false;
        } catch (RuntimeException e) {
            return false;
        }
        List<Node> returns = new java.util.ArrayList<>();
        f.body.walk(n -> { if (n.is("ReturnStmt")) returns.add(n); });
        if (returns.isEmpty()) return false;
        Set<String> declared = new HashSet<>();
        f.body.walk(n -> { if (n.is("VarDecl") && !n.attr("storageClass").equals("static")) declared.add(n.id()); });
        Set<String> locals = new HashSet<>();
        for (Node r : returns) {
            if (r.inner().isEmpty()) return false;
            Node e = stripCasts(r.child(0));
            if (isAllocation(e, f, graph)) continue;
            if (e == null || !e.is("DeclRefExpr") || !e.referencedDecl().path("kind").asText().equals("VarDecl")) return false;
            if (!declared.contains(Ast.referencedDeclId(e))) return false;   // a global, a parameter, a static
            locals.add(Ast.referencedDeclId(e));
        }
        boolean[] ok = {true};
        f.body.walk(n -> {
            if (!ok[0]) return;
            if (n.is("VarDecl") && locals.contains(n.id())) {
                if (n.attr("storageClass").equals("static")) ok[0] = false;
                else if (!n.inner().isEmpty() && !isAllocation(stripCasts(n.child(0)), f, graph)) ok[0] = false;
            } else if (n.is("BinaryOperator") || n.is("CompoundAssignOperator")) {
                Node lhs = Ast.strip(n.child(0));
                boolean assigns = n.is("CompoundAssignOperator") || n.attr("opcode").equals("=");
                if (assigns && lhs != null && lhs.is("DeclRefExpr") && locals.contains(Ast.referencedDeclId(lhs))
                        && (n.is("CompoundAssignOperator") || !isAllocation(stripCasts(n.child(1)), f, graph))) ok[0] = false;
            } else if (n.is("UnaryOperator")) {
                String op = n.attr("opcode");
                Node arg = Ast.strip(n.child(0));
                if (arg != null && arg.is("DeclRefExpr") && locals.contains(Ast.referencedDeclId(arg))
                        && (op.equals("&") || op.equals("++") || op.equals("--"))) ok[0] = false;
            }
        });
        return ok[0];
    }

    private static Node stripCasts(Node e) {
        while (e != null && (e.is("CStyleCastExpr") || e.is("ParenExpr") || e.is("ImplicitCastExpr")) && !e.inner().isEmpty()) {
            e = e.child(0);
        }
        return e;
    }

    private static boolean isAllocation(Node e, FunctionModel f, CallGraph graph) {
        if (e == null || !e.is("CallExpr")) return false;
        String name = Ast.directCallee(e);
        return name != null && ALLOCATORS.contains(name) && graph.resolve(f, name) == null;
    }
}
