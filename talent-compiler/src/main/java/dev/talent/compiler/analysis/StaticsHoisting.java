package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Function-scope statics, to be moved to file scope as {@code __talent_s_<function>_<name>} so that the
 * file's globals table can reference them. A declaration whose text names something declared inside the function
 * (clzip's {@code enum { bufsize = 16 }; static char buf[bufsize];}) cannot move as written: one without an
 * initialiser is spelled from its type ({@code char[16]}), any other is refused naming what it refers to.
 */
public final class StaticsHoisting {
    /**
     * {@code declaration}: the file-scope declaration spelled from the type, or null to move the text as written.
     * {@code types}: declaration statements of the function that only declare types (struct/union/enum, typedef)
     * which the static's type needs, moved to file scope before it, in source order.
     */
    public record HoistedStatic(FunctionModel function, Node declStmt, Node varDecl, String newName, String declaration,
                                List<Node> types) {
        public HoistedStatic(FunctionModel function, Node declStmt, Node varDecl, String newName) {
            this(function, declStmt, varDecl, newName, null, List.of());
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A line whose first non-blank is {@code #}, with its continuation lines. */
    private static final Pattern PREPROCESSOR_LINE = Pattern.compile("(?m)^[ \\t]*#(?:[^\\n]*\\\\\\n)*[^\\n]*");

    public static List<HoistedStatic> find(FunctionModel f, TypeResolver types, Diagnostics diags) {
        List<HoistedStatic> out = new ArrayList<>();
        if (f.body == null || !f.inMainFile) return out;
        TranslationUnit tu = f.unit;
        f.body.walk(n -> {
            if (!n.is("VarDecl") || !n.attr("storageClass").equals("static")) return;
            Node declStmt = n.parent();
            if (declStmt == null || !declStmt.is("DeclStmt") || !tu.isMacroFree(declStmt)) {
                diags.error(tu, n, "static variable '" + n.name() + "' is declared inside a macro expansion",
                        "declare it outside the macro");
                return;
            }
            CType t;
            try {
                t = CTypeParser.parse(n.qualType());
            } catch (RuntimeException e) {
                t = null;
            }
            // the function's own types (and enum constants) the declaration names move to file scope with it
            TypeMove move = t == null ? null : typeMove(f, declStmt);
            List<Node> typeStmts = List.of();
            Set<String> movedNames = Set.of();
            if (move != null && move.conflict() == null) {
                types.promoteToFileScope(move.typedefs(), move.tags());
                typeStmts = move.stmts();
                movedNames = move.names();
            }
            String conflict = move == null ? null : move.conflict();
            boolean anonymous = isAnonymousDefinedHere(n, declStmt);
            if (t == null || (!types.fileScopeSpellable(t) && !anonymous) || (anonymous && conflict != null)) {
                diags.error(tu, n, "static variable '" + n.name() + "' has a type declared inside the function"
                                + (conflict == null ? "" : ", whose name '" + conflict + "' is declared elsewhere in the file too,"
                                + " so the type cannot move to file scope with it"),
                        "declare the type (struct/typedef) at file scope");
                return;
            }
            String newName = "__talent_s_" + f.name + "_" + n.name();
            Set<String> locals = localNames(f, n);
            locals.removeAll(movedNames);
            String local = localNameIn(tu.text(), declStmt, locals);
            for (Node ts : typeStmts) if (local == null) local = localNameIn(tu.text(), ts, locals);
            if (local == null) {
                out.add(new HoistedStatic(f, declStmt, n, newName, null, typeStmts));
            } else if (declStmt.inner().size() == 1 && n.inner().isEmpty() && n.attr("tls").isEmpty()
                    && types.fileScopeSpellable(t)) {
                out.add(new HoistedStatic(f, declStmt, n, newName, "static " + TypeResolver.declare(t, newName) + ";", typeStmts));
            } else {
                diags.error(tu, n, "static variable '" + n.name() + "' refers to '" + local
                                + "', which is declared inside the function, so it cannot move to file scope",
                        "declare '" + local + "' at file scope");
            }
        });
        return out;
    }

    /**
     * The type-only declaration statements of the function ({@code typedef struct { ... } entry;}, {@code enum { N = 4
     * };}) whose names the static's declaration uses, directly or through each other. {@code conflict}: a name they
     * declare that some other declaration of the translation unit declares too (another function's local type, an
     * implicit {@code struct entry} of a use, a file-scope object): moving the types to file scope could then change
     * what a name means, so the static is refused instead. Null when the statement names no local type (a needed type
     * declared by a statement that declares a variable too is found missing when the type is checked again).
     */
    record TypeMove(List<Node> stmts, Set<String> names, Set<String> typedefs, Set<String> tags, String conflict) {}

    private static final Set<String> TYPE_DECLS = Set.of("RecordDecl", "EnumDecl", "TypedefDecl");

    static TypeMove typeMove(FunctionModel f, Node staticStmt) {
        TranslationUnit tu = f.unit;
        // the function's type-only statements, and what each declares
        Map<String, Node> declaredBy = new HashMap<>();
        // a statement whose tag declaration redeclares another's (md4c's `typedef struct TAG_tag TAG;` then
        // `struct TAG_tag { ... };` in the same block: clang's previousDecl) declares the same type: they move together
        Map<String, Node> stmtOfDecl = new HashMap<>();
        Map<Node, List<Node>> sameType = new HashMap<>();
        List<Map.Entry<Node, String>> redeclarations = new ArrayList<>();
        f.body.walk(d -> {
            if (!d.is("DeclStmt") || d.inner().isEmpty()) return;
            if (d != staticStmt && (!d.inner().stream().allMatch(c -> TYPE_DECLS.contains(c.kind())) || !tu.isMacroFree(d))) return;
            if (d != staticStmt) for (String name : declaredNames(d, null, null)) declaredBy.putIfAbsent(name, d);
            for (Node c : d.inner()) {
                if (!c.id().isEmpty()) stmtOfDecl.put(c.id(), d);
                String previous = c.attr("previousDecl");
                if (TYPE_DECLS.contains(c.kind()) && !previous.isEmpty()) redeclarations.add(Map.entry(d, previous));
            }
        });
        for (Map.Entry<Node, String> r : redeclarations) {
            Node earlier = stmtOfDecl.get(r.getValue());
            if (earlier == null || earlier == r.getKey()) continue;
            sameType.computeIfAbsent(earlier, k -> new ArrayList<>()).add(r.getKey());
            sameType.computeIfAbsent(r.getKey(), k -> new ArrayList<>()).add(earlier);
        }
        // the static's own statement may define a named struct too (static struct e { int a; } tbl[2];)
        Set<String> typedefs = new HashSet<>();
        Set<String> tags = new HashSet<>();
        Set<String> names = new HashSet<>(declaredNames(staticStmt, typedefs, tags));
        names.remove("");
        Set<Node> stmts = new HashSet<>();
        List<Node> work = new ArrayList<>(List.of(staticStmt));
        Set<Node> inStatic = new HashSet<>();
        staticStmt.walk(inStatic::add);
        while (!work.isEmpty()) {
            Node s = work.removeLast();
            List<Node> needed = new ArrayList<>(sameType.getOrDefault(s, List.of()));
            Matcher m = IDENTIFIER.matcher(textOf(tu, s));
            while (m.find()) {
                Node d = declaredBy.get(m.group());
                if (d != null) needed.add(d);
            }
            for (Node d : needed) {
                if (d != staticStmt && stmts.add(d)) {
                    work.add(d);
                    names.addAll(declaredNames(d, typedefs, tags));
                }
            }
        }
        // names: also the constants of an anonymous enum the static's own statement defines (static enum { A, B } s = A;)
        if (stmts.isEmpty() && names.isEmpty()) return null;
        Set<Node> moved = new HashSet<>(inStatic);
        for (Node s : stmts) s.walk(moved::add);
        String[] conflict = {null};
        tu.root().walk(d -> {
            if (conflict[0] != null || moved.contains(d) || d.name().isEmpty()) return;
            if (NAMING.contains(d.kind()) && names.contains(d.name())) conflict[0] = d.name();
        });
        List<Node> ordered = new ArrayList<>(stmts);
        ordered.sort(Comparator.comparingInt(s -> s.begin().offset()));
        return new TypeMove(List.copyOf(ordered), names, typedefs, tags, conflict[0]);
    }

    /** Declarations that give a name meaning in the ordinary or the tag name space. */
    private static final Set<String> NAMING = Set.of("RecordDecl", "EnumDecl", "EnumConstantDecl", "TypedefDecl", "VarDecl",
            "FunctionDecl", "ParmVarDecl");

    /** The tags, typedef names and enumeration constants a statement declares (nested records included). */
    private static Set<String> declaredNames(Node stmt, Set<String> typedefs, Set<String> tags) {
        Set<String> out = new HashSet<>();
        stmt.walk(d -> {
            if (d.name().isEmpty()) return;
            switch (d.kind()) {
                case "TypedefDecl" -> {
                    out.add(d.name());
                    if (typedefs != null) typedefs.add(d.name());
                }
                case "RecordDecl", "EnumDecl" -> {
                    out.add(d.name());
                    if (tags != null) tags.add((d.is("EnumDecl") ? "enum" : d.attr("tagUsed")) + " " + d.name());
                }
                case "EnumConstantDecl" -> out.add(d.name());
                default -> { }
            }
        });
        return out;
    }

    private static String textOf(TranslationUnit tu, Node stmt) {
        String text = tu.text();
        return blankLiterals(text.substring(stmt.begin().offset(), Ast.statementEnd(text, stmt)), false);
    }

    /**
     * Names declared in the function: parameters, automatic locals, enum constants, typedefs; not the static's own
     * name (the declaration names itself, and may name itself in its initialiser).
     */
    private static Set<String> localNames(FunctionModel f, Node self) {
        Set<String> names = new HashSet<>();
        f.decl.walk(d -> {
            // statics move too (renamed with their references), an extern names a file-scope object
            boolean automatic = (d.is("VarDecl") && d.attr("storageClass").isEmpty()) || d.is("ParmVarDecl");
            if (automatic || d.is("EnumConstantDecl") || d.is("TypedefDecl")) names.add(d.name());
        });
        names.remove(self.name());
        names.remove("");
        return names;
    }

    /**
     * {@code text} with its string and character literals emptied to {@code ""}, or with their contents
     * blanked to spaces when {@code keepLength}, so that offsets stay those of the text. A scan, not a regular
     * expression: java.util.regex recurses once per character of a repeated group, and a function-local
     * {@code static const char help[] = "..."} of a few thousand characters overflowed the stack.
     */
    static String blankLiterals(String text, boolean keepLength) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char q = text.charAt(i);
            int end = q == '"' || q == '\'' ? literalEnd(text, i) : -1;
            if (end < 0) {
                out.append(q);
                i++;
                continue;
            }
            // either kind of literal becomes a string one, as before
            out.append('"');
            if (keepLength) out.repeat(' ', end - i - 1);
            out.append('"');
            i = end + 1;
        }
        return out.toString();
    }

    /** The index of the quote closing the literal opened at {@code open} (escapes skipped), or -1. */
    private static int literalEnd(String text, int open) {
        char q = text.charAt(open);
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') i++;
            else if (c == q) return i;
        }
        return -1;
    }

    /**
     * The first identifier of the declaration's text that is one of {@code locals}, or null: outside string and
     * character literals, and not a member's name ({@code .len = 3}, {@code ->len}).
     */
    static String localNameIn(String text, Node declStmt, Set<String> locals) {
        if (locals.isEmpty()) return null;
        int begin = declStmt.begin().offset();
        // the names of the members a struct or union of the statement declares are no uses of a local of that name
        // (mawk's `static const struct { CCLASS_ENUM code; ... } cclass_table[]` beside a local `code`)
        Set<Integer> members = new HashSet<>();
        declStmt.walk(d -> {
            if (d.is("FieldDecl") && !d.loc().inMacro() && d.loc().offset() >= begin) members.add(d.loc().offset() - begin);
        });
        // literals blanked to their own length, so that offsets stay those of the text
        String decl = blankLiterals(text.substring(begin, Ast.statementEnd(text, declStmt)), true);
        // and preprocessor lines (gperf's #line 10 "words.list" between a table's elements), which name nothing
        decl = PREPROCESSOR_LINE.matcher(decl).replaceAll(r -> r.group().replaceAll("[^\n]", " "));
        Matcher m = IDENTIFIER.matcher(decl);
        while (m.find()) {
            String before = decl.substring(0, m.start()).stripTrailing();
            if (before.endsWith(".") || before.endsWith("->") || members.contains(m.start())) continue;
            if (locals.contains(m.group())) return m.group();
        }
        return null;
    }

    /**
     * {@code static struct { ... } s;}, {@code static enum { IDLE, RUN } state = IDLE;}: the anonymous type (and an
     * enum's constants) moves to file scope together with the declaration.
     */
    private static boolean isAnonymousDefinedHere(Node varDecl, Node declStmt) {
        return (varDecl.qualType().contains("(unnamed") || varDecl.qualType().contains("(anonymous"))
                && declStmt.inner().stream().anyMatch(c -> c.is("RecordDecl") || c.is("EnumDecl"));
    }
}
