package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thread-local variables of a single-threaded program become plain variables of static storage (docs/CODEGEN.md
 * "Globals and statics"; issue 11), before the text is analysed again: the thread storage keyword of each
 * declaration ({@code __thread}, {@code _Thread_local}, {@code thread_local}) is blanked out, column for column.
 * talent checkpoints single-threaded programs (a unit that creates threads is refused, {@link Rejections}): with
 * one thread, a thread-local object and a static one hold the same state, are initialised the same way (a
 * thread-local's initialiser is a constant too) and live as long. The variable is then a global or a hoisted
 * function static of the unit's table, saved and restored like one.
 *
 * <p>Left as written, and then refused by name ({@link StaticStorage}): a declaration whose keyword comes from a
 * macro expansion talent keeps or lies outside the unit's text, and every thread-local of a unit that names a
 * function creating threads ({@code pthread_create}, {@code thrd_create}, {@code clone}). Declarations are blanked
 * too ({@code extern __thread int depth;}): each unit of the program is rewritten alike, so definition and
 * references agree; an object file talent did not build that refers to such a variable fails to link (a TLS
 * reference to a non-TLS symbol), never silently.
 */
public final class ThreadLocals {
    private ThreadLocals() {}

    public record Result(String text, boolean changed) {}

    /** Functions that start another thread: where a unit names one, its thread-locals stay and are refused. */
    static final Set<String> THREAD_STARTS = Set.of("pthread_create", "thrd_create", "clone");

    private static final Pattern KEYWORD = Pattern.compile("\\b(?:__thread|_Thread_local|thread_local)\\b");

    public static Result rewrite(TranslationUnit tu) {
        String text = tu.text();
        boolean[] threads = {false};
        tu.root().walk(n -> {
            if (n.is("DeclRefExpr") && THREAD_STARTS.contains(n.referencedDecl().path("name").asText(""))) threads[0] = true;
        });
        if (threads[0]) return new Result(text, false);
        Set<int[]> blanks = new TreeSet<>((a, b) -> Integer.compare(a[0], b[0]));
        tu.root().walk(n -> {
            if (!n.is("VarDecl") || n.attr("tls").isEmpty() || !tu.isMacroFree(n)) return;
            int from = n.begin().offset();
            int to = n.loc().offset();
            if (from < 0 || to <= from || to > text.length() || n.loc().inMacro()) return;
            Matcher m = KEYWORD.matcher(text).region(from, to);
            if (m.find()) blanks.add(new int[] {m.start(), m.end()});
        });
        if (blanks.isEmpty()) return new Result(text, false);
        char[] out = text.toCharArray();
        for (int[] b : blanks) for (int i = b[0]; i < b[1]; i++) out[i] = ' ';
        return new Result(new String(out), true);
    }
}
