package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import java.util.List;
import java.util.Set;

/**
 * Addresses turned into integers (issue 11). A restore puts heap blocks and frame variables at other addresses,
 * even on the same ISA; talent relocates a value because its type is a pointer, so an integer made from an
 * address ({@code castKind} {@code PointerToIntegral}, written as a cast or implicit) keeps the old address: a
 * {@code uintptr_t} slot read back as a pointer crashes, a hash bucket {@code (uintptr_t)p % n} finds nothing.
 * Every such conversion in an instrumented function is refused, naming the pointer, except where its value
 * stays correct after a relocation because it never outlives the expression nor decides where data goes:
 * <ul>
 * <li>only compared ({@code == != < > <= >=}, a {@code switch}) with another converted address or with a constant,
 * or used as a truth value (a condition, {@code !}, {@code &&}, {@code ||});</li>
 * <li>an alignment test: {@code (uintptr_t)p & MASK} or {@code % N} by a constant, of one address or of several
 * or'ed together ({@code ((uintptr_t)a | (uintptr_t)b) & 7}), whose result is only compared or used as a truth value
 * as above;</li>
 * <li>a converted address plus or minus an integer (not an address), or its low bits by a mask the program computes
 * ({@code (uintptr_t)p & (align - 1)}), whose result is only compared (with a constant, a converted address or such
 * a sum) or used as a truth value: an overflow check {@code (uintptr_t)p + n < (uintptr_t)p}, an alignment test with
 * a variable alignment — evaluated at once with the addresses of the moment, as a comparison is;</li>
 * <li>the difference of two converted addresses (a distance inside one object, which a relocation keeps);</li>
 * <li>an argument of a function the program defines that only compares, prints or passes it on, never keeping it nor
 * comparing it with another address after a checkpoint may have been taken ({@link AddressArguments}; with the
 * program's call graph, at the link);</li>
 * <li>an argument of printf-family output to a stream ({@code printf}, {@code fprintf}, {@code dprintf}): an address
 * printed differs from run to run even without talent ({@code sprintf}/{@code snprintf} keep the text, and are
 * refused);</li>
 * <li>converted straight back to a pointer ({@code (void *)(size_t)p}, no arithmetic between: the value is a pointer
 * again, relocated as one);</li>
 * <li>discarded ({@code (void)}, a statement of its own, the left of a comma) or not evaluated ({@code sizeof});</li>
 * <li>an address computed from a null pointer constant, no object's ({@code (size_t)&((T *)0)->m}, the old offsetof).</li>
 * </ul>
 * Integer conversions between integer types are looked through. {@code nocheckpoint} functions are checked as well:
 * their values are saved with the rest of the program.
 */
public final class AddressIntegers {
    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", ">", "<=", ">=");
    static final Set<String> OUTPUT = Set.of("printf", "fprintf", "dprintf",
            "__printf_chk", "__fprintf_chk", "__dprintf_chk", "__builtin_printf", "__builtin_fprintf");

    private AddressIntegers() {}

    public static void check(FunctionModel f, Diagnostics diags) {
        check(f, null, diags);
    }

    /**
     * With the program's call graph ({@code graph} not null), an argument of a function the program defines is
     * accepted when that function only compares, prints or passes it on ({@link AddressArguments}).
     */
    public static void check(FunctionModel f, CallGraph graph, Diagnostics diags) {
        check(f, graph, AddressObjects.NONE, diags);
    }

    /**
     * As above, with the program's integer objects that hold only addresses ({@link AddressObjects}): storing an address
     * into one is accepted, and every value read from one is checked as a converted address is.
     */
    public static void check(FunctionModel f, CallGraph graph, AddressObjects objects, Diagnostics diags) {
        if (f.body == null || !f.inMainFile) return;
        AddressArguments callees = graph == null ? null : new AddressArguments(graph);
        Ctx ctx = new Ctx(callees == null ? null : (call, e) -> callees.refusal(f, call, e), objects, f.unit);
        f.body.walk(n -> {
            if (isProvenRead(ctx, n)) {
                String use = refusedUse(n, false, ctx);
                if (use == null) return;
                String name = pointerName(f, n.child(0));
                diags.error(f.unit, n, "integer" + (name == null ? "" : " '" + name + "'") + " holding an address (" + n.qualType()
                                + "): " + use + ": a restore moves heap blocks and frame variables to other addresses and relocates"
                                + " only pointers and integer objects that hold addresses, so this value would keep the old address",
                        "keep the value in a pointer, or in an integer object that only ever holds addresses (tagged low bits"
                                + " allowed); convert it back to a pointer where it is used");
                return;
            }
            if (!isConversion(n) || fromNull(n.child(0))) return;
            String use = refusedUse(n, false, ctx);
            if (use == null) return;
            String name = pointerName(f, n.child(0));
            diags.error(f.unit, n, "address" + (name == null ? "" : " '" + name + "'") + " converted to an integer ("
                            + n.qualType() + ") and " + use + ": a restore moves heap blocks and frame variables to other"
                            + " addresses and relocates pointers only, so this integer would keep the old address",
                    "keep the value as a pointer (a void * or T * variable, field or array element; char * arithmetic for"
                            + " offsets), or key by something stored in the object (an index, a counter) instead of its address;"
                            + " comparing converted addresses, alignment tests, differences of two addresses, printf, and passing to a"
                            + " function of the program that only compares or prints the value stay allowed");
        });
    }

    /** A pointer-to-integer conversion, written or implicit. */
    static boolean isConversion(Node n) {
        return (n.is("CStyleCastExpr") || n.is("ImplicitCastExpr")) && n.attr("castKind").equals("PointerToIntegral")
                && !n.inner().isEmpty();
    }

    /**
     * An address computed from a null pointer constant, no object's: the old {@code offsetof} spelled
     * {@code (size_t)&((T *)0)->member}, or {@code (uintptr_t)(void *)0}.
     */
    static boolean fromNull(Node operand) {
        Node s = Ast.strip(operand);
        while (s != null) {
            if (s.is("UnaryOperator") && s.attr("opcode").equals("&")) s = Ast.strip(s.child(0));
            else if (s.is("MemberExpr") && s.flag("isArrow")) s = Ast.strip(s.child(0));
            else if (s.is("MemberExpr") || s.is("ParenExpr")) s = s.child(0);
            else if (s.is("ArraySubscriptExpr") && isConstant(s.child(1))) s = Ast.strip(s.child(0));
            else break;
        }
        if (s == null || !(s.is("CStyleCastExpr") || s.is("ImplicitCastExpr"))) return false;
        String kind = s.attr("castKind");
        return (kind.equals("NullToPointer") || kind.equals("IntegralToPointer")) && isConstant(s.child(0))
                && Ast.strip(s.child(0)).is("IntegerLiteral") && Ast.strip(s.child(0)).attr("value").equals("0");
    }

    /** How the converted value is used, when that is refused; null when it stays correct after a relocation. */
    static String refusedUse(Node value) {
        return refusedUse(value, false, new Ctx(null, AddressObjects.NONE, null));
    }

    /**
     * How a value read from an address object ({@code read}, an lvalue-to-rvalue conversion) is used, when that is
     * refused, judged with {@code objects} and no callee's uses (an argument only where the parameter holds addresses).
     */
    static String refusedRead(Node read, AddressObjects objects, dev.talent.compiler.ast.TranslationUnit tu) {
        return refusedUse(read, false, new Ctx(null, objects, tu));
    }

    /** Where a use is judged: callees (null: refuse every argument but printf's), the address objects and their unit. */
    private record Ctx(Callees callees, AddressObjects objects, dev.talent.compiler.ast.TranslationUnit tu) {}

    /** A value read from an object that holds only addresses. */
    private static boolean isProvenRead(Ctx ctx, Node n) {
        return !ctx.objects().isEmpty() && n.is("ImplicitCastExpr") && n.attr("castKind").equals("LValueToRValue")
                && !n.inner().isEmpty() && ctx.objects().isProvenLvalue(ctx.tu(), n.child(0));
    }

    /** Whether the stripped value is an address: a conversion or a value read from an address object. */
    private static boolean isAddressRoot(Ctx ctx, Node o) {
        Node s = ctx.objects().throughWide(ctx.tu(), o);
        return isConversion(s) || isProvenRead(ctx, s);
    }

    /** Why an argument of a call, a value made from an address, is refused there (null: accepted). */
    interface Callees {
        String refusal(Node call, int argIndex);
    }

    /**
     * lowBits: the value is the result of {@code & MASK} or {@code % N} on a converted address; callees: null to
     * refuse every argument of a function other than printf's.
     */
    private static String refusedUse(Node value, boolean lowBits, Ctx ctx) {
        Callees callees = ctx.callees();
        Node e = up(value);
        Node p = e.parent();
        if (p == null) return "used";
        if (isDiscarded(e, p) || isTruthValue(e, p)) return null;
        if (inUnevaluated(p)) return null;
        return switch (p.kind()) {
            case "BinaryOperator", "CompoundAssignOperator" -> binary(e, p, ctx);
            case "CallExpr" -> {
                String callee = Ast.directCallee(p);
                if (p.child(0) == e) yield "called";
                if (callee != null && OUTPUT.contains(callee)) yield null;
                if (ctx.tu() != null && ctx.objects().isProvenArgument(ctx.tu(), p, p.inner().indexOf(e) - 1)) yield null;
                if (callees != null) yield callees.refusal(p, p.inner().indexOf(e) - 1);
                yield "passed to " + (callee == null ? "a function through a pointer" : "'" + callee + "'");
            }
            case "ReturnStmt" -> "returned";
            case "VarDecl" -> ctx.tu() != null && ctx.objects().holdsAddress(ctx.tu(), p) ? null : "stored in '" + p.name() + "'";
            case "InitListExpr" -> ctx.tu() != null && ctx.objects().isProvenElement(ctx.tu(), p, p.inner().indexOf(e)) ? null
                    : "stored in an initializer";
            case "ArraySubscriptExpr" -> "used as an array index";
            case "CStyleCastExpr", "ImplicitCastExpr" -> p.attr("castKind").equals("IntegralToPointer")
                    && (!lowBits || untagged(ctx, e) || offsetOfRead(ctx, e)) ? null : "converted to " + p.qualType();
            default -> "used (" + p.kind() + ")";
        };
    }

    /**
     * {@code x & ~7} of a value read from an address object, converted to a pointer: its tag bits cleared, the address it
     * was made from (the object's address moved with it).
     */
    private static boolean untagged(Ctx ctx, Node e) {
        Node s = AddressIntegers.through(e);
        if (!s.is("BinaryOperator") || !s.attr("opcode").equals("&")) return false;
        return (AddressObjects.isUntagMask(s.child(1)) && isProvenRead(ctx, ctx.objects().throughWide(ctx.tu(), s.child(0))))
                || (AddressObjects.isUntagMask(s.child(0)) && isProvenRead(ctx, ctx.objects().throughWide(ctx.tu(), s.child(1))));
    }

    /**
     * {@code x + n} or {@code x - n} of a value read from an address object (n no address), converted to a pointer at
     * once: pointer arithmetic written with integers, on the object's address of the moment.
     */
    private static boolean offsetOfRead(Ctx ctx, Node e) {
        Node s = AddressIntegers.through(e);
        if (!s.is("BinaryOperator")) return false;
        String op = s.attr("opcode");
        if (op.equals("+")) {
            for (int i = 0; i < 2; i++) {
                Node a = s.child(i), n = s.child(1 - i);
                if (isProvenRead(ctx, ctx.objects().throughWide(ctx.tu(), a)) && !isAddressRoot(ctx, n) && !pointerTyped(n)) return true;
            }
            return false;
        }
        return op.equals("-") && isProvenRead(ctx, ctx.objects().throughWide(ctx.tu(), s.child(0))) && !isAddressRoot(ctx, s.child(1))
                && !pointerTyped(s.child(1));
    }

    private static String binary(Node e, Node p, Ctx ctx) {
        String op = p.attr("opcode");
        Node other = p.child(0) == e ? p.child(1) : p.child(0);
        if (COMPARISONS.contains(op)) {
            return comparable(other) || isAddressRoot(ctx, other) ? null : "compared with a value that is not a constant or an address";
        }
        if (op.equals("-") && (addressOf(other) || isAddressRoot(ctx, other))) return null;
        // address ± n, only compared or used as a truth value (an overflow check: (uintptr_t)p + n < (uintptr_t)p)
        if ((op.equals("+") || (op.equals("-") && p.child(0) == e)) && !addressOf(other) && !pointerTyped(other)) {
            String rest = refusedUse(p, true, ctx);
            String more = "used in arithmetic (";
            if (rest != null && rest.startsWith(more)) return more + op + ", " + rest.substring(more.length());
            return rest == null ? null : more + op + ") and " + rest;
        }
        // an alignment test with a mask the program computes (is_aligned(p, alignment): & (alignment - 1))
        if (op.equals("&") && !addressOf(other) && !pointerTyped(other) && !isConstant(other)) {
            String rest = refusedUse(p, true, ctx);
            return rest == null || rest.startsWith("its low bits") ? rest : "its low bits (" + op + ") " + rest;
        }
        if ((op.equals("&") || (op.equals("%") && p.child(0) == e)) && isConstant(other)) {
            String rest = refusedUse(p, true, ctx);
            return rest == null || rest.startsWith("its low bits") ? rest : "its low bits (" + op + ") " + rest;
        }
        if (op.equals("|") && ofAddresses(other)) return refusedUse(p, true, ctx);
        // low tag bits set in an address (a marked pointer: (uintptr_t)node | 1) to be stored in an address object
        if (op.equals("|") && AddressObjects.isTag(other)) {
            String rest = refusedUse(p, true, ctx);
            return rest == null ? null : "tagged (|) and " + rest;
        }
        if (op.equals("=") && p.child(1) == e && ctx.tu() != null && ctx.objects().isProvenLvalue(ctx.tu(), p.child(0))) return null;
        if (op.equals("=") || p.is("CompoundAssignOperator")) return p.child(1) == e ? "stored (" + op + ")" : "used";
        if (op.equals(",")) return "used";
        return "used in arithmetic (" + op + ")";
    }

    /** Climbs from a converted value through parentheses, conversions between integer types, ?: and ({ }). */
    private static Node up(Node e) {
        while (e.parent() != null) {
            Node p = e.parent();
            boolean integral = (p.is("ImplicitCastExpr") || p.is("CStyleCastExpr"))
                    && (p.attr("castKind").equals("IntegralCast") || p.attr("castKind").equals("NoOp"));
            boolean comma = p.is("BinaryOperator") && p.attr("opcode").equals(",") && p.child(1) == e;
            boolean branch = p.is("ConditionalOperator") && p.child(0) != e;
            if (p.is("CompoundStmt") && p.parent() != null && p.parent().is("StmtExpr") && p.inner().getLast() == e) {
                e = p.parent(); // the value of a statement expression ({ ...; x; })
                continue;
            }
            if (!(p.is("ParenExpr") || integral || comma || branch || p.is("ConstantExpr"))) break;
            e = p;
        }
        return e;
    }

    static boolean isDiscarded(Node e, Node p) {
        if (p.is("CompoundStmt")) {
            // the last statement of a statement expression ({ ...; x; }) is its value
            return !(p.parent() != null && p.parent().is("StmtExpr") && p.inner().getLast() == e);
        }
        if (p.is("CStyleCastExpr") && p.attr("castKind").equals("ToVoid")) return true;
        if (p.is("BinaryOperator") && p.attr("opcode").equals(",") && p.child(0) == e) return true;
        if (p.is("ForStmt")) {
            Node[] parts = Ast.forParts(p);
            return e == parts[0] || e == parts[3];
        }
        return (p.is("IfStmt") || p.is("WhileStmt") || p.is("DoStmt") || p.is("LabelStmt") || p.is("CaseStmt")
                || p.is("DefaultStmt")) && !isCondition(e, p);
    }

    static boolean isTruthValue(Node e, Node p) {
        if (isCondition(e, p)) return true;
        if (p.is("SwitchStmt") && p.child(0) == e) return true;
        if (p.is("UnaryOperator") && p.attr("opcode").equals("!")) return true;
        if (p.is("BinaryOperator") && (p.attr("opcode").equals("&&") || p.attr("opcode").equals("||"))) return true;
        if (p.is("ConditionalOperator") && p.child(0) == e) return true;
        return p.is("ImplicitCastExpr") && p.attr("castKind").equals("IntegralToBoolean");
    }

    private static boolean isCondition(Node e, Node p) {
        return switch (p.kind()) {
            case "IfStmt", "WhileStmt" -> p.child(0) == e;
            case "DoStmt" -> p.inner().size() > 1 && p.child(1) == e;
            case "ForStmt" -> Ast.forParts(p)[2] == e;
            default -> false;
        };
    }

    private static boolean inUnevaluated(Node p) {
        for (Node a = p; a != null; a = a.parent()) {
            if (a.is("UnaryExprOrTypeTraitExpr")) return true;
            if (a.kind().endsWith("Stmt")) return false;
        }
        return false;
    }

    /** Another converted address, its alignment bits, a converted address ± an integer, or a constant. */
    private static boolean comparable(Node o) {
        Node s = through(o);
        if (addressOf(s) || isConstant(s)) return true;
        if (!s.is("BinaryOperator")) return false;
        String op = s.attr("opcode");
        return (op.equals("&") || op.equals("%") || op.equals("+") || op.equals("-"))
                && (addressOf(s.child(0)) || addressOf(s.child(1)) || (comparable(s.child(0)) && !isConstant(s.child(0))));
    }

    /** A value of pointer type (pointer arithmetic, not integer arithmetic). */
    static boolean pointerTyped(Node o) {
        String t = through(o).qualType();
        return t.endsWith("*") || t.contains("(*)");
    }

    /** Converted addresses or'ed together ({@code (uintptr_t)a | (uintptr_t)b}), as tested for a common alignment. */
    private static boolean ofAddresses(Node o) {
        Node s = through(o);
        if (isConversion(s)) return true;
        return s.is("BinaryOperator") && s.attr("opcode").equals("|") && ofAddresses(s.child(0)) && ofAddresses(s.child(1));
    }

    private static boolean addressOf(Node o) {
        Node s = through(o);
        return isConversion(s);
    }

    /** Down through parentheses and conversions between integer types. */
    static Node through(Node o) {
        Node s = o;
        while ((s.is("ParenExpr") || s.is("ConstantExpr") || ((s.is("ImplicitCastExpr") || s.is("CStyleCastExpr"))
                && (s.attr("castKind").equals("IntegralCast") || s.attr("castKind").equals("NoOp"))))
                && !s.inner().isEmpty()) {
            s = s.child(0);
        }
        return s;
    }

    /** An integer constant expression of literals, enumerators, sizeof/_Alignof and operators on them. */
    static boolean isConstant(Node o) {
        Node s = through(o);
        return switch (s.kind()) {
            case "IntegerLiteral", "CharacterLiteral", "UnaryExprOrTypeTraitExpr", "OffsetOfExpr" -> true;
            case "DeclRefExpr" -> s.referencedDecl().path("kind").asText().equals("EnumConstantDecl");
            case "UnaryOperator" -> !s.attr("opcode").equals("&") && !s.attr("opcode").equals("*")
                    && !s.attr("opcode").contains("++") && !s.attr("opcode").contains("--") && isConstant(s.child(0));
            case "BinaryOperator" -> (!s.attr("opcode").contains("=") || COMPARISONS.contains(s.attr("opcode")))
                    && isConstant(s.child(0)) && isConstant(s.child(1));
            case "ConditionalOperator" -> s.inner().stream().allMatch(AddressIntegers::isConstant);
            case "ImplicitCastExpr", "CStyleCastExpr" -> !s.attr("castKind").equals("PointerToIntegral")
                    && !s.attr("castKind").equals("LValueToRValue") && !s.inner().isEmpty() && isConstant(s.child(0));
            default -> false;
        };
    }

    /** The pointer's text as written (when it is not inside a macro expansion), else the variable it names. */
    static String pointerName(FunctionModel f, Node operand) {
        Node s = Ast.strip(operand);
        if (s == null) return null;
        if (f.unit.isMacroFree(s) && s.begin().isValid()) {
            String text = f.unit.text();
            int b = s.begin().offset();
            int end = Ast.rangeEnd(text, s);
            if (b >= 0 && end > b && end <= text.length()) {
                String t = text.substring(b, end).strip().replaceAll("\\s+", " ");
                return t.length() > 60 ? t.substring(0, 57) + "..." : t;
            }
        }
        List<Node> refs = Ast.collect(s, "DeclRefExpr");
        return refs.isEmpty() ? null : refs.getFirst().referencedDecl().path("name").asText(null);
    }
}
