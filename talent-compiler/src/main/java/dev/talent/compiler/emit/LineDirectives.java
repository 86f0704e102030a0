package dev.talent.compiler.emit;

import dev.talent.compiler.ast.TranslationUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text moved within the unit, or joined onto one line, when it holds preprocessor lines. Generated parsers (gperf,
 * bison, flex) put {@code #line N "file"} inside declarations and statements; such a line joined to others is a stray
 * {@code #} for gcc, and moved elsewhere it renumbers the text that follows it there. So a move that keeps a
 * directive keeps its line breaks and frames it with {@code #line} directives that give gcc the line and file the
 * text was written at before it and the line and file its new place had after it: diagnostics, {@code assert} and
 * {@code __builtin_LINE()} (evaluated by gcc, not by talent's preprocessing) mean what they mean in a plain build.
 */
final class LineDirectives {
    /** {@code #line N "file"} or a line marker {@code # N "file" flags}; the file is optional. */
    private static final Pattern DIRECTIVE =
            Pattern.compile("[ \\t]*#[ \\t]*(?:line[ \\t]+)?(\\d+)(?:[ \\t]+(\"(?:[^\"\\\\\\n]|\\\\.)*\"))?.*");

    private LineDirectives() {}

    /** True when a line of {@code text} (after its first) starts, after blanks, with {@code #}, or continues one. */
    static boolean hasPreprocessorLine(String text) {
        if (text.contains("\\\n") || text.contains("\\\r")) return true;
        String[] lines = text.split("\n", -1);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].stripLeading().startsWith("#")) return true;
        }
        return false;
    }

    /**
     * A {@code #line} directive on a line of its own that gives the text following it the line and file that
     * gcc gives {@code offset} of the unit's text in a plain build, then blanks up to {@code offset}'s column
     * (tabs kept), so the text after it keeps its columns too.
     */
    static String at(TranslationUnit tu, int offset) {
        String text = tu.text();
        int line = 1;
        String file = TypeDescriptors.cString(tu.origin(1).file());
        int lineStart = 0;
        for (int i = 0; i < offset; ) {
            int nl = text.indexOf('\n', i);
            if (nl < 0 || nl >= offset) break;
            Matcher m = DIRECTIVE.matcher(text.substring(i, nl));
            if (m.matches()) {
                line = Integer.parseInt(m.group(1));
                if (m.group(2) != null) file = m.group(2);
            } else {
                line++;
            }
            i = nl + 1;
            lineStart = i;
        }
        StringBuilder pad = new StringBuilder();
        for (int i = lineStart; i < offset; i++) pad.append(text.charAt(i) == '\t' ? '\t' : ' ');
        return "\n#line " + line + " " + file + "\n" + pad;
    }
}
