package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which members of each union variable of the program (a local, a global, a parameter, or a union member of a struct
 * variable, accessed by name: {@code f.e.c}, {@code s.u.x}) it writes and reads, in every function body, to find a
 * union written through one member and read through another whose bytes are numbers of other
 * sizes ({@code union { long code; struct { char c; unsigned short ent; } e; }}: compress 4.2's hash key). The value
 * read depends on the byte order, and so does whatever the program computed from it (a hash table of such keys).
 * The checkpoint itself is exact, but its values mean other things on an ISA of the other byte order: such a
 * build's checkpoints do not move between big- and little-endian ISAs ({@link #byteOrderPuns}; the program table
 * gets a fingerprint per byte order, so the restore is refused, exit 65). Same-sized numbers at the same place (a
 * long and a double, a pointer and a long, tagged unions) read alike on both byte orders and are not reported.
 * The layouts compared are those of the LP64 ISAs (x86_64, aarch64, riscv64 and big-endian s390x agree on sizes and
 * offsets). Not seen here: unions reached through a pointer or an array element ({@code p->u.x}, {@code v[i].x}: which
 * object is written and which read cannot be told from the text, and per type a parser generator's value stack, written
 * through one member by a rule and read through another by the next, would look the same), and type punning through
 * pointer casts ({@code *(uint32_t *) bytes}). A write and a read in different arms of one test of the union's tag
 * ({@link #tagTests}: libyaml's switch on {@code node.type} freeing {@code node.data.scalar.value} in one case and
 * {@code node.data.sequence.items} in another) never meet on one value and are no pun. Pointers stored
 * through a member other than the first are the runtime's check (values.c, union_check_pointers).
 */
public final class UnionMembers {
    /** A union written through {@code written} and read through {@code read}, whose bytes differ in meaning by byte order. */
    public record Pun(String union, String variable, String written, String writtenAt, String read, String readAt) {
        public String describe() {
            return "union '" + union + "' in variable '" + variable + "' is written through member '" + written + "' ("
                    + writtenAt + ") and read through '" + read + "' (" + readAt + "), whose bytes hold numbers of other sizes";
        }
    }

    private static final int MAX_FRAGMENTS = 1024;

    /** A scalar's bytes in a member: offset and size (LP64). */
    private record Fragment(long offset, long size) {}

    /** Per union (by name), per member: its fragments (null: unknown layout). */
    private record UnionInfo(Map<String, List<Fragment>> fragments) {}

    /** The accesses kept per member of a union object; past them, one access that no tag test guards stands for the rest. */
    private static final int MAX_ACCESSES = 64;

    /**
     * One access of a member: a write, a read or both, where, and the tag tests it lies under: per test (a
     * {@code switch} or {@code if} on a member of the struct the union is in, by the test's node id) the arm it is in
     * and the tag it tests (unit, variable, member path: a tag the program writes by name guards nothing).
     */
    private record Access(boolean write, boolean read, String where, Map<String, String> arms, Map<String, String> tags) {}

    private final Map<String, UnionInfo> unions = new LinkedHashMap<>();
    /** Per union object (unit, variable, union), per member: its accesses (at most MAX_ACCESSES + 1). */
    private final Map<String, Map<String, List<Access>>> accesses = new LinkedHashMap<>();
    /** The members written by name on a variable (unit, variable, member path): tags that change. */
    private final java.util.Set<String> writtenPaths = new java.util.HashSet<>();
    /** Per union object: the union's name and the variable's. */
    private final Map<String, String[]> names = new LinkedHashMap<>();

    /** Records the union member accesses of one function body. */
    public void scan(TranslationUnit tu, TypeResolver types, Node body) {
        if (body == null) return;
        body.walk(n -> {
            if (!n.is("MemberExpr")) return;
            if (!n.flag("isArrow") && isWrite(lvalueTop(n))) {
                String path = memberPath(n);
                if (path != null) writtenPaths.add(tu.unitName() + "\u0000" + path);
            }
            Node field = tu.byId(n.attr("referencedMemberDecl"));
            if (field == null || !field.is("FieldDecl") || field.parent() == null) return;
            Node record = field.parent();
            if (!record.is("RecordDecl") || !"union".equals(record.attr("tagUsed"))) return;
            if (!tu.inMainFile(record.loc())) return; // the C library's unions (epoll_data, sigval) are handled where used
            String member = field.name();
            if (member.isEmpty()) return; // an anonymous struct or union member: its own members are the accesses
            Node variable = n.flag("isArrow") ? null : namedBase(n.child(0));
            if (variable == null) return; // through a pointer or an array element: which object is not known here
            String union = unionName(tu, record);
            unions.computeIfAbsent(union, k -> describe(types, record));
            // one union object: a variable (and the members of structs it is in), in this unit
            String name = tu.unitName() + "\u0000" + variable.referencedDecl().path("id").asText() + "\u0000" + union;
            names.putIfAbsent(name, new String[] {union, variable.referencedDecl().path("name").asText()});
            Node top = lvalueTop(n);
            Node parent = top.parent();
            boolean write = false;
            boolean read = true;
            if (parent != null && parent.is("BinaryOperator") && "=".equals(parent.attr("opcode")) && parent.child(0) == top) {
                write = true;
                read = false;
            } else if (parent != null && ((parent.is("CompoundAssignOperator") && parent.child(0) == top)
                    || (parent.is("UnaryOperator") && isIncDecOrAddress(parent.attr("opcode"))))) {
                write = true;
            }
            String where = tu.pos(n.position());
            List<Access> list = accesses.computeIfAbsent(name, k -> new LinkedHashMap<>())
                    .computeIfAbsent(member, k -> new ArrayList<>());
            if (list.size() < MAX_ACCESSES) {
                Map<String, String> arms = new LinkedHashMap<>();
                Map<String, String> tags = new LinkedHashMap<>();
                tagTests(tu, n, arms, tags);
                list.add(new Access(write, read, where, arms, tags));
            } else if (list.size() == MAX_ACCESSES) {
                list.add(new Access(true, true, where, Map.of(), Map.of()));
            }
        });
    }

    private static boolean isWrite(Node top) {
        Node parent = top.parent();
        if (parent == null) return false;
        boolean assigned = (parent.is("BinaryOperator") && "=".equals(parent.attr("opcode")))
                || parent.is("CompoundAssignOperator");
        return (assigned && parent.child(0) == top) || (parent.is("UnaryOperator") && isIncDecOrAddress(parent.attr("opcode")));
    }

    /**
     * The tag tests an access of a union member lies under (libyaml's {@code switch (node.type) { case
     * YAML_SCALAR_NODE: ... node.data.scalar ...; case YAML_SEQUENCE_NODE: ... node.data.sequence ... }}): a
     * {@code switch} whose condition, or an {@code if} whose condition compares ({@code ==}, {@code !=}), a member of
     * the struct the union is a member of. Per test, the arm the access is in: for a switch, the first label of the
     * run of labels that falls through into it (a label after a statement that is no {@code break}, {@code return},
     * {@code continue} or {@code goto} joins the arm before it); for an if, then or else.
     */
    private static void tagTests(TranslationUnit tu, Node access, Map<String, String> arms, Map<String, String> tags) {
        Node unionObject = strip(access.child(0));
        if (!unionObject.is("MemberExpr") || unionObject.flag("isArrow") || unionObject.inner().isEmpty()) return;
        String container = memberPath(strip(unionObject.child(0)));
        if (container == null) return;
        Node cur = access;
        while (cur.parent() != null) {
            Node p = cur.parent();
            if (p.is("CompoundStmt") && p.parent() != null && p.parent().is("SwitchStmt")
                    && p.parent().inner().size() >= 2 && p.parent().child(p.parent().inner().size() - 1) == p) {
                Node sw = p.parent();
                String tag = tagOf(sw.child(sw.inner().size() - 2), container);
                String arm = tag == null || !labelsAtTop(p) ? null : switchArm(p, cur);
                if (arm != null) {
                    arms.put(sw.id(), arm);
                    tags.put(sw.id(), tu.unitName() + "\u0000" + tag);
                }
            } else if (p.is("IfStmt") && (p.inner().size() == 2 || p.inner().size() == 3) && p.child(0) != cur) {
                Node cond = strip(p.child(0));
                if (cond.is("BinaryOperator") && ("==".equals(cond.attr("opcode")) || "!=".equals(cond.attr("opcode")))) {
                    String tag = tagOf(cond.child(0), container);
                    if (tag == null) tag = tagOf(cond.child(1), container);
                    if (tag != null) {
                        arms.put(p.id(), p.child(1) == cur ? "then" : "else");
                        tags.put(p.id(), tu.unitName() + "\u0000" + tag);
                    }
                }
            }
            cur = p;
        }
    }

    /** The member path of {@code e} when it is a member (by name, not through a pointer) of {@code container}. */
    private static String tagOf(Node e, String container) {
        Node m = strip(e);
        if (!m.is("MemberExpr") || m.flag("isArrow") || m.inner().isEmpty()) return null;
        String base = memberPath(strip(m.child(0)));
        return container.equals(base) ? memberPath(m) : null;
    }

    /** The arm of the switch body {@code body} that its statement {@code stmt} is in: its first label's node id. */
    private static String switchArm(Node body, Node stmt) {
        List<Node> s = body.inner();
        int i = s.indexOf(stmt);
        while (i >= 0 && !isLabel(s.get(i))) i--;
        if (i < 0) return null; // before the first label: never run by the switch
        while (i > 0) {
            int prev = i - 1;
            if (isJump(s.get(prev))) break;
            while (prev >= 0 && !isLabel(s.get(prev))) prev--;
            if (prev < 0) break;
            i = prev;
        }
        return s.get(i).id();
    }

    /**
     * Whether every label of the switch whose body this is stands at the body's top (no {@code case} inside a loop or
     * block of another arm, Duff's device: the arms are then not the runs between top labels).
     */
    private static boolean labelsAtTop(Node body) {
        boolean[] top = {true};
        for (Node s : body.inner()) {
            Node start = s;
            while (isLabel(start) && start.inner().size() >= 1) start = start.child(start.inner().size() - 1);
            start.walk(n -> {
                if (isLabel(n) && owningSwitchBody(n) == body) top[0] = false;
            });
        }
        return top[0];
    }

    private static Node owningSwitchBody(Node label) {
        Node cur = label;
        while (cur.parent() != null) {
            Node p = cur.parent();
            if (p.is("SwitchStmt")) return cur;
            cur = p;
        }
        return null;
    }

    private static boolean isLabel(Node n) {
        return n.is("CaseStmt") || n.is("DefaultStmt");
    }

    /** A statement after which the next one is not reached by falling through. */
    private static boolean isJump(Node n) {
        Node cur = n;
        for (int depth = 0; depth < 64; depth++) {
            if (cur.is("BreakStmt") || cur.is("ReturnStmt") || cur.is("ContinueStmt") || cur.is("GotoStmt")) return true;
            if ((isLabel(cur) || cur.is("LabelStmt") || cur.is("CompoundStmt")) && !cur.inner().isEmpty()) {
                cur = cur.child(cur.inner().size() - 1);
            } else {
                return false;
            }
        }
        return false;
    }

    private static Node strip(Node e) {
        Node cur = e;
        while ((cur.is("ImplicitCastExpr") || cur.is("ParenExpr")) && !cur.inner().isEmpty()) cur = cur.child(0);
        return cur;
    }

    /** A variable and the members named after it ({@code v}, {@code v.a.b}) as text of declaration id and names, or null. */
    private static String memberPath(Node e) {
        Node cur = strip(e);
        StringBuilder names = new StringBuilder();
        for (int depth = 0; depth < 64; depth++) {
            if (cur.is("DeclRefExpr")) {
                String id = cur.referencedDecl().path("id").asText("");
                return id.isEmpty() ? null : id + names;
            }
            if (!cur.is("MemberExpr") || cur.flag("isArrow") || cur.inner().isEmpty()) return null;
            names.insert(0, "." + cur.name() + "@" + cur.attr("referencedMemberDecl"));
            cur = strip(cur.child(0));
        }
        return null;
    }

    /**
     * Whether a write and a read never meet on one value: they lie in different arms of one test of a tag the program
     * never writes by name (one run of a switch takes one arm; the value written in one arm is read in another only
     * after the tag changed, which needs a write of the tag, or a whole new value, whose bytes are not these).
     */
    private boolean exclusive(Access w, Access r) {
        for (Map.Entry<String, String> a : w.arms().entrySet()) {
            String other = r.arms().get(a.getKey());
            if (other != null && !other.equals(a.getValue()) && !writtenPaths.contains(w.tags().get(a.getKey()))) return true;
        }
        return false;
    }

    /** Unions of the program read through another member than written, where the byte order changes what is read. */
    public List<Pun> byteOrderPuns() {
        List<Pun> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Access>>> u : accesses.entrySet()) {
            String[] name = names.get(u.getKey());
            UnionInfo info = unions.get(name[0]);
            Pun found = null;
            for (Map.Entry<String, List<Access>> w : u.getValue().entrySet()) {
                for (Map.Entry<String, List<Access>> r : u.getValue().entrySet()) {
                    if (found != null || r.getKey().equals(w.getKey())
                            || sameBytes(info.fragments().get(w.getKey()), info.fragments().get(r.getKey()))) continue;
                    for (Access wa : w.getValue()) {
                        if (!wa.write() || found != null) continue;
                        for (Access ra : r.getValue()) {
                            if (ra.read() && !exclusive(wa, ra)) {
                                found = new Pun(name[0], name[1], w.getKey(), wa.where(), r.getKey(), ra.where());
                                break;
                            }
                        }
                    }
                }
            }
            if (found != null) out.add(found);
        }
        return out;
    }

    /** The variable reference an access is made in ({@code v.u.m}, {@code (v).u}), or null (a pointer, an array element). */
    private static Node namedBase(Node base) {
        Node cur = base;
        while (true) {
            if (cur.is("DeclRefExpr")) return cur.referencedDecl().path("kind").asText().equals("VarDecl")
                    || cur.referencedDecl().path("kind").asText().equals("ParmVarDecl") ? cur : null;
            if ((cur.is("ParenExpr") || (cur.is("MemberExpr") && !cur.flag("isArrow"))) && !cur.inner().isEmpty()) {
                cur = cur.child(0);
            } else {
                return null;
            }
        }
    }

    /** Up through the member/subscript/paren chain the access is the base of: the lvalue that is used. */
    private static Node lvalueTop(Node n) {
        Node cur = n;
        while (cur.parent() != null) {
            Node p = cur.parent();
            boolean base = !p.inner().isEmpty() && p.child(0) == cur;
            if (p.is("ParenExpr") || (base && p.is("MemberExpr") && !p.flag("isArrow")) || (base && p.is("ArraySubscriptExpr"))
                    || (p.is("ImplicitCastExpr") && "ArrayToPointerDecay".equals(p.attr("castKind")))) {
                cur = p;
            } else {
                break;
            }
        }
        return cur;
    }

    private static boolean isIncDecOrAddress(String op) {
        return op.equals("++") || op.equals("--") || op.equals("&");
    }

    private static String unionName(TranslationUnit tu, Node record) {
        String n = record.name();
        return n.isEmpty() ? "union at " + tu.pos(record.loc()) : n;
    }

    private static UnionInfo describe(TypeResolver types, Node record) {
        Map<String, List<Fragment>> fragments = new LinkedHashMap<>();
        for (Node f : record.inner()) {
            if (!f.is("FieldDecl") || f.name().isEmpty()) continue;
            if (f.flag("isBitfield")) {
                fragments.put(f.name(), null);
                continue;
            }
            List<Fragment> out = new ArrayList<>();
            boolean known;
            try {
                known = layout(types, CTypeParser.parse(f.qualType()), 0, out, 0);
            } catch (RuntimeException unknownType) { // a typedef or spelling this unit's resolver does not know
                known = false;
            }
            fragments.put(f.name(), known ? out : null);
        }
        return new UnionInfo(fragments);
    }

    /** Appends the scalars of {@code t} at {@code offset}; false when the layout is not known here. */
    private static boolean layout(TypeResolver types, CType type, long offset, List<Fragment> out, int depth) {
        if (depth > 16 || out.size() > MAX_FRAGMENTS) return false;
        CType t = types.canonical(type);
        if (t instanceof CType.Pointer) {
            out.add(new Fragment(offset, 8));
            return true;
        }
        if (t instanceof CType.Builtin b) {
            long size = builtinSize(b.name());
            if (size <= 0) return false;
            out.add(new Fragment(offset, size));
            return true;
        }
        if (t instanceof CType.Array a) {
            if (a.size().isEmpty() || a.isVariableLength()) return true; // a flexible array: nothing to compare
            long n = Long.parseLong(a.size());
            long es = sizeOf(types, a.elem(), depth + 1);
            if (es <= 0) return false;
            for (long i = 0; i < n; i++) {
                if (!layout(types, a.elem(), offset + i * es, out, depth + 1)) return false;
                if (out.size() > MAX_FRAGMENTS) return false;
            }
            return true;
        }
        if (!(t instanceof CType.Tagged g)) return false;
        if (g.tag().equals("enum")) {
            out.add(new Fragment(offset, 4));
            return true;
        }
        Node rec = types.record(g);
        if (rec == null) return false;
        boolean union = g.tag().equals("union");
        long at = 0;
        for (Node f : rec.inner()) {
            if (!f.is("FieldDecl")) continue;
            if (f.flag("isBitfield")) return false;
            CType ft = CTypeParser.parse(f.qualType());
            long align = alignOf(types, ft, depth + 1);
            long size = sizeOf(types, ft, depth + 1);
            if (align <= 0 || size < 0) return false;
            long o = union ? 0 : (at + align - 1) / align * align;
            if (!layout(types, ft, offset + o, out, depth + 1)) return false;
            at = o + size;
        }
        return true;
    }

    private static long builtinSize(String name) {
        return switch (name) {
            case "char", "signed char", "unsigned char", "_Bool" -> 1;
            case "short", "unsigned short" -> 2;
            case "int", "unsigned int", "float" -> 4;
            case "long", "unsigned long", "long long", "unsigned long long", "double" -> 8;
            case "long double", "__int128", "unsigned __int128" -> 16;
            default -> -1;
        };
    }

    private static long sizeOf(TypeResolver types, CType type, int depth) {
        if (depth > 16) return -1;
        CType t = types.canonical(type);
        return switch (t) {
            case CType.Pointer p -> 8;
            case CType.Builtin b -> builtinSize(b.name());
            case CType.Array a -> a.size().isEmpty() || a.isVariableLength() ? 0
                    : sizeOf(types, a.elem(), depth + 1) * Long.parseLong(a.size());
            case CType.Tagged g -> {
                if (g.tag().equals("enum")) yield 4;
                Node rec = types.record(g);
                if (rec == null) yield -1;
                boolean union = g.tag().equals("union");
                long at = 0;
                long max = 0;
                for (Node f : rec.inner()) {
                    if (!f.is("FieldDecl")) continue;
                    if (f.flag("isBitfield")) yield -1;
                    CType ft = CTypeParser.parse(f.qualType());
                    long align = alignOf(types, ft, depth + 1);
                    long size = sizeOf(types, ft, depth + 1);
                    if (align <= 0 || size < 0) yield -1;
                    long o = union ? 0 : (at + align - 1) / align * align;
                    at = o + size;
                    max = Math.max(max, at);
                }
                long align = alignOf(types, t, depth + 1);
                yield align <= 0 ? -1 : (max + align - 1) / align * align;
            }
            default -> -1;
        };
    }

    private static long alignOf(TypeResolver types, CType type, int depth) {
        if (depth > 16) return -1;
        CType t = types.canonical(type);
        return switch (t) {
            case CType.Pointer p -> 8;
            case CType.Builtin b -> builtinSize(b.name());
            case CType.Array a -> alignOf(types, a.elem(), depth + 1);
            case CType.Tagged g -> {
                if (g.tag().equals("enum")) yield 4;
                Node rec = types.record(g);
                if (rec == null) yield -1;
                long max = 1;
                for (Node f : rec.inner()) {
                    if (!f.is("FieldDecl")) continue;
                    long a = alignOf(types, CTypeParser.parse(f.qualType()), depth + 1);
                    if (a <= 0) yield -1;
                    max = Math.max(max, a);
                }
                yield max;
            }
            default -> -1;
        };
    }

    /**
     * True when every scalar of one member that shares bytes with a scalar of the other is the same scalar (same
     * offset, same size): reading one member after writing the other then gives the same value on both byte orders
     * (an 8-byte integer and a double, a pointer and a long). Unknown layouts are not the same.
     */
    private static boolean sameBytes(List<Fragment> a, List<Fragment> b) {
        if (a == null || b == null) return false;
        for (Fragment x : a) {
            for (Fragment y : b) {
                boolean overlap = x.offset() < y.offset() + y.size() && y.offset() < x.offset() + x.size();
                if (overlap && (x.offset() != y.offset() || x.size() != y.size())) return false;
            }
        }
        return true;
    }
}
