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
 * Types the blocks of allocation wrappers from their callers (issue 11, cause 3; docs/CODEGEN.md "Allocation
 * wrappers"). A wrapper ({@link AllocWrappers}) such as bzip2's {@code void *myMalloc(Int32 n) { void *p = malloc(n);
 * ...; return p; }} or figlet's K&amp;R {@code char *myalloc(size)} allocates every block at one call whose type it
 * cannot see; its callers can: {@code (Cell *) myMalloc(...)}, {@code name = myMalloc(5 + strlen(s))} with
 * {@code Char *name}. Each such call becomes {@code talent_heap_type_first(myMalloc(...), &talent_td_T)}: the runtime
 * gives the block that element type when it is still untyped and its size is a multiple of T's (a block typed once
 * keeps its type; one used under two types is still refused at the checkpoint, as before). A block whose callers use
 * it as {@code char} is thus a {@code char} array, migrated to any byte order; so is the result of a wrapper
 * returning {@code char *} that its caller uses as it is (passed on, compared, returned): its callers really use it
 * as {@code char}. A wrapper that may return its caller's own pointer (a parameter some path does not assign) is
 * typed through {@code talent_heap_type_result}, which checks that the pointer is a block of ours.
 *
 * <p>A wrapper's result kept first in a local {@code void *} that holds nothing but such results (clzip's
 * {@code void *tmp = ap_resize_buffer(ap->data, n); if (!tmp) return 0; ap->data = (struct ap_Record *)tmp;}) is
 * typed where that variable is cast, assigned or initialised to a {@code T *}.
 *
 * <p>Calls through a function pointer returning {@code void *} (zlib's {@code strm->zalloc}) are typed the same way
 * from their callers' casts ({@code talent_heap_type_result}).
 */
final class WrapperAllocTypes {
    private WrapperAllocTypes() {}

    static void rewrite(TranslationUnit tu, List<FunctionModel> functions, CallGraph graph, TypeResolver types,
                        TypeDescriptors descriptors, RewritePlan plan, AllocWrappers wrappers) {
        for (FunctionModel f : functions) {
            if (f.body == null || !f.inMainFile) continue;
            f.body.walk(n -> {
                if (!n.is("CallExpr")) return;
                if (IndirectCalls.isIndirect(n)) {
                    if (returnsVoidPointer(n, types)) typeIndirectResult(tu, n, types, descriptors, plan);
                    return;
                }
                String name = Ast.directCallee(n);
                FunctionModel callee = graph.resolve(f, name);
                if (callee == null && MAPPINGS.contains(name)) {
                    typeMapping(tu, n, types, descriptors, plan);
                    return;
                }
                if (wrappers.isChainWrapper(callee)) {
                    typeIndirectResult(tu, n, types, descriptors, plan);
                    return;
                }
                if (!tu.isMacroFree(n) || n.end().inMacro()) return;
                if (!wrappers.isWrapper(callee) || wrappers.isInnerCall(n)) return;
                CType elem = typedUse(n, types);
                if (elem == null && AllocWrappers.isCharacter(wrappers.pointee(callee), types) && !intoVoidPointer(n, types)) {
                    elem = wrappers.pointee(callee);   // used as the char * it is
                }
                if (elem == null) return;
                String desc = descriptor(elem, types, descriptors);
                if (desc == null) return;
                String entry = wrappers.checked(callee) ? "talent_heap_type_result(" : "talent_heap_type_first(";
                plan.insert(n.begin().offset(), entry, RewritePlan.Rank.DEFAULT);
                plan.insert(n.end().offset() + 1, ", " + desc + ")", RewritePlan.Rank.DEFAULT);
            });
            typeThroughVoidLocals(tu, f, graph, types, descriptors, plan, wrappers);
        }
    }

    /** The C library's mmap: an anonymous private read-write mapping is a heap block (the runtime's heap_mapping.c). */
    private static final Set<String> MAPPINGS = Set.of("mmap", "mmap64");

    /**
     * A call of the library's mmap whose result is cast, assigned, initialised, returned or passed as a {@code T *}:
     * {@code talent_heap_type_result(mmap(...), &td)}, which types a mapping the runtime carries as a block (and leaves
     * anything else, MAP_FAILED or a mapping not carried, alone), as a wrapper's block is typed by its callers.
     */
    private static void typeMapping(TranslationUnit tu, Node n, TypeResolver types, TypeDescriptors descriptors,
                                    RewritePlan plan) {
        if (!tu.isMacroFree(n) || n.end().inMacro()) return;
        CType elem = typedUse(n, types);
        if (elem == null) return;
        String desc = descriptor(elem, types, descriptors);
        if (desc == null) return;
        plan.insert(n.begin().offset(), "talent_heap_type_result(", RewritePlan.Rank.DEFAULT);
        plan.insert(n.end().offset() + 1, ", " + desc + ")", RewritePlan.Rank.DEFAULT);
    }

    /**
     * Uses of a local {@code void *} assigned only allocations (a wrapper's or the library's, whose site could not
     * type the block) that cast, assign or initialise it to a {@code T *}: {@code talent_heap_type_first(v, &td)}.
     */
    private static void typeThroughVoidLocals(TranslationUnit tu, FunctionModel f, CallGraph graph, TypeResolver types,
                                              TypeDescriptors descriptors, RewritePlan plan, AllocWrappers wrappers) {
        java.util.Map<String, Boolean> candidates = new java.util.HashMap<>();   // variable -> may pass a caller's pointer
        f.body.walk(n -> {
            if (n.is("VarDecl") && !n.attr("storageClass").equals("static") && isVoidPointer(n.qualType(), types)) {
                candidates.put(n.id(), false);
            }
        });
        if (candidates.isEmpty()) return;
        Set<String> bad = new HashSet<>();
        f.body.walk(n -> {
            if (n.is("VarDecl") && candidates.containsKey(n.id()) && !n.inner().isEmpty()) {
                Node init = AllocWrappers.stripCasts(n.child(0));
                if (!wrappers.isAllocation(init, f, graph)) bad.add(n.id());
                else if (wrappers.mayPassThrough(init, f, graph)) candidates.put(n.id(), true);
            } else if (n.is("BinaryOperator") || n.is("CompoundAssignOperator")) {
                Node lhs = Ast.strip(n.child(0));
                if (lhs == null || !lhs.is("DeclRefExpr") || !candidates.containsKey(Ast.referencedDeclId(lhs))) return;
                String id = Ast.referencedDeclId(lhs);
                if (n.is("CompoundAssignOperator")) bad.add(id);
                else if (n.attr("opcode").equals("=")) {
                    Node rhs = AllocWrappers.stripCasts(n.child(1));
                    if (!wrappers.isAllocation(rhs, f, graph)) bad.add(id);
                    else if (wrappers.mayPassThrough(rhs, f, graph)) candidates.put(id, true);
                }
            } else if (n.is("UnaryOperator")) {
                String op = n.attr("opcode");
                Node arg = Ast.strip(n.child(0));
                if (arg != null && arg.is("DeclRefExpr") && candidates.containsKey(Ast.referencedDeclId(arg))
                        && (op.equals("&") || op.equals("++") || op.equals("--"))) bad.add(Ast.referencedDeclId(arg));
            }
        });
        String text = tu.text();
        f.body.walk(n -> {
            if (!n.is("DeclRefExpr") || !n.referencedDecl().path("kind").asText().equals("VarDecl")) return;
            String id = Ast.referencedDeclId(n);
            if (!candidates.containsKey(id) || bad.contains(id)) return;
            if (n.begin().inMacro() || n.end().inMacro() || !tu.inMainFile(n.begin())) return;
            CType elem = typedUse(n, types);
            if (elem == null) return;
            Node p = n.parent();
            while (p != null && (p.is("ImplicitCastExpr") || p.is("ParenExpr"))) p = p.parent();
            if (p == null || p.begin().inMacro()) return;
            int start = n.begin().offset();
            int stop = Ast.rangeEnd(text, n);
            if (start < 0 || stop <= start || stop > text.length()) return;
            String desc = descriptor(elem, types, descriptors);
            if (desc == null) return;
            plan.insert(start, candidates.get(id) ? "talent_heap_type_result(" : "talent_heap_type_first(", RewritePlan.Rank.DEFAULT);
            plan.insert(stop, ", " + desc + ")", RewritePlan.Rank.DEFAULT);
        });
    }

    /** The call's result is converted to {@code void *} where it is stored (a {@code void *} variable or member). */
    private static boolean intoVoidPointer(Node call, TypeResolver types) {
        Node child = call;
        Node p = call.parent();
        while (p != null && (p.is("ImplicitCastExpr") || p.is("ParenExpr"))) {
            child = p;
            p = p.parent();
        }
        if (p == null) return false;
        String target = switch (p.kind()) {
            case "CStyleCastExpr", "VarDecl" -> p.qualType();
            case "BinaryOperator" -> p.attr("opcode").equals("=") && p.child(1) == child ? p.child(0).qualType() : null;
            default -> null;
        };
        return target != null && isVoidPointer(target, types);
    }

    private static boolean isVoidPointer(String type, TypeResolver types) {
        return types.pointee(type).filter(t -> t instanceof CType.Builtin b && b.name().equals("void")).isPresent();
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

    /**
     * The pointee of the typed pointer the call's result is cast to, assigned to, initialises, is returned as or
     * passed as (to a function with a prototype); else null.
     */
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
            case "ReturnStmt" -> HeapCalls.enclosingFunctionReturn(p);
            case "CallExpr" -> p.child(0) == child ? null : HeapCalls.parameterType(p, child);
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
}
