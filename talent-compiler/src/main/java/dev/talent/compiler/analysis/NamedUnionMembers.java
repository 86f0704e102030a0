package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.HashSet;
import java.util.Set;
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
 */
public final class NamedUnionMembers {
    private final Set<String> named = new HashSet<>();
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
        NamedUnionMembers m = new NamedUnionMembers(false);
        for (TranslationUnit tu : units) m.scan(tu);
        return m;
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
