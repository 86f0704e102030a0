package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Rewrites each {@code alloca} call of a unit's text into a block the runtime tracks and frees when the function
 * returns (docs/CODEGEN.md "alloca"; issue 11, cause 6), before the text is analysed again:
 *
 * <pre>
 *   T f(...) { ... char *buf = alloca(n); ... }
 * becomes (on the same lines)
 *   extern void *__talent_alloca_call(void **, __SIZE_TYPE__); extern void talent_alloca_release(void **);
 *   __attribute__((noinline)) T f(...) { void *__talent_al __attribute__((cleanup(talent_alloca_release))) = 0; ...
 *              char *buf = __talent_alloca_call(&__talent_al, n); ... }
 * </pre>
 *
 * {@code __talent_al} is an ordinary frame variable (address-taken, so saved at every point): it points to the
 * runtime's list of the frame's blocks, itself a heap block, so a checkpoint carries the list and the blocks like
 * any heap blocks, and a restore rebuilds them with the frame. The function is not inlined (gcc does not inline a
 * function that calls alloca either): the runtime orders the lists of live frames by the address of their
 * variable, which holds only when each is in a frame of its own. {@code HeapCalls} later renames the call to
 * {@code talent_alloca} and adds the element type inferred like a malloc's and the call's position. Only calls
 * written in the program's text as {@code alloca(...)} or {@code __builtin_alloca(...)}, in a function written
 * in it, are taken; others stay as they are, and {@code Rejections} names them in a function that may
 * checkpoint.
 */
public final class AllocaCalls {
    private AllocaCalls() {}

    /** The names of alloca after glibc's macro (alloca -> __builtin_alloca). */
    static final Set<String> ALLOCA = Set.of("alloca", "__builtin_alloca");
    /** What a rewritten call is named until HeapCalls completes it. */
    public static final String CALL = "__talent_alloca_call";
    public static final String LIST = "__talent_al";

    public record Result(String text, boolean changed) {}

    private record Edit(int at, int end, String text) {}

    public static Result rewrite(TranslationUnit tu) {
        String text = tu.text();
        if (!text.contains("alloca")) return new Result(text, false);
        List<Edit> edits = new ArrayList<>();
        for (Node top : tu.root().inner()) {
            if (!top.is("FunctionDecl") || Ast.functionBody(top) == null) continue;
            Node body = Ast.functionBody(top);
            if (!tu.isRewritable(body) || !tu.isRewritable(top)) continue;
            List<Edit> calls = new ArrayList<>();
            body.walk(n -> {
                if (!n.is("CallExpr") || !ALLOCA.contains(String.valueOf(Ast.directCallee(n)))) return;
                Edit e = call(tu, text, n);
                if (e != null) calls.add(e);
            });
            if (calls.isEmpty()) continue;
            edits.addAll(calls);
            edits.add(new Edit(body.begin().offset() + 1, body.begin().offset() + 1,
                    " void *" + LIST + " __attribute__((cleanup(talent_alloca_release))) = 0; "));
            edits.add(new Edit(top.begin().offset(), top.begin().offset(), "extern void *" + CALL
                    + "(void **, __SIZE_TYPE__); extern void talent_alloca_release(void **); __attribute__((noinline)) "));
        }
        if (edits.isEmpty()) return new Result(text, false);
        edits.sort(Comparator.comparingInt(Edit::at).thenComparingInt(e -> e.end() - e.at()));
        StringBuilder out = new StringBuilder(text.length() + 128 * edits.size());
        int pos = 0;
        for (Edit e : edits) {
            if (e.at() < pos) throw new IllegalStateException("overlapping alloca rewrites at offset " + e.at());
            out.append(text, pos, e.at()).append(e.text());
            pos = e.end();
        }
        out.append(text.substring(pos));
        return new Result(out.toString(), true);
    }

    /** The edit of one call written as {@code alloca(} in the function's text, else null (left as it is). */
    private static Edit call(TranslationUnit tu, String text, Node call) {
        // glibc's alloca is a macro (kept in the text, gcc expands it): what counts is what the text spells here
        if (!tu.inMainFile(call.begin())) return null;
        int begin = call.begin().offset();
        int nameEnd = begin;
        while (nameEnd < text.length() && (Character.isLetterOrDigit(text.charAt(nameEnd)) || text.charAt(nameEnd) == '_')) nameEnd++;
        if (!ALLOCA.contains(text.substring(begin, nameEnd))) return null;
        int open = Ast.skipSpace(text, nameEnd);
        if (open >= text.length() || text.charAt(open) != '(') return null;
        int close = Ast.matchParen(text, open);
        if (close < 0 || close >= text.length() || text.substring(open + 1, close).isBlank()) return null;
        return new Edit(begin, open + 1, CALL + "(&" + LIST + ", ");
    }
}
