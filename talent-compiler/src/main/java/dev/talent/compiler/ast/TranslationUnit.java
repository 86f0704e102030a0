package dev.talent.compiler.ast;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One C file as clang saw it: the original text (one char per byte, ISO-8859-1, so that string indexes are
 * clang's byte offsets), the AST, and the file name clang used for the main file.
 */
public final class TranslationUnit {
    private final Path path;
    private final String clangFileName;
    private final String text;
    private final Node root;
    private final Map<String, Node> byId = new HashMap<>();
    private LineMap lines;
    private String unitName;

    public TranslationUnit(Path path, String clangFileName, String text, Node root) {
        this.path = path;
        this.clangFileName = clangFileName;
        this.text = text;
        this.root = root;
        this.lines = LineMap.identity(path.toString());
        this.unitName = path.getFileName().toString();
        root.walk(n -> { if (!n.id().isEmpty()) byId.putIfAbsent(n.id(), n); });
    }

    public Path path() { return path; }
    /**
     * The unit's name in the program: used in positions ("a.c:3:7"), global keys and the instrumented file's name,
     * equal on every ISA; the file's base name unless another source of the program has that base name too.
     */
    public String unitName() { return unitName; }

    /** Names the unit ({@link #unitName}). */
    public TranslationUnit withUnitName(String name) {
        this.unitName = name;
        return this;
    }
    public String text() { return text; }
    public Node root() { return root; }
    public Node byId(String id) { return byId.get(id); }

    /** Where the text's lines were written (project headers inlined into the text: their own files). */
    public LineMap lines() { return lines; }

    public TranslationUnit withLines(LineMap lines) {
        this.lines = lines;
        return this;
    }

    /** The file and line where text line {@code line} was written, for messages. */
    public LineMap.Origin origin(int line) {
        return lines.origin(line);
    }

    /** True when the location was written in this file (macro locations count by their expansion point). */
    public boolean inMainFile(SourceLoc l) {
        return l.isValid() && clangFileName.equals(l.file());
    }

    /**
     * True when text can be inserted before and after the node: it starts with a token written in this file
     * (not produced by a macro) and ends in this file (a macro invocation there ends it, see Ast.rangeEnd).
     */
    public boolean isRewritable(Node n) {
        return inMainFile(n.begin()) && inMainFile(n.end()) && !n.begin().inMacro();
    }

    /** True when no token of the node comes from a macro expansion at either end. */
    public boolean isMacroFree(Node n) {
        return inMainFile(n.begin()) && inMainFile(n.end()) && !n.begin().inMacro() && !n.end().inMacro();
    }

    public boolean isMainFileNode(Node n) {
        return inMainFile(n.position());
    }

    /** "a.c:3:7" for a node of this file ("tab.h:2:5" for a line written in an inlined header). */
    public String pos(SourceLoc l) {
        if (lines.isIdentity()) return unitName() + ":" + l.line() + ":" + l.col();
        LineMap.Origin o = lines.origin(l.line());
        String file = o.file();
        int slash = file.lastIndexOf('/');
        return file.substring(slash + 1) + ":" + o.line() + ":" + l.col();
    }
}
