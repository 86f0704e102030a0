package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Library functions whose address the program takes ({@code qsort(v, n, sizeof *v, strcmp)}, a table of
 * comparators): they go into the program's function table after the instrumented functions, so that a
 * function pointer to one is saved by name and restored to this target's address of that function.
 */
public final class LibraryFunctionAddresses {
    private LibraryFunctionAddresses() {}

    /**
     * A library function: its C name (its identity in checkpoints, equal on every ISA) and its linker symbol
     * (glibc headers redirect some names with asm labels, e.g. scanf to __isoc99_scanf).
     */
    public record LibraryFunction(String name, String symbol) {}

    /** In order of first reference (files in build order, then source order). */
    public static List<LibraryFunction> find(List<TranslationUnit> units, CallGraph graph) {
        Map<String, LibraryFunction> found = new LinkedHashMap<>();
        for (TranslationUnit tu : units) {
            for (Node top : tu.root().inner()) {
                boolean code = top.is("FunctionDecl") || top.is("VarDecl");
                if (!code || !tu.isMainFileNode(top)) continue;
                top.walk(n -> {
                    if (!Ast.isFunctionRef(n)) return;
                    if (CallGraph.isDirectCallee(n)) return;
                    String name = n.referencedDecl().path("name").asText();
                    if (name.isEmpty() || name.startsWith("__builtin_") || graph.resolve(tu, name) != null) return;
                    found.putIfAbsent(name, new LibraryFunction(name, symbol(tu, name)));
                });
            }
        }
        return new ArrayList<>(found.values());
    }

    /** clang's mangledName of the last file-scope declaration of the function (it carries any asm label). */
    private static String symbol(TranslationUnit tu, String name) {
        String symbol = name;
        for (Node top : tu.root().inner()) {
            if (!top.is("FunctionDecl") || !top.name().equals(name)) continue;
            String mangled = top.attr("mangledName");
            if (!mangled.isEmpty()) symbol = mangled;
        }
        return symbol;
    }
}
