package dev.talent.compiler;

import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.List;
import java.util.Optional;

/**
 * The first place the program names a 128-bit integer type ({@code __int128}, {@code unsigned __int128} or their
 * typedefs {@code __int128_t}, {@code __uint128_t}): gcc has no such type on i686, so {@code talent build} does not
 * build that ISA and says why (docs/CODEGEN.md "128-bit integers").
 */
final class Int128Uses {
    private Int128Uses() {}

    private static final List<String> DECLARATIONS = List.of("VarDecl", "FieldDecl", "TypedefDecl", "ParmVarDecl", "FunctionDecl");

    /** "unsigned __int128 in typedef 'u128' at m.c:5:1"; empty when the program's own text names none. */
    static Optional<String> first(List<TranslationUnit> units) {
        for (TranslationUnit tu : units) {
            Node[] found = new Node[1];
            String[] type = new String[1];
            tu.root().walk(n -> {
                if (found[0] != null || n.flag("isImplicit") || !tu.isMainFileNode(n)) return;
                String t = int128In(n.desugaredQualType());
                if (t == null) t = int128In(n.qualType());
                if (t == null) t = int128In(n.json().path("argType").path("qualType").asText(""));
                if (t != null) {
                    found[0] = n;
                    type[0] = t;
                }
            });
            if (found[0] != null) {
                Node n = found[0];
                String what = DECLARATIONS.contains(n.kind()) && !n.name().isEmpty()
                        ? kindName(n.kind()) + " '" + n.name() + "'" : "an expression";
                return Optional.of(type[0] + " in " + what + " at " + tu.pos(n.position()));
            }
        }
        return Optional.empty();
    }

    private static String kindName(String kind) {
        return switch (kind) {
            case "VarDecl" -> "variable";
            case "FieldDecl" -> "member";
            case "TypedefDecl" -> "typedef";
            case "ParmVarDecl" -> "parameter";
            default -> "function";
        };
    }

    /** The 128-bit type a clang type spelling names, or null. */
    private static String int128In(String spelling) {
        if (spelling.contains("unsigned __int128") || spelling.contains("__uint128_t")) return "unsigned __int128";
        if (spelling.contains("__int128")) return "__int128";
        return null;
    }
}
