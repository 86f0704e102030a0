package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.List;

/**
 * Function-scope statics, to be moved to file scope as {@code __talent_s_<function>_<name>} so that the
 * file's globals table can reference them.
 */
public final class StaticsHoisting {
    public record HoistedStatic(FunctionModel function, Node declStmt, Node varDecl, String newName) {}

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
            out.add(new HoistedStatic(f, declStmt, n, "__talent_s_" + f.name + "_" + n.name()));
        });
        return out;
    }

    /** {@code static struct { ... } s;}: the anonymous type moves to file scope together with the declaration. */
    private static boolean isAnonymousDefinedHere(Node varDecl, Node declStmt) {
        return (varDecl.qualType().contains("(unnamed") || varDecl.qualType().contains("(anonymous"))
                && declStmt.inner().stream().anyMatch(c -> c.is("RecordDecl"));
    }
}
