package dev.talent.compiler.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code #pragma talent checkpoint} and {@code #pragma talent nocheckpoint} lines in the source text
 * (outside comments). clang ignores unknown pragmas, so they are not in the AST.
 */
public final class PragmaScanner {
    private static final Pattern PRAGMA = Pattern.compile("[ \\t]*#[ \\t]*pragma[ \\t]+talent\\b[ \\t]*(\\w*)[^\\n]*");

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

    /** Tracks whether a block comment is open at the end of the line (strings are not comment starts). */
    private static boolean updateComment(String l, boolean open) {
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
                    k++;
                    while (k < l.length() && l.charAt(k) != c) k += l.charAt(k) == '\\' ? 2 : 1;
                    k++;
                } else if (l.startsWith("//", k)) {
                    return false;
                } else if (l.startsWith("/*", k)) {
                    open = true;
                    k += 2;
                } else {
                    k++;
                }
            }
        }
        return open;
    }
}
