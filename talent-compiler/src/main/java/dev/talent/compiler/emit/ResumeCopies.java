package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resume copies (docs/CODEGEN.md "Resume labels and resume copies"). A resume label inside a loop that the
 * prologue could jump to gives the loop a second entry: gcc then sees an irreducible cycle and stops optimising
 * it, and even a label entered through the loop's header makes every variable the label restores unknown
 * inside the loop (value ranges, induction variables are lost). So the code of a point's resume label is
 * first emitted as a marker; an outermost loop holding markers is then emitted twice: the original loop,
 * markers removed (no label: the code that runs when nothing is restored), and after it, never reached by
 * falling through, a flattened copy with the labels ({@code if (0) { <copy> }}). A restart jumps into the
 * copy and finishes that loop there; the code after the loop is shared. A versioned leaf loop needs no copy
 * (its instrumented copy already holds the label), and a loop that cannot be copied (labels, case labels of
 * an outer switch, function-scope statics, preprocessor lines) or should not be (it calls a static function
 * called only there) is looked into for loops that can.
 */
final class ResumeCopies {
    /**
     * The marker's delimiter: the first of these control characters that the unit's source does not contain, so
     * that no text of the program (a raw control character in a string literal) can be taken for a marker and
     * replaced or removed. A source holding all of them is refused.
     */
    static final String MARK_CANDIDATES = "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000e\u000f"
            + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f";

    private final char mark;
    private final Pattern markerPattern;
    private final Map<Integer, String> labels = new HashMap<>();

    /** Markers for the unit whose original text is {@code source}. */
    ResumeCopies(String source) {
        this.mark = markFor(source);
        this.markerPattern = Pattern.compile(Pattern.quote(String.valueOf(mark)) + "r(\\d+)" + Pattern.quote(String.valueOf(mark)));
    }

    static char markFor(String source) {
        for (int i = 0; i < MARK_CANDIDATES.length(); i++) {
            char c = MARK_CANDIDATES.charAt(i);
            if (source.indexOf(c) < 0) return c;
        }
        throw new IllegalArgumentException("the source contains every control character talent could mark resume labels with");
    }

    /** Stands for the resume label code of point {@code id} until the label's place is known. */
    String marker(int id, String labelCode) {
        labels.put(id, labelCode);
        return mark + "r" + id + mark;
    }

    /** Replaces every marker by its label code. */
    String expand(String text) {
        if (text.indexOf(mark) < 0) return text;
        Matcher m = markerPattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(labels.get(Integer.parseInt(m.group(1)))));
        m.appendTail(out);
        return out.toString();
    }

    String strip(String text) {
        return text.indexOf(mark) < 0 ? text : markerPattern.matcher(text).replaceAll("");
    }

    /** Gives the outermost loops of f that hold resume labels their resume copy. */
    void emit(FunctionModel f, CallGraph graph, RewritePlan plan) {
        visit(f, f.body, graph, plan, plan.original());
    }

    /** Outermost loops first; a loop that is copied is not looked into. */
    private void visit(FunctionModel f, Node n, CallGraph graph, RewritePlan plan, String text) {
        for (Node c : n.inner()) {
            if (!Ast.isLoop(c)) {
                visit(f, c, graph, plan, text);
                continue;
            }
            if (!f.unit.isRewritable(c)) {
                visit(f, c, graph, plan, text);
                continue;
            }
            int start = c.begin().offset();
            int end = Ast.statementEnd(text, c);
            Predicate<Object> inside = Statements.closingInside(c);
            String rendered = plan.renderStatement(start, end, inside);
            if (rendered.indexOf(mark) < 0 || LeafLoops.isVersionable(f, c, graph, text)) continue;
            if (!isCopyable(c, rendered) || callsAFunctionCalledOnce(f, c, graph)) {
                visit(f, c, graph, plan, text);
                continue;
            }
            String copy = expand(LeafLoops.flatten(rendered));
            String both = strip(rendered) + " if (0) { " + copy + " }";
            plan.replaceStatement(start, end, Statements.needsBraces(c) ? "{ " + both + " }" : both, inside);
        }
    }

    /**
     * A loop can be copied when it can appear twice in a function ({@link LeafLoops#canAppearTwice}) and its
     * text (as rewritten) has no preprocessor line or line continuation (the copy is put on one line).
     */
    static boolean isCopyable(Node loop, String rendered) {
        if (!LeafLoops.canAppearTwice(loop)) return false;
        if (rendered.contains("\\\n") || rendered.contains("\\\r")) return false;
        for (String line : rendered.split("\n", -1)) {
            if (line.stripLeading().startsWith("#")) return false;
        }
        return true;
    }

    /**
     * A copy would give such a function a second call site, and gcc would no longer inline it (measured: the
     * n-body kernel's step function, called once in main's loop, 5% slower out of line than the irreducible
     * loop costs): the loop keeps its labels instead.
     */
    private static boolean callsAFunctionCalledOnce(FunctionModel f, Node loop, CallGraph graph) {
        boolean[] found = {false};
        loop.walk(n -> {
            if (!n.is("CallExpr")) return;
            FunctionModel callee = graph.resolve(f, Ast.directCallee(n));
            if (callee != null && graph.isCalledOnce(callee)) found[0] = true;
        });
        return found[0];
    }
}
