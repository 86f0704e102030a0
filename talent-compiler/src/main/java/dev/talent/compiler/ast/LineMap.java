package dev.talent.compiler.ast;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each line of a translation unit's text was written. A unit whose project headers were inlined
 * (docs/CODEGEN.md, "Headers") is one text made of several files; messages and positions name the original
 * file and line. For a unit read as is, every line is its own.
 */
public final class LineMap {
    /** The file and line a text line came from. */
    public record Origin(String file, int line) {}

    /** From text line {@code start} on (1-based), lines are those of {@code file} from {@code firstLine} on. */
    private record Segment(int start, String file, int firstLine) {}

    private final List<Segment> segments;

    private LineMap(List<Segment> segments) {
        this.segments = List.copyOf(segments);
    }

    /** Every line is its own, in {@code file}. */
    public static LineMap identity(String file) {
        return new LineMap(List.of(new Segment(1, file, 1)));
    }

    public boolean isIdentity() {
        return segments.size() == 1 && segments.getFirst().firstLine() == 1 && segments.getFirst().start() == 1;
    }

    public Origin origin(int textLine) {
        Segment s = segments.getFirst();
        for (Segment c : segments) {
            if (c.start() > textLine) break;
            s = c;
        }
        return new Origin(s.file(), Math.max(1, s.firstLine() + textLine - s.start()));
    }

    /** Builds a map segment by segment, in text order. */
    public static final class Builder {
        private final List<Segment> segments = new ArrayList<>();

        /** Text lines from {@code textLine} on come from {@code file}, starting at its line {@code firstLine}. */
        public Builder from(int textLine, String file, int firstLine) {
            if (!segments.isEmpty() && segments.getLast().start() == textLine) segments.removeLast();
            segments.add(new Segment(textLine, file, firstLine));
            return this;
        }

        public LineMap build() {
            if (segments.isEmpty()) throw new IllegalStateException("empty line map");
            return new LineMap(segments);
        }
    }
}
