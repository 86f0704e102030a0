package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.MacroExpansions;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Calls that may reach a function that checkpoints but are no resume point run suspended (docs/CODEGEN.md):
 * {@code ({ talent_suspended++; __auto_type __talent_sv = CALL; talent_suspended--; __talent_sv; })}, so that a
 * request during them waits for the next site outside. They are a chain function's call from a function that is
 * not one, and, when a chain function's address is taken, a call through a pointer outside a chain function (or
 * one the chain function could not hoist) and a call of a library or header function given a function pointer.
 */
final class SuspendedWraps {
    private final TranslationUnit tu;
    private final CallGraph graph;
    private final RewritePlan plan;
    private final Diagnostics diags;

    SuspendedWraps(TranslationUnit tu, CallGraph graph, RewritePlan plan, Diagnostics diags) {
        this.tu = tu;
        this.graph = graph;
        this.plan = plan;
        this.diags = diags;
    }

    void emit(FunctionModel f) {
        String text = plan.original();
        // macro invocations holding a call that may checkpoint (MacroExpansions): wrapped whole, their text untouched
        Set<Node> macros = new LinkedHashSet<>(f.suspendedMacros);
        boolean indirectMayReachChain = graph.anyChainFunctionAddressTaken();
        f.body.walk(n -> {
            if (!n.is("CallExpr")) return;
            String callee = Ast.directCallee(n);
            boolean wrap;
            if (callee == null) {
                // in a chain function a call through a pointer is a chain call (IndirectCalls), unless it
                // could not be hoisted
                wrap = indirectMayReachChain && (!f.chain || f.suspendedCalls.contains(n));
            } else {
                FunctionModel target = graph.resolve(f, callee);
                // a library function, or a function of a header talent does not instrument, given a callback
                if (target == null || !target.inMainFile) wrap = indirectMayReachChain && passesFunctionPointer(n);
                else wrap = target.chain && !f.chain;
            }
            if (!wrap) return;
            if (!tu.isMacroFree(n)) {
                // unwrapped, a checkpoint taken in the callee would unwind into a frame that does not resume (a silent
                // wrong result): the macro runs suspended as a whole, or the build is refused
                String why = MacroExpansions.whyNotSuspendable(tu, n);
                if (why == null) {
                    macros.add(MacroExpansions.outermost(n));
                } else {
                    diags.error(tu, n, "call that may reach a checkpointing function through a pointer is inside a macro"
                            + " expansion that " + why, "call it outside the macro");
                }
                return;
            }
            wrap(text, n);
        });
        for (Node m : macros) wrap(text, m);
    }

    private void wrap(String text, Node n) {
        boolean isVoid = n.qualType().equals("void");
        int b = n.begin().offset();
        int e = Ast.rangeEnd(text, n);
        plan.insertOpening(b, isVoid ? "({ talent_suspended++; " : "({ talent_suspended++; __auto_type __talent_sv = ",
                RewritePlan.Rank.WRAP_OPEN, n);
        plan.insertClosing(e, isVoid ? "; talent_suspended--; })" : "; talent_suspended--; __talent_sv; })",
                RewritePlan.Rank.WRAP_CLOSE, n);
    }

    private static boolean passesFunctionPointer(Node call) {
        for (Node a : Ast.callArguments(call)) {
            try {
                CType t = CTypeParser.parse(a.qualType());
                if (t instanceof CType.Pointer p && p.to() instanceof CType.Function) return true;
            } catch (RuntimeException e) {
                // a type spelling talent does not parse is not a function pointer spelling
            }
        }
        return false;
    }
}
