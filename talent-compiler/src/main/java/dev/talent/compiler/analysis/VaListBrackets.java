package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Brackets the regions of a function where a {@code va_list} is live with the runtime's "no checkpoint" counter
 * ({@code talent_suspended}), before the text is analysed again (docs/CODEGEN.md "va_list regions"; issue 11):
 *
 * <pre>
 *   int fmt(char *out, const char *f, ...) { va_list ap; work(3); va_start(ap, f); n = vfmt(out, f, ap); va_end(ap); ... }
 * becomes (on the same lines)
 *   int fmt(char *out, const char *f, ...) { extern int talent_suspended; extern int talent_va_enter(int *, int);
 *       extern void talent_va_leave(int *); int __talent_vas __attribute__((cleanup(talent_va_leave))) =
 *       talent_va_enter(&__talent_vas, 0); unsigned char __talent_vo_1 = 0; va_list ap; work(3);
 *       (va_start(ap, f), __talent_vo_1 = 1, talent_suspended = __talent_vas + 0 + __talent_vo_1);
 *       n = vfmt(out, f, ap); (va_end(ap), __talent_vo_1 = 0, talent_suspended = __talent_vas + 0 + __talent_vo_1); ... }
 * </pre>
 *
 * {@code __talent_vas} is the counter at entry; the counter is recomputed from it and the frame's flags (one per
 * va_list local, set by its va_start/va_copy, cleared by its va_end), so it never drifts whatever the order of
 * those calls, and the cleanup puts the entry value back at every return. A function with a va_list parameter
 * adds 1 at entry ({@code talent_va_enter(&__talent_vas, 1)}): its whole body is a region. While the counter is
 * above 0 a site does not take a checkpoint (site.c): a request stays pending until the next site outside, so no
 * frame inside a region is ever on the stack at a checkpoint, and {@link VaListRegions} makes the calls, loops and
 * blocking calls of the regions no resume points: nothing there saves the va_list. A longjmp out of a region
 * lands at a setjmp, which puts back the counter it saw ({@link SetjmpCalls}); a function that calls setjmp itself
 * is not bracketed (a longjmp back into it would leave its flags and the counter apart): a va_list live at its
 * points is refused by name as before. Taken are the calls written {@code va_start(}, {@code va_copy(},
 * {@code va_end(} (or their {@code __builtin_} names) as whole statements on a local va_list; a va_list with
 * another call is not bracketed at all.
 */
public final class VaListBrackets {
    private VaListBrackets() {}

    public static final String ENTRY = "__talent_vas";
    public static final String FLAG = "__talent_vo_";
    static final Set<String> STARTS = Set.of("__builtin_va_start", "__builtin_va_copy", "__builtin_c23_va_start");
    static final String END = "__builtin_va_end";
    private static final Set<String> SPELLINGS = Set.of("va_start", "va_copy", "va_end", "__va_copy",
            "__builtin_va_start", "__builtin_va_copy", "__builtin_va_end", "__builtin_c23_va_start");
    private static final Set<String> SETJMPS = Set.of("setjmp", "_setjmp", "sigsetjmp", "__sigsetjmp",
            "__builtin_setjmp", "savectx", "vfork", "getcontext");
    /** The spellings of a va_list type: as declared, or as x86_64's parameter decays (struct __va_list_tag *). */
    public static final Pattern VA_LIST = Pattern.compile(
            "(?:.*\\b)?(?:va_list|__gnuc_va_list|__builtin_va_list|struct __va_list_tag \\*|struct __va_list_tag\\[1\\])");

    public record Result(String text, boolean changed) {}

    private record Edit(int at, int end, String text) {}

    private record Call(Node node, int begin, int end, boolean start) {}

    public static boolean isVaList(String typeSpelling) {
        return typeSpelling != null && VA_LIST.matcher(typeSpelling.strip()).matches();
    }

    public static Result rewrite(TranslationUnit tu) {
        String text = tu.text();
        if (!text.contains("va_")) return new Result(text, false);
        List<Edit> edits = new ArrayList<>();
        for (Node top : tu.root().inner()) {
            if (!top.is("FunctionDecl") || Ast.functionBody(top) == null) continue;
            Node body = Ast.functionBody(top);
            if (!tu.isRewritable(body) || !tu.isRewritable(top)) continue;
            edits.addAll(function(tu, text, top, body));
        }
        if (edits.isEmpty()) return new Result(text, false);
        edits.sort(Comparator.comparingInt(Edit::at).thenComparingInt(e -> e.end() - e.at()));
        StringBuilder out = new StringBuilder(text.length() + 160 * edits.size());
        int pos = 0;
        for (Edit e : edits) {
            if (e.at() < pos) throw new IllegalStateException("overlapping va_list rewrites at offset " + e.at());
            out.append(text, pos, e.at()).append(e.text());
            pos = e.end();
        }
        out.append(text.substring(pos));
        return new Result(out.toString(), true);
    }

    private static List<Edit> function(TranslationUnit tu, String text, Node fn, Node body) {
        boolean parameter = false;
        for (Node p : Ast.parameters(fn)) parameter |= isVaList(p.qualType());
        boolean[] jumps = {false};
        Map<String, List<Call>> byVariable = new LinkedHashMap<>();
        Map<String, Boolean> usable = new LinkedHashMap<>();
        body.walk(n -> {
            if (!n.is("CallExpr")) return;
            String callee = Ast.directCallee(n);
            if (callee == null) return;
            if (SETJMPS.contains(callee)) jumps[0] = true;
            boolean start = STARTS.contains(callee);
            if (!start && !callee.equals(END)) return;
            Node arg = n.inner().size() > 1 ? Ast.strip(n.child(1)) : null;
            if (arg == null || !arg.is("DeclRefExpr") || !arg.referencedDecl().path("kind").asText().equals("VarDecl")) return;
            String var = Ast.referencedDeclId(arg);
            Call c = call(tu, text, n, start);
            byVariable.computeIfAbsent(var, k -> new ArrayList<>());
            if (c == null || !isLocal(body, var)) usable.put(var, false);
            else byVariable.get(var).add(c);
            usable.putIfAbsent(var, true);
        });
        if (jumps[0]) return List.of();
        List<String> flagged = new ArrayList<>();
        for (var e : byVariable.entrySet()) {
            boolean started = e.getValue().stream().anyMatch(Call::start);
            if (usable.get(e.getKey()) && started) flagged.add(e.getKey());
        }
        if (!parameter && flagged.isEmpty()) return List.of();
        int add = parameter ? 1 : 0;
        StringBuilder sum = new StringBuilder(ENTRY + " + " + add);
        for (int i = 1; i <= flagged.size(); i++) sum.append(" + ").append(FLAG).append(i);
        List<Edit> edits = new ArrayList<>();
        StringBuilder head = new StringBuilder((flagged.isEmpty() ? "" : " extern int talent_suspended;")
                + " extern int talent_va_enter(int *, int); extern void talent_va_leave(int *); int " + ENTRY + " __attribute__((cleanup(talent_va_leave))) = "
                + "talent_va_enter(&" + ENTRY + ", " + add + "); ");
        if (!flagged.isEmpty()) {
            head.append("unsigned char ");
            for (int i = 1; i <= flagged.size(); i++) head.append(i > 1 ? ", " : "").append(FLAG).append(i).append(" = 0");
            head.append("; ");
        }
        edits.add(new Edit(body.begin().offset() + 1, body.begin().offset() + 1, head.toString()));
        for (int i = 0; i < flagged.size(); i++) {
            for (Call c : byVariable.get(flagged.get(i))) {
                edits.add(new Edit(c.begin(), c.end(), "(" + text.substring(c.begin(), c.end()) + ", " + FLAG + (i + 1)
                        + " = " + (c.start() ? 1 : 0) + ", talent_suspended = " + sum + ")"));
            }
        }
        return edits;
    }

    /** True when the variable is declared in the body (a local, not a parameter or a global). */
    private static boolean isLocal(Node body, String declId) {
        boolean[] found = {false};
        body.walk(n -> {
            if (!found[0] && n.is("VarDecl") && n.id().equals(declId) && !n.attr("storageClass").equals("extern")
                    && !n.attr("storageClass").equals("static")) found[0] = true;
        });
        return found[0];
    }

    /** The call as written in the text, when it is a whole statement spelled as a va_ macro; else null. */
    private static Call call(TranslationUnit tu, String text, Node call, boolean start) {
        if (!tu.inMainFile(call.begin())) return null;
        Node stmt = call;
        Node parent = stmt.parent();
        while (parent != null && parent.is("ParenExpr")) {
            stmt = parent;
            parent = parent.parent();
        }
        if (parent == null) return null;
        boolean statement = parent.is("CompoundStmt") || parent.is("LabelStmt") || parent.is("AttributedStmt")
                || ((parent.is("CaseStmt") || parent.is("DefaultStmt")) && parent.inner().getLast() == stmt)
                || (parent.is("IfStmt") && parent.child(0) != stmt && !isConditionVariable(parent, stmt))
                || (Ast.isLoop(parent) && Ast.loopBody(parent) == stmt);
        if (!statement) return null;
        int begin = call.begin().offset();
        int nameEnd = begin;
        while (nameEnd < text.length() && (Character.isLetterOrDigit(text.charAt(nameEnd)) || text.charAt(nameEnd) == '_')) nameEnd++;
        if (!SPELLINGS.contains(text.substring(begin, nameEnd))) return null;
        int open = Ast.skipSpace(text, nameEnd);
        if (open >= text.length() || text.charAt(open) != '(') return null;
        int close = Ast.matchParen(text, open);
        if (close < 0 || close >= text.length()) return null;
        return new Call(call, begin, close + 1, start);
    }

    private static boolean isConditionVariable(Node ifStmt, Node stmt) {
        return ifStmt.inner().size() > 1 && ifStmt.child(0).is("DeclStmt") && ifStmt.child(1) == stmt;
    }
}
