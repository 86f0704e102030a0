package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The program's own external symbols that have the name of a C library function the link wraps
 * ({@code -Wl,--wrap=NAME}, RuntimeLibrary.LINK_FLAGS). The linker redirects every reference to NAME that an object
 * file does not define to {@code __wrap_NAME}, whatever NAME is: a global variable {@code int random;} defined in one
 * file and used in another is read, in that other file, at the runtime's wrapper function {@code __wrap_random}
 * (other values, exit 0). Such a program is refused naming the variable, where it is defined and where it is used.
 * A program's own {@code exit} is refused too: the C library's startup code links the library's {@code exit}, and the
 * link fails with "multiple definition of 'exit'", and so is its own {@code strerror_r} (the runtime's takes the form
 * the C library's headers declare, GNU or XSI). Functions a program may define itself are
 * ProgramTable.WRAPPED_OWN_DEFINABLE (forwarded) and Rejections.OWN_ALLOCATOR (refused).
 */
public final class WrappedNames {
    /** Every name the link wraps: RuntimeLibrary.WRAPPED_ALLOCATOR and WRAPPED_OTHER (WrappedNamesTest keeps them equal). */
    public static final Set<String> WRAPPED = Set.of("malloc", "calloc", "realloc", "free", "posix_memalign",
            "aligned_alloc", "memalign", "valloc", "strdup", "strndup", "malloc_usable_size", "atexit", "on_exit", "exit",
            "at_quick_exit", "rand", "srand", "random", "srandom", "rand_r", "initstate", "setstate", "drand48", "erand48",
            "lrand48", "nrand48", "mrand48", "jrand48", "srand48", "seed48", "lcong48", "strtok", "getopt", "getopt_long",
            "getopt_long_only", "regcomp", "regfree", "gmtime", "localtime", "asctime", "ctime", "hcreate", "hdestroy",
            "inet_ntoa", "l64a", "ether_ntoa", "ecvt", "fcvt", "ether_aton", "tmpnam", "localeconv", "getpwnam", "getpwuid",
            "getpwent", "getgrnam", "getgrgid", "getgrent", "getprotobyname", "getprotobynumber", "getprotoent", "getservbyname", "getservbyport", "getservent",
            "gethostbyname", "gethostbyaddr", "gethostent", "getnetbyname", "getnetbyaddr", "getnetent", "ptsname", "mmap",
            "mmap64", "munmap", "mremap", "mprotect", "qsort", "strerror", "strerror_l", "strerror_r", "__xpg_strerror_r", "strsignal",
            "psignal", "gai_strerror", "hstrerror", "herror", "regerror");

    /** Wrapped functions whose static result the runtime keeps in carried storage (foreign.c): never the program's own. */
    static final Set<String> KEPT_RESULTS = Set.of("inet_ntoa", "l64a", "ether_ntoa", "ecvt", "fcvt", "ether_aton",
            "tmpnam", "localeconv", "getpwnam", "getpwuid", "getpwent", "getgrnam", "getgrgid", "getgrent",
            "getprotobyname", "getprotobynumber", "getprotoent", "getservbyname", "getservbyport", "getservent",
            "gethostbyname", "gethostbyaddr", "gethostent", "getnetbyname", "getnetbyaddr", "getnetent", "ptsname");

    private WrappedNames() {}

    public static void check(List<TranslationUnit> units, Diagnostics diags) {
        for (TranslationUnit tu : units) {
            for (Node d : tu.root().inner()) {
                if (!WRAPPED.contains(d.name()) || !tu.isMainFileNode(d)) continue;
                if (d.is("FunctionDecl") && d.name().equals("exit") && !d.attr("storageClass").equals("static")
                        && d.inner().stream().anyMatch(c -> c.is("CompoundStmt"))) {
                    diags.error(tu, d, "the program defines its own 'exit': the C library's startup code links the"
                                    + " library's exit, so a static link fails with \"multiple definition of 'exit'\", and talent"
                                    + " wraps exit when it links (-Wl,--wrap=exit) to run the exit handlers a checkpoint carries",
                            "rename the function (and call it where the program calls its own exit)");
                }
                if (d.is("FunctionDecl") && KEPT_RESULTS.contains(d.name()) && !d.attr("storageClass").equals("static")
                        && d.inner().stream().anyMatch(c -> c.is("CompoundStmt"))) {
                    diags.error(tu, d, "the program defines its own '" + d.name() + "': talent wraps " + d.name()
                                    + " when it links (-Wl,--wrap=" + d.name() + ") to keep its result in storage a"
                                    + " checkpoint carries, and the program's calls would reach the runtime's " + d.name()
                                    + " instead of this one",
                            "rename the function");
                }
                if (d.is("FunctionDecl") && d.name().equals("strerror_r") && !d.attr("storageClass").equals("static")
                        && d.inner().stream().anyMatch(c -> c.is("CompoundStmt"))) {
                    diags.error(tu, d, "the program defines its own 'strerror_r': talent wraps strerror_r when it links"
                                    + " (-Wl,--wrap=strerror_r) to give glibc's error texts on every C library, in the form"
                                    + " (GNU or XSI) the C library's headers declare, and the program's calls would reach the"
                                    + " runtime's strerror_r instead of this one",
                            "rename the function");
                }
                if (!d.is("VarDecl") || !defines(d)) continue;
                for (TranslationUnit other : units) {
                    if (other == tu) continue;
                    Node use = externalUse(other, d.name());
                    if (use == null) continue;
                    diags.error(tu, d, "the program's global variable '" + d.name() + "' has the name of a C library"
                                    + " function talent wraps when it links (-Wl,--wrap=" + d.name() + "): the linker sends the"
                                    + " reference of another file (" + other.pos(use.position()) + ") to the runtime's wrapper"
                                    + " function '__wrap_" + d.name() + "' instead of this variable, and the program would read"
                                    + " other values",
                            "rename the variable (or make it static and use it in its own file only)");
                    break;
                }
            }
        }
    }

    /** A definition with external linkage (a tentative one too): not static, and not extern without an initializer. */
    private static boolean defines(Node var) {
        String storage = var.attr("storageClass");
        if (storage.equals("static")) return false;
        return !storage.equals("extern") || !var.attr("init").isEmpty();
    }

    /** A use in tu of a variable of that name with external linkage (not a static or a local of the name), or null. */
    private static Node externalUse(TranslationUnit tu, String name) {
        Set<String> ids = new HashSet<>();
        for (Node d : tu.root().inner()) {
            if (d.is("VarDecl") && d.name().equals(name) && !d.attr("storageClass").equals("static")) ids.add(d.id());
        }
        tu.root().walk(n -> {
            if (n.is("VarDecl") && n.name().equals(name) && n.attr("storageClass").equals("extern")) ids.add(n.id());
        });
        if (ids.isEmpty()) return null;
        Node[] found = {null};
        tu.root().walk(n -> {
            if (found[0] == null && n.is("DeclRefExpr") && ids.contains(n.referencedDecl().path("id").asText(""))) found[0] = n;
        });
        return found[0];
    }
}
