package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.Set;

/** Constructs talent cannot checkpoint through, reported at build time with file:line and what to do. */
public final class Rejections {
    private static final Set<String> JUMPS = Set.of("setjmp", "_setjmp", "__sigsetjmp", "sigsetjmp", "longjmp",
            "_longjmp", "siglongjmp", "__builtin_setjmp", "__builtin_longjmp");
    private static final Set<String> THREADS = Set.of("pthread_create", "thrd_create", "clone");
    private static final Set<String> ALLOCA = Set.of("alloca", "__builtin_alloca", "__builtin_alloca_with_align");

    public static void check(FunctionModel f, Diagnostics diags) {
        if (f.body == null || !f.inMainFile) return;
        TranslationUnit tu = f.unit;
        f.body.walk(n -> {
            switch (n.kind()) {
                case "GCCAsmStmt", "MSAsmStmt" -> diags.error(tu, n, "inline assembly cannot be checkpointed portably",
                        "move the assembly into a separate library function written for each ISA, or into a file that is not instrumented");
                case "IndirectGotoStmt", "AddrLabelExpr" -> diags.error(tu, n, "computed goto (&&label / goto *p) is not supported",
                        "use a switch statement instead");
                case "CallExpr" -> {
                    String callee = Ast.directCallee(n);
                    if (callee == null) return;
                    if (JUMPS.contains(callee)) {
                        diags.error(tu, n, "'" + callee + "' cannot be checkpointed: a jump buffer holds machine addresses",
                                "replace setjmp/longjmp with error codes returned up the call chain");
                    } else if (THREADS.contains(callee)) {
                        diags.error(tu, n, "threads are not supported ('" + callee + "')",
                                "checkpoint single-threaded programs; fork is allowed");
                    } else if (ALLOCA.contains(callee) && f.chain) {
                        diags.error(tu, n, "alloca in '" + f.name + "', a function that may checkpoint",
                                "use malloc/free or a fixed-size array");
                    }
                }
                case "VarDecl" -> {
                    if (f.chain && isVla(n.qualType())) {
                        diags.error(tu, n, "variable-length array '" + n.name() + "' in '" + f.name
                                        + "', a function that may checkpoint",
                                "use malloc/free or a fixed-size array");
                    }
                }
                default -> { }
            }
        });
    }

    private static boolean isVla(String qualType) {
        try {
            CType t = CTypeParser.parse(qualType);
            while (t instanceof CType.Array a) {
                if (a.isVariableLength()) return true;
                t = a.elem();
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A function defined in a header cannot be instrumented; it must not be on a checkpoint's call chain. */
    public static void headerChainFunction(FunctionModel f, Diagnostics diags) {
        Node d = f.decl;
        var l = d.position();
        diags.add(dev.talent.compiler.Diagnostic.error(l.file(), l.line(), l.col(), "function '" + f.name + "' is defined in a header ("
                        + d.position().file() + ") and calls a function that may checkpoint",
                "define the function in a .c file of the program, or mark the callee '#pragma talent nocheckpoint'"));
    }
}
