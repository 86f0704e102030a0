package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.ByteCopies;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;

/**
 * Renames the {@code memcpy}/{@code memmove} calls that copy a pointer's bytes into integer or floating storage
 * ({@link ByteCopies#pointerCopy}) to the runtime's {@code talent_pointer_memcpy}/{@code talent_pointer_memmove}, with
 * the call's position and what it copies as two more arguments: after such a copy has run, every checkpoint is refused
 * by name and the program goes on (talent.h "pointer bytes"). A store of a pointer through a cast into such storage
 * ({@link ByteCopies#pointerStore}) passes the cast's operand through {@code talent_pointer_store_at} to the same
 * effect. The build warns at each. One written inside a macro expansion cannot be rewritten: the build is refused
 * there, naming it.
 */
public final class PointerByteCopies {
    /** What the diagnostics of a copy and of a cast tell the user to change. */
    private static final String CHANGE = "keep the pointer in memory of a pointer type (a union with a pointer member, or an"
            + " array of pointers)";
    private final TranslationUnit tu;
    private final TypeResolver types;
    private final RewritePlan plan;
    private final Diagnostics diags;

    public PointerByteCopies(TranslationUnit tu, TypeResolver types, RewritePlan plan, Diagnostics diags) {
        this.tu = tu;
        this.types = types;
        this.plan = plan;
        this.diags = diags;
    }

    public void rewrite(FunctionModel f) {
        if (f.body == null) return;
        f.body.walk(n -> {
            ByteCopies.PointerStore store = ByteCopies.pointerStore(tu, types, n);
            if (store != null) {
                rewriteStore(store);
                return;
            }
            ByteCopies.PointerCopy c = ByteCopies.pointerCopy(tu, types, n);
            if (c == null) return;
            String why = "the bytes of " + c.describe() + ": a checkpoint carries that memory as numbers, so the pointer"
                    + " in it cannot be carried (after a restore it would hold the old address)";
            Node callee = Ast.strip(n.child(0));
            if (!tu.isMacroFree(n) || callee == null || !tu.isMacroFree(callee)) {
                diags.error(tu, n, why + "; the call is inside a macro expansion, where talent cannot make it refuse the"
                        + " checkpoints after it", CHANGE);
                return;
            }
            diags.warning(tu, n, why + "; every checkpoint after this call has run is refused (the program goes on)",
                    CHANGE);
            if (ByteCopies.isChecked(Ast.directCallee(n))) {
                noteThrough(n.child(1), tu.pos(n.begin()), c.describe());
                return;
            }
            String name = c.callee().equals("memmove") ? "talent_pointer_memmove" : "talent_pointer_memcpy";
            plan.replace(callee.begin().offset(), callee.begin().endOffset(), name);
            plan.insert(n.end().offset(), ", " + TypeDescriptors.cString(tu.pos(n.begin())) + ", "
                    + TypeDescriptors.cString(c.describe()));
        });
    }

    /**
     * {@code (char **)(code + 2)}: the cast's operand is passed through {@code talent_pointer_store_at}, which notes
     * the cast as a copy is noted and returns its argument ({@code *(char **)talent_pointer_store_at((code + 2), POS,
     * WHAT) = s}).
     */
    private void rewriteStore(ByteCopies.PointerStore store) {
        Node cast = store.cast();
        String why = "pointers kept in memory of a non-pointer type (" + store.what() + "): a checkpoint carries that memory"
                + " as numbers, so a pointer in it cannot be carried (after a restore it would hold the old address)";
        Node operand = cast.child(0);
        int from = operand.begin().offset();
        int to = Ast.rangeEnd(tu.text(), operand);
        if (!tu.isMacroFree(cast) || from < 0 || to <= from) {
            diags.error(tu, cast, why + "; the cast is inside a macro expansion, where talent cannot make it refuse the"
                    + " checkpoints after it", CHANGE);
            return;
        }
        diags.warning(tu, cast, why + "; every checkpoint after this cast has run is refused (the program goes on)", CHANGE);
        noteThrough(operand, tu.pos(cast.begin()), store.what());
    }

    /**
     * Passes {@code operand} through {@code talent_pointer_store_at}, which notes {@code what} when it runs and returns
     * its argument. A checked copy ({@code __builtin___memcpy_chk}, whose fourth argument the runtime's copy functions
     * do not take) is noted so, through its destination: nothing that may checkpoint runs between the argument and the
     * copy.
     */
    private void noteThrough(Node operand, String pos, String what) {
        plan.insert(operand.begin().offset(), "talent_pointer_store_at((");
        plan.insert(Ast.rangeEnd(tu.text(), operand), "), " + TypeDescriptors.cString(pos) + ", " + TypeDescriptors.cString(what) + ")");
    }
}
