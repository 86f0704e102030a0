package dev.talent.compiler.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A clang AST node: kind, id, locations and children, plus the node's other attributes as clang printed them.
 *
 * <p>A large file has millions of nodes, so a node holds only what talent reads: its attributes are kept as one
 * array of (key, value) pairs whose keys and values are shared between nodes ({@link ClangAstLoader} interns
 * them), and clang's JSON for the locations and children is not kept. Attribute values are read-only.
 */
public final class Node {
    private static final Object[] NO_ATTRIBUTES = {};

    private final String kind;
    private final String id;
    private final SourceLoc loc;
    private final SourceLoc begin;
    private final SourceLoc end;
    /** key0, value0, key1, value1, ...: String keys, JsonNode values (shared: never modified). */
    private final Object[] attributes;
    private List<Node> inner = new ArrayList<>(0);
    private Node parent;

    Node(String kind, String id, SourceLoc loc, SourceLoc begin, SourceLoc end, Object[] attributes) {
        this.kind = kind;
        this.id = id;
        this.loc = loc;
        this.begin = begin;
        this.end = end;
        this.attributes = attributes.length == 0 ? NO_ATTRIBUTES : attributes;
    }

    /** Sets the children (once, when they are all built). */
    void setInner(List<Node> children) {
        inner = new ArrayList<>(children);
        for (Node c : inner) c.parent = this;
    }

    /**
     * The node's attributes as a JSON object (built on each call: for the rare attribute without an accessor):
     * what clang printed for the node except {@code loc}, {@code range} and {@code inner}, which are
     * {@link #loc()}, {@link #begin()}/{@link #end()} and {@link #inner()}.
     */
    public JsonNode json() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (!id.isEmpty()) o.put("id", id);
        if (!kind.isEmpty()) o.put("kind", kind);
        for (int i = 0; i < attributes.length; i += 2) o.set((String) attributes[i], ((JsonNode) attributes[i + 1]).deepCopy());
        return o;
    }

    public String kind() { return kind; }
    public String id() { return id; }
    public SourceLoc loc() { return loc; }
    public SourceLoc begin() { return begin; }
    public SourceLoc end() { return end; }
    public List<Node> inner() { return inner; }
    public Node parent() { return parent; }

    public boolean is(String k) { return kind.equals(k); }

    /** An attribute's value, or a missing node (whose {@code path()} and {@code asText("")} work as for absent JSON). */
    private JsonNode attribute(String key) {
        for (int i = 0; i < attributes.length; i += 2) if (attributes[i].equals(key)) return (JsonNode) attributes[i + 1];
        return MissingNode.getInstance();
    }

    public String name() { return attribute("name").asText(""); }

    public String qualType() { return attribute("type").path("qualType").asText(""); }

    public String desugaredQualType() { return attribute("type").path("desugaredQualType").asText(""); }

    /** The typedef clang finds first when it looks through the type's sugar ({@code typeof}), or "". */
    public String typeAliasDeclId() { return attribute("type").path("typeAliasDeclId").asText(""); }

    public String attr(String key) {
        return switch (key) {
            case "id" -> id;
            case "kind" -> kind;
            default -> attribute(key).asText("");
        };
    }

    public boolean flag(String key) { return attribute(key).asBoolean(false); }

    /** The declaration a DeclRefExpr refers to: id, kind, name, type. */
    public JsonNode referencedDecl() { return attribute("referencedDecl"); }

    public Node child(int i) { return inner.get(i); }

    public Node firstChildOfKind(String k) {
        for (Node n : inner) if (n.is(k)) return n;
        return null;
    }

    /** Pre-order walk of this node and everything below it. */
    public void walk(Consumer<Node> visitor) {
        visitor.accept(this);
        for (Node n : inner) n.walk(visitor);
    }

    /** Where a message about this node should point: its own location, else its range start. */
    public SourceLoc position() {
        if (loc.isValid()) return loc;
        return begin;
    }

    @Override
    public String toString() {
        SourceLoc p = position();
        return kind + (name().isEmpty() ? "" : " " + name()) + " at " + p.file() + ":" + p.line() + ":" + p.col();
    }
}
