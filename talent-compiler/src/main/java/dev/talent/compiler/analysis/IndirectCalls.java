package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;

/**
 * Calls through function pointers (issue 11, cause 7; docs/CODEGEN.md "Calls through pointers"). A call whose
 * callee is not a function's name ({@code fp(x)}, {@code (*fp)(x)}, {@code vm->op[i](vm)}, {@code get()(x)})
 * may reach any function whose address the program takes. In a chain function such a call is a chain call
 * like any other when some chain function's address is taken: its statement is hoisted, the variables its
 * callee expression reads are saved with the frame (a function pointer is saved by the name of its target),
 * and a restart evaluates the callee expression again, calls the restored pointer's target, whose prologue
 * resumes it. A callee expression with a side effect is evaluated once into a temporary before the call.
 */
public final class IndirectCalls {
    private IndirectCalls() {}

    /** True for a call whose callee is not the name of a function. */
    public static boolean isIndirect(Node call) {
        return call.is("CallExpr") && !call.inner().isEmpty() && Ast.directCallee(call) == null;
    }

    /** How messages name the callee of a call: the function's name, or "a function pointer". */
    public static String describe(Node call) {
        String name = Ast.directCallee(call);
        return name != null ? "'" + name + "'" : "a function through a pointer";
    }
}
