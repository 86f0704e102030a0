package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * The regions of a function's text where the runtime's counter, as {@link VaListBrackets} maintains it, is
 * certainly above 0, so that no checkpoint is taken while the function's frame is there (docs/CODEGEN.md
 * "va_list regions"). Calls, loops and blocking calls in a region are no resume points, and calls there do not
 * make the function a chain function.
 *
 * <ul>
 *   <li>A function whose bracket adds 1 at entry (a va_list parameter): its whole body.</li>
 *   <li>A statement that sets a va_list's flag ({@code (va_start(ap, f), __talent_vo_1 = 1, ...)}) directly in
 *   a block: the statements after it in that block, up to (not including) the first one that clears the flag
 *   again anywhere inside it (its va_end), or to the end of the block. Control enters those statements only
 *   through the flagging statement (checked: no label in them, and no {@code case} or {@code default} of a
 *   switch outside them; computed gotos are refused anyway), and only that flag's va_end clears it, so on every
 *   path to them the flag is set and the counter is at least 1.</li>
 * </ul>
 * A flagging statement elsewhere (an if's branch without braces) starts no region: the counter is raised all the
 * same (a request only waits longer), and a va_list live at a point outside every region is refused by name.
 */
public final class VaListRegions {
    private VaListRegions() {}

    public static void find(FunctionModel f) {
        f.vaRegions.clear();
        if (f.body == null) return;
        boolean[] whole = {false};
        f.body.walk(n -> {
            if (n.is("CallExpr") && "talent_va_enter".equals(Ast.directCallee(n)) && n.inner().size() == 3) {
                Node add = Ast.strip(n.child(2));
                if (add.is("IntegerLiteral") && add.attr("value").equals("1")) whole[0] = true;
            }
        });
        if (whole[0]) {
            f.vaRegions.add(new int[] {f.body.begin().offset() + 1, f.body.end().offset()});
            return;
        }
        List<int[]> out = new ArrayList<>();
        f.body.walk(block -> {
            if (!block.is("CompoundStmt")) return;
            List<Node> stmts = block.inner();
            for (int i = 0; i < stmts.size(); i++) {
                String flag = flagSet(stmts.get(i), 1);
                if (flag == null) continue;
                int j = i + 1;
                while (j < stmts.size() && !assigns(stmts.get(j), flag, 0)) j++;
                if (!enteredOnlyFromStart(stmts.subList(i + 1, j))) continue;
                int end = j < stmts.size() ? stmts.get(j).begin().offset() : block.end().offset();
                out.add(new int[] {stmts.get(i).begin().offset(), end});
            }
        });
        f.vaRegions.addAll(out);
    }

    /** The flag a statement {@code (va_start(...), __talent_vo_K = value, ...)} sets, or null. */
    private static String flagSet(Node stmt, int value) {
        Node e = Ast.strip(stmt);
        while (e != null && e.is("BinaryOperator") && e.attr("opcode").equals(",")) {
            Node left = Ast.strip(e.child(0));
            if (left.is("BinaryOperator") && left.attr("opcode").equals(",")) {
                e = left;
                continue;
            }
            Node right = Ast.strip(e.child(1));
            String name = flagAssigned(right, value);
            if (name != null) return name;
            name = flagAssigned(left, value);
            if (name != null) return name;
            return null;
        }
        return null;
    }

    private static String flagAssigned(Node e, int value) {
        if (!e.is("BinaryOperator") || !e.attr("opcode").equals("=")) return null;
        Node lhs = Ast.strip(e.child(0));
        Node rhs = Ast.strip(e.child(1));
        if (!lhs.is("DeclRefExpr") || !rhs.is("IntegerLiteral") || !rhs.attr("value").equals(String.valueOf(value))) return null;
        String name = lhs.referencedDecl().path("name").asText("");
        return name.startsWith(VaListBrackets.FLAG) ? name : null;
    }

    private static boolean assigns(Node stmt, String flag, int value) {
        boolean[] found = {false};
        stmt.walk(n -> {
            if (!found[0] && flag.equals(flagAssigned(n, value))) found[0] = true;
        });
        return found[0];
    }

    /** No label in the statements, and no case/default whose switch lies outside them. */
    private static boolean enteredOnlyFromStart(List<Node> stmts) {
        for (Node s : stmts) {
            boolean[] bad = {false};
            s.walk(n -> {
                if (n.is("LabelStmt")) bad[0] = true;
                if (n.is("CaseStmt") || n.is("DefaultStmt")) {
                    Node p = n.parent();
                    while (p != null && !p.is("SwitchStmt")) p = p.parent();
                    if (p == null || !within(p, stmts)) bad[0] = true;
                }
            });
            if (bad[0]) return false;
        }
        return true;
    }

    private static boolean within(Node n, List<Node> stmts) {
        for (Node s : stmts) if (s == n || Ast.isStrictlyInside(n, s)) return true;
        return false;
    }
}
