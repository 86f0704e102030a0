package dev.talent.compiler.ast;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A clang AST node: the fields talent uses, plus the raw JSON for the rest. */
public final class Node {
    private final JsonNode json;
    private final String kind;
    private final String id;
    private final SourceLoc loc;
    private final SourceLoc begin;
    private final SourceLoc end;
    private final List<Node> inner = new ArrayList<>();
    private Node parent;

    Node(JsonNode json, SourceLoc loc, SourceLoc begin, SourceLoc end) {
        this.json = json;
        this.kind = json.path("kind").asText("");
        this.id = json.path("id").asText("");
        this.loc = loc;
        this.begin = begin;
        this.end = end;
    }

    void addChild(Node child) {
        inner.add(child);
        child.parent = this;
    }

    public JsonNode json() { return json; }
    public String kind() { return kind; }
    public String id() { return id; }
    public SourceLoc loc() { return loc; }
    public SourceLoc begin() { return begin; }
    public SourceLoc end() { return end; }
    public List<Node> inner() { return inner; }
    public Node parent() { return parent; }

    public boolean is(String k) { return kind.equals(k); }

    public String name() { return json.path("name").asText(""); }

    public String qualType() { return json.path("type").path("qualType").asText(""); }

    public String desugaredQualType() { return json.path("type").path("desugaredQualType").asText(""); }

    public String attr(String key) { return json.path(key).asText(""); }

    public boolean flag(String key) { return json.path(key).asBoolean(false); }

    /** The declaration a DeclRefExpr refers to: id, kind, name, type. */
    public JsonNode referencedDecl() { return json.path("referencedDecl"); }

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
