package dev.talent.compiler.emit;

import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instrumented file lives in another directory than the original, so {@code #include "x.h"} would no
 * longer find headers next to the source. Such includes are rewritten to the header's absolute path
 * (on the same line); includes found through -I are left alone.
 */
public final class QuoteIncludes {
    private static final Pattern INCLUDE = Pattern.compile("(?m)^[ \\t]*#[ \\t]*include[ \\t]*\"([^\"\\n]+)\"");

    public static void rewrite(TranslationUnit tu, RewritePlan plan) {
        Path dir = tu.path().toAbsolutePath().getParent();
        Matcher m = INCLUDE.matcher(tu.text());
        while (m.find()) {
            Path header = dir.resolve(m.group(1)).normalize();
            if (Files.isRegularFile(header)) {
                plan.replace(m.start(1), m.end(1), header.toString().replace("\\", "\\\\"));
            }
        }
    }
}
