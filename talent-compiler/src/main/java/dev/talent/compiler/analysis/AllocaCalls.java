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
 * GCC's aligned form {@code __builtin_alloca_with_align(n, bits)} becomes {@code
 * __talent_alloca_align_call(&__talent_al, n, bytes)} (the alignment in bytes, from the integer constant GCC
 * requires, written with literals and {@code * + - <<}), which {@code HeapCalls} names {@code talent_alloca_align}.
 * An alignment above {@link #MAX_ALIGN} bytes, or spelled with anything else ({@code sizeof}, {@code _Alignof}: a
 * value that differs between ISAs, so no one alignment could be carried), is not rewritten (and so refused in a
 * function that may checkpoint). ({@code __builtin_alloca_with_align_and_max} is unknown to clang, which reads the
 * program first: it is refused by name as a C error.)
 *
 * <p>{@code __talent_al} is an ordinary frame variable (address-taken, so saved at every point): it points to the
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
    /** GCC's alloca with an alignment in bits (an integer constant). */
    static final String ALIGNED = "__builtin_alloca_with_align";
    /** The largest alignment rewritten, in bytes; the runtime refuses a larger one read from a checkpoint. */
    public static final long MAX_ALIGN = 4096;
    /** What a rewritten aligned call is named until HeapCalls completes it. */
    public static final String ALIGN_CALL = "__talent_alloca_align_call";
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
                if (!n.is("CallExpr")) return;
                String callee = String.valueOf(Ast.directCallee(n));
                if (ALLOCA.contains(callee)) {
                    Edit e = call(tu, text, n);
                    if (e != null) calls.add(e);
                } else if (ALIGNED.equals(callee)) {
                    calls.addAll(aligned(tu, text, n));
                }
            });
            if (calls.isEmpty()) continue;
            edits.addAll(calls);
            edits.add(new Edit(body.begin().offset() + 1, body.begin().offset() + 1,
                    " void *" + LIST + " __attribute__((cleanup(talent_alloca_release))) = 0; "));
            edits.add(new Edit(top.begin().offset(), top.begin().offset(), "extern void *" + CALL
                    + "(void **, __SIZE_TYPE__); extern void *" + ALIGN_CALL + "(void **, __SIZE_TYPE__, __SIZE_TYPE__);"
                    + " extern void talent_alloca_release(void **); __attribute__((noinline)) "));
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

    /**
     * The edits of one aligned call written by its name in the function's text: the name becomes {@link #ALIGN_CALL}
     * with the frame's list first, the size stays as written, and the alignment becomes the alignment in bytes.
     * Empty (left as it is) when the call is not spelled in the text or the alignment is not a constant power of two
     * from 8 bits to {@link #MAX_ALIGN} bytes written with literals.
     */
    private static List<Edit> aligned(TranslationUnit tu, String text, Node call) {
        if (!tu.inMainFile(call.begin()) || call.inner().size() != 3) return List.of();
        int begin = call.begin().offset();
        if (!text.startsWith(ALIGNED, begin)) return List.of();
        int nameEnd = begin + ALIGNED.length();
        int open = Ast.skipSpace(text, nameEnd);
        if (open >= text.length() || text.charAt(open) != '(') return List.of();
        int close = Ast.matchParen(text, open);
        Long bytes = alignmentBytes(call.child(2));
        int alignAt = call.child(2).begin().offset();
        if (close < 0 || bytes == null || alignAt <= open || alignAt >= close
                || text.substring(open + 1, alignAt).stripTrailing().length() < 2
                || !text.substring(open + 1, alignAt).stripTrailing().endsWith(",")) return List.of();
        return List.of(new Edit(begin, open + 1, ALIGN_CALL + "(&" + LIST + ", "), new Edit(alignAt, close, bytes + ""));
    }

    /** The alignment in bytes of GCC's argument in bits, when it is a constant GCC and talent accept. */
    static Long alignmentBytes(Node arg) {
        Long bits = literal(arg, 0);
        if (bits == null || bits < 8 || (bits & (bits - 1)) != 0 || bits / 8 > MAX_ALIGN) return null;
        return bits / 8;
    }

    /** The value of an integer constant written with literals and {@code * + - <<}, else null (or when it is large). */
    private static Long literal(Node e, int depth) {
        Node a = Ast.strip(e);
        if (a == null || depth > 16) return null;
        if (a.is("IntegerLiteral")) {
            try {
                long v = Long.parseLong(a.attr("value"));
                return v >= 0 && v <= (1L << 32) ? v : null;
            } catch (NumberFormatException x) {
                return null;
            }
        }
        if (!a.is("BinaryOperator") || a.inner().size() != 2) return null;
        Long l = literal(a.child(0), depth + 1), r = literal(a.child(1), depth + 1);
        if (l == null || r == null) return null;
        long v = switch (a.attr("opcode")) {
            case "*" -> l * r;
            case "+" -> l + r;
            case "-" -> l - r;
            case "<<" -> r < 32 ? l << r : -1;
            default -> -1;
        };
        return v >= 0 && v <= (1L << 32) ? v : null;
    }
}
