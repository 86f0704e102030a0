package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.TypeResolver;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The members of the program's unions that it names somewhere, in any file: a member access ({@code v.u.f},
 * {@code p->f}, {@code a[i].f}) or an initialiser that gives the member ({@code {.f = 1}}, and {@code {1}} for the
 * first). A member named nowhere is never what the program wrote or reads by name, so the runtime does not take its
 * reading of a union's bytes into account (talent-runtime values.c: the member that carries a union, and whether a
 * value reads alike on both byte orders; docs/CODEGEN.md "Type descriptors"). The first member counts as named
 * always (a union's initialiser without a designator and a zeroed union are its first member's).
 *
 * <p>A union is known by its tag and its members' names, not by where it is declared: the same header's union seen
 * from two files is one, and two unions that happen to agree on both count as one, whose named members are those of
 * both (never fewer than either has).
 *
 * <p><b>Per object.</b> A union variable of internal linkage (a {@code static} global, a local, a parameter, a static
 * local; of a union type or an array of one) whose every use names a member of it ({@code v.f}, {@code v[i][j].f}),
 * assigns a whole union to it ({@code v = w}), or discards it ({@code (v, 1)}, {@code (void) v}, {@code sizeof v}) has
 * its own set: the members named on it and in its initialiser ({@link #objectMembers}). The runtime compares only those
 * (the emitter gives such a variable a descriptor of its own): a union only ever used through one member migrates
 * between byte orders even where another variable of its type is written through another member. The bytes of such a
 * variable are read after a restore only through the members of its set, which is what the runtime's check needs; bytes
 * copied into it from elsewhere do not matter. Any other use (its address, a copy of it as a whole into another object,
 * an argument, a return value) leaves it to the per-type answer: which object the bytes reach is not known here. A
 * global of external linkage (another file may use it) and a union inside a struct are per type as well.
 */
public final class NamedUnionMembers {
    private final Set<String> named = new HashSet<>();
    /** Per unit, per object ({@link #objectKey}): the members named on it; null when it is per type. */
    private final IdentityHashMap<TranslationUnit, Map<String, Set<String>>> objects = new IdentityHashMap<>();
    private final boolean everyMember;

    private NamedUnionMembers(boolean everyMember) {
        this.everyMember = everyMember;
    }

    /** Every member counts as named (a file compiled alone, as the tests of single emitters do). */
    public static NamedUnionMembers all() {
        return new NamedUnionMembers(true);
    }

    /** The members named in {@code units}, every one of the program's files. */
    public static NamedUnionMembers of(Iterable<TranslationUnit> units) {
        return of(units, Map.of());
    }

    /**
     * As {@link #of(Iterable)}, with every unit's type resolver: union variables whose uses all name a member get
     * members of their own ({@link #objectMembers}).
     */
    public static NamedUnionMembers of(Iterable<TranslationUnit> units, Map<TranslationUnit, TypeResolver> resolvers) {
        NamedUnionMembers m = new NamedUnionMembers(false);
        for (TranslationUnit tu : units) {
            m.scan(tu);
            TypeResolver types = resolvers.get(tu);
            if (types != null) m.scanObjects(tu, types);
        }
        return m;
    }

    /**
     * The members of the union that the object {@code decl} (a VarDecl or ParmVarDecl of {@code tu}, of a union type
     * or an array of one) is used through, when every use of it is known (its first member counts always, as for the
     * type); null when it is per type ({@link #isNamed}).
     */
    public Set<String> objectMembers(TranslationUnit tu, Node decl) {
        if (everyMember || decl == null) return null;
        Map<String, Set<String>> m = objects.get(tu);
        if (m == null) return null;
        String key = objectKey(decl);
        return key == null ? null : m.get(key);
    }

    /** A file-scope variable by its name (its declarations are one object), any other by its declaration. */
    private static String objectKey(Node decl) {
        if (!decl.is("VarDecl") && !decl.is("ParmVarDecl")) return null;
        Node scope = decl.parent();
        if (scope == null) return null;
        if (scope.is("TranslationUnitDecl")) {
            return decl.attr("storageClass").equals("static") ? "file:" + decl.name() : null;
        }
        if (decl.attr("storageClass").equals("extern")) return null;
        return "id:" + decl.id();
    }

    /** The union record of {@code qualType} or of its (nested) array elements, or null. */
    private static Node unionRecord(TypeResolver types, String qualType) {
        try {
            CType t = types.canonical(CTypeParser.parse(qualType));
            for (int guard = 0; t instanceof CType.Array a && guard < 16; guard++) t = types.canonical(a.elem());
            if (!(t instanceof CType.Tagged g) || !g.tag().equals("union")) return null;
            Node rec = types.record(g);
            return rec != null && rec.flag("completeDefinition") ? rec : null;
        } catch (RuntimeException unknownType) {
            return null;
        }
    }

    private void scanObjects(TranslationUnit tu, TypeResolver types) {
        Map<String, Set<String>> sets = new HashMap<>();
        Set<String> perType = new HashSet<>();
        Map<String, Node> records = new HashMap<>();
        tu.root().walk(n -> {
            if (!n.is("VarDecl") && !n.is("ParmVarDecl")) return;
            Node rec = unionRecord(types, n.qualType());
            String key = rec == null ? null : objectKey(n);
            if (key == null) return;
            records.putIfAbsent(key, rec);
            if (records.get(key) != rec) perType.add(key);
            Set<String> members = sets.computeIfAbsent(key, k -> new TreeSet<>());
            firstMember(rec).ifPresent(members::add);
            // the initialiser's members of this union ({ .f3 = 1 }, { 1 } for the first; nested lists of an array)
            for (Node init : n.inner()) {
                init.walk(i -> {
                    if (!i.is("InitListExpr")) return;
                    String id = i.json().path("field").path("id").asText("");
                    if (id.isEmpty()) return;
                    Node field = tu.byId(id);
                    if (field != null && field.parent() == rec) members.add(field.name());
                });
            }
        });
        tu.root().walk(n -> {
            if (!n.is("DeclRefExpr")) return;
            Node decl = tu.byId(n.referencedDecl().path("id").asText(""));
            if (decl == null) return;
            if (decl.is("VarDecl") && decl.attr("storageClass").equals("extern")) {
                // a block-scope extern declaration may name a file-scope static of this unit
                perType.add("file:" + decl.name());
                return;
            }
            String key = objectKey(decl);
            if (key == null || !sets.containsKey(key)) return;
            Node rec = records.get(key);
            String member = use(n, rec);
            if (member == null) perType.add(key);
            else if (!member.isEmpty()) sets.get(key).add(member);
        });
        Map<String, Set<String>> out = new HashMap<>();
        sets.forEach((k, v) -> { if (!perType.contains(k)) out.put(k, Set.copyOf(v)); });
        objects.put(tu, out);
    }

    private static java.util.Optional<String> firstMember(Node rec) {
        return rec.inner().stream().filter(f -> f.is("FieldDecl") && !f.name().isEmpty()).map(Node::name).findFirst();
    }

    /**
     * What a use of a union variable does: the member of {@code rec} it names, "" when it names none but keeps the
     * union's bytes where they are (assigned a whole union, discarded, an operand of sizeof), null for anything else
     * (its address, a copy out of it, an argument: per type).
     */
    private static String use(Node ref, Node rec) {
        Node cur = ref;
        // through array elements: v[i][j] (the decay of an array is its address unless it is subscripted at once)
        while (true) {
            Node p = cur.parent();
            if (p == null) return null;
            if (p.is("ParenExpr")) {
                cur = p;
            } else if (p.is("ImplicitCastExpr") && "ArrayToPointerDecay".equals(p.attr("castKind"))
                    && p.parent() != null && p.parent().is("ArraySubscriptExpr") && p.parent().child(0) == p) {
                cur = p.parent();
            } else {
                break;
            }
        }
        Node p = cur.parent();
        if (p == null) return null;
        if (p.is("MemberExpr") && !p.flag("isArrow") && p.child(0) == cur) {
            Node field = null;
            for (Node f : rec.inner()) if (f.is("FieldDecl") && f.id().equals(p.attr("referencedMemberDecl"))) field = f;
            return field == null || field.name().isEmpty() ? null : field.name();
        }
        if (p.is("UnaryExprOrTypeTraitExpr")) return "";
        if (p.is("BinaryOperator") && "=".equals(p.attr("opcode")) && p.child(0) == cur) return "";
        Node d = cur;
        Node q = p;
        if (q.is("ImplicitCastExpr") && "LValueToRValue".equals(q.attr("castKind"))) {
            d = q;
            q = q.parent();
            while (q != null && q.is("ParenExpr")) {
                d = q;
                q = q.parent();
            }
            if (q == null) return null;
        }
        if (q.is("CStyleCastExpr") && "ToVoid".equals(q.attr("castKind"))) return "";
        if (q.is("BinaryOperator") && ",".equals(q.attr("opcode")) && q.child(0) == d) return "";
        // an expression statement; not the last statement of a statement expression ({ ...; v; }), its value
        if (q.is("CompoundStmt") && !(q.parent() != null && q.parent().is("StmtExpr") && q.inner().getLast() == d)) return "";
        return null;
    }

    private void scan(TranslationUnit tu) {
        tu.root().walk(n -> {
            if (n.is("MemberExpr")) {
                add(tu.byId(n.attr("referencedMemberDecl")));
            } else if (n.is("InitListExpr")) {
                String id = n.json().path("field").path("id").asText("");
                if (!id.isEmpty()) add(tu.byId(id));
            }
        });
    }

    private void add(Node field) {
        if (field == null || !field.is("FieldDecl")) return;
        Node record = field.parent();
        if (record == null || !record.is("RecordDecl") || !"union".equals(record.attr("tagUsed"))) return;
        named.add(key(record, field));
    }

    /** Whether the program names {@code field}, a member of the union {@code record}. */
    public boolean isNamed(Node record, Node field) {
        if (everyMember || !"union".equals(record.attr("tagUsed"))) return true;
        Node first = record.inner().stream().filter(f -> f.is("FieldDecl") && !f.name().isEmpty()).findFirst().orElse(null);
        return first == field || named.contains(key(record, field));
    }

    private static String key(Node record, Node field) {
        return record.name() + "{" + record.inner().stream().filter(f -> f.is("FieldDecl")).map(Node::name)
                .collect(Collectors.joining(",")) + "}." + field.name();
    }
}
