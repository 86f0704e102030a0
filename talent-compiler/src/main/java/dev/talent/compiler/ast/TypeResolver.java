package dev.talent.compiler.ast;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves typedef names and struct/union/enum tags of one translation unit to their declarations, and
 * classifies types into the categories that decide how a value is saved.
 */
public final class TypeResolver {
    public enum Category { INTEGER, BOOL, FLOAT, LDOUBLE, POINTER, FUNCTION_POINTER, ARRAY, STRUCT, UNION, UNSUPPORTED }

    private final Map<String, Node> fileTypedefs = new HashMap<>();
    private final Map<String, Node> localTypedefs = new HashMap<>();
    private final Map<String, Node> fileRecords = new HashMap<>();
    private final Map<String, Node> localRecords = new HashMap<>();
    private final Set<String> fileTags = new HashSet<>();
    private final Map<String, Node> anonymousRecords = new HashMap<>();

    private final TranslationUnit tu;

    public TypeResolver(TranslationUnit tu) {
        this.tu = tu;
        for (Node top : tu.root().inner()) index(top, true);
        for (Node top : tu.root().inner()) {
            if (top.is("FunctionDecl")) top.walk(n -> { if (n != top) index(n, false); });
        }
    }

    private void index(Node n, boolean fileScope) {
        switch (n.kind()) {
            case "TypedefDecl" -> (fileScope ? fileTypedefs : localTypedefs).put(n.name(), n);
            case "RecordDecl", "EnumDecl" -> {
                String tag = n.is("EnumDecl") ? "enum" : n.attr("tagUsed");
                if (n.name().isEmpty()) {
                    SourceLoc l = n.loc();
                    anonymousRecords.put(l.file() + ":" + l.line() + ":" + l.col(), n);
                    // clang names it by where it was written (the #line of the preprocessed text)
                    if (tu.inMainFile(l)) {
                        LineMap.Origin o = tu.origin(l.line());
                        anonymousRecords.putIfAbsent(o.file() + ":" + o.line() + ":" + l.col(), n);
                    }
                    anonymousRecords.put("#" + n.id(), n);
                } else {
                    String key = tag + " " + n.name();
                    if (fileScope) fileTags.add(key);
                    Map<String, Node> m = fileScope ? fileRecords : localRecords;
                    Node prev = m.get(key);
                    if (prev == null || (!prev.flag("completeDefinition") && n.flag("completeDefinition"))) m.put(key, n);
                    anonymousRecords.put("#" + n.id(), n);
                }
                if (fileScope) {
                    // records nested in records are file scope in C
                    for (Node c : n.inner()) if (c.is("RecordDecl") || c.is("EnumDecl")) index(c, true);
                }
            }
            default -> { }
        }
    }

    /**
     * Typedef names and tags ({@code "struct entry"}) of a function whose declarations move to file scope with a
     * function static of their type (analysis.StaticsHoisting): from now on they are file-scope names.
     */
    public void promoteToFileScope(Set<String> typedefs, Set<String> tags) {
        for (String t : typedefs) {
            Node n = localTypedefs.remove(t);
            if (n != null) fileTypedefs.put(t, n);
        }
        for (String t : tags) {
            Node n = localRecords.remove(t);
            if (n == null) continue;
            fileRecords.put(t, n);
            fileTags.add(t);
        }
    }

    /**
     * Whether {@code name} is {@code _Bool} as clang prints it once {@code <stdbool.h>}'s {@code bool} macro is
     * defined (after some diagnostics it prints every {@code _Bool} so), not a typedef of the program's.
     */
    private boolean isStdBool(String name) {
        return name.equals("bool") && !fileTypedefs.containsKey(name) && !localTypedefs.containsKey(name);
    }

    /**
     * True when the typedef name is declared outside the program's text, in a C library header (as
     * {@link #isLibraryRecord} for a record): {@code pthread_spinlock_t}, an int whose values are each library's own.
     */
    public boolean isLibraryTypedef(String name) {
        Node td = localTypedefs.getOrDefault(name, fileTypedefs.get(name));
        return td != null && !tu.inMainFile(td.loc());
    }

    /** The type a typedef name stands for (one level). */
    public CType typedefTarget(String name) {
        Node td = localTypedefs.getOrDefault(name, fileTypedefs.get(name));
        if (td == null && isStdBool(name)) return new CType.Builtin("_Bool", false);
        if (td == null) throw new IllegalArgumentException("unknown typedef " + name);
        if (!td.inner().isEmpty()) {
            Node t = td.child(0);
            if (t.is("ElaboratedType") && t.json().has("ownedTagDecl")) {
                var owned = t.json().get("ownedTagDecl");
                if (owned.path("name").asText().isEmpty()) {
                    Node rec = anonymousRecords.get("#" + owned.path("id").asText());
                    String tag = rec != null && rec.is("EnumDecl") ? "enum" : rec != null ? rec.attr("tagUsed") : "struct";
                    return new CType.Tagged(tag, "", "#" + owned.path("id").asText(), false);
                }
            }
        }
        return CTypeParser.parse(td.qualType());
    }

    /**
     * The canonical type that {@code qualType} (clang's spelling) points to; empty when it is no pointer, or a spelling
     * this unit's resolver does not know.
     */
    public Optional<CType> pointee(String qualType) {
        try {
            return canonical(CTypeParser.parse(qualType)) instanceof CType.Pointer p ? Optional.of(canonical(p.to()))
                    : Optional.empty();
        } catch (RuntimeException unknownType) {
            return Optional.empty();
        }
    }

    /** Removes typedef names at the top level of the type (keeps the outermost const). */
    public CType canonical(CType t) {
        int guard = 0;
        while (t instanceof CType.Named n) {
            if (++guard > 100) throw new IllegalStateException("typedef cycle at " + n.name());
            t = typedefTarget(n.name());
        }
        return t;
    }

    /** The definition of a struct/union/enum type, or null when only declared. */
    public Node record(CType.Tagged t) {
        if (t.isAnonymous()) return anonymousRecords.get(t.anonymousAt());
        String key = t.tag() + " " + t.name();
        Node local = localRecords.get(key);
        Node file = fileRecords.get(key);
        if (file != null && file.flag("completeDefinition")) return file;
        return local != null ? local : file;
    }

    /** Whether the type is {@code __int128} or {@code unsigned __int128} (through typedefs): 16 bytes on every 64-bit ISA. */
    public boolean isInt128(CType type) {
        return canonical(type) instanceof CType.Builtin b && (b.name().equals("__int128") || b.name().equals("unsigned __int128"));
    }

    public Category category(CType type) {
        CType t = canonical(type);
        return switch (t) {
            case CType.Builtin b -> switch (b.name()) {
                case "_Bool" -> Category.BOOL;
                case "float", "double" -> Category.FLOAT;
                case "long double" -> Category.LDOUBLE;
                case "void" -> Category.UNSUPPORTED;
                case "__int128", "unsigned __int128" -> Category.INTEGER;
                default -> b.name().startsWith("typeof") || b.name().contains("_Complex") || b.name().contains("_Float16") || b.name().contains("128")
                        || b.name().contains("fp16") || b.name().contains("bf16") ? Category.UNSUPPORTED : Category.INTEGER;
            };
            case CType.Tagged g -> switch (g.tag()) {
                case "enum" -> Category.INTEGER;
                case "union" -> Category.UNION;
                default -> Category.STRUCT;
            };
            case CType.Pointer p -> canonical(p.to()) instanceof CType.Function ? Category.FUNCTION_POINTER : Category.POINTER;
            case CType.Array a -> Category.ARRAY;
            case CType.Function fn -> Category.UNSUPPORTED;
            case CType.Named n -> throw new IllegalStateException("unreachable");
        };
    }

    /**
     * True when the record was declared outside the program's text: in a C library header, whose members
     * differ between ISAs (docs/CODEGEN.md, "Types of the C library").
     */
    public boolean isLibraryRecord(Node record) {
        return !tu.inMainFile(record.loc());
    }

    /** True when the type can be written by name at file scope (no local or anonymous type in it). */
    public boolean fileScopeSpellable(CType t) {
        return switch (t) {
            case CType.Builtin b -> true;
            // a reserved name (__time_t) is the C library's private typedef: the clang AST is glibc's, and musl
            // has other private names, so such a type is spelled through __typeof__ of what has it instead
            case CType.Named n -> isStdBool(n.name()) || (fileTypedefs.containsKey(n.name())
                    && !localTypedefs.containsKey(n.name()) && !n.name().startsWith("__"));
            case CType.Tagged g -> !g.isAnonymous() && fileTags.contains(g.tag() + " " + g.name())
                    && !localRecords.containsKey(g.tag() + " " + g.name());
            case CType.Pointer p -> fileScopeSpellable(p.to());
            case CType.Array a -> !a.isVariableLength() && fileScopeSpellable(a.elem());
            case CType.Function fn -> fileScopeSpellable(fn.ret()) && fn.params().stream().allMatch(this::fileScopeSpellable);
        };
    }

    /** A C type name for a file-scope-spellable type (used as the descriptor's name too). */
    public static String spell(CType t) {
        return spell(t, "").strip();
    }

    /** A declaration of {@code name} with a file-scope-spellable type ({@code char name[16]}). */
    public static String declare(CType t, String name) {
        return spell(t, name).strip();
    }

    private static String spell(CType t, String inner) {
        return switch (t) {
            case CType.Builtin b -> (b.isConst() ? "const " : "") + b.name() + sep(inner);
            case CType.Named n -> (n.isConst() ? "const " : "") + n.name() + sep(inner);
            case CType.Tagged g -> (g.isConst() ? "const " : "") + g.tag() + " "
                    + (g.isAnonymous() ? "(anonymous)" : g.name()) + sep(inner);
            case CType.Pointer p -> {
                String ptr = "*" + (p.isConst() ? "const" + (inner.isEmpty() ? "" : " ") : "") + inner;
                CType to = p.to();
                yield spell(to, to instanceof CType.Array || to instanceof CType.Function ? "(" + ptr + ")" : ptr);
            }
            case CType.Array a -> spell(a.elem(), inner + "[" + a.size() + "]");
            case CType.Function fn -> {
                StringBuilder ps = new StringBuilder();
                for (CType p : fn.params()) ps.append(ps.isEmpty() ? "" : ", ").append(spell(p));
                if (fn.variadic()) ps.append(ps.isEmpty() ? "..." : ", ...");
                yield spell(fn.ret(), inner + "(" + (ps.isEmpty() ? "void" : ps) + ")");
            }
        };
    }

    private static String sep(String inner) {
        if (inner.isEmpty()) return "";
        return inner.startsWith("[") || (inner.startsWith("(") && !inner.startsWith("(*")) ? inner : " " + inner;
    }
}
