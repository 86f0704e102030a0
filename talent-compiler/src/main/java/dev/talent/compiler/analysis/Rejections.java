package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.Set;

/** Constructs talent cannot checkpoint through, reported at build time with file:line and what to do. */
public final class Rejections {
    /** GCC's builtin jumps: their buffer holds only frame and stack addresses, with no library call to redo. */
    private static final Set<String> BUILTIN_JUMPS = Set.of("__builtin_setjmp", "__builtin_longjmp");
    private static final Set<String> THREADS = Set.of("pthread_create", "thrd_create", "clone");
    /**
     * Thread-specific data keys: a key is a number of this process's C library, created by it, and its values and
     * destructor live in the library's tables, which talent does not carry (docs/CODEGEN.md "Types of the C library").
     */
    private static final Set<String> KEYS = Set.of("pthread_key_create", "tss_create");
    private static final Set<String> ALLOCA = Set.of("alloca", "__builtin_alloca", "__builtin_alloca_with_align");
    /**
     * The wrapped allocator functions (RuntimeLibrary.WRAPPED_ALLOCATOR) that the C library defines together, in one
     * object of its static archive: a program defining one of them cannot be linked with talent's wrappers, and the
     * blocks its own allocator hands out live in pools talent does not carry. (strdup and strndup a program may define:
     * ProgramTable.WRAPPED_OWN_DEFINABLE.)
     */
    public static final Set<String> OWN_ALLOCATOR = Set.of("malloc", "calloc", "realloc", "free", "posix_memalign",
            "aligned_alloc", "memalign", "valloc", "malloc_usable_size");

    public static void check(FunctionModel f, Diagnostics diags) {
        check(f, null, diags);
    }

    /** {@code graph}: the program's call graph, to look into the functions an address made an integer is passed to. */
    public static void check(FunctionModel f, CallGraph graph, Diagnostics diags) {
        check(f, graph, AddressObjects.NONE, diags);
    }

    /** {@code objects}: the program's integer objects that hold only addresses (AddressObjects), carried as addresses. */
    public static void check(FunctionModel f, CallGraph graph, AddressObjects objects, Diagnostics diags) {
        if (f.body != null && !f.isStatic && OWN_ALLOCATOR.contains(f.name)) {
            diags.error(f.unit, f.decl, "the program defines its own '" + f.name + "': talent tracks every heap block"
                            + " by wrapping the C library's allocator when it links, and cannot carry the blocks of a"
                            + " program's own allocator (they live in its pools, typed by nothing talent sees)",
                    "build the program with the C library's allocator (a bundled allocator usually has a switch for it)");
        }
        if (f.body == null || !f.inMainFile) return;
        TranslationUnit tu = f.unit;
        EventPollRejection.check(f, diags);
        AddressIntegers.check(f, graph, objects, diags);
        f.body.walk(n -> {
            switch (n.kind()) {
                case "GCCAsmStmt", "MSAsmStmt" -> diags.error(tu, n, "inline assembly cannot be checkpointed portably",
                        "move the assembly into a separate library function written for each ISA, or into a file that is not instrumented");
                case "IndirectGotoStmt", "AddrLabelExpr" -> diags.error(tu, n, "computed goto (&&label / goto *p) is not supported",
                        "use a switch statement instead");
                case "CallExpr" -> {
                    String callee = Ast.directCallee(n);
                    if (callee == null) return;
                    if (BUILTIN_JUMPS.contains(callee)) {
                        diags.error(tu, n, "'" + callee + "' cannot be checkpointed: its buffer holds this ISA's frame and"
                                        + " stack addresses, which mean nothing on another ISA or in a restarted process, and"
                                        + " talent re-arms only the C library's setjmp/sigsetjmp on restore",
                                "use setjmp/longjmp from <setjmp.h>");
                    } else if (SetjmpCalls.SETJMP.contains(callee) && !rearmable(n)) {
                        diags.error(tu, n, "'" + callee + "' in a form talent did not rewrite", "call setjmp in one of the forms C allows");
                    } else if (THREADS.contains(callee)) {
                        diags.error(tu, n, "threads are not supported ('" + callee + "')",
                                "checkpoint single-threaded programs; fork is allowed");
                    } else if (KEYS.contains(callee)) {
                        diags.error(tu, n, "thread-specific data is not supported ('" + callee + "'): the key is a number"
                                        + " of this process's C library and its value and destructor live in the library's"
                                        + " tables, which talent does not carry; a restarted process has no such key",
                                "keep the value in a global variable (a checkpointed program runs one thread)");
                    } else if (ALLOCA.contains(callee) && f.chain) {
                        diags.error(tu, n, "alloca in '" + f.name + "', a function that may checkpoint, in a form talent does not"
                                        + " rewrite into a tracked block ('" + callee + "'"
                                        + (callee.startsWith("__builtin_alloca_with_align")
                                        ? ", not written by its name in the function's text with an alignment written with"
                                                + " integer literals (not sizeof or _Alignof, which differ between ISAs) from 8 bits to "
                                                + AllocaCalls.MAX_ALIGN + " bytes"
                                        : ", not written as alloca(...) in the function's text: inside the arguments of a library macro")
                                        + "): the block would live in the machine stack frame, which a restart rebuilds"
                                        + " without it, and a pointer into it would point nowhere talent knows",
                                "write the call as alloca(size) or __builtin_alloca_with_align(size, bits) directly in the function, or use malloc/free");
                    }
                }
                case "CompoundLiteralExpr" -> {
                    if (f.chain && CompoundLiterals.uncarried(n)) {
                        diags.error(tu, n, "compound literal in '" + f.name + "', a function that may checkpoint, that talent"
                                        + " could not give a frame variable (its type name has parentheses, as a pointer to a function"
                                        + " has, or it is written inside a macro expansion): its object"
                                        + " lives in the machine stack frame, which a restart rebuilds without it, and a pointer"
                                        + " to it would point nowhere talent knows",
                                "declare a local variable initialised with the literal's value (a typedef for the type) and use the variable");
                    }
                }
                case "VarDecl" -> {
                    // talent's own va_list brackets (__talent_vas, VaListBrackets) end their region with a cleanup
                    if (f.chain && !n.name().startsWith("__talent_")
                            && n.inner().stream().anyMatch(c -> c.kind().equals("CleanupAttr"))) {
                        diags.error(tu, n, "variable '" + n.name() + "' has __attribute__((cleanup)) in '" + f.name
                                        + "', a function that may checkpoint: a checkpoint leaves the function by returning,"
                                        + " which runs the cleanup (freeing or closing what the variable holds) before its"
                                        + " state is saved, and a restart would resume without it",
                                "call the cleanup function at the end of the variable's scope instead of the attribute, or"
                                        + " declare the variable in a function that does not checkpoint");
                    }
                }
                // variable-length arrays: VariableLengthArrays, once the resume points are known
                default -> { }
            }
        });
    }

    /** A setjmp call as SetjmpCalls writes it: its buffer argument is the site's saved pointer. */
    private static boolean rearmable(Node call) {
        if (call.inner().size() < 2) return false;
        Node a = Ast.strip(call.child(1));
        return a != null && a.is("DeclRefExpr") && a.referencedDecl().path("name").asText("").startsWith(SetjmpCalls.PREFIX + "b_");
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
