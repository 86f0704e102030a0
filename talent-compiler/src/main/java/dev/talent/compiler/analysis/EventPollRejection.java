package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import java.util.Set;

/**
 * epoll is refused at build time. An epoll instance is a kernel object that holds the program's registrations
 * (descriptor, events, the 64-bit user data of each): a checkpoint can neither read them back nor carry them, and
 * {@code epoll_wait} is not a checkpoint site, so a program blocked in it could not stop, and one restored with a
 * dangling epoll descriptor would silently wait on nothing. {@code poll} and {@code select} are carried (their
 * sets live in the program's own memory) and keep their semantics across a migration.
 */
public final class EventPollRejection {
    private static final Set<String> EPOLL = Set.of("epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
            "epoll_pwait", "epoll_pwait2");

    private EventPollRejection() {}

    public static void check(FunctionModel f, Diagnostics diags) {
        if (f.body == null || !f.inMainFile) return;
        f.body.walk(n -> {
            if (!n.is("CallExpr")) return;
            String callee = Ast.directCallee(n);
            if (callee != null && EPOLL.contains(callee)) {
                diags.error(f.unit, n, "'" + callee + "': epoll instances are kernel objects whose registrations talent"
                                + " cannot read back nor rebuild on another platform, and epoll_wait is not a checkpoint site",
                        "wait with poll() or select() instead: their descriptor sets are the program's own memory and"
                                + " talent carries them across a migration");
            }
        });
    }
}
