package dev.talent.compiler;

import dev.talent.compiler.analysis.PragmaScanner;
import dev.talent.compiler.ast.ClangAstLoader;
import dev.talent.compiler.ast.LineMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text talent instruments: a translation unit preprocessed as far as it is the program's own, as CIL and
 * most source-to-source tools do, so that a call or a {@code malloc} written in a macro (its body or its
 * arguments) is an ordinary call of the text. See docs/CODEGEN.md, "Preprocessing".
 *
 * <p>Input: the unit's text with its project headers inlined ({@link HeaderInliner}). Output: the same text
 * after {@code clang -E}, in which
 * <ul>
 *   <li>every macro the program defines (in its files, its project headers, or with {@code -D}) is expanded;</li>
 *   <li>what comes from the C library stays for each ISA's gcc to expand: the system headers remain
 *       {@code #include} directives, and the macros they define and those the compiler predefines
 *       ({@code LONG_MAX}, {@code PRId64}, {@code assert}, {@code __x86_64__}, {@code __DATE__}) stay
 *       unexpanded (they are defined to themselves while preprocessing), since their values differ between
 *       ISAs;</li>
 *   <li>conditional directives ({@code #if}, {@code #ifdef}, ...) are decided as clang decides them with the
 *       real headers (a first {@code clang -E} run tells which branches it takes); a decision that depends on
 *       the target ISA (a predefined macro whose value differs between the five ISAs, or a C library macro
 *       that does, such as {@code LONG_MAX}) would be the build host's on every ISA: it is reported
 *       ({@link TargetDependentConditionException}), and the caller preprocesses the unit per ISA instead
 *       (PerIsaCompilation, with an empty set of target-dependent macros and clang's {@code --target});</li>
 *   <li>the program's own {@code #define}s stay in the text (clang's {@code -dD}) so that the C library
 *       headers still see feature macros such as {@code _GNU_SOURCE} or {@code NDEBUG}; one whose name is
 *       still an identifier of the expanded text is dropped, so that gcc does not expand it twice;</li>
 *   <li>line markers become {@code #line} directives naming the file and line each part was written in,
 *       which the {@link LineMap} of the result also gives, for every message.</li>
 * </ul>
 * The result depends only on the input files and options (no temporary path is left in it).
 */
public final class UnitPreprocessor {
    private static final Pattern DIRECTIVE = Pattern.compile("[ \\t]*#[ \\t]*([A-Za-z_]+)\\b.*");
    private static final Pattern MARKER = Pattern.compile("# (\\d+) \"((?:[^\"\\\\]|\\\\.)*)\"((?: \\d+)*)");
    private static final Pattern DEFINE = Pattern.compile("#define ([A-Za-z_][A-Za-z0-9_]*)(\\(?).*");
    private static final Pattern BRANCH = Pattern.compile("#pragma talent_branch (\\d+)");
    private static final Pattern INCLUDE_PLACEHOLDER = Pattern.compile("#pragma talent_include (\\d+)");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> CONDITIONALS = Set.of("if", "ifdef", "ifndef", "elif", "elifdef", "elifndef", "else");
    /** Builtin macros that are not in -dD's list but must be left to gcc: their value is the moment or the gcc run. */
    private static final List<String> LEFT_TO_GCC = List.of("__DATE__", "__TIME__", "__TIMESTAMP__", "__BASE_FILE__");

    /** The text to instrument and where its lines were written. */
    public record Result(String text, LineMap lines) {}

    /** A failure of the preprocessor: clang's messages. */
    public static final class PreprocessorFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        PreprocessorFailedException(String message) {
            super(message);
        }
    }

    /** Where a directive of the inlined text is and what it is. */
    private record Directive(String word, int firstLine, int lastLine, boolean endsInComment, String text) {}

    private UnitPreprocessor() {}

    /**
     * Preprocesses {@code inlined} (the text of the file {@code tempFile}, written there by the caller, in a
     * directory of its own) with {@code preprocessorArgs}; {@code scratch} is a second file name in that
     * directory for the intermediate texts.
     */
    public static Result preprocess(ClangAstLoader clang, String inlined, java.nio.file.Path tempFile,
                                    java.nio.file.Path scratch, List<String> preprocessorArgs,
                                    TargetMacros.Dependent targetDependent) throws PreprocessorFailedException {
        List<String> lines = splitLines(inlined);
        List<Directive> directives = directives(lines);

        // 1. the real preprocessing, with a marker after each conditional directive: which branches clang takes,
        //    which macros the system headers define
        StringBuilder real = new StringBuilder();
        Map<Integer, Integer> branchAfterLine = new TreeMap<>();
        int k = 0;
        for (Directive d : directives) if (CONDITIONALS.contains(d.word())) branchAfterLine.put(d.endsInComment() ? commentEnd(lines, d.lastLine()) : d.lastLine(), k++);
        for (int i = 0; i < lines.size(); i++) {
            real.append(lines.get(i)).append('\n');
            Integer b = branchAfterLine.get(i);
            if (b != null) real.append("#pragma talent_branch ").append(b).append('\n');
        }
        String realOut = run(clang, scratch, real.toString(), preprocessorArgs);
        Set<Integer> taken = new HashSet<>();
        Map<String, Boolean> systemMacros = new TreeMap<>();   // name -> function-like
        scanRealOutput(realOut, taken, systemMacros);

        // 2. conditionals decided; those that depend on the ISA refused
        List<String> refusals = new ArrayList<>();
        StringBuilder input = new StringBuilder();
        for (Map.Entry<String, Boolean> m : systemMacros.entrySet()) {
            input.append("#define ").append(m.getKey()).append(m.getValue() ? "(...) " + m.getKey() + "(__VA_ARGS__)" : " " + m.getKey()).append('\n');
        }
        for (String m : LEFT_TO_GCC) input.append("#define ").append(m).append(' ').append(m).append('\n');
        String[] out = lines.toArray(new String[0]);
        List<String> includes = new ArrayList<>();
        int branch = 0;
        // which conditionals clang evaluated (not those inside a skipped group): a stack of (enclosing group
        // active, a branch of this chain taken)
        java.util.ArrayDeque<boolean[]> stack = new java.util.ArrayDeque<>();
        boolean active = true;
        for (Directive d : directives) {
            String replacement = null;
            if (d.word().equals("endif")) {
                boolean[] f = stack.poll();
                if (f != null) active = f[0];
                continue;
            }
            if (CONDITIONALS.contains(d.word())) {
                boolean isTaken = taken.contains(branch++);
                boolean evaluated;
                switch (d.word()) {
                    case "if", "ifdef", "ifndef" -> {
                        evaluated = active;
                        stack.push(new boolean[] {active, isTaken});
                    }
                    default -> {
                        boolean[] f = stack.peek();
                        if (f == null) f = new boolean[] {true, false};
                        evaluated = f[0] && !f[1] && !d.word().equals("else");
                        f[1] |= isTaken;
                    }
                }
                active = isTaken;
                String dependsOn = evaluated ? dependsOn(d, targetDependent) : null;
                if (dependsOn != null) refusals.add(d.firstLine() + 1 + ":" + dependsOn);
                replacement = switch (d.word()) {
                    case "else" -> "#else";
                    case "elif", "elifdef", "elifndef" -> isTaken ? "#elif 1" : "#elif 0";
                    default -> isTaken ? "#if 1" : "#if 0";
                };
            } else if (d.word().equals("include") || d.word().equals("include_next")) {
                replacement = "#pragma talent_include " + includes.size();
                includes.add(d.text());
            }
            if (replacement == null) continue;
            out[d.firstLine()] = replacement + (d.endsInComment() ? " /*" : "");
            for (int i = d.firstLine() + 1; i <= d.lastLine(); i++) out[i] = "";
        }
        if (!refusals.isEmpty()) throw new TargetDependentConditionException(refusals);
        for (String l : out) input.append(l).append('\n');

        // 3. the program's macros expanded, the C library's left
        String expanded = run(clang, scratch, input.toString(), preprocessorArgs);
        return assemble(expanded, tempFile, scratch, includes);
    }

    /** The first macro of a conditional directive whose value (or, after defined/#ifdef, presence) depends on the ISA. */
    private static String dependsOn(Directive d, TargetMacros.Dependent dep) {
        String rest = d.text().substring(d.text().indexOf(d.word()) + d.word().length());
        boolean presenceOnly = d.word().equals("ifdef") || d.word().equals("ifndef")
                || d.word().equals("elifdef") || d.word().equals("elifndef");
        boolean afterDefined = false;
        for (Matcher m = IDENTIFIER.matcher(rest); m.find(); ) {
            String id = m.group();
            if (id.equals("defined")) {
                afterDefined = true;
                continue;
            }
            boolean presence = presenceOnly || afterDefined;
            afterDefined = false;
            if (presence ? dep.byPresence().contains(id) : dep.byValue().contains(id)) return id;
        }
        return null;
    }

    /** Lines of a project conditional ("LINE:MACRO", lines of the inlined text) that depend on the target ISA. */
    public static final class TargetDependentConditionException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<String> at;

        TargetDependentConditionException(List<String> at) {
            super("conditionals depending on the target ISA: " + at);
            this.at = List.copyOf(at);
        }

        /** "LINE:MACRO" per conditional, LINE a line of the inlined text (1-based). */
        public List<String> at() { return at; }
    }

    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();
        return lines;
    }

    /** The preprocessor directives of the text (outside comments, not inside a continued line). */
    private static List<Directive> directives(List<String> lines) {
        List<Directive> out = new ArrayList<>();
        boolean inComment = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!inComment) {
                Matcher m = DIRECTIVE.matcher(bare(l));
                if (m.matches()) {
                    // a directive goes on over a continued line and over a comment open at a line's end (a
                    // comment is one space before directives are read): `#if A && \` / `/* why */ B`
                    int last = i;
                    StringBuilder text = new StringBuilder(bare(l));
                    boolean comment = PragmaScanner.updateComment(l, false);
                    while ((comment || endsContinued(bare(lines.get(last)))) && last + 1 < lines.size()) {
                        if (endsContinued(bare(lines.get(last)))) text.setLength(text.length() - 1);
                        else text.append(' ');
                        String next = lines.get(++last);
                        comment = PragmaScanner.updateComment(next, comment);
                        text.append(bare(next));
                    }
                    out.add(new Directive(m.group(1), i, last, comment, withoutComments(text.toString())));
                    inComment = comment;
                    i = last;
                    continue;
                }
            }
            inComment = PragmaScanner.updateComment(l, inComment);
        }
        return out;
    }

    /** {@code text} with each comment replaced by a space (what the preprocessor reads of a directive). */
    static String withoutComments(String text) {
        StringBuilder out = new StringBuilder(text.length());
        PragmaScanner.scanComments(text, false, out);
        return out.toString();
    }

    private static int commentEnd(List<String> lines, int from) {
        boolean open = true;
        for (int i = from + 1; i < lines.size(); i++) {
            open = PragmaScanner.updateComment(lines.get(i), open);
            if (!open) return i;
        }
        return lines.size() - 1;
    }

    private static String bare(String l) {
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }

    private static boolean endsContinued(String l) {
        return l.endsWith("\\");
    }

    private static String run(ClangAstLoader clang, java.nio.file.Path scratch, String text, List<String> args)
            throws PreprocessorFailedException {
        try {
            java.nio.file.Files.writeString(scratch, text, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ClangAstLoader.Preprocessed p = clang.runPreprocessor(scratch, List.of("-dD", "-w"), args);
        if (p.exitCode() != 0) throw new PreprocessorFailedException(p.errors());
        return p.output();
    }

    /** Taken branches and the macros of system headers and of the compiler, from the first run's output. */
    private static void scanRealOutput(String out, Set<Integer> taken, Map<String, Boolean> systemMacros) {
        boolean system = false;
        for (String l : out.split("\n", -1)) {
            Matcher marker = MARKER.matcher(l);
            if (marker.matches()) {
                system = marker.group(2).equals("<built-in>") || (" " + marker.group(3) + " ").contains(" 3 ");
                continue;
            }
            Matcher b = BRANCH.matcher(l);
            if (b.matches()) {
                taken.add(Integer.parseInt(b.group(1)));
                continue;
            }
            if (system) {
                Matcher d = DEFINE.matcher(l);
                if (d.matches()) systemMacros.put(d.group(1), !d.group(2).isEmpty());
            }
        }
    }

    /**
     * The instrumented text from the second run's output: only the parts written in the program's files
     * (not the built-in, command-line and self-definition prologue), line markers as #line, each include
     * placeholder back as its directive, the program's #defines kept unless their name is still in the text.
     */
    private static Result assemble(String out, java.nio.file.Path tempFile, java.nio.file.Path scratch, List<String> includes) {
        List<String> kept = new ArrayList<>();
        boolean keep = false;
        String tempName = tempFile.toString();
        String scratchName = scratch.toString();
        // limit 0: the blank lines at the end of the output are dropped (the instrumented text ends at its last line)
        for (String l : out.split("\n", 0)) {
            Matcher marker = MARKER.matcher(l);
            if (marker.matches()) {
                String file = marker.group(2);
                keep = !file.equals("<built-in>") && !file.equals("<command line>") && !file.equals("<scratch space>")
                        && !file.equals(tempName) && !file.equals(scratchName);
                if (keep) kept.add("#line " + marker.group(1) + " \"" + file + "\"");
                continue;
            }
            if (!keep) continue;
            Matcher inc = INCLUDE_PLACEHOLDER.matcher(l);
            if (inc.matches()) {
                int n = Integer.parseInt(inc.group(1));
                if (n < includes.size()) {
                    kept.add(includes.get(n).strip());
                    continue;
                }
            }
            kept.add(l);
        }
        // identifiers still in the code: a #define of one of them would expand it a second time in gcc
        Set<String> used = new HashSet<>();
        for (String l : kept) {
            if (l.startsWith("#")) continue;
            for (Matcher m = IDENTIFIER.matcher(l); m.find(); ) used.add(m.group());
        }
        StringBuilder text = new StringBuilder();
        LineMap.Builder map = new LineMap.Builder();
        int line = 1;
        boolean mapped = false;
        // the text starts as the main file does: its first #line is the instrumented file's own (UnitRewriter)
        if (!kept.isEmpty() && kept.getFirst().startsWith("#line 1 \"")) {
            Matcher m = MARKER.matcher("# " + kept.getFirst().substring("#line ".length()));
            if (m.matches()) {
                map.from(1, unescape(m.group(2)), 1);
                mapped = true;
                kept.removeFirst();
            }
        }
        for (String l : kept) {
            Matcher d = DEFINE.matcher(l);
            if (d.matches() && (used.contains(d.group(1)) || d.group(1).startsWith("__talent_once_"))) l = "";
            text.append(l).append('\n');
            line++;
            if (l.startsWith("#line ")) {
                Matcher m = MARKER.matcher("# " + l.substring("#line ".length()));
                if (m.matches()) {
                    map.from(line, unescape(m.group(2)), Integer.parseInt(m.group(1)));
                    mapped = true;
                }
            }
        }
        if (!mapped) map.from(1, tempName, 1);
        return new Result(text.toString(), map.build());
    }

    private static String unescape(String s) {
        return s.replace("\\\\", "\u0000").replace("\\\"", "\"").replace("\u0000", "\\");
    }
}
