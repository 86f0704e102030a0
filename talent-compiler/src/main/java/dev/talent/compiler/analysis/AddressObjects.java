package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Integer objects that hold addresses (issue 11): a variable, a struct member or an array of them, of a pointer-sized
 * integer type ({@code uintptr_t}, {@code intptr_t}, {@code size_t}, {@code long}; the same size as a pointer on every
 * Linux ISA), that the whole program stores only addresses into. Such an object is carried as an address, the object
 * and offset it points to (emit.TypeDescriptors describes it as a pointer marked an address integer, which the runtime
 * refuses where it points nowhere talent knows, instead of writing it indeterminate), so a restore gives it the new
 * address of the same object and offset, as it gives a pointer.
 *
 * <p>Proven from every store into the object in every unit of the program (its declaration's initialiser, {@code =},
 * an initialiser list's element): each must be an <em>address value</em>:
 * <ul>
 * <li>an address converted to the integer ({@code (uintptr_t)p});</li>
 * <li>the value of another such object ({@code p = n->next});</li>
 * <li>an address value with low tag bits set, {@code | t} where t is a constant below 8, a truth value, or a value
 * masked or reduced below 8 ({@code (uintptr_t)node | 1}, {@code | (i & 1)}), or cleared again ({@code & ~7});</li>
 * <li>a constant 0 to 65535 (NULL, or a number no platform maps, carried as a number: FORMAT.md "Pointers", NUMBER);</li>
 * <li>{@code ?:} of address values; {@code |=} and {@code &=} as above.</li>
 * </ul>
 * and at least one store is an address (not only constants). Anything else disqualifies it: any other arithmetic
 * ({@code + n}, {@code & ~4095}: the result may lie in another object, and come back as that object's new address
 * where the program meant an offset from the first), {@code ++}, its address taken ({@code &x}, an array of them passed
 * as a pointer: stores through it are not seen), a union member, a conversion from a narrower or wider integer type.
 * A parameter of a function the program defines is such an object when every call's argument is an address value,
 * the function's address is never taken and no read of it is refused (else each call keeps AddressArguments' check).
 * An object not proven keeps today's refusal by name at the conversion (AddressIntegers). The program's own typedefs
 * of those types are taken ({@link #candidateType}); members of anonymous records and objects of other integer types
 * ({@code uint64_t}: 8 bytes on i686) are not.
 */
public final class AddressObjects {
    /** Spellings of integer types with the size of a pointer on every supported ISA (LP64 and ILP32 Linux). */
    static final Set<String> POINTER_SIZED = Set.of("uintptr_t", "intptr_t", "size_t", "ssize_t", "ptrdiff_t",
            "unsigned long", "long", "unsigned long int", "long int", "long unsigned int");

    private static final Pattern ARRAY = Pattern.compile("^(.*?) ?((?:\\[\\d+\\])+)$");
    private static final Set<String> TRUTH_OPS = Set.of("==", "!=", "<", ">", "<=", ">=", "&&", "||");

    public static final AddressObjects NONE = new AddressObjects();

    /** Object keys proven to hold only addresses. */
    private final Set<String> proven = new HashSet<>();
    /** Per unit: record spelling ("struct node") -> its members in order, for initialiser lists. */
    private final Map<TranslationUnit, Map<String, List<Node>>> records = new HashMap<>();
    /** Per unit: the file-scope typedefs by name (the program's own followed to the type they name). */
    private final Map<TranslationUnit, Map<String, Node>> typedefs = new HashMap<>();
    /** Per unit: the names of its functions with internal linkage. */
    private final Map<TranslationUnit, Set<String>> staticFunctions = new HashMap<>();
    /** Function (its {@link #functionKey}) defined by the program -> its parameters' keys, null where not a candidate. */
    private final Map<String, List<String>> parameters = new HashMap<>();
    /** Candidate parameters by key. */
    private final Map<String, Param> paramDecls = new HashMap<>();

    private AddressObjects() {}

    /** The address integer objects of a whole program. */
    public static AddressObjects of(List<TranslationUnit> units) {
        AddressObjects a = new AddressObjects();
        Set<String> candidates = new HashSet<>();
        for (TranslationUnit tu : units) {
            Map<String, Node> tds = new HashMap<>();
            for (Node n : tu.root().inner()) if (n.is("TypedefDecl") && !n.name().isEmpty()) tds.putIfAbsent(n.name(), n);
            a.typedefs.put(tu, tds);
            Set<String> statics = new HashSet<>();
            for (Node n : tu.root().inner()) {
                if (n.is("FunctionDecl") && n.attr("storageClass").equals("static")) statics.add(n.name());
            }
            a.staticFunctions.put(tu, statics);
        }
        for (TranslationUnit tu : units) {
            for (Node fn : tu.root().inner()) {
                if (!fn.is("FunctionDecl") || Ast.functionBody(fn) == null) continue;
                List<String> keys = new ArrayList<>();
                for (Node p : fn.inner()) {
                    if (!p.is("ParmVarDecl")) continue;
                    boolean c = !p.name().isEmpty() && a.candidateType(tu, p.qualType()) && !isArray(p.qualType());
                    if (c) {
                        candidates.add(varKey(tu, p));
                        a.paramDecls.put(varKey(tu, p), new Param(tu, p, fn));
                    }
                    keys.add(c ? varKey(tu, p) : null);
                }
                a.parameters.putIfAbsent(a.functionKey(tu, fn.name()), keys);
            }
        }
        for (TranslationUnit tu : units) {
            Map<String, List<Node>> recs = new HashMap<>();
            a.records.put(tu, recs);
            tu.root().walk(n -> {
                if (n.is("VarDecl") && a.candidateType(tu, n.qualType())) candidates.add(varKey(tu, n));
                if (n.is("RecordDecl") && n.flag("completeDefinition") && !n.name().isEmpty()
                        && "struct".equals(n.attr("tagUsed"))) {
                    List<Node> fields = n.inner().stream().filter(f -> f.is("FieldDecl")).toList();
                    recs.putIfAbsent("struct " + n.name(), fields);
                    for (Node f : fields) if (!f.flag("isBitfield") && a.candidateType(tu, f.qualType())) candidates.add(fieldKey(n, f));
                }
            });
        }
        // every store, by object; null value: a store that disqualifies the object
        Map<String, List<Store>> stores = new HashMap<>();
        for (TranslationUnit tu : units) a.collectStores(tu, candidates, stores);
        Set<String> current = new HashSet<>(candidates);
        while (true) {
            a.settle(current, stores);
            // a parameter some read of which is refused keeps today's check at each call (AddressArguments: it may
            // only compare or print what it is passed), which also takes uses that are right for addresses of the call
            Set<String> refused = new HashSet<>();
            for (Map.Entry<String, Param> e : a.paramDecls.entrySet()) {
                if (a.proven.contains(e.getKey()) && a.refusedRead(e.getValue())) refused.add(e.getKey());
            }
            if (refused.isEmpty()) return a;
            current.removeAll(refused);
        }
    }

    /** A parameter of a function the program defines. */
    private record Param(TranslationUnit tu, Node decl, Node function) {}

    /** Whether some use of a value read from the parameter is refused (AddressIntegers, with the objects proven now). */
    private boolean refusedRead(Param p) {
        boolean[] refused = {false};
        Ast.functionBody(p.function()).walk(n -> {
            if (refused[0] || !n.is("DeclRefExpr") || !n.referencedDecl().path("id").asText("").equals(p.decl().id())) return;
            Node r = n.parent();
            while (r != null && r.is("ParenExpr")) r = r.parent();
            if (r != null && r.is("ImplicitCastExpr") && r.attr("castKind").equals("LValueToRValue")
                    && AddressIntegers.refusedRead(r, this, p.tu()) != null) {
                refused[0] = true;
            }
        });
        return refused[0];
    }

    /** Drops from {@code current} the objects some store into which is no address value, until none is dropped. */
    private void settle(Set<String> current, Map<String, List<Store>> stores) {
        AddressObjects a = this;
        boolean changed = true;
        while (changed) {
            changed = false;
            a.proven.clear();
            a.proven.addAll(current);
            for (String k : List.copyOf(current)) {
                List<Store> ss = stores.getOrDefault(k, List.of());
                boolean address = false;
                boolean ok = true;
                for (Store s : ss) {
                    Value v = s.value == null ? Value.BAD : a.value(s.tu, s.value);
                    if (v == Value.BAD) ok = false;
                    if (v == Value.ADDRESS) address = true;
                }
                if (!ok || !address) {
                    current.remove(k);
                    changed = true;
                }
            }
        }
        a.proven.clear();
        a.proven.addAll(current);
    }

    private record Store(TranslationUnit tu, Node value) {}

    private void collectStores(TranslationUnit tu, Set<String> candidates, Map<String, List<Store>> stores) {
        tu.root().walk(n -> {
            switch (n.kind()) {
                case "VarDecl" -> {
                    String k = varKey(tu, n);
                    if (!candidates.contains(k) || n.attr("init").isEmpty()) return;
                    Node init = n.inner().isEmpty() ? null : n.inner().getLast();
                    if (init != null && init.is("InitListExpr")) initList(tu, k, init, stores);
                    else if (init != null && (init.kind().endsWith("Expr") || init.kind().endsWith("Literal"))) add(stores, k, tu, init);
                    else add(stores, k, tu, null);
                }
                case "BinaryOperator" -> {
                    if (!n.attr("opcode").equals("=")) return;
                    String k = key(tu, n.child(0));
                    if (k != null && candidates.contains(k)) add(stores, k, tu, n.child(1));
                }
                case "CompoundAssignOperator" -> {
                    String k = key(tu, n.child(0));
                    if (k == null || !candidates.contains(k)) return;
                    String op = n.attr("opcode");
                    boolean keeps = (op.equals("|=") && isTag(n.child(1))) || (op.equals("&=") && isUntagMask(n.child(1)));
                    // a tag set or cleared keeps what the object holds; any other arithmetic disqualifies it
                    if (!keeps) add(stores, k, tu, null);
                }
                case "UnaryOperator" -> {
                    String op = n.attr("opcode");
                    if (!(op.equals("&") || op.contains("++") || op.contains("--"))) return;
                    String k = key(tu, n.child(0));
                    if (k != null && candidates.contains(k)) add(stores, k, tu, null);
                }
                case "ImplicitCastExpr" -> {
                    // an array of them used as a pointer (passed to memcpy, kept in a pointer): stores not seen
                    if (!n.attr("castKind").equals("ArrayToPointerDecay")) return;
                    Node p = n.parent();
                    if (p != null && p.is("ArraySubscriptExpr") && p.child(0) == n) return;
                    String k = arrayKey(tu, n.child(0));
                    if (k != null && candidates.contains(k)) add(stores, k, tu, null);
                }
                case "InitListExpr" -> recordInit(tu, n, candidates, stores);
                case "CallExpr" -> {
                    // each argument is stored into the parameter of the function the program defines
                    String callee = Ast.directCallee(n);
                    List<String> ps = callee == null ? null : parameters.get(functionKey(tu, callee));
                    if (ps == null) return;
                    for (int i = 0; i < ps.size() && i + 1 < n.inner().size(); i++) {
                        if (ps.get(i) != null) add(stores, ps.get(i), tu, n.child(i + 1));
                    }
                }
                case "DeclRefExpr" -> {
                    // a function whose address is taken is called where the analysis does not see its arguments
                    if (!n.referencedDecl().path("kind").asText("").equals("FunctionDecl") || isDirectCallee(n)) return;
                    List<String> ps = parameters.get(functionKey(tu, n.referencedDecl().path("name").asText("")));
                    if (ps != null) for (String k : ps) if (k != null) add(stores, k, tu, null);
                }
                default -> { }
            }
        });
    }

    /** The callee of a call ({@code f(x)}, through parentheses and the implicit conversion to a function pointer). */
    private static boolean isDirectCallee(Node ref) {
        Node e = ref;
        while (e.parent() != null && (e.parent().is("ParenExpr") || (e.parent().is("ImplicitCastExpr")
                && e.parent().attr("castKind").equals("FunctionToPointerDecay")))) {
            e = e.parent();
        }
        Node p = e.parent();
        return p != null && p.is("CallExpr") && p.child(0) == e;
    }

    /** A function by name: of this unit where it has internal linkage, else the program's one. */
    private String functionKey(TranslationUnit tu, String name) {
        return staticFunctions.getOrDefault(tu, Set.of()).contains(name) ? tu.unitName() + "#fn " + name : "fn " + name;
    }

    /**
     * Whether argument {@code index} of {@code call} goes to a parameter that holds only addresses: every call of the
     * function passes one there (its address never taken), and its body stores nothing else into it.
     */
    public boolean isProvenArgument(TranslationUnit tu, Node call, int index) {
        String callee = Ast.directCallee(call);
        List<String> ps = callee == null ? null : parameters.get(functionKey(tu, callee));
        return ps != null && index >= 0 && index < ps.size() && ps.get(index) != null && proven.contains(ps.get(index));
    }

    /** An initialiser list of a struct that gives candidate members values (lists nested in it are walked on their own). */
    private void recordInit(TranslationUnit tu, Node list, Set<String> candidates, Map<String, List<Store>> stores) {
        List<Node> fields = records.get(tu).get(stripQualifiers(list.qualType()));
        if (fields == null) return;
        for (int i = 0; i < fields.size() && i < list.inner().size(); i++) {
            Node f = fields.get(i);
            Node rec = f.parent();
            String k = fieldKey(rec, f);
            Node v = list.child(i);
            if (!candidates.contains(k)) continue;
            if (v.is("InitListExpr")) initList(tu, k, v, stores);
            else if (!v.is("ImplicitValueInitExpr")) add(stores, k, tu, v);
        }
    }

    /** The elements of an array's initialiser list (nested for arrays of arrays). */
    private static void initList(TranslationUnit tu, String k, Node list, Map<String, List<Store>> stores) {
        for (Node v : list.inner()) {
            if (v.is("InitListExpr")) initList(tu, k, v, stores);
            else if (!v.is("ImplicitValueInitExpr") && !v.is("ArrayInitLoopExpr")) add(stores, k, tu, v);
        }
    }

    private static void add(Map<String, List<Store>> stores, String k, TranslationUnit tu, Node v) {
        stores.computeIfAbsent(k, x -> new ArrayList<>()).add(new Store(tu, v));
    }

    /** What a stored value is: an address, a constant that may stand in one, or anything else. */
    enum Value { ADDRESS, CONSTANT, BAD }

    /** The kind of value {@code e} is (a value stored into an address integer object). */
    Value value(TranslationUnit tu, Node e) {
        Node s = throughWide(tu, e);
        if (AddressIntegers.isConversion(s)) return Value.ADDRESS;
        if (s.is("ImplicitCastExpr") && s.attr("castKind").equals("LValueToRValue")) {
            return isProvenLvalue(tu, s.child(0)) ? Value.ADDRESS : Value.BAD;
        }
        if (s.is("IntegerLiteral")) return literal(s) >= 0 && literal(s) <= 65535 ? Value.CONSTANT : Value.BAD;
        if (s.is("ConditionalOperator") && s.inner().size() == 3) {
            Value a = value(tu, s.child(1));
            Value b = value(tu, s.child(2));
            if (a == Value.BAD || b == Value.BAD) return Value.BAD;
            return a == Value.ADDRESS || b == Value.ADDRESS ? Value.ADDRESS : Value.CONSTANT;
        }
        if (s.is("BinaryOperator") && (s.attr("opcode").equals("|") || s.attr("opcode").equals("&"))) {
            boolean or = s.attr("opcode").equals("|");
            for (int i = 0; i < 2; i++) {
                Node other = s.child(1 - i);
                if (or ? isTag(other) : isUntagMask(other)) {
                    Value v = value(tu, s.child(i));
                    if (v == Value.ADDRESS) return v;
                }
            }
        }
        return Value.BAD;
    }

    /** Whether {@code lvalue} (a variable, a member, an element) is an object proven to hold addresses. */
    public boolean isProvenLvalue(TranslationUnit tu, Node lvalue) {
        String k = key(tu, lvalue);
        return k != null && proven.contains(k);
    }

    /** Whether the variable {@code decl} (a VarDecl or ParmVarDecl of {@code tu}) holds addresses (a scalar or an array of them). */
    public boolean holdsAddress(TranslationUnit tu, Node decl) {
        return decl != null && (decl.is("VarDecl") || decl.is("ParmVarDecl")) && proven.contains(varKey(tu, decl));
    }

    /** Whether the member {@code fd} of the record {@code rec} holds addresses. */
    public boolean holdsAddress(Node rec, Node fd) {
        return rec != null && !rec.name().isEmpty() && "struct".equals(rec.attr("tagUsed")) && proven.contains(fieldKey(rec, fd));
    }

    /** Whether element {@code index} of the initialiser list {@code list} initialises an object that holds addresses. */
    public boolean isProvenElement(TranslationUnit tu, Node list, int index) {
        Map<String, List<Node>> recs = records.get(tu);
        if (recs == null) return false;
        List<Node> fields = recs.get(stripQualifiers(list.qualType()));
        if (fields != null) {
            if (index < 0 || index >= fields.size()) return false;
            Node f = fields.get(index);
            return !isArray(f.qualType()) && holdsAddress(f.parent(), f);
        }
        if (!isArray(list.qualType())) return false;
        // an array's list: the object it initialises, through the lists of arrays of arrays
        Node l = list;
        while (l.parent() != null && l.parent().is("InitListExpr") && isArray(l.parent().qualType())) l = l.parent();
        Node owner = l.parent();
        if (owner == null) return false;
        if (owner.is("VarDecl")) return holdsAddress(tu, owner);
        if (owner.is("InitListExpr")) {
            List<Node> of = recs.get(stripQualifiers(owner.qualType()));
            int i = owner.inner().indexOf(l);
            return of != null && i >= 0 && i < of.size() && holdsAddress(of.get(i).parent(), of.get(i));
        }
        return false;
    }

    public boolean isEmpty() {
        return proven.isEmpty();
    }

    /** A tag of low bits: a constant below 8, a truth value, or a value masked or reduced below 8. */
    static boolean isTag(Node o) {
        Node s = AddressIntegers.through(o);
        if (s.is("IntegerLiteral")) return literal(s) >= 0 && literal(s) < 8;
        if (s.is("BinaryOperator")) {
            String op = s.attr("opcode");
            if (TRUTH_OPS.contains(op)) return true;
            if (op.equals("&")) return isSmall(s.child(0), 8) || isSmall(s.child(1), 8);
            if (op.equals("%")) return isSmall(s.child(1), 9) && !AddressIntegers.isConversion(AddressIntegers.through(s.child(0)));
            return false;
        }
        if (s.is("UnaryOperator") && s.attr("opcode").equals("!")) return true;
        if (s.is("ConditionalOperator") && s.inner().size() == 3) return isTag(s.child(1)) && isTag(s.child(2));
        return false;
    }

    /** A mask that clears only tag bits: {@code ~c} or {@code -c} of a constant below 8 (as {@code & ~7}, {@code & -8}). */
    static boolean isUntagMask(Node o) {
        Node s = AddressIntegers.through(o);
        if (!s.is("UnaryOperator")) return false;
        String op = s.attr("opcode");
        Node c = AddressIntegers.through(s.child(0));
        if (!c.is("IntegerLiteral")) return false;
        long v = literal(c);
        return (op.equals("~") && v >= 0 && v < 8) || (op.equals("-") && (v == 1 || v == 2 || v == 4 || v == 8));
    }

    private static boolean isSmall(Node o, long bound) {
        Node s = AddressIntegers.through(o);
        return s.is("IntegerLiteral") && literal(s) >= 0 && literal(s) < bound;
    }

    private static long literal(Node lit) {
        try {
            return Long.parseLong(lit.attr("value"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Down through parentheses and conversions to pointer-sized integer types of {@code tu} (null: the builtin names
     * only), never a narrowing or widening one.
     */
    Node throughWide(TranslationUnit tu, Node o) {
        Node s = o;
        while (!s.inner().isEmpty()) {
            if (s.is("ParenExpr") || s.is("ConstantExpr")) {
                s = s.child(0);
            } else if ((s.is("ImplicitCastExpr") || s.is("CStyleCastExpr"))
                    && (s.attr("castKind").equals("IntegralCast") || s.attr("castKind").equals("NoOp"))
                    && candidateType(tu, s.qualType())) {
                s = s.child(0);
            } else {
                break;
            }
        }
        return s;
    }

    /**
     * A pointer-sized integer, or an array of them: one of the names {@link #POINTER_SIZED}, or a typedef of the program
     * (declared in its own text, at file scope) whose chain of typedefs ends in one of them ({@code typedef uintptr_t
     * word;}, {@code typedef unsigned long ulong_t;}). The chain is followed by names, never to the canonical type: a C
     * library typedef not in the list ({@code uint64_t}) ends it, since its canonical type is a pointer's size on some
     * ISAs only. A typedef written differently per ISA ({@code #ifdef __i386__}) makes the text target-dependent, and each
     * ISA's text is then analysed with its own typedef (PerIsaCompilation).
     */
    boolean candidateType(TranslationUnit tu, String qualType) {
        String t = stripQualifiers(qualType);
        Matcher m = ARRAY.matcher(t);
        if (m.matches()) t = stripQualifiers(m.group(1));
        Map<String, Node> tds = tu == null ? Map.of() : typedefs.getOrDefault(tu, Map.of());
        for (int depth = 0; depth < 16; depth++) {
            if (POINTER_SIZED.contains(t)) return true;
            Node td = tds.get(t);
            if (td == null || !tu.inMainFile(td.loc())) return false;
            t = stripQualifiers(td.qualType());
            if (isArray(t)) return false;
        }
        return false;
    }

    private static String stripQualifiers(String t) {
        String s = t.strip();
        boolean again = true;
        while (again) {
            again = false;
            for (String q : List.of("const ", "volatile ")) {
                if (s.startsWith(q)) {
                    s = s.substring(q.length()).strip();
                    again = true;
                }
            }
        }
        return s;
    }

    /** The object an lvalue names: a variable, a member of a named struct, or an element of an array of either. */
    String key(TranslationUnit tu, Node lvalue) {
        Node s = lvalue;
        while (s.is("ParenExpr") && !s.inner().isEmpty()) s = s.child(0);
        if (s.is("DeclRefExpr")) {
            Node d = tu.byId(s.referencedDecl().path("id").asText(""));
            return d != null && (d.is("VarDecl") || d.is("ParmVarDecl")) && !isArray(d.qualType()) ? varKey(tu, d) : null;
        }
        if (s.is("MemberExpr")) {
            Node f = tu.byId(s.attr("referencedMemberDecl"));
            if (f == null || !f.is("FieldDecl") || isArray(f.qualType())) return null;
            Node rec = f.parent();
            return rec != null && rec.is("RecordDecl") && !rec.name().isEmpty() && "struct".equals(rec.attr("tagUsed"))
                    ? fieldKey(rec, f) : null;
        }
        if (s.is("ArraySubscriptExpr")) {
            Node base = s.child(0);
            if (base.is("ImplicitCastExpr") && base.attr("castKind").equals("ArrayToPointerDecay")) return arrayKey(tu, base.child(0));
        }
        return null;
    }

    /** The object of an array of them named by {@code e} (a variable or a member). */
    private static String arrayKey(TranslationUnit tu, Node e) {
        Node s = e;
        while (s.is("ParenExpr") && !s.inner().isEmpty()) s = s.child(0);
        if (s.is("DeclRefExpr")) {
            Node d = tu.byId(s.referencedDecl().path("id").asText(""));
            return d != null && d.is("VarDecl") && isArray(d.qualType()) ? varKey(tu, d) : null;
        }
        if (s.is("MemberExpr")) {
            Node f = tu.byId(s.attr("referencedMemberDecl"));
            if (f == null || !f.is("FieldDecl") || !isArray(f.qualType())) return null;
            Node rec = f.parent();
            return rec != null && rec.is("RecordDecl") && !rec.name().isEmpty() && "struct".equals(rec.attr("tagUsed"))
                    ? fieldKey(rec, f) : null;
        }
        return null;
    }

    private static boolean isArray(String qualType) {
        return ARRAY.matcher(stripQualifiers(qualType)).matches();
    }

    /** A variable: by name where it has external linkage (one object across units), else by this unit's declaration. */
    private static String varKey(TranslationUnit tu, Node decl) {
        Node p = decl.parent();
        boolean fileScope = p != null && p.is("TranslationUnitDecl");
        if (fileScope && !decl.attr("storageClass").equals("static")) return "global " + decl.name();
        return tu.unitName() + "#" + decl.id();
    }

    /** A member of a named struct, by the struct's name (the same in every unit). */
    private static String fieldKey(Node rec, Node fd) {
        return "struct " + rec.name() + "." + fd.name();
    }
}
