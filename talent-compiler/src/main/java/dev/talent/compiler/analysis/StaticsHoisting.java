package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    /** {@code declaration}: the file-scope declaration spelled from the type, or null to move the text as written. */
    public record HoistedStatic(FunctionModel function, Node declStmt, Node varDecl, String newName, String declaration) {
        public HoistedStatic(FunctionModel function, Node declStmt, Node varDecl, String newName) {
            this(function, declStmt, varDecl, newName, null);
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

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
            if (t == null || (!types.fileScopeSpellable(t) && !isAnonymousDefinedHere(n, declStmt))) {
                diags.error(tu, n, "static variable '" + n.name() + "' has a type declared inside the function",
                        "declare the type (struct/typedef) at file scope");
                return;
            }
            String newName = "__talent_s_" + f.name + "_" + n.name();
            String local = localNameIn(tu.text(), declStmt, localNames(f, n));
            if (local == null) {
                out.add(new HoistedStatic(f, declStmt, n, newName));
            } else if (declStmt.inner().size() == 1 && n.inner().isEmpty() && n.attr("tls").isEmpty()
                    && types.fileScopeSpellable(t)) {
                out.add(new HoistedStatic(f, declStmt, n, newName, "static " + TypeResolver.declare(t, newName) + ";"));
            } else {
                diags.error(tu, n, "static variable '" + n.name() + "' refers to '" + local
                                + "', which is declared inside the function, so it cannot move to file scope",
                        "declare '" + local + "' at file scope");
            }
        });
        return out;
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

    private static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

    /**
     * The first identifier of the declaration's text that is one of {@code locals}, or null: outside string and
     * character literals, and not a member's name ({@code .len = 3}, {@code ->len}).
     */
    static String localNameIn(String text, Node declStmt, Set<String> locals) {
        if (locals.isEmpty()) return null;
        String decl = LITERAL.matcher(text.substring(declStmt.begin().offset(), Ast.statementEnd(text, declStmt))).replaceAll("\"\"");
        Matcher m = IDENTIFIER.matcher(decl);
        while (m.find()) {
            String before = decl.substring(0, m.start()).stripTrailing();
            if (before.endsWith(".") || before.endsWith("->")) continue;
            if (locals.contains(m.group())) return m.group();
        }
        return null;
    }

    /** {@code static struct { ... } s;}: the anonymous type moves to file scope together with the declaration. */
    private static boolean isAnonymousDefinedHere(Node varDecl, Node declStmt) {
        return (varDecl.qualType().contains("(unnamed") || varDecl.qualType().contains("(anonymous"))
                && declStmt.inner().stream().anyMatch(c -> c.is("RecordDecl"));
    }
}
