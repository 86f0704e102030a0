package dev.talent.compiler.analysis;

import dev.talent.compiler.Diagnostic;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.SourceLoc;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;

/**
 * The rule "state that talent does not save is refused at build time, never silently dropped". Every object
 * with static storage duration of a translation unit is saved (the unit's globals table: file-scope
 * variables and hoisted function statics of the unit's text, project headers inlined into it) or named here
 * in an error:
 *
 * <ul>
 *   <li>a thread-local (file scope or function scope) that {@link ThreadLocals} left as one: its unit starts
 *       threads, or its keyword comes from a macro expansion talent keeps or lies outside the unit's text (its
 *       address is not a constant a table can hold);</li>
 *   <li>a variable that is not constant, defined outside the unit's text (a header that was not inlined:
 *       a system header, a computed {@code #include MACRO}, ...), at file scope or as a static inside a
 *       function defined there.</li>
 * </ul>
 *
 * Declarations ({@code extern int errno_like;}, {@code stdin}) are not objects of this unit: the C library's
 * state is the C library's (the runtime handles what it must, e.g. open files).
 */
public final class StaticStorage {
    private StaticStorage() {}

    public static void check(TranslationUnit tu, TypeResolver types, Diagnostics diags) {
        for (Node top : tu.root().inner()) {
            boolean here = tu.isMainFileNode(top);
            if (top.is("VarDecl") || top.is("FunctionDecl")) literals(tu, top, diags);
            if (top.is("VarDecl")) {
                if (!isDefinition(top)) continue;
                if (isThreadLocal(top)) {
                    threadLocal(tu, top, here, diags);
                } else if (!here && !isConstant(top, types)) {
                    outside(tu, top, "variable '" + top.name() + "'", diags);
                }
            } else if (top.is("FunctionDecl")) {
                top.walk(n -> {
                    if (n == top || !n.is("VarDecl") || !n.attr("storageClass").equals("static")) return;
                    if (isThreadLocal(n)) {
                        threadLocal(tu, n, here, diags);
                    } else if (!here && !isConstant(n, types)) {
                        outside(tu, n, "static variable '" + n.name() + "' of function '" + top.name() + "'", diags);
                    }
                });
            }
        }
    }

    /**
     * Compound literals with static storage that {@link CompoundLiterals} did not name (one whose type name has
     * parentheses, one written in a macro): their unnamed objects are in no table.
     */
    private static void literals(TranslationUnit tu, Node top, Diagnostics diags) {
        if (!tu.isMainFileNode(top)) return;
        top.walk(n -> {
            if (!n.is("VarDecl") || (n != top && !n.attr("storageClass").equals("static")) || n.inner().isEmpty()) return;
            n.walk(l -> {
                if (!l.is("CompoundLiteralExpr") || !CompoundLiterals.usesObject(l)) return;
                diags.error(tu, l, "compound literal in the initialiser of '" + n.name() + "' has static storage, and talent"
                                + " could not give its object a name to save it by (its type name has parentheses, as a pointer to a"
                                + " function has, or it is written in a macro)",
                        "define the object as a static variable of its own (a typedef for the type) and initialise '" + n.name() + "' with it");
            });
        });
    }

    /** A file-scope declaration that defines the object here (tentative definitions included). */
    private static boolean isDefinition(Node v) {
        if (!v.attr("storageClass").equals("extern")) return true;
        return v.attr("init").length() > 0;
    }

    private static boolean isThreadLocal(Node v) {
        return v.attr("tls").length() > 0;
    }

    private static boolean isConstant(Node v, TypeResolver types) {
        try {
            CType t = CTypeParser.parse(v.qualType());
            if (t.isConst()) return true;
            return t instanceof CType.Named n && types.canonical(n).isConst();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void threadLocal(TranslationUnit tu, Node v, boolean here, Diagnostics diags) {
        String message = "thread-local variable '" + v.name() + "' cannot be saved in a checkpoint: talent saves the"
                + " thread-locals of a single-threaded unit as statics, and this unit starts threads, or the declaration's"
                + " _Thread_local/__thread is written in a macro or outside the unit's text";
        String remedy = "checkpoint single-threaded programs, and write the thread storage keyword in the declaration itself";
        if (here) {
            diags.error(tu, v, message, remedy);
        } else {
            SourceLoc l = v.position();
            diags.add(Diagnostic.error(l.file(), l.line(), l.col(), message, remedy));
        }
    }

    private static void outside(TranslationUnit tu, Node v, String what, Diagnostics diags) {
        SourceLoc l = v.position();
        diags.add(Diagnostic.error(l.file(), l.line(), l.col(), what + " is defined in " + l.file()
                        + ", which talent does not instrument (a system header, or one included with a computed "
                        + "#include or #include_next), so it would not be saved in a checkpoint of " + tu.unitName(),
                "include the header with #include \"...\" or through a -I directory (talent build -I DIR), "
                        + "or move the definition into a .c file of the program"));
    }
}
