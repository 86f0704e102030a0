package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.HashSet;
import java.util.Set;

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
    /**
     * The largest aggregate zeroed: a memset on every call of a function with a large local buffer costs time in
     * a hot function, and a large buffer is usually written whole before it is read.
     */
    static final int MAX_ZEROED_BYTES = 256;

    private final RewritePlan plan;
    private final TypeResolver types;

    IndeterminatePointers(RewritePlan plan, TypeResolver types) {
        this.plan = plan;
        this.types = types;
    }

    void emit(FunctionModel f) {
        if (!f.chain || f.body == null) return;
        Set<Variable> saved = new HashSet<>();
        for (Point p : f.points) saved.addAll(p.saved);
        String text = f.unit.text();
        for (Variable v : f.variables) {
            Node d = v.decl;
            if (v.isTemp() || v.scope == null || d == null || !d.is("VarDecl")) continue;
            String storage = d.attr("storageClass");
            if (!d.attr("init").isEmpty() || !(storage.isEmpty() || storage.equals("register"))) continue;
            if (v.scope.is("ForStmt") || d.parent() == null || !d.parent().is("DeclStmt")) continue;
            if (d.loc().inMacro() || d.begin().inMacro() || d.end().inMacro() || !d.loc().isValid()) continue;
            Kind kind = kind(v.type);
            if (kind == Kind.POINTER || (kind == Kind.SCALAR && saved.contains(v))) {
                if (d.end().offset() != d.loc().offset()) continue;
                // a variable with a gap after it (FrameGaps, which ran before and wrote its wrapper's closing text at
                // this same offset): the wrapper's initialiser, the gap's too
                plan.insert(d.loc().endOffset(), v.wrapper != null ? " = { 0, 0 }" : " = 0", RewritePlan.Rank.DEFAULT);
            } else if (kind == Kind.AGGREGATE && saved.contains(v) && f.setjmps.isEmpty()
                    && !v.name.startsWith("__talent")) {
                // not beside a setjmp (a struct may hold the jmp_buf, re-armed by its own rules), nor talent's own
                // temporaries (a compound literal's copy is written at once)
                String spelling = v.typeSpelling;
                // memset would drop the qualifier (a warning); va_list and jmp_buf have their own rules
                if (spelling.contains("const") || spelling.contains("volatile") || spelling.contains("_Atomic")
                        || spelling.contains("va_list") || spelling.contains("jmp_buf")) continue;
                Node stmt = d.parent();
                if (stmt.begin().inMacro() || stmt.end().inMacro()) continue;
                int end = Ast.statementEnd(text, stmt);
                if (end <= 0 || text.charAt(end - 1) != ';') continue;
                String x = v.ref();
                plan.insert(end, " if (sizeof " + x + " <= " + MAX_ZEROED_BYTES + ") __builtin_memset(&" + x
                        + ", 0, sizeof " + x + ");", RewritePlan.Rank.DEFAULT);
            }
        }
    }

    private enum Kind { POINTER, SCALAR, AGGREGATE, OTHER }

    private Kind kind(CType t) {
        try {
            if (t == null) return Kind.OTHER;
            CType c = types.canonical(t);
            return switch (c) {
                case CType.Pointer p -> Kind.POINTER;
                // __builtin_va_list is an array on some ISAs, where "= 0" is not valid
                case CType.Builtin b -> b.name().equals("void") || b.name().startsWith("__builtin") ? Kind.OTHER : Kind.SCALAR;
                case CType.Tagged g -> g.tag().equals("enum") ? Kind.SCALAR : Kind.AGGREGATE;
                case CType.Array a -> a.size().isEmpty() || a.isVariableLength() ? Kind.OTHER : Kind.AGGREGATE;
                default -> Kind.OTHER;
            };
        } catch (RuntimeException e) {
            return Kind.OTHER;
        }
    }
}
