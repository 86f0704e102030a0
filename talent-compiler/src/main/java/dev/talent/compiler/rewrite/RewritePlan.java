package dev.talent.compiler.rewrite;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Edits of the original text: insertions at offsets and replacements of ranges. Nothing re-prints the AST.
 *
 * <p>Insertions at one offset are ordered by {@link Rank}, then by the order they were added.
 *
 * <p>As with clang's {@code tooling::Replacements}, conflicting edits are refused when they are added (an
 * {@link EditConflict} naming both), never resolved by dropping one: a replacement that partly overlaps another,
 * a second replacement of the same range or of a range inside a replaced one, and an insertion strictly inside a
 * replaced range (it would be lost). The one way to replace text that holds edits is to merge them explicitly: a
 * pass renders the range first ({@link #render}, {@link #renderStatement}, {@link #renderNode}) and replaces it
 * with text built from that rendering ({@link #replaceRendered}, {@link #replaceStatement}, {@link #replaceNode}):
 * the edits inside are then superseded by the new text that contains them.
 *
 * <p>An insertion that closes something (a brace) may name what it closes ({@link #insertClosing}): a closing
 * insertion at the very end of a statement belongs to the statement when what it closes lies inside it, so
 * that a pass copying the statement ({@link #renderStatement}, {@link #replaceStatement}) takes it along.
 */
public final class RewritePlan {
    /**
     * The order of insertions at one offset, first to last: the one vocabulary of ranks. Closing text comes before
     * opening text, and the closing text of an inner construct before that of an enclosing one (wraps close inside
     * hoists, hoists inside sites, sites inside loop transforms); opening text in the mirror order.
     */
    public enum Rank {
        /** The file's header (includes, forward declarations). */
        HEADER,
        /** Run-time descriptors of a function's parameters of variably modified type, before its prologue. */
        VLA_PARAMETERS,
        /** The wrappers that give a function's parameters a gap (emit.FrameGaps), before its prologue. */
        FRAME_GAP_PARAMETERS,
        /** A function's prologue at the start of its body. */
        PROLOGUE,
        /** A function-scope static moved to file scope. */
        MOVED_STATIC,
        /** Closes a talent_suspended wrap around a call. */
        WRAP_CLOSE,
        /** Closes the saved-length choice around a variable-length array's size expression. */
        VLA_CLOSE,
        /** Closes a hoisted call's statement. */
        HOIST_CLOSE,
        /** Closes a site's block. */
        SITE_CLOSE,
        /** Closes a loop transformed to for (;;). */
        LOOP_TRANSFORM_CLOSE,
        /** Closes the block around a loop body whose condition or increment moved into it. */
        LOOP_BODY_CLOSE,
        DEFAULT,
        LOOP_BODY_OPEN,
        LOOP_TRANSFORM_OPEN,
        SITE_OPEN,
        HOIST_OPEN,
        /** A variable-length array's restore label and the opening of its saved-length choice. */
        VLA_LABEL,
        /** After a variable-length array's declaration: its descriptor and the dispatch to the points in its scope. */
        VLA_AFTER,
        WRAP_OPEN,
        /** Opens the struct that holds a local with a gap after it (emit.FrameGaps), right before its specifiers. */
        FRAME_GAP_OPEN
    }

    /** Two edits that cannot both be applied; the message names both ranges and why. */
    public static final class EditConflict extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        EditConflict(String message) { super(message); }
    }

    /** {@code closes}: for a closing insertion, what it closes (see {@link #insertClosing}); otherwise null. */
    public record Edit(int start, int end, String text, Rank rank, int seq, Object closes, Object opens) {
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
        insert(offset, text, Rank.DEFAULT);
    }

    public void insert(int offset, String text, Rank rank) {
        checkInsertion(offset);
        edits.add(new Edit(offset, offset, text, rank, edits.size(), null, null));
    }

    /**
     * An insertion that closes what an earlier insertion opened; {@code closes} is the thing opened and
     * closed (the caller's object, e.g. the AST node wrapped in braces), used by {@link #renderStatement}.
     */
    public void insertClosing(int offset, String text, Rank rank, Object closes) {
        checkInsertion(offset);
        edits.add(new Edit(offset, offset, text, rank, edits.size(), closes, null));
    }

    /**
     * An insertion that opens something around a node ({@code opens}, e.g. the call wrapped in a statement
     * expression), closed by an {@link #insertClosing} naming the same thing: {@link #renderNode} of that
     * node takes both along.
     */
    public void insertOpening(int offset, String text, Rank rank, Object opens) {
        checkInsertion(offset);
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
        replaceRendered(from, to, text);
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

    /**
     * Replaces [start, end) of the original text. Refused ({@link EditConflict}) when the range holds another edit,
     * lies inside or on a replaced range, or partly overlaps one; an empty range is an insertion.
     */
    public void replace(int start, int end, String text) {
        addReplacement(start, end, text, false);
    }

    /**
     * Replaces [start, end), merging the edits inside it: {@code text} was built from {@link #render} of the range
     * (or a rendering of it), so it already holds them. Still refused when the range lies inside or on a replaced
     * range, or partly overlaps one.
     */
    public void replaceRendered(int start, int end, String text) {
        addReplacement(start, end, text, true);
    }

    private void addReplacement(int start, int end, String text, boolean merging) {
        check(start, end);
        if (start == end) {
            insert(start, text);
            return;
        }
        for (Edit x : edits) {
            if (x.isInsertion()) {
                if (x.start() > start && x.start() < end && !merging) {
                    throw new EditConflict("replacement of " + start + ".." + end + " would drop the insertion at "
                            + x.start() + " (render the range and use replaceRendered to merge it)");
                }
                continue;
            }
            if (x.end() <= start || end <= x.start()) continue;
            if (x.start() <= start && end <= x.end()) {
                throw new EditConflict((x.start() == start && x.end() == end ? "second replacement of " : "replacement of ")
                        + start + ".." + end + (x.start() == start && x.end() == end ? "" : " inside the replaced range "
                        + x.start() + ".." + x.end()) + ": it would be lost");
            }
            if (start <= x.start() && x.end() <= end) {
                if (!merging) {
                    throw new EditConflict("replacement of " + start + ".." + end + " would drop the replacement of "
                            + x.start() + ".." + x.end() + " (render the range and use replaceRendered to merge it)");
                }
                continue;
            }
            throw new EditConflict("replacement of " + start + ".." + end + " partly overlaps the replacement of "
                    + x.start() + ".." + x.end());
        }
        edits.add(new Edit(start, end, text, Rank.DEFAULT, edits.size(), null, null));
    }

    private void checkInsertion(int offset) {
        check(offset, offset);
        for (Edit x : edits) {
            if (!x.isInsertion() && x.start() < offset && offset < x.end()) {
                throw new EditConflict("insertion at " + offset + " inside the replaced range " + x.start() + ".." + x.end()
                        + ": it would be lost");
            }
        }
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
        replaceRendered(from, to, text);
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
                .thenComparingInt(e -> e.isInsertion() ? 0 : 1)
                .thenComparingInt(e -> -e.end())
                .thenComparing(Edit::rank).thenComparingInt(Edit::seq));
        // drop edits swallowed by a replacement
        List<Edit> kept = new ArrayList<>();
        int coveredUntil = -1;
        int coverStart = -1;
        for (Edit e : sel) {
            if (e.start() < coveredUntil) {
                boolean strictlyInside = e.start() >= coverStart && e.end() <= coveredUntil
                        && !(e.isInsertion() && (e.start() == coverStart || e.start() == coveredUntil));
                if (!strictlyInside) {
                    throw new EditConflict("overlapping edits at offsets " + e.start() + ".." + e.end()
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
