package dev.talent.compiler;

import dev.talent.compiler.analysis.PragmaScanner;
import dev.talent.compiler.ast.LineMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first step of reading a translation unit (then UnitPreprocessor): replaces each {@code #include} of a
 * project header by the header's text, recursively, so that what a
 * header defines (variables, {@code static inline} functions with loops, statics inside them) is part of
 * the translation unit's own text: analysed, instrumented and saved like the main file's, once per
 * translation unit that includes it (as C has it: a {@code static} object of a header is one object per unit).
 * Each inlined text is framed by {@code #line} directives, so {@code __FILE__}, {@code __LINE__}, gcc's
 * messages and talent's own name the header and its lines. See docs/CODEGEN.md, "Headers".
 *
 * <p>A project header is one found as the compiler finds it, in the including file's directory (quoted
 * includes only), then the {@code -iquote} and {@code -I} directories, except the system ones
 * ({@code /usr/include}, {@code /usr/local/include}); every other header (the C library's) stays an
 * {@code #include}. {@code #pragma once} becomes an include guard. Not inlined, and left to the build-time
 * check of state defined outside the unit's text (analysis.StaticStorage): computed includes
 * ({@code #include MACRO}), {@code #include_next}, directives continued with a backslash or ending inside a
 * block comment, a header that includes itself.
 */
public final class HeaderInliner {
    private static final Pattern INCLUDE = Pattern.compile("[ \\t]*#[ \\t]*include[ \\t]*(?:\"([^\"\\n]+)\"|<([^>\\n]+)>)(.*)");
    private static final Pattern HAS_INCLUDE = Pattern.compile("(__has_include(?:_next)?[ \\t]*\\([ \\t]*)\"([^\"\\n]+)\"");
    private static final Pattern CONDITIONAL_END = Pattern.compile("[ \\t]*#[ \\t]*(?:else|elif|endif)\\b.*");
    private static final Pattern PRAGMA_ONCE = Pattern.compile("[ \\t]*#[ \\t]*pragma[ \\t]+once\\b.*");
    private static final Set<Path> SYSTEM_DIRS = Set.of(Path.of("/usr/include"), Path.of("/usr/local/include"));
    private static final int MAX_DEPTH = 200;

    /** The unit's text with its project headers inlined, where its lines come from, the headers inlined. */
    public record Result(String text, LineMap lines, List<Path> headers) {}

    private final List<Path> quoteDirs = new ArrayList<>();
    private final List<Path> includeDirs = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();
    private final LineMap.Builder lines = new LineMap.Builder();
    private final Deque<Path> stack = new ArrayDeque<>();
    private final List<Path> headers = new ArrayList<>();
    private final java.util.Map<Path, String> guards = new java.util.HashMap<>();
    private int line = 1;

    private HeaderInliner(List<String> preprocessorArgs) {
        for (int i = 0; i < preprocessorArgs.size(); i++) {
            String a = preprocessorArgs.get(i);
            if (a.equals("-I") || a.equals("-iquote")) {
                if (i + 1 < preprocessorArgs.size()) dir(a.equals("-I") ? includeDirs : quoteDirs, preprocessorArgs.get(++i));
            } else if (a.startsWith("-iquote")) {
                dir(quoteDirs, a.substring("-iquote".length()));
            } else if (a.startsWith("-I")) {
                dir(includeDirs, a.substring(2));
            }
        }
    }

    private static void dir(List<Path> to, String d) {
        Path p = Path.of(d).toAbsolutePath().normalize();
        if (!SYSTEM_DIRS.contains(p)) to.add(p);
    }

    /** The text of {@code source} with its project headers inlined (its own text after a #line when it includes none). */
    public static Result inline(Path source, List<String> preprocessorArgs) {
        HeaderInliner h = new HeaderInliner(preprocessorArgs);
        String display = source.toString();
        h.out.append("#line 1 ").append(quoted(display)).append('\n');
        h.line = 2;
        h.lines.from(1, display, 1);
        h.stack.push(source.toAbsolutePath().normalize());
        h.file(read(source), source.toAbsolutePath().normalize(), display, false);
        return new Result(h.out.toString(), h.lines.build(), List.copyOf(h.headers));
    }

    /** Appends {@code text} (the file {@code path}, named {@code display} in messages), headers inlined. */
    private void file(String text, Path path, String display, boolean header) {
        lines.from(line, display, 1);
        boolean inComment = false;
        boolean continued = false;
        boolean inlinedAny = false;
        int own = 1;
        int i = 0;
        while (i < text.length()) {
            int eol = text.indexOf('\n', i);
            int next = eol < 0 ? text.length() : eol + 1;
            String l = text.substring(i, eol < 0 ? text.length() : eol);
            String bare = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
            boolean commentAfter = PragmaScanner.updateComment(l, inComment);
            Matcher m = inComment || continued ? null : INCLUDE.matcher(bare);
            if (m != null && m.matches() && !commentAfter && !bare.endsWith("\\") && stack.size() < MAX_DEPTH) {
                Path found = m.group(1) != null ? find(m.group(1), path.getParent(), true) : find(m.group(2), null, false);
                if (found != null && !stack.contains(found)) {
                    String headerDisplay = displayOf(m.group(1) != null ? m.group(1) : m.group(2), found, path, display);
                    include(found, headerDisplay);
                    inlinedAny = true;
                    lines.from(line, display, own);
                    out.append("#line ").append(own + 1).append(' ').append(quoted(display)).append('\n');
                    line++;
                    own++;
                    lines.from(line, display, own);
                    i = next;
                    continued = false;
                    inComment = false;
                    continue;
                }
                if (found != null && m.group(1) != null) {
                    // a header that includes itself (guarded): the directive stays, naming the file absolutely
                    l = l.substring(0, m.start(1)) + found.toString().replace("\\", "\\\\").replace("\"", "\\\"") + l.substring(m.end(1));
                }
            }
            if (l.contains("__has_include")) l = hasInclude(l, path);
            if (header && !inComment && !continued && PRAGMA_ONCE.matcher(bare).matches()) {
                l = l.endsWith("\r") ? "\r" : "";
            }
            out.append(l);
            if (eol >= 0) out.append('\n');
            else if (!l.isEmpty()) out.append('\n');
            inComment = commentAfter;
            continued = bare.endsWith("\\");
            own++;
            line++;
            i = next;
            if (inlinedAny && !inComment && !continued && eol >= 0 && CONDITIONAL_END.matcher(bare).matches()) {
                // a header inlined in a branch the preprocessor skips leaves the #line after it unread: the lines
                // of the skipped text would count on in this file's numbering, so its number is given again here
                out.append("#line ").append(own).append(' ').append(quoted(display)).append('\n');
                line++;
                lines.from(line, display, own);
            }
        }
    }

    /**
     * {@code __has_include("x.h")} naming a header next to the including file: the instrumented text is
     * compiled from another directory, so the header is named by its absolute path (-I ones are found there
     * as well).
     */
    private String hasInclude(String l, Path path) {
        Matcher m = HAS_INCLUDE.matcher(l);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Path sibling = path.getParent() == null ? null : path.getParent().resolve(m.group(2)).normalize();
            String name = m.group(2);
            if (sibling != null && !Path.of(name).isAbsolute() && Files.isRegularFile(sibling)) {
                name = sibling.toString();
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + quoted(name)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Appends the inlined header {@code found}: #line, its text, a guard around it for #pragma once. */
    private void include(Path found, String display) {
        String text = read(found);
        boolean once = false;
        for (String l : text.split("\n", -1)) {
            if (PRAGMA_ONCE.matcher(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l).matches()) once = true;
        }
        String guard = guards.computeIfAbsent(found, f -> "__talent_once_" + (guards.size() + 1));
        if (once) {
            out.append("#ifndef ").append(guard).append("\n#define ").append(guard).append('\n');
            line += 2;
        }
        out.append("#line 1 ").append(quoted(display)).append('\n');
        line++;
        headers.add(found);
        stack.push(found);
        file(text, found, display, true);
        stack.pop();
        if (once) {
            out.append("#endif\n");
            line++;
        }
    }

    /** The header {@code name} as the compiler finds it, if it is a project header; else null. */
    private Path find(String name, Path includerDir, boolean quoted) {
        List<Path> dirs = new ArrayList<>();
        if (quoted) {
            dirs.add(includerDir);
            dirs.addAll(quoteDirs);
        }
        dirs.addAll(includeDirs);
        Path n = Path.of(name);
        if (n.isAbsolute()) return Files.isRegularFile(n) && !isSystem(n) ? n.normalize() : null;
        for (Path d : dirs) {
            if (d == null) continue;
            Path p = d.resolve(n).normalize();
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static boolean isSystem(Path p) {
        Path a = p.toAbsolutePath().normalize();
        return SYSTEM_DIRS.stream().anyMatch(a::startsWith);
    }

    /** The header's name in messages and __FILE__: next to its includer as the includer is named, else its path. */
    private static String displayOf(String name, Path found, Path includer, String includerDisplay) {
        Path sibling = includer.getParent() == null ? null : includer.getParent().resolve(name).normalize();
        if (found.equals(sibling)) {
            Path parent = Path.of(includerDisplay).getParent();
            return parent == null ? Path.of(name).normalize().toString() : parent.resolve(name).normalize().toString();
        }
        return found.toString();
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
