package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.LineMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code #pragma talent checkpoint}, {@code #pragma talent nocheckpoint} and
 * {@code #pragma talent alloc_type(T)} lines in the source text (outside comments). clang ignores unknown
 * pragmas, so they are not in the AST. Pragmas in inactive preprocessor branches are dropped afterwards
 * ({@link #activeOnly}) with the lines that survive {@code clang -E}.
 */
public final class PragmaScanner {
    private static final Pattern PRAGMA = Pattern.compile("[ \\t]*#[ \\t]*pragma[ \\t]+talent\\b[ \\t]*(\\w*)([^\\n]*)");
    private static final Pattern ALLOC_TYPE_ARGUMENT = Pattern.compile("[ \\t]*\\((.*)\\)[ \\t\\r]*");
    /** A line marker of {@code clang -E}: {@code # 12 "a.c" 2}. */
    private static final Pattern LINE_MARKER = Pattern.compile("#[ \\t]*(?:line[ \\t]+)?(\\d+)[ \\t]+\"((?:[^\"\\\\]|\\\\.)*)\".*");
    private static final Pattern PREPROCESSED_PRAGMA = Pattern.compile("[ \\t]*#[ \\t]*pragma[ \\t]+talent\\b.*");

    public record Result(List<Pragma> pragmas, List<BadPragma> unknown) {}

    /** A {@code #pragma talent} with an unknown word. */
    public record BadPragma(int offset, int line, String word) {}

    public static Result scan(String text) {
        List<Pragma> pragmas = new ArrayList<>();
        List<BadPragma> bad = new ArrayList<>();
        boolean inBlockComment = false;
        int line = 1;
        int i = 0;
        while (i <= text.length()) {
            int eol = text.indexOf('\n', i);
            if (eol < 0) eol = text.length();
            String l = text.substring(i, eol);
            if (!inBlockComment) {
                Matcher m = PRAGMA.matcher(l);
                if (m.matches()) {
                    int start = i + l.indexOf('#');
                    int end = eol > i && text.charAt(eol - 1) == '\r' ? eol - 1 : eol;
                    switch (m.group(1)) {
                        case "checkpoint" -> pragmas.add(new Pragma(Pragma.Kind.CHECKPOINT, start, end, line));
                        case "nocheckpoint" -> pragmas.add(new Pragma(Pragma.Kind.NOCHECKPOINT, start, end, line));
                        case "alloc_type" -> {
                            Matcher a = ALLOC_TYPE_ARGUMENT.matcher(m.group(2));
                            if (a.matches() && !a.group(1).isBlank()) {
                                pragmas.add(new Pragma(Pragma.Kind.ALLOC_TYPE, start, end, line, a.group(1).strip()));
                            } else {
                                bad.add(new BadPragma(start, line, "alloc_type" + m.group(2).stripTrailing()));
                            }
                        }
                        default -> bad.add(new BadPragma(start, line, m.group(1)));
                    }
                }
            }
            inBlockComment = updateComment(l, inBlockComment);
            line++;
            i = eol + 1;
        }
        return new Result(pragmas, bad);
    }

    /**
     * Keeps the pragmas whose line survives preprocessing: {@code clang -E} output of the file, whose line
     * markers for {@code mainFile} (the file name as given to clang) give the original line of each
     * {@code #pragma talent} it kept. A pragma in an {@code #if 0} block (or any inactive branch) is dropped.
     */
    public static Result activeOnly(Result scanned, String preprocessed, String mainFile) {
        return activeOnly(scanned, preprocessed, LineMap.identity(mainFile));
    }

    /**
     * The same for a text whose lines {@code lines} maps to other files (project headers inlined, each after a
     * {@code #line} directive naming it, so the markers name the file and line {@code lines} gives).
     */
    public static Result activeOnly(Result scanned, String preprocessed, LineMap lines) {
        Set<LineMap.Origin> active = new HashSet<>();
        String file = null;
        int line = 0;
        for (String l : preprocessed.split("\n", -1)) {
            Matcher marker = LINE_MARKER.matcher(l);
            if (marker.matches()) {
                file = marker.group(2).replace("\\\\", "\\").replace("\\\"", "\"");
                line = Integer.parseInt(marker.group(1));
                continue;
            }
            if (file != null && PREPROCESSED_PRAGMA.matcher(l).matches()) active.add(new LineMap.Origin(file, line));
            line++;
        }
        return new Result(scanned.pragmas().stream().filter(p -> active.contains(lines.origin(p.line()))).toList(),
                scanned.unknown().stream().filter(b -> active.contains(lines.origin(b.line()))).toList());
    }

    /** Whether a block comment is open at the end of the line {@code l} (strings are not comment starts). */
    public static boolean updateComment(String l, boolean open) {
        return scanComments(l, open, null);
    }

    /**
     * Walks {@code l} as C's translation phase 3 reads comments, starting inside a block comment if {@code open}:
     * appends to {@code code} (when not null) the text outside comments, each comment that starts in {@code l} as
     * one space, and returns whether a block comment is open at its end. A quote opens a literal that no comment
     * start inside can end; a line comment ends the walk.
     */
    public static boolean scanComments(String l, boolean open, StringBuilder code) {
        int k = 0;
        while (k < l.length()) {
            if (open) {
                int e = l.indexOf("*/", k);
                if (e < 0) return true;
                open = false;
                k = e + 2;
            } else {
                char c = l.charAt(k);
                if (c == '"' || c == '\'') {
                    int end = k + 1;
                    while (end < l.length() && l.charAt(end) != c) end += l.charAt(end) == '\\' ? 2 : 1;
                    end = Math.min(end + 1, l.length());
                    if (code != null) code.append(l, k, end);
                    k = end;
                } else if (l.startsWith("//", k)) {
                    return false;
                } else if (l.startsWith("/*", k)) {
                    if (code != null) code.append(' ');
                    open = true;
                    k += 2;
                } else {
                    if (code != null) code.append(c);
                    k++;
                }
            }
        }
        return open;
    }
}
