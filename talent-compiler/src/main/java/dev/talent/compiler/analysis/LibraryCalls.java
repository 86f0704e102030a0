package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.Set;

/**
 * The libc calls the runtime wraps (talent.h "open files" and "blocking calls"): which names, and whether a
 * call really reaches the library function. A call is the library's when the program defines no function
 * of that name and the name is declared in a system header (a file under /usr/, where the host's libc,
 * musl and compiler headers live), so a user's own {@code read} or a prototype-only user header is left alone.
 */
public final class LibraryCalls {
    private LibraryCalls() {}

    /**
     * Calls that open, close or duplicate a stream or descriptor, or set what a migration carries with it (listen's
     * backlog, setsockopt's buffer sizes, a stream's buffering mode); the first three kinds take a site position.
     */
    public static final Set<String> FILE_CALLS = Set.of("fopen", "fdopen", "freopen", "fclose", "open", "creat",
            "close", "dup", "dup2", "listen", "setsockopt", "socket", "socketpair", "pipe", "pipe2", "eventfd", "timerfd_create", "signalfd",
            "inotify_init", "inotify_init1", "memfd_create", "accept4", "popen", "opendir", "pclose", "closedir", "tmpfile",
            "setvbuf", "setbuf", "setbuffer", "setlinebuf");
    /** The setvbuf family: the runtime keeps each stream's buffering mode, which a restart sets again (streammodes.c). */
    public static final Set<String> BUFFERING_CALLS = Set.of("setvbuf", "setbuf", "setbuffer", "setlinebuf");
    /**
     * File calls whose wrapper takes the call's position as its last argument: those that open a path, and those
     * that make a descriptor without one (socket, pipe, eventfd...), which a checkpoint carries or refuses naming
     * the call and its position (issue 12: never left out).
     */
    public static final Set<String> FILE_CALLS_WITH_SITE = Set.of("fopen", "fdopen", "freopen", "open", "creat",
            "socket", "socketpair", "pipe", "pipe2", "eventfd", "timerfd_create", "signalfd", "inotify_init",
            "inotify_init1", "memfd_create", "accept4", "popen", "opendir", "tmpfile");
    /** Calls that may block; in a chain function each is a blocking site. */
    public static final Set<String> BLOCKING_CALLS = Set.of("read", "write", "recv", "recvfrom", "send", "accept",
            "connect", "poll", "select", "sleep", "usleep", "nanosleep", "waitpid", "wait", "pause", "fgets", "getline",
            "getdelim", "epoll_wait", "epoll_pwait");
    /** epoll calls that create or change an instance (epoll.c keeps its table); epoll_ctl also gets its data kind. */
    public static final Set<String> EPOLL_CALLS = Set.of("epoll_create", "epoll_create1", "epoll_ctl");

    /** The name of the wrapped library function {@code call} calls directly, or null. */
    public static String wrappedCallee(TranslationUnit tu, CallGraph graph, FunctionModel from, Node call) {
        if (!call.is("CallExpr")) return null;
        String name = Ast.directCallee(call);
        if (name == null || !(FILE_CALLS.contains(name) || BLOCKING_CALLS.contains(name) || EPOLL_CALLS.contains(name))) {
            return null;
        }
        if (graph.resolve(from, name) != null) return null;
        return declaredInSystemHeader(tu, name) ? name : null;
    }

    /** True for a direct call of a library blocking function. */
    public static boolean isBlockingCall(TranslationUnit tu, CallGraph graph, FunctionModel from, Node call) {
        if (from.inVaRegion(call)) return false;   // no checkpoint is taken there (VaListRegions)
        String name = wrappedCallee(tu, graph, from, call);
        return name != null && BLOCKING_CALLS.contains(name);
    }

    /** True when the function calls a library blocking function outside macro expansions (it may checkpoint). */
    public static boolean containsBlockingCall(FunctionModel f, CallGraph graph) {
        boolean[] found = {false};
        f.body.walk(n -> {
            if (!found[0] && isBlockingCall(f.unit, graph, f, n) && f.unit.isMacroFree(n)) found[0] = true;
        });
        return found[0];
    }

    private static boolean declaredInSystemHeader(TranslationUnit tu, String name) {
        for (Node top : tu.root().inner()) {
            if (!top.is("FunctionDecl") || !top.name().equals(name)) continue;
            String file = top.loc().file();
            if (file != null && file.startsWith("/usr/")) return true;
        }
        return false;
    }
}
