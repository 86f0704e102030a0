package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Calls of {@code memcpy}/{@code memmove} that copy the bytes of a number, pointer or struct into character storage
 * or out of it ({@code memcpy(wire + n, &v, sizeof v)}, {@code memcpy(&hdr, buf + off, sizeof hdr)}: a serialization
 * buffer, a byte queue of records). talent carries character storage as its bytes, so such a buffer restored on an ISA
 * of the other byte order (or, for a type whose size or layout differs between ILP32 and LP64, of the other pointer
 * width) holds the writer's representation, and the program reads other values with exit 0. Such a build's
 * checkpoints move only between ISAs of the same byte order (and pointer width, when the type needs it): the program
 * table gets a fingerprint per byte order and width, as for {@link UnionMembers}. Not seen: copies through {@code void *}
 * on both sides (a generic container), and punning through pointer casts.
 */
public final class ByteCopies {
    /** One copy: the call's place, the other side's type, and whether that type's layout differs between ILP32 and LP64. */
    public record Copy(String at, String type, boolean into, boolean widthBound) {
        public String describe() {
            return "the bytes of a " + type + " are copied " + (into ? "into" : "out of") + " character storage at " + at;
        }
    }

    private static final Set<String> COPIES = Set.of("memcpy", "memmove", "__builtin_memcpy", "__builtin_memmove",
            "__builtin___memcpy_chk", "__builtin___memmove_chk");

    private final List<Copy> found = new ArrayList<>();

    /** Records the copies of one function body. */
    public void scan(TranslationUnit tu, TypeResolver types, Node body) {
        if (body == null) return;
        body.walk(n -> {
            if (!n.is("CallExpr") || n.inner().size() < 3) return;
            String callee = Ast.directCallee(n); // null: a call through a pointer
            if (callee == null || !COPIES.contains(callee)) return;
            CType dst = pointee(types, n.child(1));
            CType src = pointee(types, n.child(2));
            if (dst == null || src == null) return;
            boolean dstBytes = isCharacter(types, dst);
            boolean srcBytes = isCharacter(types, src);
            if (dstBytes == srcBytes) return;
            CType other = dstBytes ? src : dst;
            if (isVoid(types, other)) return;
            found.add(new Copy(tu.pos(n.position()), spelling(dstBytes ? n.child(2) : n.child(1)), dstBytes,
                    widthBound(types, other, 0)));
        });
    }

    public List<Copy> copies() {
        return List.copyOf(found);
    }

    /** The type an argument points to (after the conversion to void *; an array's element), or null if not known. */
    private static CType pointee(TypeResolver types, Node arg) {
        Node e = Ast.strip(arg);
        while (e != null && e.is("CStyleCastExpr") && !e.inner().isEmpty() && isVoidPointer(types, e.qualType())) {
            e = Ast.strip(e.child(0));
        }
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
        try {
            return types.canonical(CTypeParser.parse(qualType)) instanceof CType.Pointer p && isVoid(types, p.to());
        } catch (RuntimeException unknownType) {
            return false;
        }
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
