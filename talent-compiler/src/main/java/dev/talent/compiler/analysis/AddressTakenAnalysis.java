package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;

/**
 * Marks frame variables whose address is taken: {@code &x}, {@code &x.f}, {@code &x[i]}, and arrays that
 * decay to a pointer (and struct members that are arrays); a va_list passed on is not (its decay on x86_64 and s390x
 * is how its value is passed). Such variables live in memory, may be pointed
 * to, and are saved wherever they are in scope.
 */
public final class AddressTakenAnalysis {
    public static void run(FunctionModel f) {
        f.body.walk(n -> {
            Node operand = null;
            if (n.is("UnaryOperator") && n.attr("opcode").equals("&")) operand = n.child(0);
            else if (n.is("ImplicitCastExpr") && n.attr("castKind").equals("ArrayToPointerDecay")) operand = n.child(0);
            if (operand == null) return;
            // a va_list that is an array on this ISA decays when it is passed on (vfprintf(f, fmt, ap)): that is
            // passing its value, not a pointer the program keeps; &ap is an address all the same
            if (n.is("ImplicitCastExpr") && VaListBrackets.isVaList(Ast.strip(operand).qualType())) return;
            // an attribute object handed to the threads library, which does not keep its address (ThreadAttributes)
            if (n.is("UnaryOperator") && ThreadAttributes.libraryCallTaking(n) != null) return;
            Node base = baseVariable(operand);
            if (base != null) {
                Variable v = FrameVariables.byDeclId(f, Ast.referencedDeclId(base));
                if (v != null) v.addressTaken = true;
            }
        });
        // arrays are always handled in memory: any use but sizeof decays
        for (Variable v : f.variables) {
            if (v.type instanceof dev.talent.compiler.ast.CType.Array && !VaListBrackets.isVaList(v.typeSpelling)) v.addressTaken = true;
        }
    }

    /** The variable an lvalue designates part of: x, x.f, x[i] (x an array), (x). */
    static Node baseVariable(Node e) {
        while (true) {
            if (e.is("ParenExpr") || (e.is("ImplicitCastExpr") && !e.attr("castKind").equals("LValueToRValue"))) {
                e = e.child(0);
            } else if (e.is("MemberExpr") && !e.flag("isArrow")) {
                e = e.child(0);
            } else if (e.is("ArraySubscriptExpr")) {
                Node base = Ast.strip(e.child(0));
                Node idx = Ast.strip(e.child(1));
                // a[i] and i[a]: the array operand is the one whose decayed type came from an array
                Node arr = e.child(0).is("ImplicitCastExpr") && e.child(0).attr("castKind").equals("ArrayToPointerDecay")
                        ? e.child(0).child(0) : e.child(1).is("ImplicitCastExpr")
                        && e.child(1).attr("castKind").equals("ArrayToPointerDecay") ? e.child(1).child(0) : null;
                if (arr == null) return null;
                e = arr;
                if (base == null || idx == null) return null;
            } else if (e.is("DeclRefExpr")) {
                return e;
            } else {
                return null;
            }
        }
    }
}
