package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Integers of the program that hold a number in network byte order: {@code listen_port = htons(8080)}, {@code cfg.addr
 * = inet_addr(s)}, {@code peer = sa.sin_port}, {@code sa.sin_port = cfg.port}, {@code ntohs(cfg.port)}. talent carries
 * an integer as a number, so on an ISA of the other byte order such an integer holds other bytes, and the program goes
 * on with another port or address (8080 read back as 36895) and exit status 0. The C library's own members that hold
 * network byte order ({@link #NETWORK_ORDER}) are carried as their bytes instead (emit.TypeDescriptors); a program's
 * integer cannot be, since the same variable may hold a host-order number elsewhere ({@code port = htons(port)}). So a
 * build that keeps one binds its checkpoints to the byte order they were written on, as {@link ByteCopies} does.
 *
 * <p>Seen: a value of {@code htons}, {@code htonl} or {@code inet_addr} (also through {@code |}, {@code &}, {@code ^},
 * casts and {@code ?:}) or of one of those members, stored into an integer lvalue other than those members (assigned,
 * a declaration's initialiser, an element of an initialiser list); an integer lvalue stored into one of those members or
 * given to {@code ntohs}/{@code ntohl}; {@code inet_pton} writing into an integer. Through the program's functions
 * ({@link #define}): a function returning such a value (directly, or the value of another one that does) is a source
 * like {@code htons}, so an integer stored from its call is seen (across translation units: resolved in
 * {@link #kept}); an integer parameter of the program's given such a value at a call holds it. Not seen: byte swaps of
 * the program's own ({@code __bswap_16}, {@code htobe16}: the analysis cannot tell which way they convert), a value
 * passed through a pointer or a struct returned, and copies by memcpy (those are {@link ByteCopies}').
 */
public final class NetworkOrderIntegers {
    /** One integer seen holding a number in network byte order: where, and what the warning says of it. */
    public record Kept(String at, String what) {
        public String describe() {
            return what + " at " + at;
        }
    }

    /**
     * Members of the C library's socket address structs that hold numbers in network byte order (POSIX netinet/in.h;
     * the same names in glibc and musl), as {@code struct.member}: carried as their bytes (emit.TypeDescriptors).
     */
    public static final Set<String> NETWORK_ORDER = Set.of(
            "sockaddr_in.sin_port", "in_addr.s_addr", "sockaddr_in6.sin6_port", "sockaddr_in6.sin6_flowinfo");

    /** Functions whose result is a number in network byte order. */
    private static final Set<String> TO_NETWORK = Set.of("htons", "htonl", "inet_addr");

    /** Functions whose argument is a number in network byte order. */
    private static final Set<String> FROM_NETWORK = Set.of("ntohs", "ntohl");

    private final List<Kept> found = new ArrayList<>();
    /** The program's functions (with a body, by name: a static one of another unit with the same name may count too). */
    private final Set<String> programFunctions = new HashSet<>();
    /** The program's functions that return a network-order value themselves, and how ("htons(...)"). */
    private final Map<String, String> returnsNetwork = new LinkedHashMap<>();
    /** f -> the program's functions whose value f returns. */
    private final Map<String, Set<String>> returnsValueOf = new HashMap<>();
    /** Integers stored from a call of a program's function: kept when that function returns network order. */
    private final List<Pending> pending = new ArrayList<>();

    /** An integer given the value of {@code callee(...)}: where, and the warning's text before " is given ...". */
    private record Pending(String callee, String at, String what) {}

    /** Declares a function the program defines (before any {@link #scan}). */
    public void define(String function) {
        programFunctions.add(function);
    }

    /** What the program keeps in network byte order, once every body was scanned. */
    public List<Kept> kept() {
        Map<String, String> sources = new LinkedHashMap<>(returnsNetwork);
        for (boolean grew = true; grew; ) {
            grew = false;
            for (Map.Entry<String, Set<String>> e : returnsValueOf.entrySet()) {
                if (sources.containsKey(e.getKey())) continue;
                for (String g : e.getValue()) {
                    if (sources.containsKey(g)) {
                        sources.put(e.getKey(), g + "(...)'s value");
                        grew = true;
                        break;
                    }
                }
            }
        }
        List<Kept> all = new ArrayList<>(found);
        for (Pending p : pending) {
            String how = sources.get(p.callee());
            if (how != null) all.add(new Kept(p.at(), p.what() + " is given " + p.callee() + "(...), which returns " + how));
        }
        return List.copyOf(all);
    }

    /** Records what one function body keeps in network byte order. */
    public void scan(TranslationUnit tu, TypeResolver types, Node body) {
        scan(tu, types, body, null);
    }

    /** Records what the body of {@code function} (null: not known) keeps in network byte order and what it returns. */
    public void scan(TranslationUnit tu, TypeResolver types, Node body, String function) {
        if (body == null) return;
        body.walk(n -> {
            if (function != null && n.is("ReturnStmt") && n.inner().size() == 1) {
                String how = networkValue(types, n.child(0));
                if (how != null) returnsNetwork.putIfAbsent(function, how);
                for (String g : programCalls(n.child(0))) returnsValueOf.computeIfAbsent(function, k -> new HashSet<>()).add(g);
            }
            if (n.is("BinaryOperator") && n.inner().size() == 2 && n.attr("opcode").equals("=")) {
                store(tu, types, n, n.child(0), n.child(1));
            } else if (n.is("CompoundAssignOperator") && n.inner().size() == 2 && (n.attr("opcode").equals("|=")
                    || n.attr("opcode").equals("&=") || n.attr("opcode").equals("^="))) {
                store(tu, types, n, n.child(0), n.child(1));
            } else if (n.is("VarDecl") && !n.inner().isEmpty() && isInteger(types, n.qualType())) {
                Node init = n.inner().getLast();
                String how = networkValue(types, init);
                if (how != null) {
                    found.add(new Kept(tu.pos(n.position()), "'" + n.name() + "' is initialised with " + how));
                } else {
                    later(tu, n, init, "'" + n.name() + "'");
                }
            } else if (n.is("InitListExpr")) {
                initList(tu, types, n);
            } else if (n.is("CallExpr")) {
                call(tu, types, n);
            }
        });
    }

    private void store(TranslationUnit tu, TypeResolver types, Node at, Node lhs, Node rhs) {
        Node into = Ast.strip(lhs);
        if (into == null) return;
        if (libraryMember(types, into) != null) {
            // into a member carried as bytes: what is stored there is network order, so an integer of the program
            // stored there held it
            String object = programInteger(types, rhs);
            if (object != null) {
                found.add(new Kept(tu.pos(at.position()), "'" + object + "' is stored into '" + libraryMember(types, into) + "'"));
            }
            return;
        }
        if (!isInteger(types, into.qualType())) return;
        String how = networkValue(types, rhs);
        if (how != null) found.add(new Kept(tu.pos(at.position()), "'" + written(into) + "' is given " + how));
        else later(tu, at, rhs, "'" + written(into) + "'");
    }

    /** An integer stored from calls of the program's functions: kept once one of them is known to return network order. */
    private void later(TranslationUnit tu, Node at, Node value, String what) {
        for (String g : programCalls(value)) pending.add(new Pending(g, tu.pos(at.position()), what));
    }

    /** The program's functions whose value {@code e} is (through casts, {@code ?:} and {@code | & ^}), as networkValue. */
    private List<String> programCalls(Node e) {
        Node s = Ast.strip(e);
        if (s == null) return List.of();
        if (s.is("CStyleCastExpr") && !s.inner().isEmpty()) return programCalls(s.child(0));
        if (s.is("CallExpr")) {
            String callee = Ast.directCallee(s);
            return callee != null && programFunctions.contains(callee) ? List.of(callee) : List.of();
        }
        List<Node> parts = s.is("ConditionalOperator") && s.inner().size() == 3 ? List.of(s.child(1), s.child(2))
                : s.is("BinaryOperator") && s.inner().size() == 2 && Set.of("|", "&", "^").contains(s.attr("opcode"))
                        ? List.of(s.child(0), s.child(1)) : List.of();
        List<String> out = new ArrayList<>();
        for (Node p : parts) out.addAll(programCalls(p));
        return out;
    }

    private void initList(TranslationUnit tu, TypeResolver types, Node list) {
        CType t;
        try {
            t = types.canonical(CTypeParser.parse(list.qualType()));
        } catch (RuntimeException unknownType) {
            return;
        }
        List<Node> fields = null;
        String struct = null;
        if (t instanceof CType.Tagged g && g.tag().equals("struct")) {
            Node rec = types.record(g);
            if (rec == null) return;
            fields = rec.inner().stream().filter(f -> f.is("FieldDecl") && !(f.name().isEmpty() && f.flag("isBitfield"))).toList();
            struct = types.isLibraryRecord(rec) && !g.isAnonymous() ? g.name() : null;
        } else if (!(t instanceof CType.Array)) {
            return;
        }
        for (int i = 0; i < list.inner().size(); i++) {
            Node element = list.child(i);
            boolean carried = struct != null && fields != null && i < fields.size()
                    && NETWORK_ORDER.contains(struct + "." + fields.get(i).name());
            if (carried) {
                String object = programInteger(types, element);
                if (object != null) {
                    found.add(new Kept(tu.pos(list.position()), "'" + object + "' initialises '" + fields.get(i).name() + "'"));
                }
            } else if (isInteger(types, element.qualType())) {
                String how = networkValue(types, element);
                String member = fields != null && i < fields.size() ? "member '" + fields.get(i).name() + "'" : "element";
                if (how != null) {
                    found.add(new Kept(tu.pos(list.position()), "an initialiser's " + member + " is given " + how));
                } else {
                    later(tu, list, element, "an initialiser's " + member);
                }
            }
        }
    }

    private void call(TranslationUnit tu, TypeResolver types, Node call) {
        String callee = Ast.directCallee(call);
        if (callee == null) return;
        List<Node> args = Ast.callArguments(call);
        if (programFunctions.contains(callee)) {
            // an integer parameter of the program's given a network-order value holds it (where its function stops)
            for (int i = 0; i < args.size(); i++) {
                if (!isInteger(types, args.get(i).qualType())) continue;
                String what = "parameter " + (i + 1) + " of " + callee + "()";
                String how = networkValue(types, args.get(i));
                if (how != null) found.add(new Kept(tu.pos(call.position()), what + " is given " + how));
                else later(tu, call, args.get(i), what);
            }
            return;
        }
        if (FROM_NETWORK.contains(callee) && args.size() == 1) {
            String object = programInteger(types, args.getFirst());
            if (object != null) found.add(new Kept(tu.pos(call.position()), "'" + object + "' is given to " + callee));
        } else if (callee.equals("inet_pton") && args.size() == 3) {
            Node dst = Ast.strip(args.get(2));
            while (dst != null && dst.is("CStyleCastExpr") && !dst.inner().isEmpty()) dst = Ast.strip(dst.child(0));
            if (dst == null) return;
            try {
                CType p = types.canonical(CTypeParser.parse(dst.qualType()));
                CType to = p instanceof CType.Pointer ptr ? types.canonical(ptr.to()) : p instanceof CType.Array a ? types.canonical(a.elem()) : null;
                if (to instanceof CType.Builtin b && isIntegerName(b.name())) {
                    found.add(new Kept(tu.pos(call.position()), "inet_pton writes an address into '" + written(dst) + "'"));
                }
            } catch (RuntimeException unknownType) {
                // a spelling this unit's resolver does not know: not an integer of the program's
            }
        }
    }

    /** How {@code e} computes a number in network byte order ("htons(...)"), or null when it does not. */
    private static String networkValue(TypeResolver types, Node e) {
        Node s = Ast.strip(e);
        if (s == null) return null;
        if (s.is("CStyleCastExpr") && !s.inner().isEmpty()) return networkValue(types, s.child(0));
        if (s.is("CallExpr")) {
            String callee = Ast.directCallee(s);
            return callee != null && TO_NETWORK.contains(callee) ? callee + "(...)" : null;
        }
        String member = libraryMember(types, s);
        if (member != null) return "'" + member + "'";
        if (s.is("ConditionalOperator") && s.inner().size() == 3) {
            String a = networkValue(types, s.child(1));
            return a != null ? a : networkValue(types, s.child(2));
        }
        if (s.is("BinaryOperator") && s.inner().size() == 2 && Set.of("|", "&", "^").contains(s.attr("opcode"))) {
            String a = networkValue(types, s.child(0));
            return a != null ? a : networkValue(types, s.child(1));
        }
        return null;
    }

    /** {@code e} as written when it reads an integer object that is not one of {@link #NETWORK_ORDER}, else null. */
    private static String programInteger(TypeResolver types, Node e) {
        Node s = Ast.strip(e);
        while (s != null && s.is("CStyleCastExpr") && !s.inner().isEmpty()) s = Ast.strip(s.child(0));
        if (s == null || !isInteger(types, s.qualType()) || libraryMember(types, s) != null) return null;
        boolean object = (s.is("DeclRefExpr") && s.referencedDecl().path("kind").asText().matches("VarDecl|ParmVarDecl"))
                || s.is("MemberExpr") || s.is("ArraySubscriptExpr")
                || (s.is("UnaryOperator") && s.attr("opcode").equals("*"));
        return object ? written(s) : null;
    }

    /** "sockaddr_in.sin_port" when {@code e} is that member of the C library's struct, else null. */
    static String libraryMember(TypeResolver types, Node e) {
        if (e == null || !e.is("MemberExpr") || e.inner().isEmpty()) return null;
        try {
            CType base = types.canonical(CTypeParser.parse(e.child(0).qualType()));
            if (e.flag("isArrow") && base instanceof CType.Pointer p) base = types.canonical(p.to());
            if (!(base instanceof CType.Tagged g) || !g.tag().equals("struct") || g.isAnonymous()) return null;
            String key = g.name() + "." + e.name();
            if (!NETWORK_ORDER.contains(key)) return null;
            Node rec = types.record(g);
            return rec != null && types.isLibraryRecord(rec) ? key : null;
        } catch (RuntimeException unknownType) {
            return null;
        }
    }

    private static boolean isInteger(TypeResolver types, String qualType) {
        try {
            return types.canonical(CTypeParser.parse(qualType)) instanceof CType.Builtin b && isIntegerName(b.name());
        } catch (RuntimeException unknownType) {
            return false;
        }
    }

    /** An integer of at least 16 bits (a character cannot hold a port or an address). */
    private static boolean isIntegerName(String builtin) {
        return switch (builtin.replaceAll("\\b(const|volatile)\\b", "").replaceAll("\\s+", " ").strip()) {
            case "short", "unsigned short", "int", "unsigned int", "long", "unsigned long", "long long", "unsigned long long" -> true;
            default -> false;
        };
    }

    /** A short spelling of an lvalue: its names, members and subscripts. */
    private static String written(Node e) {
        Node s = Ast.strip(e);
        if (s == null) return "?";
        return switch (s.kind()) {
            case "DeclRefExpr" -> s.referencedDecl().path("name").asText("?");
            case "MemberExpr" -> s.inner().isEmpty() ? s.name() : written(s.child(0)) + (s.flag("isArrow") ? "->" : ".") + s.name();
            case "ArraySubscriptExpr" -> s.inner().isEmpty() ? "?" : written(s.child(0)) + "[...]";
            case "UnaryOperator" -> s.inner().isEmpty() ? "?" : s.attr("opcode") + written(s.child(0));
            case "CStyleCastExpr" -> s.inner().isEmpty() ? "?" : written(s.child(0));
            default -> "...";
        };
    }
}
