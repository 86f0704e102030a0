package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.Set;

/**
 * Attribute objects of the threads library ({@code pthread_mutexattr_t}, {@code pthread_condattr_t},
 * {@code pthread_attr_t}, {@code pthread_rwlockattr_t}, {@code pthread_barrierattr_t}; issue 11): a local one is set up with its {@code _init}, handed by address to the library's
 * functions that read or set it ({@code pthread_mutexattr_settype(&a, ...)}, {@code pthread_mutex_init(&m, &a)}) and
 * destroyed. None of those functions keeps the address, so such an argument does not make the variable address-taken
 * ({@link AddressTakenAnalysis}), and its {@code _init} writes it without reading it (a kill in {@link CfgBuilder}):
 * the variable is saved only where it is live, i.e. between its {@code _init} and its last use. Its members are the C
 * library's private ones, which talent cannot carry, so a site where it is live is still a build error; one after its
 * {@code _destroy} (or before its {@code _init}) is not.
 */
public final class ThreadAttributes {
    private static final Set<String> TYPES = Set.of("pthread_mutexattr_t", "pthread_condattr_t", "pthread_attr_t",
            "pthread_rwlockattr_t", "pthread_barrierattr_t");
    private static final Set<String> INITS = Set.of("pthread_mutexattr_init", "pthread_condattr_init", "pthread_attr_init",
            "pthread_rwlockattr_init", "pthread_barrierattr_init");
    /** The functions that initialise an object with an attribute object as their second argument. */
    private static final Set<String> INIT_WITH = Set.of("pthread_mutex_init", "pthread_cond_init", "pthread_create",
            "pthread_rwlock_init", "pthread_barrier_init");

    private ThreadAttributes() {
    }

    /** True for the spelling of an attribute object's type (as written: a typedef name of the threads library). */
    static boolean isAttributeType(String typeSpelling) {
        return typeSpelling != null && TYPES.contains(typeSpelling.strip());
    }

    /**
     * The call that {@code &x} (the UnaryOperator, x a DeclRefExpr of an attribute type) is a whole argument of, when
     * it is a direct call of a function of the threads library that does not keep the address; else null.
     */
    static Node libraryCallTaking(Node addressOf) {
        Node operand = Ast.strip(addressOf.child(0));
        if (!operand.is("DeclRefExpr") || !isAttributeType(operand.qualType())) return null;
        Node child = addressOf;
        Node p = addressOf.parent();
        while (p != null && (p.is("ParenExpr") || p.is("ImplicitCastExpr"))) {
            child = p;
            p = p.parent();
        }
        if (p == null || !p.is("CallExpr") || p.inner().isEmpty() || p.child(0) == child) return null;
        String callee = String.valueOf(Ast.directCallee(p));
        boolean attrCall = callee.startsWith("pthread_mutexattr_") || callee.startsWith("pthread_condattr_")
                || callee.startsWith("pthread_attr_") || callee.startsWith("pthread_rwlockattr_")
                || callee.startsWith("pthread_barrierattr_");
        boolean initWith = INIT_WITH.contains(callee) && p.inner().size() > 2 && p.child(2) == child;
        return attrCall || initWith ? p : null;
    }

    /** The attribute variable's DeclRefExpr that this call initialises ({@code pthread_mutexattr_init(&a)}), or null. */
    static Node initialised(Node call) {
        if (!call.is("CallExpr") || call.inner().size() != 2 || !INITS.contains(String.valueOf(Ast.directCallee(call)))) return null;
        Node arg = Ast.strip(call.child(1));
        if (!arg.is("UnaryOperator") || !arg.attr("opcode").equals("&")) return null;
        Node operand = Ast.strip(arg.child(0));
        return operand.is("DeclRefExpr") && isAttributeType(operand.qualType()) ? operand : null;
    }
}
