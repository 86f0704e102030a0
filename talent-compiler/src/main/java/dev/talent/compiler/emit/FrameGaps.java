package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.FrameLiveness;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.VaListBrackets;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.analysis.VariableLengthArrays;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A gap after every local a pointer may reach in a function that may checkpoint, so that one past its end is never
 * the start of another frame variable, which another ISA's frame puts elsewhere (docs/CODEGEN.md "Gaps between frame
 * variables"). gcc lays out a frame as it likes, so the gap is a member: {@code int a[4] = {1};} becomes
 * {@code struct { int __talent_o[4]; char __talent_g; } a__talent_w = { {1}, 0 };} and every reference {@code a} becomes
 * {@code a__talent_w.__talent_o} ({@link Variable#ref()}): the same object, type, value and lifetime, with a byte of
 * its own after it. A declaration of several variables is split first. A variable whose declaration or a reference is
 * written in a macro, or whose declaration cannot be written again as a member (a type defined in it, attributes, a
 * {@code for} initialiser, a variably modified type), keeps its declaration: the runtime then carries both readings
 * of a pointer one past its end (docs/FORMAT.md "Pointers"). A parameter a pointer may reach is copied into such a
 * wrapper at the body's start, which the body uses instead.
 */
final class FrameGaps {
    static final String OBJECT = "__talent_o";
    private static final Set<String> STORAGE_WORDS = Set.of("static", "extern", "register", "auto", "typedef",
            "_Thread_local", "thread_local", "__thread", "constexpr");

    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[A-Za-z0-9_]+");

    private final TranslationUnit tu;
    private final RewritePlan plan;

    FrameGaps(TranslationUnit tu, RewritePlan plan) {
        this.tu = tu;
        this.plan = plan;
    }

    void emit(FunctionModel f) {
        if (!f.chain) return;
        String text = tu.text();
        Map<Node, List<Variable>> byStatement = new LinkedHashMap<>();
        for (Variable v : f.variables) {
            if (!candidate(f, v)) continue;
            byStatement.computeIfAbsent(v.decl.parent(), k -> new ArrayList<>()).add(v);
        }
        for (Map.Entry<Node, List<Variable>> e : byStatement.entrySet()) emitStatement(text, f, e.getKey(), e.getValue());
        StringBuilder params = new StringBuilder();
        for (Variable v : f.variables) {
            if (!parameterCandidate(f, v)) continue;
            v.wrapper = v.cName + "__talent_w";
            params.append(" struct { __typeof__(").append(v.cName).append(") ").append(OBJECT).append("; char __talent_g; } ")
                    .append(v.wrapper).append(" = { ").append(v.cName).append(", 0 };");
            for (Node ref : FrameLiveness.references(f, v)) plan.replace(ref.begin().offset(), ref.begin().endOffset(), v.ref());
        }
        // before the prologue, whose restore jumps past it (the value restored into the member)
        if (!params.isEmpty()) plan.insert(f.body.begin().offset() + 1, params.toString(), RewritePlan.Rank.FRAME_GAP_PARAMETERS);
    }

    /**
     * A parameter a pointer may reach: its value is copied into a wrapper at the body's start, which the body uses
     * instead (the parameter's own storage then holds a copy nobody points to).
     */
    private boolean parameterCandidate(FunctionModel f, Variable v) {
        if (!v.addressTaken || v.isTemp() || v.scope != null || !v.decl.is("ParmVarDecl") || v.name.isEmpty()) return false;
        if (VariableLengthArrays.isVariablyModified(v.type) || VaListBrackets.isVaList(v.typeSpelling)) return false;
        if (f.body == null || !tu.isMacroFree(f.body) || f.body.begin().inMacro()) return false;
        if (!tu.inMainFile(v.decl.loc()) || v.decl.loc().inMacro()) return false;
        for (Node ref : FrameLiveness.references(f, v)) if (!tu.isMacroFree(ref)) return false;
        return true;
    }

    /** A local a pointer may reach, declared by itself or with others in a declaration statement written as such. */
    private boolean candidate(FunctionModel f, Variable v) {
        if (!v.addressTaken || v.isTemp() || v.scope == null || v.name.startsWith("__talent")) return false;
        if (!v.decl.is("VarDecl") || !v.decl.attr("storageClass").isEmpty()) return false;
        if (VariableLengthArrays.isVariablyModified(v.type) || VaListBrackets.isVaList(v.typeSpelling)) return false;
        Node stmt = v.decl.parent();
        if (stmt == null || !stmt.is("DeclStmt") || stmt.parent() == null || stmt.parent().is("ForStmt")) return false;
        if (!tu.isMacroFree(stmt) || !FrameLiveness.renamable(f, v)) return false;
        for (Node d : stmt.inner()) if (!d.is("VarDecl") || !tu.isMacroFree(d) || d.loc().inMacro()) return false;
        return everyUseSeen(f, v);
    }

    /**
     * Every occurrence of the name in the function's text is the declaration or a reference in clang's AST: the size of
     * a constant array written with the variable ({@code char b[sizeof(a) - 1];}) is folded into the type and is no
     * node, so it would keep naming a variable that is no longer declared (cJSON's parse_examples.c). Otherwise (a
     * shadowing name, a member of that name too) the declaration is kept.
     */
    private boolean everyUseSeen(FunctionModel f, Variable v) {
        String text = tu.text();
        int b = f.body.begin().offset();
        int e = Ast.rangeEnd(text, f.body);
        if (b < 0 || e <= b || e > text.length()) return false;
        int count = 0;
        String previous = "";
        for (int i = b; i < e; ) {
            char ch = text.charAt(i);
            if (!Character.isWhitespace(ch) && !Character.isJavaIdentifierStart(ch)) previous = "";
            if (ch == '"' || ch == '\'') {
                // a string or character literal: its letters name nothing
                int j = i + 1;
                while (j < e && text.charAt(j) != ch && text.charAt(j) != '\n') j += text.charAt(j) == '\\' ? 2 : 1;
                i = j + 1;
            } else if (ch == '/' && i + 1 < e && (text.charAt(i + 1) == '/' || text.charAt(i + 1) == '*')) {
                boolean line = text.charAt(i + 1) == '/';
                int j = line ? text.indexOf('\n', i) : text.indexOf("*/", i + 2);
                i = j < 0 ? e : j + (line ? 1 : 2);
            } else if (Character.isDigit(ch)) {
                int j = i + 1;
                while (j < e && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '.')) j++;
                i = j;
            } else if (Character.isJavaIdentifierStart(ch)) {
                int j = i + 1;
                while (j < e && Character.isJavaIdentifierPart(text.charAt(j))) j++;
                String word = text.substring(i, j);
                // a tag after struct/union/enum, a member after . or -> is another name space
                if (word.equals(v.name) && !TAG_WORDS.contains(previous) && !member(text, i)) count++;
                previous = word;
                i = j;
            } else {
                i++;
            }
        }
        return count <= FrameLiveness.references(f, v).size() + 1;
    }

    private static final Set<String> TAG_WORDS = Set.of("struct", "union", "enum");

    private static boolean member(String text, int at) {
        int k = at - 1;
        while (k >= 0 && Character.isWhitespace(text.charAt(k))) k--;
        return k >= 0 && (text.charAt(k) == '.' || (text.charAt(k) == '>' && k > 0 && text.charAt(k - 1) == '-'));
    }

    private void emitStatement(String text, FunctionModel f, Node stmt, List<Variable> wrapped) {
        List<Node> decls = stmt.inner();
        Node first = decls.get(0);
        int begin = stmt.begin().offset();
        int specEnd = GlobalGaps.declaratorStart(text, first);
        if (begin < 0 || specEnd <= begin) return;
        String spec = text.substring(begin, specEnd);
        if (spec.contains("{") || spec.contains("#") || spec.contains("/*") || spec.contains("//")
                || spec.contains("__attribute__") || spec.contains("[[") || spec.contains("__declspec")) return;
        java.util.regex.Matcher word = WORD.matcher(spec);
        while (word.find()) if (STORAGE_WORDS.contains(word.group())) return;
        // each declarator: where it ends (before `=` or at its end), the initialiser's range
        int n = decls.size();
        int[] declEnd = new int[n];
        int[] initBegin = new int[n];
        int[] initEnd = new int[n];
        int[] comma = new int[n];
        for (int k = 0; k < n; k++) {
            Node d = decls.get(k);
            int at = d.loc().offset();
            if (at < 0 || !text.startsWith(d.name(), at)) return;
            Node init = initializer(d);
            if (init != null) {
                if (!tu.isMacroFree(init) || bracedScalar(init)) return;
                initBegin[k] = init.begin().offset();
                initEnd[k] = Ast.rangeEnd(text, init);
                int eq = initBegin[k] - 1;
                while (eq > at && Character.isWhitespace(text.charAt(eq))) eq--;
                if (text.charAt(eq) != '=') return;
                int last = eq - 1;
                while (last > at && Character.isWhitespace(text.charAt(last))) last--;
                declEnd[k] = last + 1;
                String declarator = text.substring(at, declEnd[k]);
                if (declarator.contains("__attribute__") || declarator.contains("#")) return;
            } else {
                initBegin[k] = -1;
                declEnd[k] = Ast.rangeEnd(text, d);
                if (declEnd[k] <= at || text.substring(at, declEnd[k]).contains("__attribute__")) return;
            }
            if (k + 1 < n) {
                int c = Ast.skipSpace(text, initBegin[k] >= 0 ? initEnd[k] : declEnd[k]);
                if (c >= text.length() || text.charAt(c) != ',') return;
                comma[k] = c;
            }
        }
        String specifiers = spec.strip();
        for (int k = 0; k < n; k++) {
            Node d = decls.get(k);
            Variable v = null;
            for (Variable w : wrapped) if (w.declId.equals(d.id())) v = w;
            if (k > 0) plan.replace(comma[k - 1], comma[k - 1] + 1, "; " + (v != null ? "struct { " : "") + specifiers);
            else if (v != null) plan.insert(begin, "struct { ", RewritePlan.Rank.FRAME_GAP_OPEN);
            if (v == null) continue;
            v.wrapper = v.cName + "__talent_w";
            int at = d.loc().offset();
            plan.replace(at, at + d.name().length(), OBJECT);
            completeArray(text, v, at + d.name().length(), declEnd[k]);
            plan.insert(declEnd[k], "; char __talent_g; } " + v.wrapper);
            if (initBegin[k] >= 0) {
                plan.insert(initBegin[k], "{ ");
                plan.insert(initEnd[k], ", 0 }");   // the gap too: -Wmissing-field-initializers
            }
            for (Node ref : FrameLiveness.references(f, v)) {
                plan.replace(ref.begin().offset(), ref.begin().endOffset(), v.ref());
            }
        }
    }

    /** {@code char s[] = "abc"}: the member needs its length ({@code [4]}, from the variable's type). */
    private void completeArray(String text, Variable v, int from, int to) {
        int open = Ast.skipSpace(text, from);
        if (open >= to || text.charAt(open) != '[') return;
        int close = Ast.skipSpace(text, open + 1);
        if (close >= to || text.charAt(close) != ']') return;
        if (!(v.type instanceof CType.Array a) || a.size().isEmpty()) {
            throw new IllegalStateException("incomplete array '" + v.name + "' without a length in its type");
        }
        plan.replace(open, close + 1, "[" + a.size() + "]");
    }

    /** {@code int x = {5};}: in the wrapper's braces it would be a braced scalar, which gcc warns about. */
    private static boolean bracedScalar(Node init) {
        if (!init.is("InitListExpr")) return false;
        String t = init.desugaredQualType().isEmpty() ? init.qualType() : init.desugaredQualType();
        return !t.contains("[") && !t.startsWith("struct ") && !t.startsWith("union ");
    }

    /** The variable's initialiser, or null. */
    private static Node initializer(Node d) {
        if (d.attr("init").isEmpty()) return null;
        for (int i = d.inner().size() - 1; i >= 0; i--) {
            Node c = d.inner().get(i);
            if (!c.kind().endsWith("Attr")) return c;
        }
        return null;
    }
}
