package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import java.util.Set;

/**
 * What of epoll talent still refuses at build time (issue 12: instances and registrations are carried, epoll.c):
 * <ul>
 * <li>an {@code epoll_ctl} whose event's {@code epoll_data} member cannot be told from the program's text
 * ({@link EpollDataKind}): {@code data.ptr} is migrated as a pointer, {@code data.fd}/{@code u32}/{@code u64} as
 * numbers, and guessing from the value could silently restore a wrong one;</li>
 * <li>{@code epoll_pwait2}, which the runtime does not wrap (its waits would not be checkpoint sites);</li>
 * <li>an epoll call written inside a macro expansion, which talent cannot rewrite into its wrapper (the instance or
 * registration would be missing from the checkpoint).</li>
 * </ul>
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
            if (callee == null || !EPOLL.contains(callee)) return;
            if (callee.equals("epoll_pwait2")) {
                diags.error(f.unit, n, "'epoll_pwait2' is not supported: talent wraps epoll_wait and epoll_pwait (checkpoint"
                                + " sites that keep the epoll instances across a migration), not epoll_pwait2",
                        "call epoll_pwait with a timeout in milliseconds instead");
            } else if (!f.unit.isMacroFree(n)) {
                diags.error(f.unit, n, "'" + callee + "' inside a macro expansion: talent cannot rewrite it into its wrapper,"
                                + " so the epoll instance or registration would be missing from a checkpoint",
                        "call " + callee + " outside the macro");
            } else if (callee.equals("epoll_ctl")
                    && EpollDataKind.of(f.body, n) instanceof EpollDataKind.Unknown(String why)) {
                diags.error(f.unit, n, "'epoll_ctl': talent cannot tell which member of epoll_data this call registers: "
                                + why + "; data.ptr is migrated as a pointer and data.fd/u32/u64 as numbers, and talent"
                                + " never guesses from the value",
                        "pass &ev for a local struct epoll_event ev and write exactly one member of ev.data (ev.data.ptr ="
                                + " ..., or ev.data.fd = ...) in the statement just before the call");
            }
        });
    }
}
