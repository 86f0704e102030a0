package dev.talent.compiler.ast;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Parses the type spellings clang prints ({@code int[10][20]}, {@code struct node *}, {@code int (*)(int)},
 * {@code const char *const *}, {@code struct (unnamed struct at a.c:3:5)}). Not a C parser: only type names.
 */
public final class CTypeParser {
    private static final Set<String> QUALIFIERS = Set.of("const", "volatile", "restrict", "__restrict",
            "__restrict__", "_Atomic", "__unaligned");
    private static final Set<String> BUILTIN_WORDS = Set.of("void", "char", "short", "int", "long", "float",
            "double", "signed", "unsigned", "_Bool", "__int128", "_Complex", "_Float16", "__fp16",
            "__float128", "_Float128", "__bf16");

    private final List<String> tokens;
    private int pos;

    private CTypeParser(String spelling) {
        this.tokens = tokenize(spelling);
    }

    public static CType parse(String spelling) {
        CTypeParser p = new CTypeParser(spelling);
        CType t = p.typeName();
        if (p.pos != p.tokens.size()) {
            throw new IllegalArgumentException("cannot parse type '" + spelling + "' at token " + p.pos);
        }
        return t;
    }

    private CType typeName() {
        CType base = specifiers();
        return declarator(base);
    }

    private CType specifiers() {
        boolean isConst = false;
        List<String> words = new ArrayList<>();
        CType result = null;
        while (pos < tokens.size()) {
            String t = tokens.get(pos);
            if (QUALIFIERS.contains(t)) {
                isConst |= t.equals("const");
                pos++;
            } else if (BUILTIN_WORDS.contains(t)) {
                words.add(t);
                pos++;
            } else if ((t.equals("struct") || t.equals("union") || t.equals("enum")) && result == null) {
                pos++;
                String next = tokens.get(pos++);
                if (next.startsWith("(")) {
                    // "(unnamed struct at a.c:3:5)" / "(anonymous at ...)": one token from the tokenizer
                    int at = next.lastIndexOf(" at ");
                    result = new CType.Tagged(t, "", at < 0 ? next : next.substring(at + 4, next.length() - 1), false);
                } else {
                    result = new CType.Tagged(t, next, "", false);
                }
            } else if (isIdentifier(t) && result == null && words.isEmpty()) {
                result = new CType.Named(t, false);
                pos++;
            } else {
                break;
            }
        }
        if (result == null) {
            if (words.isEmpty()) throw new IllegalArgumentException("no type specifier in " + tokens);
            result = new CType.Builtin(normalizeBuiltin(words), isConst);
        }
        return withConst(result, isConst);
    }

    private static String normalizeBuiltin(List<String> words) {
        String s = String.join(" ", words);
        return switch (s) {
            case "signed", "signed int" -> "int";
            case "unsigned" -> "unsigned int";
            case "long int", "signed long", "signed long int" -> "long";
            case "unsigned long int" -> "unsigned long";
            case "long long int", "signed long long" -> "long long";
            case "unsigned long long int" -> "unsigned long long";
            case "short int", "signed short" -> "short";
            case "unsigned short int" -> "unsigned short";
            default -> s;
        };
    }

    private static CType withConst(CType t, boolean c) {
        if (!c) return t;
        return switch (t) {
            case CType.Builtin b -> new CType.Builtin(b.name(), true);
            case CType.Named n -> new CType.Named(n.name(), true);
            case CType.Tagged g -> new CType.Tagged(g.tag(), g.name(), g.anonymousAt(), true);
            default -> t;
        };
    }

    private CType declarator(CType base) {
        while (peek("*") || peek("^")) {
            pos++;
            boolean c = false;
            while (pos < tokens.size() && QUALIFIERS.contains(tokens.get(pos))) {
                c |= tokens.get(pos).equals("const");
                pos++;
            }
            base = new CType.Pointer(base, c);
        }
        return direct(base);
    }

    private CType direct(CType base) {
        int innerStart = -1;
        if (peek("(") && pos + 1 < tokens.size()
                && (tokens.get(pos + 1).equals("*") || tokens.get(pos + 1).equals("^") || tokens.get(pos + 1).equals("("))) {
            pos++;
            innerStart = pos;
            skipBalanced();
        }
        List<UnaryOperator<CType>> suffixes = new ArrayList<>();
        while (true) {
            if (peek("[")) {
                pos++;
                StringBuilder size = new StringBuilder();
                int depth = 0;
                while (!(depth == 0 && peek("]"))) {
                    String t = tokens.get(pos++);
                    if (t.equals("[")) depth++;
                    if (t.equals("]")) depth--;
                    if (!size.isEmpty()) size.append(' ');
                    size.append(t);
                }
                pos++;
                String s = size.toString();
                suffixes.add(e -> new CType.Array(e, s));
            } else if (peek("(")) {
                pos++;
                List<CType> params = new ArrayList<>();
                boolean variadic = false;
                while (!peek(")")) {
                    if (peek("...")) {
                        variadic = true;
                        pos++;
                    } else {
                        CType p = typeName();
                        if (!(p instanceof CType.Builtin b && b.name().equals("void"))) params.add(p);
                    }
                    if (peek(",")) pos++;
                }
                pos++;
                boolean v = variadic;
                suffixes.add(r -> new CType.Function(r, List.copyOf(params), v));
            } else {
                break;
            }
        }
        for (int i = suffixes.size() - 1; i >= 0; i--) base = suffixes.get(i).apply(base);
        if (innerStart >= 0) {
            int after = pos;
            pos = innerStart;
            CType t = declarator(base);
            if (!peek(")")) throw new IllegalArgumentException("expected ) in " + tokens);
            pos = after;
            return t;
        }
        return base;
    }

    /** pos is just after an opening parenthesis; moves past its matching closing one. */
    private void skipBalanced() {
        int depth = 1;
        while (depth > 0) {
            String t = tokens.get(pos++);
            if (t.equals("(")) depth++;
            if (t.equals(")")) depth--;
        }
    }

    private boolean peek(String s) {
        return pos < tokens.size() && tokens.get(pos).equals(s);
    }

    private static boolean isIdentifier(String t) {
        return !t.isEmpty() && (Character.isLetter(t.charAt(0)) || t.charAt(0) == '_');
    }

    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                out.add(s.substring(i, j));
                i = j;
            } else if (c == '(' && (s.startsWith("(anonymous", i) || s.startsWith("(unnamed", i))) {
                int j = s.indexOf(')', i);
                out.add(s.substring(i, j + 1));
                i = j + 1;
            } else if (s.startsWith("...", i)) {
                out.add("...");
                i += 3;
            } else {
                out.add(String.valueOf(c));
                i++;
            }
        }
        return out;
    }
}
