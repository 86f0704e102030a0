package dev.talent.compiler.analysis;

import dev.talent.compiler.analysis.StaticsHoisting.HoistedStatic;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of one file that its globals table describes (docs/FORMAT.md "GLOB"; the {@code talent_global}
 * rows): the file-scope variables it defines, then its hoisted function statics ({@link StaticsHoisting}), each
 * once. A global array without a size has no object talent could describe: it is left out, with a warning.
 */
public final class Globals {
    /**
     * {@code key}: the checkpoint's name of the object (a static's is qualified by its file); {@code name}: as
     * written; {@code addressOf}: its name in the instrumented text; {@code isConst}: a const object.
     */
    public record Global(String key, String name, String pos, String addressOf, CType type, Node decl, boolean isConst) {}

    private Globals() {}

    /** File-scope variables defined in this file, then hoisted function statics. */
    public static List<Global> find(TranslationUnit tu, TypeResolver types, List<HoistedStatic> statics, Diagnostics diags) {
        Map<String, Global> out = new LinkedHashMap<>();
        for (Node top : tu.root().inner()) {
            if (!top.is("VarDecl") || !tu.inMainFile(top.position()) || top.attr("storageClass").equals("extern")) continue;
            if (top.attr("tls").length() > 0) continue;
            boolean isStatic = top.attr("storageClass").equals("static");
            String key = isStatic ? tu.unitName() + ":" + top.name() : top.name();
            CType t = CTypeParser.parse(top.qualType());
            if (t instanceof CType.Array a && a.size().isEmpty()) {
                // clang gives a tentative 'int t[];' its completed type (int[1]) or the later sized declaration
                // its size: an array still without size here has no object talent could describe
                if (!hasSizedDeclaration(tu, top.name())) {
                    diags.warning(tu, top, "global array '" + top.name() + "' has no size here: it is not saved in checkpoints",
                            "give the array its size in this definition");
                }
                continue;
            }
            out.putIfAbsent(key, new Global(key, top.name(), tu.pos(top.position()), top.name(), t, top, isConstObject(types, t)));
        }
        for (HoistedStatic s : statics) {
            Node v = s.varDecl();
            CType t = CTypeParser.parse(v.qualType());
            String key = tu.unitName() + ":" + s.newName();
            out.putIfAbsent(key, new Global(key, v.name(), tu.pos(v.position()), s.newName(), t, v, isConstObject(types, t)));
        }
        return new ArrayList<>(out.values());
    }

    private static boolean hasSizedDeclaration(TranslationUnit tu, String name) {
        for (Node top : tu.root().inner()) {
            if (!top.is("VarDecl") || !top.name().equals(name)) continue;
            try {
                if (CTypeParser.parse(top.qualType()) instanceof CType.Array a && !a.size().isEmpty()) return true;
            } catch (RuntimeException e) {
                // unparsable type: not a sized array declaration
            }
        }
        return false;
    }

    private static boolean isConstObject(TypeResolver types, CType t) {
        if (t.isConst()) return true;
        if (t instanceof CType.Named n) {
            try {
                return types.canonical(n).isConst();
            } catch (RuntimeException e) {
                return false;
            }
        }
        return false;
    }
}
