package dev.talent.compiler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expected diagnostics written in the C input itself, as Error Prone's test harness does: a comment line
 * {@code // BUG: Diagnostic contains: <text>} says that the next line that is not such a marker draws a diagnostic
 * whose message contains the text. Several markers may stand before one line. {@link #mismatches} lists each marker
 * that no diagnostic of that file and line satisfies, and each diagnostic that no marker expects.
 */
public final class DiagnosticMarkers {

    private static final Pattern MARKER = Pattern.compile("^\\s*//\\s*BUG: Diagnostic contains:\\s*(.*?)\\s*$");

    /** One marker: the file (name only), the line it applies to (1-based), the text the message must contain. */
    public record Expectation(String file, int line, String contains) {
        @Override
        public String toString() {
            return file + ":" + line + ": a diagnostic containing \"" + contains + "\"";
        }
    }

    private DiagnosticMarkers() {}

    public static List<Expectation> parse(String file, String text) {
        List<Expectation> found = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MARKER.matcher(lines.get(i));
            if (m.matches()) {
                if (m.group(1).isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": a BUG marker without text");
                }
                pending.add(m.group(1));
                continue;
            }
            for (String contains : pending) {
                found.add(new Expectation(file, i + 1, contains));
            }
            pending.clear();
        }
        if (!pending.isEmpty()) {
            throw new IllegalArgumentException(file + ": a BUG marker at the end of the file applies to no line");
        }
        return found;
    }

    /** What disagrees between the markers and the diagnostics, one line each; empty when they agree. */
    public static List<String> mismatches(List<Expectation> expected, List<Diagnostic> actual) {
        List<String> problems = new ArrayList<>();
        boolean[] used = new boolean[actual.size()];
        for (Expectation e : expected) {
            boolean met = false;
            for (int i = 0; i < actual.size(); i++) {
                Diagnostic d = actual.get(i);
                if (fileName(d).equals(e.file()) && d.line() == e.line() && d.message().contains(e.contains())) {
                    used[i] = true;
                    met = true;
                }
            }
            if (!met) {
                problems.add("missing: " + e + nearby(e, actual));
            }
        }
        for (int i = 0; i < actual.size(); i++) {
            if (!used[i]) {
                problems.add("unexpected: " + actual.get(i));
            }
        }
        return problems;
    }

    private static String nearby(Expectation e, List<Diagnostic> actual) {
        List<String> same = actual.stream().filter(d -> fileName(d).equals(e.file()) && d.line() == e.line())
                .map(Diagnostic::message).toList();
        return same.isEmpty() ? " (no diagnostic on that line)" : " (that line has: " + same + ")";
    }

    private static String fileName(Diagnostic d) {
        return Path.of(d.file()).getFileName().toString();
    }
}
