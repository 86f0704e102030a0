package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.EpollDataKind;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.LibraryCalls;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;

/**
 * Rewrites calls of the library's file functions (fopen, open, close, dup, ...) and blocking functions
 * (read, fgets, nanosleep, ...) into the runtime's talent_* wrappers on the same line (talent.h "open files",
 * "blocking calls"). fopen, fdopen, freopen, open and creat also get the call's position as their last
 * argument, and so do the calls that make a descriptor without a path (socket, pipe, eventfd, ...:
 * LibraryCalls.FILE_CALLS_WITH_SITE); an {@code open} without mode gets mode 0. A call written inside a macro
 * expansion is left alone (a warning for file calls: a restart will not reopen what it opened). Making a blocking call a
 * blocking site is ChainCallHoists' business; this class only renames.
 */
public final class IoCalls {
    private final TranslationUnit tu;
    private final RewritePlan plan;
    private final Diagnostics diags;

    public IoCalls(TranslationUnit tu, RewritePlan plan, Diagnostics diags) {
        this.tu = tu;
        this.plan = plan;
        this.diags = diags;
    }

    public void rewrite(FunctionModel f, CallGraph graph) {
        f.body.walk(n -> {
            String name = LibraryCalls.wrappedCallee(tu, graph, f, n);
            if (name == null) return;
            if (!tu.isMacroFree(n)) {
                if (LibraryCalls.EPOLL_CALLS.contains(name) || name.startsWith("epoll_")) {
                    return;     // refused by EventPollRejection
                }
                if (name.equals("setsockopt")) {
                    diags.warning(tu, n, "call of setsockopt inside a macro expansion is not tracked: a buffer size it sets "
                            + "on a TCP connection is not carried by a migration", "call setsockopt outside the macro");
                } else if (LibraryCalls.BUFFERING_CALLS.contains(name)) {
                    diags.warning(tu, n, "call of " + name + " inside a macro expansion is not tracked: the buffering mode "
                            + "it sets is not carried by a migration", "call " + name + " outside the macro");
                } else if (LibraryCalls.FILE_CALLS.contains(name)) {
                    diags.warning(tu, n, "call of " + name + " inside a macro expansion is not tracked: a restart does not "
                            + "reopen or close what it opens or closes", "call " + name + " outside the macro");
                } else {
                    diags.note(tu, n, "call of " + name + " inside a macro expansion is not a blocking site: a checkpoint "
                            + "requested while it blocks waits for the next site after it returns");
                }
                return;
            }
            Node callee = Ast.strip(n.child(0));
            plan.replace(callee.begin().offset(), callee.begin().endOffset(), "talent_" + name);
            if (name.equals("epoll_ctl")) {
                // the member of epoll_data the program wrote (EventPollRejection refuses the build when unknown)
                int kind = EpollDataKind.of(f.body, n) instanceof EpollDataKind.Known(EpollDataKind.Kind k) ? k.code : 0;
                plan.insert(n.end().offset(), ", " + kind);
                return;
            }
            if (!LibraryCalls.FILE_CALLS_WITH_SITE.contains(name)) return;
            String pos = TypeDescriptors.cString(tu.pos(n.begin()));
            int nargs = Ast.callArguments(n).size();
            boolean openWithoutMode = name.equals("open") && nargs == 2;
            plan.insert(n.end().offset(), (openWithoutMode ? ", 0, " : nargs == 0 ? "" : ", ") + pos);
        });
    }
}
