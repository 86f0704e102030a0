package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
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
 * {@code char} is thus a {@code char} array, migrated to any byte order.
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
        if (wrappers.isEmpty()) return;
        for (FunctionModel f : functions) {
            if (f.body == null || !f.inMainFile) continue;
            f.body.walk(n -> {
                if (!n.is("CallExpr") || !tu.isMacroFree(n) || n.end().inMacro()) return;
                FunctionModel callee = graph.resolve(f, Ast.directCallee(n));
                if (callee == null || !wrappers.contains(callee)) return;
                CType elem = typedUse(n, types);
                if (elem == null) return;
                String desc;
                try {
                    if (!types.fileScopeSpellable(elem) || types.category(elem) == TypeResolver.Category.UNSUPPORTED) return;
                    desc = descriptors.refAtFileScope(elem, TypeResolver.spell(elem), new StringBuilder());
                    descriptors.pointeeOf(elem);   // a "type:" entry of alloc_sites: how a restore finds it
                } catch (RuntimeException e) {
                    return;   // not describable: the block stays as the checkpoint-time inference leaves it
                }
                plan.insert(n.begin().offset(), "talent_heap_type_first(", RewritePlan.Rank.DEFAULT);
                plan.insert(n.end().offset() + 1, ", " + desc + ")", RewritePlan.Rank.DEFAULT);
            });
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
