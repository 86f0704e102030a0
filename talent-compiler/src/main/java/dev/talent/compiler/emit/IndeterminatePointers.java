package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;

/**
 * In a function that may checkpoint, a local pointer declared without an initialiser starts as a null pointer
 * ({@code js_Property *result} becomes {@code js_Property *result = 0}; docs/CODEGEN.md "Pointers not yet written").
 * C gives such a variable an indeterminate value until it is written; a correct program never reads it, so null is
 * one of the values it may have. Left as it was, it holds whatever the stack held, and a checkpoint taken before
 * the program writes it (mujs passes {@code &result} to a recursive function that writes it on its way back) saves
 * that stale address: into an object the program uses under another type, it refused the checkpoint as a type
 * conflict of that object. A null pointer is saved and restored as null.
 *
 * <p>Only a declarator that ends with the variable's name ({@code T *p}, not {@code void (*fp)(int)} or one with an
 * attribute after it), outside a {@code for} header and outside macro expansions; arrays and structs holding
 * pointers keep their indeterminate contents.
 */
final class IndeterminatePointers {
    private final RewritePlan plan;
    private final TypeResolver types;

    IndeterminatePointers(RewritePlan plan, TypeResolver types) {
        this.plan = plan;
        this.types = types;
    }

    void emit(FunctionModel f) {
        if (!f.chain || f.body == null) return;
        for (Variable v : f.variables) {
            Node d = v.decl;
            if (v.isTemp() || v.scope == null || d == null || !d.is("VarDecl")) continue;
            if (!d.attr("init").isEmpty() || !d.attr("storageClass").isEmpty()) continue;
            if (v.scope.is("ForStmt") || d.parent() == null || !d.parent().is("DeclStmt")) continue;
            if (d.loc().inMacro() || d.begin().inMacro() || d.end().inMacro() || !d.loc().isValid()) continue;
            if (d.end().offset() != d.loc().offset()) continue;
            if (!isPointer(v.type)) continue;
            // a variable with a gap after it (FrameGaps, which ran before and wrote its wrapper's closing text at this
            // same offset): the wrapper's initialiser, the gap's too
            plan.insert(d.loc().endOffset(), v.wrapper != null ? " = { 0, 0 }" : " = 0", RewritePlan.Rank.DEFAULT);
        }
    }

    private boolean isPointer(CType t) {
        try {
            return t != null && types.canonical(t) instanceof CType.Pointer;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
