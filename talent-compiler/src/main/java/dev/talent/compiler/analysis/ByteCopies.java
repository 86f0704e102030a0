package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Calls of {@code memcpy}/{@code memmove} that copy the bytes of a number, pointer or struct into character storage
 * or out of it ({@code memcpy(wire + n, &v, sizeof v)}, {@code memcpy(&hdr, buf + off, sizeof hdr)}: a serialization
 * buffer, a byte queue of records). talent carries character storage as its bytes, so such a buffer restored on an ISA
 * of the other byte order (or, for a type whose size or layout differs between ILP32 and LP64, of the other pointer
 * width) holds the writer's representation, and the program reads other values with exit 0. Such a build's
 * checkpoints move only between ISAs of the same byte order (and pointer width, when the type needs it): the program
 * table gets a fingerprint per byte order and width, as for {@link UnionMembers}. Not seen: copies through {@code void *}
 * on both sides (a generic container), and punning through pointer casts.
 *
 * <p>The same holds for raw binary I/O ({@code fwrite(recs, sizeof *recs, n, f)}, {@code write(fd, &hdr, sizeof hdr)},
 * {@code fread}, {@code read}, {@code pread}, {@code recv}, ...) whose buffer, with casts to {@code void *} and character
 * pointers stripped, points to a type whose representation depends on the byte order (a number, a pointer, a struct or
 * array holding one): the file or socket keeps the bytes of the ISA that wrote them, so a program restarted on another
 * byte order reads other values back, and a file written partly before and partly after the move mixes two byte orders.
 * An {@code iovec}'s {@code iov_base} (writev, readv, sendmsg, recvmsg) set to such a buffer, by assignment or in an
 * initializer, binds the same way. Character, {@code _Bool} and {@code void} buffers (text, bytes a program orders
 * itself with shifts, a generic buffer) bind nothing.
 */
public final class ByteCopies {
    /**
     * One copy: the call's place, the other side's type, and whether that type's layout differs between ILP32 and LP64;
     * for a raw I/O call ({@code io}), the function and the buffer as written, and {@code into} means written out.
     */
    public record Copy(String at, String type, boolean into, boolean widthBound, String call, String buffer, boolean io) {
        public Copy(String at, String type, boolean into, boolean widthBound) {
            this(at, type, into, widthBound, "", "", false);
        }

        public String describe() {
            if (call.equals(PUNNED)) {
                return "the bytes of " + article(type) + type + " are read through '" + buffer + "' at " + at;
            }
            if (call.equals(AS_NUMBERS)) {
                return "the character array '" + buffer + "' is read as " + article(type) + type + " at " + at;
            }
            if (call.equals(COMPARED)) {
                return "the bytes of '" + buffer + "' (" + type + ") are ordered by memcmp at " + at;
            }
            if (call.equals(COMPARED_BY)) {
                return "the comparator " + buffer + " orders by the bytes of what it is given (" + type + ") at " + at;
            }
            if (call.equals(PASSED)) {
                return "the bytes of " + article(type) + type + " are read as characters (" + buffer + ") at " + at;
            }
            if (io && call.equals("iov_base")) {
                return "an iovec's 'iov_base' points to the bytes of '" + buffer + "' (" + type + ") for a file or socket at "
                        + at;
            }
            if (io) {
                return "'" + call + "' " + (into ? "writes" : "reads") + " the bytes of '" + buffer + "' (" + type + ") "
                        + (into ? "to" : "from") + " a file or socket at " + at;
            }
            if (!buffer.isEmpty()) return "the bytes of " + article(type) + type + " are copied into " + buffer + " storage at " + at;
            return "the bytes of a " + type + " are copied " + (into ? "into" : "out of") + " character storage at " + at;
        }

        private static String article(String type) {
            return !type.isEmpty() && "aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ";
        }

        /** A copy between two non-character types whose bytes are carried in different units ({@link #reinterprets}). */
        static Copy reinterpreted(String at, String type, String intoType, boolean widthBound) {
            return new Copy(at, type, true, widthBound, "", intoType, false);
        }

        /** Whether this is a copy into storage of another non-character type rather than into character storage. */
        public boolean reinterpreting() {
            return !io && !buffer.isEmpty() && !call.equals(PUNNED) && !call.equals(PASSED) && !call.equals(AS_NUMBERS)
                    && !call.equals(COMPARED) && !call.equals(COMPARED_BY);
        }
    }

    private static final Set<String> COPIES = Set.of("memcpy", "memmove", "__builtin_memcpy", "__builtin_memmove",
            "__builtin___memcpy_chk", "__builtin___memmove_chk");

    /**
     * Raw binary I/O: the function, the index of its buffer argument and its number of arguments (a program's own
     * function of the name with another arity is not one of these); the {@code _unlocked} and {@code 64} forms are
     * glibc's.
     */
    private static final Map<String, List<Integer>> IO_BUFFER = Map.ofEntries(
            Map.entry("fwrite", List.of(0, 4)), Map.entry("fwrite_unlocked", List.of(0, 4)),
            Map.entry("fread", List.of(0, 4)), Map.entry("fread_unlocked", List.of(0, 4)),
            Map.entry("write", List.of(1, 3)), Map.entry("read", List.of(1, 3)),
            Map.entry("pwrite", List.of(1, 4)), Map.entry("pread", List.of(1, 4)),
            Map.entry("pwrite64", List.of(1, 4)), Map.entry("pread64", List.of(1, 4)),
            Map.entry("send", List.of(1, 4)), Map.entry("recv", List.of(1, 4)),
            Map.entry("sendto", List.of(1, 6)), Map.entry("recvfrom", List.of(1, 6)));
    private static final Set<String> IO_WRITES = Set.of("fwrite", "fwrite_unlocked", "write", "pwrite", "pwrite64", "send",
            "sendto");

    private final List<Copy> found = new ArrayList<>();
    /** The functions the program defines ({@link #define}): only their parameters can read bytes ({@link #computes}). */
    private final Set<String> defined = new HashSet<>();
    /** Parameters ("f#i") through which a function computes from the bytes they point to, directly. */
    private final Set<String> computing = new HashSet<>();
    /** A parameter ("g#j") to the parameters ("f#i") passed on to it: f computes through i if g computes through j. */
    private final Map<String, Set<String>> passedTo = new HashMap<>();
    /** Views whose bytes are computed from only if a parameter ("g#j") of the program's computes through them. */
    private final List<Pending> pending = new ArrayList<>();
    /** Pointers' bytes computed from, directly in a function (the parameter is null) or through one. */
    private final List<Refusal> refusals = new ArrayList<>();

    /** A byte view passed to the program's function at parameter {@code param} ("g#j"): a copy, or a refusal. */
    private record Pending(String param, Copy copy, Refusal refusal) {}

    /**
     * The bytes of a pointer computed from ({@code (const unsigned char *)&e->key} hashed): the value changes at every
     * restart, where blocks and frames lie elsewhere, even on the same ISA, so talent refuses the build naming it.
     */
    public record Refusal(TranslationUnit tu, Node at, String message, String remedy) {}

    /** Declares a function the program defines (before any {@link #scan}). */
    public void define(String function) {
        defined.add(function);
    }

    /** Records the copies of one function body. */
    public void scan(TranslationUnit tu, TypeResolver types, Node body) {
        scan(tu, types, body, null, null);
    }

    /**
     * Records the copies of one function body; {@code decl} (the function's declaration, may be null) and
     * {@code function} its name, whose pointer parameters read as bytes are noted for the calls passing views to it.
     */
    public void scan(TranslationUnit tu, TypeResolver types, Node body, Node decl, String function) {
        if (body == null) return;
        if (decl != null && function != null) parameters(types, body, decl, function);
        body.walk(n -> {
            if (Ast.isFunctionRef(n)) {
                functionUse(tu, types, n);
                return;
            }
            // an iovec's buffer (writev, readv, sendmsg, recvmsg): what its iov_base is set to
            if (n.is("BinaryOperator") && n.attr("opcode").equals("=") && n.inner().size() == 2) {
                Node lhs = Ast.strip(n.child(0));
                if (lhs != null && lhs.is("MemberExpr") && lhs.name().equals("iov_base")) {
                    buffer(tu, types, n, "iov_base", n.child(1), true);
                }
                return;
            }
            if (n.is("InitListExpr") && !n.inner().isEmpty() && isIovec(types, n.qualType())) {
                buffer(tu, types, n, "iov_base", n.child(0), true);
                return;
            }
            if (n.is("CStyleCastExpr")) {
                punned(tu, types, body, n);
                return;
            }
            if (n.is("CallExpr")) viewsPassed(tu, types, n);
            if (!n.is("CallExpr") || n.inner().size() < 3) return;
            String callee = Ast.directCallee(n); // null: a call through a pointer
            if (callee == null) return;
            if (ORDERED_COMPARES.contains(callee)) {
                if (n.inner().size() == 4) compared(tu, types, n, function);
                return;
            }
            List<Integer> io = IO_BUFFER.get(callee);
            if (io != null) {
                if (n.inner().size() == io.get(1) + 1) io(tu, types, n, callee, io.get(0));
                return;
            }
            if (!COPIES.contains(callee)) return;
            CType dst = pointee(types, n.child(1));
            CType src = pointee(types, n.child(2));
            if (dst == null || src == null) return;
            boolean dstBytes = isCharacter(types, dst);
            boolean srcBytes = isCharacter(types, src);
            if (!dstBytes && !srcBytes && reinterprets(types, dst, src)) {
                found.add(Copy.reinterpreted(tu.pos(n.position()), spelling(n.child(2)), spelling(n.child(1)),
                        widthBound(types, dst, 0) || widthBound(types, src, 0)));
                return;
            }
            if (dstBytes == srcBytes) return;
            CType other = dstBytes ? src : dst;
            if (isVoid(types, other)) return;
            found.add(new Copy(tu.pos(n.position()), spelling(dstBytes ? n.child(2) : n.child(1)), dstBytes,
                    widthBound(types, other, 0)));
        });
    }

    /** Where an expression's value goes: its first ancestor that {@code through} does not pass (null: none), and that ancestor's child on the way. */
    private record Use(Node at, Node parent) {}

    private static final Predicate<Node> PARENS = n -> n.is("ParenExpr") || n.is("ImplicitCastExpr");
    private static final Predicate<Node> PARENS_AND_CASTS = PARENS.or(n -> n.is("CStyleCastExpr"));

    private static Use use(Node e, Predicate<Node> through) {
        Node at = e;
        Node p = at.parent();
        while (p != null && through.test(p)) {
            at = p;
            p = p.parent();
        }
        return new Use(at, p);
    }

    /** The C library's byte comparisons whose result's sign orders by the bytes' representation. */
    private static final Set<String> ORDERED_COMPARES = Set.of("memcmp", "__builtin_memcmp");

    /**
     * {@code memcmp} over the storage of a number (or of a struct or array holding one) whose result is used for more
     * than equality ({@code return memcmp(x, y, sizeof *x);} in a sort's comparator, {@code if (memcmp(&a, &b, 4) < 0)}):
     * the order it gives follows the byte order, so elements sorted before a restart on the other byte order and after
     * it are in two orders, and the program goes on with exit 0. Equality ({@code == 0}, {@code !memcmp(...)}, a
     * condition) is the same in both and binds nothing; nor do character buffers, or {@code void *} on both sides (a
     * generic comparator's parameters: not seen).
     */
    private void compared(TranslationUnit tu, TypeResolver types, Node call, String function) {
        if (!signUsed(call)) return;
        boolean parameters = true;
        for (int i = 1; i <= 2; i++) {
            CType t = pointee(types, call.child(i));
            Node source = sourceOf(types, call.child(i));
            parameters &= t != null && isVoid(types, t) && source != null && source.is("DeclRefExpr")
                    && source.referencedDecl().path("kind").asText().equals("ParmVarDecl");
            if (t == null || isVoid(types, t) || !orderBound(types, t, 0)) continue;
            found.add(new Copy(tu.pos(call.position()), TypeResolver.spell(t), false, widthBound(types, t, 0), COMPARED,
                    written(tu, source), false));
            return;
        }
        if (parameters && function != null) comparesParameters.putIfAbsent(function, tu.pos(call.position()));
    }

    /**
     * The C library's calls that take a comparator: the comparator's argument index and the index of the argument
     * pointing to what it compares (the array; tsearch's key).
     */
    private static final Map<String, List<Integer>> COMPARATOR_TAKERS = Map.of(
            "qsort", List.of(3, 0), "bsearch", List.of(4, 1), "lfind", List.of(4, 1), "lsearch", List.of(4, 1),
            "tsearch", List.of(2, 0), "tfind", List.of(2, 0), "tdelete", List.of(2, 0));

    /**
     * A generic comparator, {@code memcmp(a, b, n)} over its own {@code void *} parameters with its sign used, orders
     * whatever it is given by its representation, which is seen only where the function is used: the functions with
     * such a {@code memcmp}, and where it is ({@link #compared}).
     */
    private final Map<String, String> comparesParameters = new HashMap<>();

    /**
     * A reference to one of the program's functions: {@code type} what it is given to compare (a direct call's
     * arguments, the array a comparator taker is given), and whether that {@code binds} (unless it is known not to
     * depend on the byte order: an array of characters given to qsort). A reference that is stored, passed to the
     * program's own code or seen outside any function body ({@link #functionsReferenced}) cannot be followed, and binds.
     */
    private record FunctionUse(String function, String at, String what, String type, boolean widthBound, boolean binds) {}

    private final List<FunctionUse> functionUses = new ArrayList<>();

    private void functionUse(TranslationUnit tu, TypeResolver types, Node ref) {
        String function = ref.referencedDecl().path("name").asText();
        if (!defined.contains(function)) return; // only a body of the program's can compare what it is given
        Use use = use(ref, PARENS_AND_CASTS);
        Node p = use.parent();
        String at = tu.pos(ref.position());
        if (p != null && p.is("CallExpr") && !p.inner().isEmpty() && p.child(0) == use.at()) {
            for (int i = 1; i < p.inner().size(); i++) {
                CType t = pointee(types, p.child(i));
                if (t != null && !isVoid(types, t) && !orderBound(types, t, 0)) continue;
                functionUses.add(new FunctionUse(function, at, written(tu, sourceOf(types, p.child(i))),
                        t == null ? "" : TypeResolver.spell(t), t != null && widthBound(types, t, 0), true));
                return;
            }
            return;
        }
        String taker = p != null && p.is("CallExpr") ? Ast.directCallee(p) : null;
        List<Integer> shape = taker == null ? null : COMPARATOR_TAKERS.get(taker);
        if (shape != null && p.inner().size() > shape.get(0) + 1 && p.child(shape.get(0) + 1) == use.at()) {
            Node given = p.child(shape.get(1) + 1);
            CType t = pointee(types, given);
            boolean binds = t == null || isVoid(types, t) || orderBound(types, t, 0);
            functionUses.add(new FunctionUse(function, at, written(tu, sourceOf(types, given)),
                    t == null ? "" : TypeResolver.spell(t), t != null && widthBound(types, t, 0), binds));
            return;
        }
        functionUses.add(new FunctionUse(function, at, "", "", false, true));
    }

    /**
     * References to functions outside function bodies (a global's initializer, {@code static int (*by)(const void *,
     * const void *) = cmp;}): what they end up comparing is not seen, so a generic comparator among them binds.
     */
    public void functionsReferenced(TranslationUnit tu, Node declaration) {
        declaration.walk(n -> {
            if (Ast.isFunctionRef(n) && defined.contains(n.referencedDecl().path("name").asText())) {
                functionUses.add(new FunctionUse(n.referencedDecl().path("name").asText(), tu.pos(n.position()), "", "",
                        false, true));
            }
        });
    }

    /** Whether a call's int result is used for its sign: anything but {@code ==}, {@code !=}, {@code !} or a condition. */
    private static boolean signUsed(Node call) {
        Use use = use(call, PARENS);
        Node at = use.at();
        Node p = use.parent();
        if (p == null) return false;
        if (p.is("BinaryOperator")) {
            String op = p.attr("opcode");
            return !(op.equals("==") || op.equals("!=") || op.equals("&&") || op.equals("||"));
        }
        if (p.is("UnaryOperator") && p.attr("opcode").equals("!")) return false;
        boolean condition = (p.is("IfStmt") || p.is("WhileStmt") || p.is("DoStmt") || p.is("ForStmt")
                || p.is("ConditionalOperator")) && isConditionOf(p, at);
        return !condition;
    }

    /** Whether {@code child} is {@code stmt}'s condition (an if's, a loop's, a ?:'s first operand). */
    private static boolean isConditionOf(Node stmt, Node child) {
        if (stmt.is("ForStmt")) return Ast.forParts(stmt)[2] == child;
        if (stmt.is("DoStmt")) return stmt.inner().size() > 1 && stmt.child(1) == child;
        return !stmt.inner().isEmpty() && stmt.child(0) == child;
    }

    /**
     * A {@code memcpy}/{@code memmove} call that copies the bytes of a pointer (or of a struct, union or array holding
     * one) into integer or floating storage: {@code memcpy(code + n, &str, sizeof str)} where {@code code} is an array
     * of {@code unsigned short} (mujs's bytecode keeps interned strings' addresses so). A checkpoint carries that storage
     * as numbers, so the pointer in it is not carried: emit.PointerByteCopies renames the call, whose run refuses every
     * later checkpoint (the runtime's pointer_bytes.c). {@code callee}: the function called; {@code pointer}: the source
     * as written and its type; {@code into}: the destination as written and the type it points to. Character
     * destinations are not such copies (ByteCopies' byte-order binding and heap_write.c's scan of blocks carried as
     * bytes handle them), nor are copies through {@code void *} on either side.
     */
    public record PointerCopy(String callee, String pointer, String pointerType, String into, String intoType) {
        /** What the runtime's refusal and the build's warning name. */
        public String describe() {
            return "'" + pointer + "' (" + pointerType + ") copied by " + callee + " into '" + into + "' (" + intoType + ")";
        }
    }

    /** The functions whose calls {@link #pointerCopy} examines (each with 3 arguments: destination, source, size). */
    public static final Set<String> POINTER_COPIES = Set.of("memcpy", "memmove", "__builtin_memcpy", "__builtin_memmove");

    /**
     * The checked forms a fortified build or a project's own macro calls ({@code __builtin___memcpy_chk(dst, src, n,
     * __builtin_object_size(dst, 0))}): a fourth argument, the destination's size.
     */
    public static final Set<String> CHECKED_POINTER_COPIES = Set.of("__builtin___memcpy_chk", "__builtin___memmove_chk");

    /** Whether {@code callee} is one of {@link #CHECKED_POINTER_COPIES}. */
    public static boolean isChecked(String callee) {
        return CHECKED_POINTER_COPIES.contains(callee);
    }

    /** The call as a {@link PointerCopy}, or null when it is none. */
    public static PointerCopy pointerCopy(TranslationUnit tu, TypeResolver types, Node call) {
        if (!call.is("CallExpr")) return null;
        String callee = Ast.directCallee(call);
        if (callee == null) return null;
        int arguments = POINTER_COPIES.contains(callee) ? 3 : CHECKED_POINTER_COPIES.contains(callee) ? 4 : -1;
        if (arguments < 0 || call.inner().size() != arguments + 1) return null;
        CType dst = pointee(types, call.child(1));
        CType src = pointee(types, call.child(2));
        if (dst == null || src == null) return null;
        if (!(dst instanceof CType.Builtin b) || b.name().equals("void") || isCharacter(types, dst)) return null;
        if (!holdsPointer(types, src, 0)) return null;
        Node s = sourceOf(types, call.child(2));
        Node d = sourceOf(types, call.child(1));
        return new PointerCopy((arguments == 4 ? callee : callee.replace("__builtin_", "")), written(tu, s), pointed(s.qualType()),
                written(tu, d), types.canonical(dst) instanceof CType.Builtin cb ? cb.name() : b.name());
    }

    /**
     * A cast that makes integer or floating storage hold pointers: {@code (char **)(code + 2)} with {@code code} an
     * {@code unsigned long *}, whether stored through at once ({@code *(char **)(code + 2) = s},
     * {@code ((char **)words)[i] = s}) or kept ({@code char **slot = (char **)code; *slot = s;}). A pointer stored so is
     * hidden from talent as by {@link #pointerCopy} (a restored program read through the old address and crashed).
     * Returns the cast and what the runtime's note says, or null when {@code cast} is none. Character storage is left to
     * heap_write.c's scan, as for copies; a {@code void *} operand (a generic slot) is not known.
     */
    public record PointerStore(Node cast, String what) {}

    public static PointerStore pointerStore(TranslationUnit tu, TypeResolver types, Node cast) {
        if (!cast.is("CStyleCastExpr") || cast.inner().isEmpty()) return null;
        Node operand = sourceOf(types, cast.child(0));
        CType storage = pointee(types, cast.child(0));
        if (operand == null || !(storage instanceof CType.Builtin b) || b.name().equals("void") || isCharacter(types, storage)) return null;
        try {
            if (!(types.canonical(CTypeParser.parse(cast.qualType())) instanceof CType.Pointer to) || !holdsPointer(types, to.to(), 0)) {
                return null;
            }
            Node assign = assignedThrough(cast);
            String into = "'" + written(tu, operand) + "' (" + b.name() + ")";
            if (assign != null) {
                Node value = Ast.strip(assign.child(1));
                return new PointerStore(cast, new PointerCopy("a store through '(" + cast.qualType() + ")'", value == null ? "?" : written(tu, value),
                        TypeResolver.spell(to.to()), written(tu, operand), b.name()).describe());
            }
            return new PointerStore(cast, into + " cast to '" + cast.qualType() + "', through which pointers may be stored");
        } catch (RuntimeException unknownType) { // a spelling this unit's resolver does not know
            return null;
        }
    }

    /** The assignment whose left side is {@code *cast} or {@code cast[i]}, or null. */
    private static Node assignedThrough(Node cast) {
        Use use = use(cast, PARENS);
        Node base = use.at();
        Node p = use.parent();
        if (p == null) return null;
        boolean deref = p.is("UnaryOperator") && p.attr("opcode").equals("*");
        boolean subscript = p.is("ArraySubscriptExpr") && !p.inner().isEmpty() && p.child(0) == base;
        if (!deref && !subscript) return null;
        Node lhs = p;
        Node q = lhs.parent();
        while (q != null && q.is("ParenExpr")) {
            lhs = q;
            q = q.parent();
        }
        if (q == null || q.inner().size() != 2 || q.child(0) != lhs) return null;
        boolean assign = (q.is("BinaryOperator") && q.attr("opcode").equals("=")) || q.is("CompoundAssignOperator");
        return assign ? q : null;
    }

    /** The type a pointer type's spelling points to ("const char **": "const char *"); another type as it is. */
    private static String pointed(String qualType) {
        return qualType.endsWith("*") ? qualType.substring(0, qualType.length() - 1).strip() : qualType;
    }

    /** An argument with the conversions to {@code void *} looked through (the expression whose type {@link #pointee} reads). */
    private static Node sourceOf(TypeResolver types, Node arg) {
        Node e = Ast.strip(arg);
        while (e != null && e.is("CStyleCastExpr") && !e.inner().isEmpty() && isVoidPointer(types, e.qualType())) {
            e = Ast.strip(e.child(0));
        }
        return e;
    }

    /** Whether t is a pointer or holds one (a struct, union or array member or element); incomplete types do not. */
    private static boolean holdsPointer(TypeResolver types, CType type, int depth) {
        CType t = types.canonical(type);
        if (depth > 16) return false;
        return switch (t) {
            case CType.Pointer p -> true;
            case CType.Array a -> holdsPointer(types, a.elem(), depth + 1);
            case CType.Tagged g -> {
                if (g.tag().equals("enum")) yield false;
                Node rec = types.record(g);
                if (rec == null || !rec.flag("completeDefinition")) yield false;
                for (Node f : rec.inner()) {
                    if (!f.is("FieldDecl")) continue;
                    try {
                        if (holdsPointer(types, CTypeParser.parse(f.qualType()), depth + 1)) yield true;
                    } catch (RuntimeException unknownType) {
                        // a member type this unit's resolver does not know: not counted
                    }
                }
                yield false;
            }
            default -> false;
        };
    }

    /**
     * A cast of a pointer to a number to a pointer to characters ({@code (const unsigned char *)&key} with {@code key}
     * an {@code int}): the program reads the number's bytes one by one, as a hash function over a key's bytes does
     * (uthash's {@code HASH_FIND_INT}, {@code HASH_ADD_INT}: Jenkins' hash of the int's bytes picks the bucket, and
     * the hash is kept in every element). What it computes from them depends on the byte order (and, for a
     * {@code long}, on the width): a restarted program on the other byte order computes other hashes for the same
     * keys, finds nothing in the buckets the writer filled and goes on with exit 0. Only casts to {@code unsigned char *}
     * (and {@code uint8_t *}), how byte-wise hashes and encoders read, count: a {@code char *} to a number is as often a
     * byte pointer for offset arithmetic or one past a member (OnePastTheEndIT). Only scalar pointees count: a
     * struct pointer cast to {@code char *} is mostly offset arithmetic ({@code container_of}, uthash's own
     * {@code ELMT_FROM_HH}), which reads no bytes; a pointer's bytes hashed ({@code HASH_ADD_PTR}) differ after any
     * restart, not only across byte orders, and are not seen here.
     */
    private void punned(TranslationUnit tu, TypeResolver types, Node body, Node cast) {
        if (!cast.inner().isEmpty() && !isCharacterPointer(types, cast.qualType())) {
            characterArrayAsNumbers(tu, types, cast);
            return;
        }
        if (cast.inner().isEmpty()) return;
        boolean unsigned = isUnsignedCharPointer(types, cast.qualType());
        Node e = Ast.strip(cast.child(0));
        if (e == null) return;
        CType viewed;
        boolean address = e.is("UnaryOperator") && e.attr("opcode").equals("&");
        boolean array;
        try {
            CType t = types.canonical(CTypeParser.parse(e.qualType()));
            array = t instanceof CType.Array;
            if (t instanceof CType.Pointer p) viewed = types.canonical(p.to());
            else if (t instanceof CType.Array a) viewed = types.canonical(a.elem());
            else return;
            while (viewed instanceof CType.Array a) viewed = types.canonical(a.elem());
        } catch (RuntimeException unknownType) { // a spelling this unit's resolver does not know
            return;
        }
        if ((address || array) && unsigned && viewed instanceof CType.Pointer) {
            // a pointer's own bytes (uthash's HASH_ADD_PTR): refused where they are computed from
            Refusal r = pointerBytes(tu, cast, e, viewed, "read through '" + cast.qualType() + "'");
            String param = flowsTo(cast, r, null);
            if (param == null && computed(body, cast)) refusals.add(r);
            return;
        }
        boolean scalar = (viewed instanceof CType.Builtin) || (viewed instanceof CType.Tagged g && g.tag().equals("enum"));
        if (!scalar || !orderBound(types, viewed, 0)) return;
        Copy c = new Copy(tu.pos(cast.position()), TypeResolver.spell(viewed), false, layoutBound(types, viewed, false, 0),
                PUNNED, cast.qualType(), false);
        if (address) {
            // the address of a number (&key, &node->id) through unsigned char: its bytes, whatever reads them; through
            // char or signed char (as often a byte pointer for offset arithmetic, read back through another cast) only
            // where this function loads its bytes as characters and computes from them, or where it is kept beyond
            // this function's sight (a global, a member, an element, returned)
            if (unsigned || escapes(tu, cast) || computed(body, cast, types)) found.add(c);
            return;
        }
        // an array of numbers seen as bytes ((const unsigned char *)words) is computed from where the view is
        // read in arithmetic, here or in a function of the program it is passed to; a pointer of a number's type is
        // as often a buffer of numbers reused as bytes (bzip2's block = (UChar *)arr2, written and read byte by byte,
        // whose block the heap binds at run time while both views point into it), so it counts only passed at once
        // to a parameter of the program's that computes from its bytes (crc((const unsigned char *)p, n))
        // to a parameter of the program's that computes from its bytes (crc((const unsigned char *)p, n)); a named
        // array's view kept where this function does not see its reads (a global, a member, ...) counts too, and a
        // char or signed char view of one counts where its loads are characters
        String param = flowsTo(cast, null, c);
        if (param == null && array && (escapes(tu, cast) || (unsigned ? computed(body, cast) : computed(body, cast, types))))
            found.add(c);
    }

    /**
     * Whether a view is stored where the function's body does not show its reads: a global or static variable, a
     * member, an element or through a pointer, an initializer list, or returned.
     */
    private static boolean escapes(TranslationUnit tu, Node view) {
        Use use = use(view, PARENS_AND_CASTS);
        Node at = use.at();
        Node p = use.parent();
        if (p == null) return false;
        if (p.is("VarDecl")) return !automatic(p);
        if (p.is("BinaryOperator") && p.attr("opcode").equals("=") && p.inner().size() == 2 && p.child(1) == at) {
            Node lhs = Ast.strip(p.child(0));
            if (lhs != null && lhs.is("DeclRefExpr") && lhs.referencedDecl().path("kind").asText().equals("VarDecl")) {
                Node d = tu.byId(Ast.referencedDeclId(lhs));
                return d == null || !automatic(d);
            }
            return true;
        }
        return p.is("ReturnStmt") || p.is("InitListExpr");
    }

    /** A variable of a function's own, neither static nor extern. */
    private static boolean automatic(Node varDecl) {
        String storage = varDecl.attr("storageClass");
        Node parent = varDecl.parent();
        while (parent != null && parent.is("DeclStmt")) parent = parent.parent();
        return !storage.equals("static") && !storage.equals("extern") && parent != null && !parent.is("TranslationUnitDecl");
    }

    /**
     * A pointer into a character array the program names, converted to a pointer to a number
     * ({@code *(int *)(T + A + S * (B & 31))}, fairymax 5.0b's hash keys read from {@code signed char T[8200]}): a
     * checkpoint carries the array as bytes, so on an ISA of the other byte order the same bytes read as other numbers,
     * which no longer match what the program computed from them before the stop (fairymax's hash table: other moves,
     * exit 0). Only a named array counts: a {@code char *} may point into storage of numbers, a buffer reused as bytes.
     */
    private void characterArrayAsNumbers(TranslationUnit tu, TypeResolver types, Node cast) {
        if (!isCharacterPointer(types, cast.child(0).qualType())) return;
        CType viewed;
        try {
            viewed = types.pointee(cast.qualType()).map(types::canonical).orElse(null);
        } catch (RuntimeException unknownType) { // a spelling this unit's resolver does not know
            return;
        }
        boolean scalar = (viewed instanceof CType.Builtin) || (viewed instanceof CType.Tagged g && g.tag().equals("enum"));
        if (!scalar || !orderBound(types, viewed, 0)) return;
        Node array = characterArray(types, cast.child(0), 0);
        if (array == null) return;
        found.add(new Copy(tu.pos(cast.position()), TypeResolver.spell(viewed), false, layoutBound(types, viewed, false, 0),
                AS_NUMBERS, written(tu, array), false));
    }

    /** The named character array a pointer expression points into ({@code T + i + j}, {@code &buf[i]}), or null. */
    private static Node characterArray(TypeResolver types, Node expr, int depth) {
        Node e = Ast.strip(expr);
        if (e == null || depth > 16) return null;
        if (e.is("BinaryOperator") && (e.attr("opcode").equals("+") || e.attr("opcode").equals("-")) && e.inner().size() == 2) {
            for (Node operand : e.inner()) {
                if (types.pointee(operand.qualType()).isPresent()) return characterArray(types, operand, depth + 1);
            }
            return null;
        }
        if (e.is("UnaryOperator") && e.attr("opcode").equals("&") && !e.inner().isEmpty()) {
            Node sub = Ast.strip(e.child(0));
            return sub != null && sub.is("ArraySubscriptExpr") && !sub.inner().isEmpty()
                    ? characterArray(types, sub.child(0), depth + 1) : null;
        }
        if (!e.is("DeclRefExpr") && !e.is("MemberExpr")) return null;
        try {
            return types.canonical(CTypeParser.parse(e.qualType())) instanceof CType.Array a && isCharacter(types, a.elem())
                    ? e : null;
        } catch (RuntimeException unknownType) {
            return null;
        }
    }

    /** The refusal of a pointer's bytes computed from: e as written, its type and how its bytes are reached. */
    private static Refusal pointerBytes(TranslationUnit tu, Node at, Node e, CType pointer, String how) {
        return new Refusal(tu, at, "the bytes of the pointer '" + written(tu, e) + "' (" + TypeResolver.spell(pointer) + ") are "
                + how + " and computed from (a hash of an address, as uthash's HASH_ADD_PTR takes): after any restart,"
                + " even on this ISA, blocks and frames lie at other addresses, so what was computed from the old"
                + " ones (a bucket, a kept hash) no longer matches and the program would go on with other results",
                "compute from what the pointer designates (an id kept in the object, a counter given at its creation)"
                + " instead of its address");
    }

    /**
     * Where a byte view goes when it is an argument of a direct call to a function the program defines: that
     * parameter ("g#j"), pending until every function is scanned (the copy or the refusal counts if the function
     * computes through it); null when it goes elsewhere.
     */
    private String flowsTo(Node view, Refusal refusal, Copy copy) {
        Use use = use(view, PARENS);
        Node at = use.at();
        Node p = use.parent();
        if (p == null || !p.is("CallExpr") || p.inner().isEmpty() || p.child(0) == at) return null;
        String callee = Ast.directCallee(p);
        if (callee == null || !defined.contains(callee)) return null;
        String param = callee + "#" + (p.inner().indexOf(at) - 1);
        pending.add(new Pending(param, copy, refusal));
        return param;
    }

    /**
     * The pointer parameters of a function of the program through which it computes from bytes: a parameter of a
     * character pointer type, or a {@code void *} one converted to a character pointer (explicitly, or implicitly by
     * {@code const unsigned char *b = data}), whose bytes are loaded and used in arithmetic, a comparison, a call or
     * a return ({@code h = (h ^ b[i]) * 16777619u}); a load only stored ({@code d[i] = s[i]}, a program's own memcpy
     * or swap of elements) computes nothing. A parameter passed on to another function's parameter computes if that
     * one does ({@link #computes}).
     */
    private void parameters(TypeResolver types, Node body, Node decl, String function) {
        int index = 0;
        for (Node param : decl.inner()) {
            if (!param.is("ParmVarDecl")) continue;
            String key = function + "#" + index++;
            boolean characters = isCharacterPointer(types, param.qualType());
            if (!characters && !isVoidPointer(types, param.qualType())) continue;
            Set<String> views = new HashSet<>();
            views.add(param.id());
            // locals initialised with (or assigned) the parameter seen as characters: const unsigned char *b = data
            body.walk(n -> {
                if (n.is("VarDecl") && !n.inner().isEmpty() && isCharacterPointer(types, n.qualType())
                        && refersTo(n.child(n.inner().size() - 1), param.id())) {
                    views.add(n.id());
                }
            });
            boolean[] computes = {false};
            body.walk(n -> {
                if (computes[0] || !n.is("DeclRefExpr") || !views.contains(Ast.referencedDeclId(n))) return;
                boolean direct = Ast.referencedDeclId(n).equals(param.id());
                if ((characters || !direct || characterView(types, n)) && loadComputed(n)) computes[0] = true;
                Use use = use(n, PARENS_AND_CASTS);
                Node at = use.at();
                Node p = use.parent();
                if (p != null && p.is("CallExpr") && p.child(0) != at) {
                    String callee = Ast.directCallee(p);
                    if (callee != null) passedTo.computeIfAbsent(callee + "#" + (p.inner().indexOf(at) - 1), k -> new HashSet<>()).add(key);
                }
            });
            if (computes[0]) computing.add(key);
        }
    }

    /** Whether e (a void * parameter) is converted to a character pointer on its way up (a cast, explicit or not). */
    private static boolean characterView(TypeResolver types, Node e) {
        for (Node p = e.parent(); p != null && (p.is("ParenExpr") || p.is("ImplicitCastExpr") || p.is("CStyleCastExpr")); p = p.parent()) {
            if ((p.is("ImplicitCastExpr") || p.is("CStyleCastExpr")) && isCharacterPointer(types, p.qualType())) return true;
        }
        return false;
    }

    /** Whether e refers (through parentheses and casts) to the declaration id. */
    private static boolean refersTo(Node e, String id) {
        Node x = e;
        while (x != null && (x.is("ParenExpr") || x.is("ImplicitCastExpr") || x.is("CStyleCastExpr")) && !x.inner().isEmpty()) {
            x = x.child(0);
        }
        return x != null && x.is("DeclRefExpr") && Ast.referencedDeclId(x).equals(id);
    }

    /**
     * Whether a byte view (an expression of a character pointer type) is computed from in this body: loaded at once
     * ({@code ((const unsigned char *)&p)[i]} in arithmetic), or kept in a local variable through which loads are.
     */
    private static boolean computed(Node body, Node view) {
        return computed(body, view, null);
    }

    /** As {@link #computed(Node, Node)}; with {@code types}, only loads of characters count (not {@code *(double *)p}). */
    private static boolean computed(Node body, Node view, TypeResolver types) {
        if (loadComputed(view, types)) return true;
        Use use = use(view, PARENS);
        Node at = use.at();
        Node p = use.parent();
        String local = null;
        if (p != null && p.is("VarDecl")) local = p.id();
        else if (p != null && p.is("BinaryOperator") && p.attr("opcode").equals("=") && p.child(1) == at) {
            Node lhs = Ast.strip(p.child(0));
            if (lhs != null && lhs.is("DeclRefExpr") && lhs.referencedDecl().path("kind").asText().equals("VarDecl")) local = Ast.referencedDeclId(lhs);
        }
        if (local == null) return false;
        String id = local;
        boolean[] computes = {false};
        body.walk(n -> {
            if (!computes[0] && n.is("DeclRefExpr") && Ast.referencedDeclId(n).equals(id) && loadComputed(n, types)) computes[0] = true;
        });
        return computes[0];
    }

    /**
     * Whether the byte loaded through pointer expression e ({@code e[i]}, {@code *e}, {@code *e++}, {@code *(e + i)})
     * is used in a computation: anything but being stored as it is ({@code d[i] = e[i]}, {@code char t = *e}).
     */
    private static boolean loadComputed(Node e) {
        return loadComputed(e, null);
    }

    /** As {@link #loadComputed(Node)}; with {@code types}, only a load of a character counts. */
    private static boolean loadComputed(Node e, TypeResolver types) {
        Node at = e;
        Node p = at.parent();
        while (p != null && (p.is("ParenExpr") || p.is("ImplicitCastExpr") || p.is("CStyleCastExpr")
                || (p.is("UnaryOperator") && (p.attr("opcode").equals("++") || p.attr("opcode").equals("--")))
                || (p.is("BinaryOperator") && (p.attr("opcode").equals("+") || p.attr("opcode").equals("-"))
                    && p.qualType().endsWith("*")))) {
            at = p;
            p = p.parent();
        }
        if (p == null) return false;
        boolean load = (p.is("ArraySubscriptExpr") && p.child(0) == at) || (p.is("UnaryOperator") && p.attr("opcode").equals("*"));
        if (!load) return false;
        if (types != null && !isCharacterValue(types, p.qualType())) return false;
        Node v = p;
        Node u = v.parent();
        while (u != null && (u.is("ParenExpr") || u.is("ImplicitCastExpr"))) {
            if (u.is("ImplicitCastExpr") && !u.attr("castKind").equals("LValueToRValue") && !u.attr("castKind").contains("Integral")) break;
            v = u;
            u = u.parent();
        }
        if (v == p) return false; // no rvalue conversion: stored to, or its address taken
        if (u == null) return false;
        if (u.is("BinaryOperator") && u.attr("opcode").equals("=") && u.inner().size() == 2 && u.child(1) == v) return false;
        return !u.is("VarDecl");
    }

    /**
     * The calls that pass a number's or a pointer's storage to a parameter of the program's functions: an address
     * ({@code hash(&key, sizeof key)}), an array or a pointer of a number's type, converted to {@code void *} on the
     * way; pending until it is known whether that parameter computes from bytes.
     */
    private void viewsPassed(TranslationUnit tu, TypeResolver types, Node call) {
        String callee = Ast.directCallee(call);
        if (callee == null || !defined.contains(callee)) return;
        for (int j = 1; j < call.inner().size(); j++) {
            Node arg = call.child(j);
            Node e = Ast.strip(arg);
            boolean converted = false;
            while (e != null && e.is("CStyleCastExpr") && !e.inner().isEmpty() && isVoidPointer(types, e.qualType())) {
                e = Ast.strip(e.child(0));
                converted = true;
            }
            if (e == null || (!converted && !(arg.is("ImplicitCastExpr") && isVoidPointer(types, arg.qualType())))) continue;
            CType viewed;
            boolean address = e.is("UnaryOperator") && e.attr("opcode").equals("&");
            try {
                CType t = types.canonical(CTypeParser.parse(e.qualType()));
                if (t instanceof CType.Pointer p) viewed = types.canonical(p.to());
                else if (t instanceof CType.Array a) viewed = types.canonical(a.elem());
                else continue;
                while (viewed instanceof CType.Array a) viewed = types.canonical(a.elem());
            } catch (RuntimeException unknownType) { // a spelling this unit's resolver does not know
                continue;
            }
            String param = callee + "#" + (j - 1);
            if (viewed instanceof CType.Pointer) {
                if (address || types.canonical(CTypeParser.parse(e.qualType())) instanceof CType.Array) {
                    pending.add(new Pending(param, null, pointerBytes(tu, call, e, viewed, "passed to '" + callee + "'")));
                }
                continue;
            }
            boolean scalar = (viewed instanceof CType.Builtin) || (viewed instanceof CType.Tagged g && g.tag().equals("enum"));
            boolean record = viewed instanceof CType.Tagged g && !g.tag().equals("enum");
            if (!(scalar || (record && address)) || !orderBound(types, viewed, 0)) continue;
            pending.add(new Pending(param, new Copy(tu.pos(call.position()), TypeResolver.spell(viewed), false,
                    layoutBound(types, viewed, false, 0), PASSED, "'" + written(tu, e) + "' passed to '" + callee + "'", false), null));
        }
    }

    /** The parameters ("f#i") through which the program computes from bytes, directly or by passing them on. */
    private Set<String> computes() {
        Set<String> all = new HashSet<>(computing);
        ArrayDeque<String> work = new ArrayDeque<>(computing);
        while (!work.isEmpty()) {
            for (String caller : passedTo.getOrDefault(work.pop(), Set.of())) {
                if (all.add(caller)) work.push(caller);
            }
        }
        return all;
    }

    /** The pointers' bytes computed from: each refuses the build ({@link Refusal}). */
    public List<Refusal> refusals() {
        Set<String> computes = computes();
        Map<String, Refusal> out = new LinkedHashMap<>();
        for (Refusal r : refusals) out.putIfAbsent(r.tu().pos(r.at().position()), r);
        for (Pending p : pending) {
            if (p.refusal() != null && computes.contains(p.param())) out.putIfAbsent(p.refusal().tu().pos(p.refusal().at().position()), p.refusal());
        }
        return List.copyOf(out.values());
    }

    /** {@link Copy#call} of a number's bytes read in a function it is passed to ({@link #viewsPassed}). */
    public static final String PASSED = "(passed)";

    /** {@link Copy#call} of a number's bytes read through a character pointer ({@link #punned}). */
    public static final String PUNNED = "(cast)";
    /** {@link Copy#call} of a {@code memcmp} whose sign is used ({@link #compared}). */
    public static final String COMPARED = "(memcmp)";
    /** {@link Copy#call} of a generic comparator's {@code memcmp} over what it is given ({@link #functionUse}). */
    public static final String COMPARED_BY = "(memcmp comparator)";
    /** {@link Copy#call} of a character array read as numbers ({@link #characterArrayAsNumbers}). */
    public static final String AS_NUMBERS = "(as numbers)";

    /** A raw I/O call whose buffer is a number, pointer or struct in this ISA's representation. */
    private void io(TranslationUnit tu, TypeResolver types, Node call, String callee, int buffer) {
        if (call.inner().size() <= buffer + 1) return;
        buffer(tu, types, call, callee, call.child(buffer + 1), IO_WRITES.contains(callee));
    }

    /** A buffer of raw I/O at {@code at}: recorded if it points to bytes in this ISA's representation. */
    private void buffer(TranslationUnit tu, TypeResolver types, Node at, String callee, Node arg, boolean writes) {
        Node e = Ast.strip(arg);
        // casts to void * or to a character pointer say nothing of what the buffer holds: look through them
        while (e != null && e.is("CStyleCastExpr") && !e.inner().isEmpty()
                && (isVoidPointer(types, e.qualType()) || isCharacterPointer(types, e.qualType()))) {
            e = Ast.strip(e.child(0));
        }
        if (e == null) return;
        CType pointee;
        try {
            CType t = types.canonical(CTypeParser.parse(e.qualType()));
            if (t instanceof CType.Pointer p) pointee = types.canonical(p.to());
            else if (t instanceof CType.Array a) pointee = types.canonical(a.elem());
            else return;
        } catch (RuntimeException unknownType) { // a spelling this unit's resolver does not know
            return;
        }
        if (!orderBound(types, pointee, 0)) return;
        found.add(new Copy(tu.pos(at.position()), spelling(e), writes, layoutBound(types, pointee, false, 0),
                callee, written(tu, e), true));
    }

    /** The buffer expression as the program wrote it (or the variable it names, when a macro wrote it). */
    private static String written(TranslationUnit tu, Node e) {
        if (tu.isMacroFree(e) && e.begin().offset() >= 0) {
            int from = e.begin().offset();
            int to = Ast.rangeEnd(tu.text(), e);
            if (to > from && to <= tu.text().length()) {
                String s = tu.text().substring(from, to).replaceAll("\\s+", " ").strip();
                return s.length() > 60 ? s.substring(0, 57) + "..." : s;
            }
        }
        String[] name = {null};
        e.walk(x -> {
            if (name[0] == null && x.is("DeclRefExpr") && !Ast.isFunctionRef(x)) {
                name[0] = x.referencedDecl().path("name").asText();
            }
        });
        return name[0] != null ? name[0] : "?";
    }

    /**
     * Whether a copy from src storage into dst storage (neither of characters) lands the bytes of one type in storage
     * that a checkpoint carries in units of another size: a double copied into {@code unsigned short} words (mujs's
     * bytecode), a struct into an int array. Each side is carried in its own byte order, so on an ISA of the other
     * byte order the bytes come back in another order and the program reads other values with exit 0. Copies between
     * the same type, and between scalars of one size (an int's bytes into a float: each swapped as one unit, which
     * keeps the bits), do not; {@code void} on either side (a generic container) is not known; a side holding a
     * pointer is {@link #pointerCopy}'s.
     */
    static boolean reinterprets(TypeResolver types, CType dst, CType src) {
        if (isVoid(types, dst) || isVoid(types, src)) return false;
        // a pointer's bytes in numbers: every checkpoint after such a copy is refused (pointerCopy), and before it
        // nothing is hidden, so binding the byte order would only keep earlier checkpoints from moving
        if (holdsPointer(types, dst, 0) || holdsPointer(types, src, 0)) return false;
        if (unqualified(types, dst).equals(unqualified(types, src))) return false;
        if (socketAddress(types, dst) && socketAddress(types, src)) return false;
        long d = grain(types, dst, 0);
        long s = grain(types, src, 0);
        return d <= 0 || d != s;
    }

    /** The C library's socket addresses: their families are carried as numbers at byte 0, their ports, addresses
     * and flow labels as bytes, an IPv6 scope id as a number at byte 24 (emit.TypeDescriptors, the runtime's
     * sockaddrtype.c), so a copy from one into another ({@code memcpy(&ss, res->ai_addr, res->ai_addrlen)}) keeps
     * the meaning of every byte on every ISA. */
    private static final java.util.Set<String> SOCKET_ADDRESSES =
            java.util.Set.of("sockaddr", "sockaddr_in", "sockaddr_in6", "sockaddr_storage", "sockaddr_un");

    private static boolean socketAddress(TypeResolver types, CType t) {
        if (!(types.canonical(t) instanceof CType.Tagged g) || !g.tag().equals("struct") || g.isAnonymous()
                || !SOCKET_ADDRESSES.contains(g.name())) {
            return false;
        }
        Node rec = types.record(g);
        return rec != null && types.isLibraryRecord(rec);
    }

    private static String unqualified(TypeResolver types, CType t) {
        return TypeResolver.spell(types.canonical(t)).replaceAll("\\b(const|volatile|restrict)\\b", "").replaceAll("\\s+", " ").strip();
    }

    /** The size of the scalars t is carried in (an array's element's), or 0 for a struct, union, pointer or unknown. */
    private static long grain(TypeResolver types, CType type, int depth) {
        CType t = types.canonical(type);
        if (depth > 16) return 0;
        return switch (t) {
            case CType.Builtin b -> switch (b.name().replaceAll("\\b(const|volatile)\\b", "").strip()) {
                case "_Bool" -> 1;
                case "short", "unsigned short" -> 2;
                case "int", "unsigned int", "float" -> 4;
                case "long", "unsigned long", "long long", "unsigned long long", "double" -> 8;
                default -> 0;
            };
            case CType.Array a -> grain(types, a.elem(), depth + 1);
            case CType.Tagged g -> g.tag().equals("enum") ? 4 : 0;
            default -> 0;
        };
    }

    /**
     * Whether the bytes of t depend on the byte order: any scalar wider than a byte in it. Characters, {@code _Bool}
     * and structs or arrays of them read alike on every ISA; an incomplete struct is taken as bound.
     */
    private static boolean orderBound(TypeResolver types, CType type, int depth) {
        CType t = types.canonical(type);
        if (depth > 16) return true;
        return switch (t) {
            case CType.Builtin b -> !(isCharacter(types, b) || b.name().equals("_Bool") || b.name().equals("void"));
            case CType.Array a -> orderBound(types, a.elem(), depth + 1);
            case CType.Tagged g -> {
                if (g.tag().equals("enum")) yield true;
                Node rec = types.record(g);
                if (rec == null || !rec.flag("completeDefinition")) yield true;
                boolean any = false;
                for (Node f : rec.inner()) {
                    if (!f.is("FieldDecl")) continue;
                    try {
                        if (orderBound(types, CTypeParser.parse(f.qualType()), depth + 1)) any = true;
                    } catch (RuntimeException unknownType) {
                        any = true;
                    }
                }
                yield any;
            }
            default -> true;
        };
    }

    /**
     * Whether t's size or layout may differ between i686 and the LP64 ISAs: long, pointers and long double anywhere,
     * and, inside a struct or union, the 8-byte scalars i686 aligns to 4 (double, long long). Bit-fields and
     * incomplete types: bound (conservative).
     */
    static boolean layoutBound(TypeResolver types, CType type, boolean member, int depth) {
        CType t = types.canonical(type);
        if (depth > 16) return true;
        return switch (t) {
            case CType.Builtin b -> switch (b.name()) {
                case "long", "unsigned long", "long double" -> true;
                case "double", "long long", "unsigned long long" -> member;
                default -> b.name().contains("_Complex") || b.name().contains("128");
            };
            case CType.Array a -> layoutBound(types, a.elem(), member, depth + 1);
            case CType.Tagged g -> {
                if (g.tag().equals("enum")) yield false;
                Node rec = types.record(g);
                if (rec == null || !rec.flag("completeDefinition")) yield true;
                boolean any = false;
                for (Node f : rec.inner()) {
                    if (!f.is("FieldDecl")) continue;
                    if (f.flag("isBitfield")) any = true;
                    try {
                        if (layoutBound(types, CTypeParser.parse(f.qualType()), true, depth + 1)) any = true;
                    } catch (RuntimeException unknownType) {
                        any = true;
                    }
                }
                yield any;
            }
            default -> true;
        };
    }

    public List<Copy> copies() {
        List<Copy> all = new ArrayList<>(found);
        Set<String> computes = computes();
        for (Pending p : pending) {
            if (p.copy() != null && computes.contains(p.param()) && !all.contains(p.copy())) all.add(p.copy());
        }
        for (FunctionUse u : functionUses) {
            String memcmp = comparesParameters.get(u.function());
            if (memcmp == null || !u.binds()) continue;
            String given = u.what().isEmpty() ? "" : " given '" + u.what() + "'";
            Copy c = new Copy(u.at(), u.type().isEmpty() ? "not seen" : u.type(), false, u.widthBound(), COMPARED_BY,
                    "'" + u.function() + "' (memcmp at " + memcmp + ")" + given, false);
            if (!all.contains(c)) all.add(c);
        }
        return List.copyOf(all);
    }

    /** The type an argument points to (after the conversion to void *; an array's element), or null if not known. */
    private static CType pointee(TypeResolver types, Node arg) {
        Node e = sourceOf(types, arg);
        if (e == null) return null;
        try {
            CType t = types.canonical(CTypeParser.parse(e.qualType()));
            if (t instanceof CType.Pointer p) return types.canonical(p.to());
            if (t instanceof CType.Array a) return types.canonical(a.elem());
        } catch (RuntimeException unknownType) { // a spelling this unit's resolver does not know
            return null;
        }
        return null;
    }

    private static String spelling(Node arg) {
        Node e = Ast.strip(arg);
        while (e != null && e.is("CStyleCastExpr") && !e.inner().isEmpty()) e = Ast.strip(e.child(0));
        String t = e == null ? "" : e.qualType();
        if (t.endsWith(" *")) return t.substring(0, t.length() - 2);
        int bracket = t.indexOf('[');
        return bracket > 0 ? t.substring(0, bracket).strip() : t;
    }

    private static boolean isVoidPointer(TypeResolver types, String qualType) {
        return types.pointee(qualType).filter(t -> isVoid(types, t)).isPresent();
    }

    private static boolean isIovec(TypeResolver types, String qualType) {
        try {
            return types.canonical(CTypeParser.parse(qualType)) instanceof CType.Tagged g && g.tag().equals("struct")
                    && g.name().equals("iovec");
        } catch (RuntimeException unknownType) {
            return false;
        }
    }

    private static boolean isCharacterValue(TypeResolver types, String qualType) {
        try {
            return isCharacter(types, CTypeParser.parse(qualType));
        } catch (RuntimeException unknownType) { // a spelling this unit's resolver does not know
            return false;
        }
    }

    private static boolean isCharacterPointer(TypeResolver types, String qualType) {
        return types.pointee(qualType).filter(t -> isCharacter(types, t)).isPresent();
    }

    private static boolean isUnsignedCharPointer(TypeResolver types, String qualType) {
        return types.pointee(qualType).filter(t -> t instanceof CType.Builtin b && b.name().equals("unsigned char")).isPresent();
    }

    private static boolean isVoid(TypeResolver types, CType t) {
        return types.canonical(t) instanceof CType.Builtin b && b.name().equals("void");
    }

    private static boolean isCharacter(TypeResolver types, CType t) {
        return types.canonical(t) instanceof CType.Builtin b
                && (b.name().equals("char") || b.name().equals("signed char") || b.name().equals("unsigned char"));
    }

    /** Whether t's size or layout may differ between i686 and the LP64 ISAs (long, pointers, structs: conservative). */
    private static boolean widthBound(TypeResolver types, CType type, int depth) {
        CType t = types.canonical(type);
        if (depth > 16) return true;
        return switch (t) {
            case CType.Builtin b -> b.name().equals("long") || b.name().equals("unsigned long") || b.name().equals("long double");
            case CType.Pointer p -> true;
            case CType.Array a -> widthBound(types, a.elem(), depth + 1);
            case CType.Tagged g -> !g.tag().equals("enum");
            default -> true;
        };
    }
}
