package dev.talent.compiler.emit;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A gap after every object with static storage the file defines, so that no saved object directly follows another
 * in any section: a pointer one past the end of one (`int *end = c + 6`) is then never also the start of the next,
 * which another ISA may put elsewhere (docs/CODEGEN.md "Gaps between globals"). Each gap is {@code TALENT_GAP(name)}
 * (talent.h): one small object in each section gcc may put a variable in, emitted in source order by
 * {@code -fno-toplevel-reorder -fdata-sections} (CrossCompiler). A declaration of several objects is split into one
 * declaration per object where its specifiers can be written again (no type defined in them, no macro).
 */
final class GlobalGaps {
    private static final Set<String> DECLARATOR_QUALIFIERS = Set.of("const", "volatile", "restrict", "__restrict",
            "__restrict__", "_Atomic");

    private final TranslationUnit tu;
    private final RewritePlan plan;
    private int next;

    GlobalGaps(TranslationUnit tu, RewritePlan plan) {
        this.tu = tu;
        this.plan = plan;
    }

    /** A new gap's text: its own names, so one file may hold any number. */
    String gap() {
        return " TALENT_GAP(__talent_gap" + next++ + ")";
    }

    /** The file-scope declarations: a gap after each, and between the objects of one declaration. */
    void emitFileScope() {
        String text = tu.text();
        List<Node> top = tu.root().inner();
        int i = 0;
        while (i < top.size()) {
            Node first = top.get(i);
            int j = i + 1;
            while (j < top.size() && top.get(j).begin().offset() == first.begin().offset()
                    && first.begin().offset() >= 0) j++;
            List<Node> group = top.subList(i, j);
            i = j;
            if (!group.stream().anyMatch(this::definesObject)) continue;
            Node last = group.get(group.size() - 1);
            if (!tu.isRewritable(last)) continue;     // a declaration a macro writes: without a gap (CODEGEN.md)
            int end = declarationEnd(text, last);
            if (end < 0) continue;                    // its `;` not found: without a gap, as a macro's
            if (group.stream().allMatch(this::definesObject)) splitDeclarators(text, group);
            else if (group.size() > 2 && isTaggedRecord(group.get(0))
                    && group.subList(1, group.size()).stream().allMatch(this::definesObject)) {
                splitDeclarators(text, group.subList(1, group.size()));
            }
            plan.insert(end, gap());
        }
    }

    /**
     * Just past the declaration's `;`, also where its last token comes from an inlined header and the `;` follows the
     * header's closing `#line` (bc's `char *libmath[] =` / `#include "libmath.h"` / `;`: a gap after the last token
     * of the header was before the `;`, and gcc rejected it); -1 when no `;` is found there.
     */
    static int declarationEnd(String text, Node last) {
        int end = Ast.statementEnd(text, last);
        if (end > 0 && text.charAt(end - 1) == ';') return end;
        int j = Ast.skipSpace(text, end);
        while (text.startsWith("#line ", j) || text.startsWith("#endif", j)) {
            int nl = text.indexOf('\n', j);
            if (nl < 0) return -1;
            j = Ast.skipSpace(text, nl + 1);
        }
        return j < text.length() && text.charAt(j) == ';' ? j + 1 : -1;
    }

    /** A file-scope variable of this file that is an object here (not extern). */
    private boolean definesObject(Node n) {
        return n.is("VarDecl") && tu.inMainFile(n.position()) && !n.attr("storageClass").equals("extern");
    }

    /** `static int a[4], b[4];` becomes `static int a[4]; TALENT_GAP(..) static int b[4];`, where it can. */
    void splitDeclarators(String text, List<Node> group) {
        // a declarator may end in a macro (`*a = NULL, *b = NULL`): Ast.rangeEnd then ends at the invocation's end
        if (group.size() < 2 || !group.stream().allMatch(n -> n.is("VarDecl") && tu.isRewritable(n))) return;
        int specEnd = declaratorStart(text, group.get(0));
        if (specEnd <= group.get(0).begin().offset()) return;
        String spec = tagOnly(text.substring(group.get(0).begin().offset(), specEnd));
        if (spec == null || spec.contains("#") || spec.contains("/*") || spec.contains("//")) return;
        List<Integer> commas = new ArrayList<>();
        for (int k = 0; k + 1 < group.size(); k++) {
            int c = Ast.skipSpace(text, Ast.rangeEnd(text, group.get(k)));
            if (c >= text.length() || text.charAt(c) != ',') return;
            commas.add(c);
        }
        // a space after the specifiers: the next declarator may follow its comma without one (`int M=136,S=256`)
        String specifiers = spec.strip();
        for (int c : commas) {
            boolean joined = c + 1 < text.length() && !Character.isWhitespace(text.charAt(c + 1));
            plan.replace(c, c + 1, ";" + gap() + " " + specifiers + (joined ? " " : ""));
        }
    }

    /** A struct, union or enum defined with a tag where it is declared ({@code struct fmtdesc { ... } a, b;}). */
    private static boolean isTaggedRecord(Node n) {
        return (n.is("RecordDecl") || n.is("EnumDecl")) && !n.name().isEmpty() && n.flag("completeDefinition");
    }

    /**
     * The specifiers as they can be written again: as they are without a body; with one, the tag alone ({@code static
     * const struct fmtdesc { ... }} is {@code static const struct fmtdesc} again: gsm 1.0.22's toast defines its four
     * formats so, which i686 laid side by side, and a pointer to the second was also one past the first); null for an
     * untagged body, which cannot be named again.
     */
    static String tagOnly(String spec) {
        int open = spec.indexOf('{');
        if (open < 0) return spec;
        int close = spec.lastIndexOf('}');
        if (close < open) return null;
        String before = spec.substring(0, open), after = spec.substring(close + 1);
        if (!TAGGED.matcher(before).matches() || after.contains("{") || after.contains("}")) return null;
        return (before.strip() + " " + after.strip()).strip();
    }

    private static final java.util.regex.Pattern TAGGED =
            java.util.regex.Pattern.compile("(?s)[^{}]*\\b(struct|union|enum)\\s+[A-Za-z_]\\w*\\s*");

    /** Where the first declarator begins: before its name, the pointers, parentheses and qualifiers that lead to it. */
    static int declaratorStart(String text, Node decl) {
        int at = decl.loc().offset();
        if (at < 0 || decl.loc().inMacro() || !text.startsWith(decl.name(), at)) return -1;
        int start = at;
        int i = at;
        while (true) {
            int k = i - 1;
            while (k >= 0 && Character.isWhitespace(text.charAt(k))) k--;
            if (k < 0) return start;
            char c = text.charAt(k);
            if (c == '*' || c == '(') {
                start = k;
                i = k;
                continue;
            }
            if (Character.isLetterOrDigit(c) || c == '_') {
                int w = k;
                while (w > 0 && (Character.isLetterOrDigit(text.charAt(w - 1)) || text.charAt(w - 1) == '_')) w--;
                String word = text.substring(w, k + 1);
                int b = w - 1;
                while (b >= 0 && Character.isWhitespace(text.charAt(b))) b--;
                if (DECLARATOR_QUALIFIERS.contains(word) && b >= 0 && text.charAt(b) == '*') {
                    start = w;
                    i = w;
                    continue;
                }
            }
            return start;
        }
    }
}
