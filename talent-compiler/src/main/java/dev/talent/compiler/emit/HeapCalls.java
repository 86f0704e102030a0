package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites calls of malloc, calloc, realloc, free, strdup and strndup into the runtime's tracking entry
 * points (talent.h "heap"), passing the element type inferred at the call (the lvalue the result is
 * assigned to or initialises, a cast of the result, the function's return type for {@code return malloc(..)},
 * else {@code sizeof *p} / {@code sizeof(T)} in the size arguments) and the call's position. Sites with a
 * known element type are collected for the unit's alloc_sites table.
 */
public final class HeapCalls {
    private static final Set<String> HANDLED = Set.of("malloc", "calloc", "realloc", "free", "strdup", "strndup");

    private final TranslationUnit tu;
    private final TypeResolver types;
    private final TypeDescriptors descriptors;
    private final RewritePlan plan;
    private final Diagnostics diags;
    /** site position -> descriptor expression, for alloc_sites. */
    private final Map<String, String> sites = new LinkedHashMap<>();

    public HeapCalls(TranslationUnit tu, TypeResolver types, TypeDescriptors descriptors, RewritePlan plan, Diagnostics diags) {
        this.tu = tu;
        this.types = types;
        this.descriptors = descriptors;
        this.plan = plan;
        this.diags = diags;
    }

    public void rewrite(FunctionModel f, CallGraph graph) {
        f.body.walk(n -> {
            if (!n.is("CallExpr")) return;
            String name = Ast.directCallee(n);
            if (name == null || !HANDLED.contains(name) || graph.resolve(f, name) != null) return;
            if (!tu.isMacroFree(n) || n.end().inMacro()) {
                diags.warning(tu, n, "call of " + name + " inside a macro expansion is not tracked: a checkpoint that "
                        + "reaches this memory through a pointer will be refused", "call " + name + " outside the macro");
                return;
            }
            Node callee = Ast.strip(n.child(0));
            plan.replace(callee.begin().offset(), callee.begin().endOffset(), "talent_" + name);
            String pos = TypeDescriptors.cString(tu.pos(n.begin()));
            int close = n.end().offset();
            switch (name) {
                case "free" -> { }
                case "strdup", "strndup" -> plan.insert(close, ", " + pos);
                default -> {
                    String elem = elementDescriptor(n);
                    if (!elem.equals("0")) sites.putIfAbsent(tu.pos(n.begin()), elem);
                    plan.insert(close, ", " + elem + ", " + pos);
                }
            }
        });
    }

    /** {@code &talent_td_N} for the inferred element type, or 0 when unknown or not describable at file scope. */
    String elementDescriptor(Node call) {
        CType elem = fromContext(call);
        if (elem == null) elem = fromSizeof(call);
        if (elem == null) return "0";
        try {
            if (!types.fileScopeSpellable(elem)) return "0";
            return switch (types.category(elem)) {
                case UNSUPPORTED -> "0";
                default -> descriptors.refAtFileScope(elem, TypeResolver.spell(elem), new StringBuilder());
            };
        } catch (RuntimeException e) {
            return "0";
        }
    }

    /** The pointee of the pointer type the result is converted to, assigned to, or initialises. */
    private CType fromContext(Node call) {
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
            case "ReturnStmt" -> enclosingFunctionReturn(p);
            default -> null;
        };
        return pointee(target);
    }

    private static String enclosingFunctionReturn(Node n) {
        while (n != null && !n.is("FunctionDecl")) n = n.parent();
        if (n == null) return null;
        try {
            return CTypeParser.parse(n.qualType()) instanceof CType.Function fn ? TypeResolver.spell(fn.ret()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private CType pointee(String pointerType) {
        if (pointerType == null || pointerType.isEmpty()) return null;
        try {
            CType t = types.canonical(CTypeParser.parse(pointerType));
            if (!(t instanceof CType.Pointer ptr)) return null;
            CType to = ptr.to();
            if (types.canonical(to) instanceof CType.Builtin b && b.name().equals("void")) return null;
            return to;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private CType fromSizeof(Node call) {
        for (Node arg : Ast.callArguments(call)) {
            CType[] found = {null};
            arg.walk(n -> {
                if (found[0] != null || !n.is("UnaryExprOrTypeTraitExpr") || !n.attr("name").equals("sizeof")) return;
                String t = n.json().has("argType") ? n.json().path("argType").path("qualType").asText()
                        : n.inner().isEmpty() ? null : n.child(0).qualType();
                try {
                    if (t != null && !t.isEmpty()) found[0] = CTypeParser.parse(t);
                } catch (RuntimeException e) {
                    // not a type talent can parse: no inference from this sizeof
                }
            });
            if (found[0] != null) return found[0];
        }
        return null;
    }

    /** Table rows {@code { "pos", &td }} of sites with a known element type. */
    public Map<String, String> sites() {
        return sites;
    }
}
