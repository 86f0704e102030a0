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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rewrites calls of the library's file functions (fopen, open, close, dup, ...) and blocking functions
 * (read, fgets, nanosleep, ...) into the runtime's talent_* wrappers on the same line (talent.h "open files",
 * "blocking calls"). fopen, fdopen, freopen, open and creat also get the call's position as their last
 * argument, and so do the calls that make a descriptor without a path (socket, pipe, eventfd, ...:
 * LibraryCalls.FILE_CALLS_WITH_SITE); an {@code open} without mode gets mode 0. A call written inside a macro
 * expansion is left alone (a warning for file calls: a restart will not reopen what it opened), except the setvbuf
 * family, renamed by a #define around the function's body. Making a blocking call a
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
        Set<String> bufferingInMacros = new TreeSet<>();
        List<Node> bufferingCallsInMacros = new ArrayList<>();
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
                    bufferingInMacros.add(name);
                    bufferingCallsInMacros.add(n);
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
        if (!bufferingInMacros.isEmpty()) wrapInMacros(f, bufferingInMacros, bufferingCallsInMacros);
    }

    /**
     * A call of the setvbuf family written inside a C library macro's arguments ({@code assert(setvbuf(...) == 0)})
     * cannot be renamed in the text without changing what the macro sees (assert's message is its argument's text).
     * The function's body is framed instead by {@code #define setvbuf talent_setvbuf} and its {@code #undef}
     * (each followed by a {@code #line}, as MainRename does): gcc's preprocessor renames the call in the macro's
     * expansion, where the argument is expanded, and a stringified argument keeps the name as written. Before, the
     * call was only warned about, and the mode it set was silently lost at a restart.
     */
    private void wrapInMacros(FunctionModel f, Set<String> names, List<Node> calls) {
        Node body = f.body;
        if (!body.is("CompoundStmt") || !tu.isMacroFree(body)) {
            for (Node call : calls) {
                String name = Ast.directCallee(call);
                diags.error(tu, call, "call of " + name + " inside a macro expansion in a function whose body a macro "
                        + "writes cannot be tracked: the buffering mode it sets would be lost by a migration",
                        "call " + name + " outside the macro");
            }
            return;
        }
        StringBuilder open = new StringBuilder().append('\n');
        StringBuilder close = new StringBuilder().append('\n');
        for (String name : names) {
            open.append("#define ").append(name).append(" talent_").append(name).append('\n');
            close.append("#undef ").append(name).append('\n');
        }
        plan.insert(body.begin().offset() + 1, open.append(MainRename.lineDirective(tu, body.begin())).toString(),
                RewritePlan.Rank.HEADER);
        plan.insert(body.end().offset() + 1, close.append(MainRename.lineDirective(tu, body.end())).toString(),
                RewritePlan.Rank.HEADER);
    }
}
