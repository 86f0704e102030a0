package dev.talent.compiler.rewrite;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Edits of the original text: insertions at offsets and replacements of ranges. Nothing re-prints the AST.
 *
 * <p>Insertions at one offset are ordered by rank, then by the order they were added. A replacement
 * swallows the edits strictly inside its range: a pass that moves or replaces text containing edits
 * renders that text first with {@link #render}.
 *
 * <p>An insertion that closes something (a brace) may name what it closes ({@link #insertClosing}): a closing
 * insertion at the very end of a statement belongs to the statement when what it closes lies inside it, so
 * that a pass copying the statement ({@link #renderStatement}, {@link #replaceStatement}) takes it along.
 */
public final class RewritePlan {
    /** Ranks for insertions at one offset: opening text before closing text of enclosing constructs. */
    public static final int RANK_CLOSE_INNER = -20;
    public static final int RANK_CLOSE_OUTER = -10;
    public static final int RANK_DEFAULT = 0;
    public static final int RANK_OPEN_OUTER = 10;
    public static final int RANK_OPEN_INNER = 20;

    /** {@code closes}: for a closing insertion, what it closes (see {@link #insertClosing}); otherwise null. */
    public record Edit(int start, int end, String text, int rank, int seq, Object closes, Object opens) {
        boolean isInsertion() { return start == end; }
    }

    private final String original;
    private final List<Edit> edits = new ArrayList<>();

    public RewritePlan(String original) {
        this.original = original;
    }

    public String original() {
        return original;
    }

    public void insert(int offset, String text) {
        insert(offset, text, RANK_DEFAULT);
    }

    public void insert(int offset, String text, int rank) {
        check(offset, offset);
        edits.add(new Edit(offset, offset, text, rank, edits.size(), null, null));
    }

    /**
     * An insertion that closes what an earlier insertion opened; {@code closes} is the thing opened and
     * closed (the caller's object, e.g. the AST node wrapped in braces), used by {@link #renderStatement}.
     */
    public void insertClosing(int offset, String text, int rank, Object closes) {
        check(offset, offset);
        edits.add(new Edit(offset, offset, text, rank, edits.size(), closes, null));
    }

    /**
     * An insertion that opens something around a node ({@code opens}, e.g. the call wrapped in a statement
     * expression), closed by an {@link #insertClosing} naming the same thing: {@link #renderNode} of that
     * node takes both along.
     */
    public void insertOpening(int offset, String text, int rank, Object opens) {
        check(offset, offset);
        edits.add(new Edit(offset, offset, text, rank, edits.size(), null, opens));
    }

    /**
     * The rewritten text of an expression [from, to): as {@link #render}, plus the insertions at its two ends
     * that open or close something {@code inside} accepts (what was wrapped around the expression or a part
     * of it that starts or ends with it).
     */
    public String renderNode(int from, int to, Predicate<Object> inside) {
        List<Edit> sel = selected(from, to, false);
        sel.addAll(boundary(from, to, inside));
        return render(from, to, sel);
    }

    /** Replaces the expression [from, to) together with the insertions {@link #renderNode} shows at its ends. */
    public void replaceNode(int from, int to, String text, Predicate<Object> inside) {
        edits.removeAll(boundary(from, to, inside));
        replace(from, to, text);
    }

    private List<Edit> boundary(int from, int to, Predicate<Object> inside) {
        List<Edit> out = new ArrayList<>();
        for (Edit e : edits) {
            if (!e.isInsertion()) continue;
            if (e.start() == from && e.opens() != null && inside.test(e.opens())) out.add(e);
            else if (e.start() == to && e.closes() != null && inside.test(e.closes())) out.add(e);
        }
        return out;
    }

    public void replace(int start, int end, String text) {
        check(start, end);
        edits.add(new Edit(start, end, text, RANK_DEFAULT, edits.size(), null, null));
    }

    private void check(int start, int end) {
        if (start < 0 || end < start || end > original.length()) {
            throw new IllegalArgumentException("bad edit range " + start + ".." + end);
        }
    }

    public List<Edit> edits() {
        return List.copyOf(edits);
    }

    /** The whole rewritten text. */
    public String apply() {
        return render(0, original.length(), true);
    }

    /** The rewritten text of [from, to): replacements inside it and insertions strictly inside it. */
    public String render(int from, int to) {
        return render(from, to, false);
    }

    /**
     * The rewritten text of the statement [from, to): as {@link #render}, plus the closing insertions at
     * {@code to} whose {@code closes} satisfies {@code inside} (they close something inside the statement).
     */
    public String renderStatement(int from, int to, Predicate<Object> inside) {
        List<Edit> sel = selected(from, to, false);
        sel.addAll(closingAt(to, inside));
        return render(from, to, sel);
    }

    /**
     * Replaces the statement [from, to) together with the closing insertions at {@code to} that belong to
     * it (the same ones {@link #renderStatement} shows): {@code text} is expected to contain them.
     */
    public void replaceStatement(int from, int to, String text, Predicate<Object> inside) {
        edits.removeAll(closingAt(to, inside));
        replace(from, to, text);
    }

    private List<Edit> closingAt(int offset, Predicate<Object> inside) {
        List<Edit> out = new ArrayList<>();
        for (Edit e : edits) {
            if (e.isInsertion() && e.start() == offset && e.closes() != null && inside.test(e.closes())) out.add(e);
        }
        return out;
    }

    private String render(int from, int to, boolean whole) {
        return render(from, to, selected(from, to, whole));
    }

    private List<Edit> selected(int from, int to, boolean whole) {
        List<Edit> sel = new ArrayList<>();
        for (Edit e : edits) {
            boolean inside = e.isInsertion()
                    ? (whole ? e.start() >= from && e.start() <= to : e.start() > from && e.start() < to)
                    : e.start() >= from && e.end() <= to;
            if (inside) sel.add(e);
        }
        return sel;
    }

    private String render(int from, int to, List<Edit> sel) {
        sel.sort(Comparator.comparingInt(Edit::start)
                .thenComparing(e -> e.isInsertion() ? 0 : 1)
                .thenComparing(e -> -e.end())
                .thenComparingInt(Edit::rank).thenComparingInt(Edit::seq));
        // drop edits swallowed by a replacement
        List<Edit> kept = new ArrayList<>();
        int coveredUntil = -1;
        int coverStart = -1;
        for (Edit e : sel) {
            if (e.start() < coveredUntil) {
                boolean strictlyInside = e.start() >= coverStart && e.end() <= coveredUntil
                        && !(e.isInsertion() && (e.start() == coverStart || e.start() == coveredUntil));
                if (!strictlyInside) {
                    throw new IllegalStateException("overlapping edits at offsets " + e.start() + ".." + e.end()
                            + " and " + coverStart + ".." + coveredUntil);
                }
                continue;
            }
            kept.add(e);
            if (!e.isInsertion()) {
                coverStart = e.start();
                coveredUntil = e.end();
            }
        }
        StringBuilder out = new StringBuilder();
        int at = from;
        for (Edit e : kept) {
            out.append(original, at, e.start());
            out.append(e.text());
            at = e.end();
        }
        out.append(original, at, to);
        return out.toString();
    }
}
