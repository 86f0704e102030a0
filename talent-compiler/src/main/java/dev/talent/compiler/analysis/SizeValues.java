package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sizes, alignments and member offsets whose value differs between i686 and the LP64 ISAs ({@code sizeof(struct item)}
 * with a {@code long} or a pointer in it, {@code offsetof(...)}) that the program keeps: assigned to a variable or
 * member, used to initialise one, returned, or passed to a function of the program that keeps its parameter
 * ({@code vec_init(&v, sizeof(struct item))} storing the element size, {@code w.stride = sizeof tab[0]}). Such a value
 * is a number to the checkpoint: restored on the other pointer width it still says 16 where the element is now 8
 * bytes, and the program walks its arrays with the wrong stride and prints other values with exit 0. Such a build's
 * checkpoints move only between ISAs of the same pointer width (a fingerprint per width, as for {@link ByteCopies}).
 *
 * <p>Not kept, so not reported: a size used at once by the C library ({@code malloc(n * sizeof *p)}, {@code memcpy},
 * {@code qsort}, {@code fwrite}), in pointer arithmetic, a comparison, a condition or a subscript, an element count
 * {@code sizeof a / sizeof a[0]}, the initialiser of a {@code const} static (not carried), and a size passed to a
 * program function whose parameter is itself only used so (an allocation wrapper {@code xmalloc(sizeof *p)}), followed
 * through 4 calls. A size passed through a function pointer is kept when one of the program's functions whose address
 * it takes ({@link #addressTaken}), with as many parameters as the call has arguments and an integer parameter at that
 * place, keeps that parameter (an allocator's hook that only passes it to {@code malloc}, zlib's
 * {@code strm->zalloc(opaque, items, size)}, keeps nothing; a function pointer of the C library's keeps nothing).
 * Types whose size is the same on every ISA ({@code int}, {@code double},
 * structs of them without 8-byte members) are not reported. Conservative: a size kept in a local that is never live
 * at a checkpoint is reported all the same.
 */
public final class SizeValues {
    /** One kept size: where, what ("sizeof(struct item)"), and how it is kept. */
    public record Kept(String at, String what, String how) {
        public String describe() {
            return (what.startsWith("a byte") ? what : "'" + what + "'") + " at " + at + " is " + how;
        }
    }

    private static final Set<String> ARITHMETIC = Set.of("+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^");
    private static final int DEPTH = 4;

    private final Map<String, FunctionModel> definitions = new HashMap<>();
    /** The program's functions whose address it takes: what a call through a function pointer may reach. */
    private final List<FunctionModel> hooks = new ArrayList<>();
    private final Map<String, Boolean> keptParameters = new HashMap<>();
    private final List<Kept> found = new ArrayList<>();

    /** Registers the program's function definitions (a call of any other function is the C library's). */
    public void define(FunctionModel f) {
        if (f.body != null) definitions.putIfAbsent(f.name, f);
    }

    /** Registers a function of the program's whose address the program takes (a call through a pointer may reach it). */
    public void addressTaken(FunctionModel f) {
        if (f.body != null && !hooks.contains(f)) hooks.add(f);
    }

    /** Records the kept sizes of one function body or file-scope declaration. */
    public void scan(TranslationUnit tu, TypeResolver types, Node root) {
        if (root == null) return;
        root.walk(n -> {
            String what = source(types, n);
            if (what == null) return;
            String how = kept(n, 0);
            if (how != null) found.add(new Kept(tu.pos(n.position()), what, how));
        });
    }

    public List<Kept> kept() {
        return List.copyOf(found);
    }

    /** "sizeof(T)" for a size, alignment or offset whose value differs between ILP32 and LP64; else null. */
    private static String source(TypeResolver types, Node n) {
        if (n.is("OffsetOfExpr")) return "offsetof(...)";
        if (n.is("BinaryOperator") && n.attr("opcode").equals("-") && n.inner().size() == 2) return byteDifference(types, n);
        if (!n.is("UnaryExprOrTypeTraitExpr")) return null;
        String name = n.name();
        if (!name.equals("sizeof") && !name.contains("alignof") && !name.contains("Alignof")) return null;
        String spelled = n.json().path("argType").path("qualType").asText("");
        if (spelled.isEmpty() && !n.inner().isEmpty()) spelled = n.child(0).qualType();
        if (spelled.isEmpty()) return null;
        try {
            CType t = CTypeParser.parse(spelled);
            if (!ByteCopies.layoutBound(types, t, false, 0)) return null;
        } catch (RuntimeException unknownType) { // a spelling this unit's resolver does not know: bound
        }
        return name + "(" + spelled + ")";
    }

    /**
     * "(char *)a - (char *)b" for a difference of character (or void) pointers of which one, before its casts, points
     * to a type whose layout differs between ILP32 and LP64 (a byte offset of an element or member); else null.
     */
    private static String byteDifference(TypeResolver types, Node n) {
        String bound = null;
        for (Node side : n.inner()) {
            CType t = pointee(types, side.qualType());
            if (t == null || !(t instanceof CType.Builtin b) || !(b.name().endsWith("char") || b.name().equals("void"))) {
                return null;
            }
            Node e = Ast.strip(side);
            while (e != null && e.is("CStyleCastExpr") && !e.inner().isEmpty()) e = Ast.strip(e.child(0));
            if (e == null) continue;
            CType under = pointee(types, e.qualType());
            if (under == null) continue;
            try {
                if (bound == null && ByteCopies.layoutBound(types, under, false, 0)) bound = e.qualType();
            } catch (RuntimeException unknownType) {
                if (bound == null) bound = e.qualType();
            }
        }
        return bound == null ? null : "a byte difference of character pointers cast from '" + bound + "'";
    }

    /** What a pointer or array type spelled so points to (canonical), or null. */
    private static CType pointee(TypeResolver types, String spelled) {
        try {
            CType t = types.canonical(CTypeParser.parse(spelled));
            if (t instanceof CType.Pointer p) return types.canonical(p.to());
            if (t instanceof CType.Array a) return types.canonical(a.elem());
        } catch (RuntimeException unknownType) { // a spelling this unit's resolver does not know
            return null;
        }
        return null;
    }

    /** How the value at n is kept (null: it is used and dropped). */
    private String kept(Node n, int depth) {
        Node cur = n;
        while (true) {
            Node p = cur.parent();
            if (p == null) return null;
            int index = p.inner().indexOf(cur);
            switch (p.kind()) {
                case "ParenExpr", "ImplicitCastExpr", "CStyleCastExpr", "ConstantExpr", "InitListExpr",
                     "CompoundLiteralExpr" -> {
                    if (isPointer(p)) return null;
                    cur = p;
                }
                case "UnaryOperator" -> {
                    String op = p.attr("opcode");
                    if (!op.equals("-") && !op.equals("+") && !op.equals("~")) return null;
                    cur = p;
                }
                case "ConditionalOperator" -> {
                    if (index == 0) return null;
                    cur = p;
                }
                case "BinaryOperator" -> {
                    String op = p.attr("opcode");
                    if (op.equals("=")) {
                        return index == 1 && !isPointer(p) && !descriptorSet(p.child(0)) ? "assigned to '" + written(p.child(0)) + "'" : null;
                    }
                    if (op.equals(",")) {
                        if (index == 0) return null;
                        cur = p;
                        continue;
                    }
                    if (!ARITHMETIC.contains(op) || isPointer(p)) return null;
                    if (op.equals("/") && elementCount(p)) return null;
                    cur = p;
                }
                case "CompoundAssignOperator" -> {
                    return index == 1 && !isPointer(p) && !descriptorSet(p.child(0)) ? "added into '" + written(p.child(0)) + "'" : null;
                }
                case "VarDecl" -> {
                    // a constant with static storage is not carried: the restoring binary has its own value
                    return constantStatic(p) ? null : "the initial value of '" + p.name() + "'";
                }
                case "ReturnStmt" -> {
                    return "returned";
                }
                case "CallExpr" -> {
                    if (index <= 0) return null;
                    String callee = Ast.directCallee(p);
                    if (callee == null) return throughPointer(p.inner().size() - 1, index - 1, depth);
                    FunctionModel f = definitions.get(callee);
                    if (f == null) return null; // the C library's: used at once
                    List<Node> params = Ast.parameters(f.decl);
                    if (index - 1 >= params.size()) return "passed to '" + callee + "' among its variable arguments";
                    if (depth >= DEPTH) return "passed to '" + callee + "'";
                    return keeps(f, params, index - 1, depth)
                            ? "passed to '" + callee + "', which keeps its parameter '" + params.get(index - 1).name() + "'" : null;
                }
                default -> {
                    return null;
                }
            }
        }
    }

    /** Whether f keeps its parameter {@code at} (decided once per function and place). */
    private boolean keeps(FunctionModel f, List<Node> params, int at, int depth) {
        String key = f.key() + "#" + at;
        Boolean known = keptParameters.get(key);
        if (known == null) {
            keptParameters.put(key, Boolean.FALSE); // a recursive call: decided by its other uses
            known = parameterKept(f, params.get(at), depth + 1);
            keptParameters.put(key, known);
        }
        return known;
    }

    /**
     * A size passed as argument {@code at} of {@code arguments} through a function pointer: kept when a function of the
     * program's whose address it takes, of that many parameters with an integer one at that place, keeps it.
     */
    private String throughPointer(int arguments, int at, int depth) {
        for (FunctionModel f : hooks) {
            List<Node> params = Ast.parameters(f.decl);
            if (params.size() != arguments || isPointer(params.get(at))) continue;
            if (depth >= DEPTH) return "passed through a function pointer that may call '" + f.name + "'";
            if (keeps(f, params, at, depth)) {
                return "passed through a function pointer that may call '" + f.name + "', which keeps its parameter '"
                        + params.get(at).name() + "'";
            }
        }
        return null;
    }

    /** Whether f keeps the value of its parameter somewhere (assigns it, returns it, passes it on to a keeper). */
    private boolean parameterKept(FunctionModel f, Node param, int depth) {
        String id = param.id();
        boolean[] kept = {false};
        f.body.walk(n -> {
            if (kept[0] || !n.is("DeclRefExpr") || !Ast.referencedDeclId(n).equals(id)) return;
            if (kept(n, depth) != null) kept[0] = true;
        });
        return kept[0];
    }

    /**
     * The bits of an {@code fd_set} (FD_SET and FD_CLR write {@code 1UL << (fd % (8 * sizeof(__fd_mask)))} into them):
     * carried as the descriptors they name (docs/FORMAT.md), not as numbers.
     */
    private static boolean descriptorSet(Node lhs) {
        Node e = Ast.strip(lhs);
        while (e != null && (e.is("ArraySubscriptExpr") || e.is("ParenExpr")) && !e.inner().isEmpty()) e = Ast.strip(e.child(0));
        return e != null && e.is("MemberExpr") && (e.name().equals("__fds_bits") || e.name().equals("fds_bits"));
    }

    /** A {@code const} object with static storage (file scope, {@code static}, {@code extern}). */
    private static boolean constantStatic(Node decl) {
        Node scope = decl.parent();
        boolean fixed = scope == null || scope.is("TranslationUnitDecl") || decl.attr("storageClass").equals("static")
                || decl.attr("storageClass").equals("extern");
        String t = decl.qualType();
        boolean constant = (t.startsWith("const ") && !t.contains("*")) || t.endsWith("*const") || t.endsWith("* const");
        return fixed && constant;
    }

    /** {@code sizeof a / sizeof a[0]} (an array's element count: the same on every ISA). */
    private static boolean elementCount(Node div) {
        if (div.inner().size() != 2) return false;
        Node num = Ast.strip(div.child(0));
        Node den = Ast.strip(div.child(1));
        if (num == null || den == null || !num.is("UnaryExprOrTypeTraitExpr") || !den.is("UnaryExprOrTypeTraitExpr")
                || !num.name().equals("sizeof") || !den.name().equals("sizeof")) {
            return false;
        }
        String a = num.json().path("argType").path("qualType").asText("");
        if (a.isEmpty() && !num.inner().isEmpty()) a = num.child(0).qualType();
        String e = den.json().path("argType").path("qualType").asText("");
        if (e.isEmpty() && !den.inner().isEmpty()) e = den.child(0).qualType();
        int bracket = a.lastIndexOf('[');
        return bracket > 0 && a.endsWith("]") && a.substring(0, bracket).strip().equals(e.strip());
    }

    private static boolean isPointer(Node e) {
        String t = e.qualType();
        return t.endsWith("*") || t.endsWith("]") || e.desugaredQualType().endsWith("*");
    }

    private static String written(Node lhs) {
        Node e = Ast.strip(lhs);
        while (e != null && (e.is("ArraySubscriptExpr") || e.is("UnaryOperator")) && !e.inner().isEmpty()) {
            e = Ast.strip(e.child(0));
        }
        if (e == null) return "?";
        if (e.is("DeclRefExpr")) return e.referencedDecl().path("name").asText("?");
        if (e.is("MemberExpr")) return "." + e.name();
        return "?";
    }
}
