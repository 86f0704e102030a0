package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves GNU statement expressions {@code ({ ... })} that contain a loop or a call out of their expression, before the
 * text is analysed again (docs/CODEGEN.md "Statement expressions"; issue 11). A restart resumes a function by a
 * {@code goto} to a point's label, and GCC forbids a jump into a statement expression; and a call in one cannot be
 * hoisted into a statement of its own. So the statement expression's statements become a block before the statement
 * that holds it, its value a temporary that the expression reads:
 *
 * <pre>
 *   long m = ({ __typeof__(work(i)) _a = (work(i)); __typeof__(work(j)) _b = (work(j)); _a &gt; _b ? _a : _b; });
 * becomes (on the same line)
 *   __typeof__(long) __talent_se1; { __typeof__(work(i)) _a = (work(i)); ...; __talent_se1 = (_a &gt; _b ? _a : _b); }
 *   long m = __talent_se1;
 * </pre>
 *
 * The block keeps the scope of the statement expression's declarations (shadowing, {@code __typeof__}); a {@code
 * return}, {@code goto} or {@code break} in it does what it did (its enclosing statement is the same). Evaluation
 * order: a statement expression is moved before its statement, one of the orders C allows; one that C evaluates only in
 * some cases (the right operand of {@code &&}, {@code ||} or of a comma after a side effect, an arm of {@code ?:}) first
 * has its operator turned into a statement expression with an {@code if} ({@link #emitConditional}), and one in a
 * do-while condition or a for increment has its loop evaluate the header at the top of the body from the second round
 * on; the next round moves what that gives. In a {@code while} or {@code for} condition the
 * loop becomes {@code for (init; ; inc) { <block> if (!(cond')) break; body }} (a {@code continue} still reaches
 * the condition). Moved text is put on one line, the statement's, and the lines after it keep their numbers. Nested
 * statement expressions are moved by running the pass again on the text it returns. What is not moved keeps its
 * reason ({@link #whyNotMoved}), which the refusal of a chain call inside it names.
 */
public final class StatementExpressions {
    private StatementExpressions() {}

    /** The value temporaries: this prefix and a number unique in the unit. */
    public static final String PREFIX = "__talent_se";

    /** How many times the pass runs on its own output at most (one level of nesting each). */
    public static final int MAX_ROUNDS = 16;

    public record Result(String text, boolean changed) {}

    private enum Mode {
        BEFORE, WHILE_CONDITION, FOR_CONDITION,
        /** The {@code &&}, {@code ||}, {@code ?:} or comma around it becomes a statement expression with an {@code if}. */
        CONDITIONAL,
        /** The do-while loop becomes a for loop that evaluates the condition at the top of its body from its second round. */
        DO_CONDITION,
        /** The for loop evaluates its increment (and then its condition) at the top of its body from its second round. */
        FOR_INCREMENT
    }

    /** Where the statement expression goes: before {@code stmt}, braces around it when {@code wrap}. */
    private record Place(Node stmt, Mode mode, boolean wrap) {}

    /** A reason, or a place. */
    private record Decision(Place place, String reason) {}

    private record Edit(int at, int end, int order, String text) {}

    private static final Pattern NUMBERED = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)");

    public static Result rewrite(TranslationUnit tu) {
        String text = tu.text();
        int[] count = {0};
        Matcher m = NUMBERED.matcher(text);
        while (m.find()) count[0] = Math.max(count[0], Integer.parseInt(m.group(1)));
        List<Edit> edits = new ArrayList<>();
        for (Node top : tu.root().inner()) {
            if (!top.is("FunctionDecl") || Ast.functionBody(top) == null) continue;
            Node body = Ast.functionBody(top);
            if (!tu.isRewritable(body)) continue;
            Map<Place, List<Node>> byPlace = new LinkedHashMap<>();
            body.walk(n -> {
                if (!n.is("StmtExpr") || !outermost(n) || !worthMoving(n)) return;
                Decision d = decide(tu, n);
                if (d == null || d.place() == null) return;
                byPlace.computeIfAbsent(d.place(), k -> new ArrayList<>()).add(n);
            });
            deferConflicts(tu, byPlace);
            for (var e : byPlace.entrySet()) {
                List<Node> xs = e.getValue();
                xs.sort(Comparator.comparingInt(x -> x.begin().offset()));
                emit(tu, text, e.getKey(), xs, edits, count);
            }
        }
        if (edits.isEmpty()) return new Result(text, false);
        // at one offset: insertions before a replacement that starts there, outer insertions first
        edits.sort(Comparator.comparingInt(Edit::at).thenComparingInt(e -> e.end() > e.at() ? 1 : 0)
                .thenComparingInt(Edit::order));
        StringBuilder out = new StringBuilder(text.length() + 256 * edits.size());
        int pos = 0;
        for (Edit e : edits) {
            if (e.at() < pos) throw new IllegalStateException("overlapping statement expression rewrites at offset " + e.at());
            out.append(text, pos, e.at()).append(e.text());
            pos = e.end();
        }
        out.append(text.substring(pos));
        return new Result(out.toString(), true);
    }

    /**
     * Why the statement expression {@code x} (or the outermost one around it) stays in its expression, or null when
     * it is moved by {@link #rewrite} (so none is left after it).
     */
    public static String whyNotMoved(TranslationUnit tu, Node x) {
        Node outer = x;
        for (Node p = x.parent(); p != null; p = p.parent()) if (p.is("StmtExpr")) outer = p;
        Decision d = decide(tu, outer);
        if (d == null) return "it is not evaluated";
        if (d.place() != null) {
            return "the expressions and loops around it nest deeper than talent rewrites (" + MAX_ROUNDS + " levels)";
        }
        return d.reason();
    }

    private static boolean outermost(Node x) {
        for (Node p = x.parent(); p != null; p = p.parent()) if (p.is("StmtExpr")) return false;
        return true;
    }

    /** A loop, or a call of anything but a compiler builtin: what may checkpoint or block. */
    private static boolean worthMoving(Node x) {
        boolean[] found = {false};
        x.walk(n -> {
            if (Ast.isLoop(n)) found[0] = true;
            if (n.is("CallExpr")) {
                String callee = Ast.directCallee(n);
                if (callee == null || !callee.startsWith("__builtin")) found[0] = true;
            }
        });
        return found[0];
    }

    private static Decision reason(String why) {
        return new Decision(null, why);
    }

    /** Where {@code x} can go, or why it cannot; null when it is not evaluated (sizeof, typeof). */
    private static Decision decide(TranslationUnit tu, Node x) {
        if (!tu.isMacroFree(x)) return reason("it is written inside a macro that talent leaves to the C library's headers");
        Node body = x.inner().isEmpty() ? null : x.child(0);
        if (body == null || !body.is("CompoundStmt")) return reason("talent cannot read its body");
        if (!isVoid(x) && (body.inner().isEmpty() || !isExpression(body.inner().getLast()))) {
            return reason("its value is not the value of its last statement as written");
        }
        if (!isVoid(x) && valueType(tu, x) == null) {
            return reason("talent cannot name its type '" + x.qualType() + "' outside it alike on every ISA");
        }
        if (!Ast.collect(body, "RecordDecl").isEmpty() || !Ast.collect(body, "EnumDecl").isEmpty()
                || !Ast.collect(body, "TypedefDecl").isEmpty()) {
            return reason("it declares a type its value may have");
        }
        Node c = x;
        for (Node p = x.parent(); p != null; c = p, p = p.parent()) {
            int at = p.inner().indexOf(c);
            switch (p.kind()) {
                case "UnaryExprOrTypeTraitExpr" -> { return null; }
                case "BinaryOperator" -> {
                    String op = p.attr("opcode");
                    if ((op.equals("&&") || op.equals("||")) && at == 1) {
                        return conditional(tu, p, "it is the right operand of '" + op + "', evaluated only when the left one "
                                + (op.equals("&&") ? "is true" : "is false"));
                    }
                    if (op.equals(",") && at == 1 && ChainCallHoisting.hasSideEffects(p.child(0))) {
                        return conditional(tu, p, "it follows the left operand of a comma operator, which has a side effect");
                    }
                }
                case "ConditionalOperator" -> {
                    if (at > 0) return conditional(tu, p, "it is an arm of '?:', evaluated only when chosen");
                }
                case "BinaryConditionalOperator" -> {
                    // children 1 and 2 are OpaqueValueExprs repeating the first operand (emptied by the AST loader): the
                    // first operand is evaluated always and moves where it is written, the right one only when it is zero
                    if (at == 1 || at == 2) return null;
                    if (at == 3) return conditional(tu, p, "it is the right operand of GNU 'a ?: b', evaluated only when 'a' is zero");
                }
                case "CompoundStmt" -> { return placed(tu, x, new Place(c, Mode.BEFORE, false)); }
                case "ReturnStmt" -> { return placed(tu, x, new Place(p, Mode.BEFORE, !p.parent().is("CompoundStmt"))); }
                case "IfStmt", "SwitchStmt" -> {
                    if (at == 0) return placed(tu, x, new Place(p, Mode.BEFORE, !p.parent().is("CompoundStmt")));
                    return placed(tu, x, new Place(c, Mode.BEFORE, true));
                }
                case "WhileStmt" -> {
                    if (at == 0) return placed(tu, x, new Place(p, Mode.WHILE_CONDITION, false));
                    return placed(tu, x, new Place(c, Mode.BEFORE, true));
                }
                case "DoStmt" -> {
                    if (at == 1) return loopHeader(tu, x, new Place(p, Mode.DO_CONDITION, false), "the condition of a do-while loop");
                    return placed(tu, x, new Place(c, Mode.BEFORE, true));
                }
                case "ForStmt" -> {
                    Node[] parts = Ast.forParts(p);
                    if (c == parts[0]) return placed(tu, x, new Place(p, Mode.BEFORE, !p.parent().is("CompoundStmt")));
                    if (c == parts[2]) return placed(tu, x, new Place(p, Mode.FOR_CONDITION, false));
                    if (c == parts[3]) return loopHeader(tu, x, new Place(p, Mode.FOR_INCREMENT, false), "the increment of a for loop");
                    return placed(tu, x, new Place(c, Mode.BEFORE, true));
                }
                case "LabelStmt", "CaseStmt", "DefaultStmt", "AttributedStmt" -> {
                    if (c == p.inner().getLast()) return placed(tu, x, new Place(c, Mode.BEFORE, true));
                    return reason("it is in a case label");
                }
                case "VarDecl" -> {
                    if (!p.attr("storageClass").isEmpty() && !p.attr("storageClass").equals("auto")
                            && !p.attr("storageClass").equals("register")) {
                        return reason("it initialises a '" + p.attr("storageClass") + "' variable");
                    }
                    Node decl = p.parent();
                    if (decl == null || !decl.is("DeclStmt")) return reason("it is in a declaration talent cannot move it out of");
                    String why = declarationProblem(decl, p, x);
                    if (why != null) return reason(why);
                    Node holder = decl.parent();
                    if (holder != null && holder.is("CompoundStmt")) return placed(tu, x, new Place(decl, Mode.BEFORE, false));
                    if (holder != null && holder.is("ForStmt") && Ast.forParts(holder)[0] == decl) {
                        return placed(tu, x, new Place(holder, Mode.BEFORE, !holder.parent().is("CompoundStmt")));
                    }
                    return reason("it is in a declaration that is not directly in a block");
                }
                case "FunctionDecl", "TranslationUnitDecl" -> { return reason("it is not inside a statement"); }
                default -> { }
            }
        }
        return reason("it is not inside a statement");
    }

    /**
     * The declarator {@code var} of {@code decl} is initialised with {@code x}: x moves before the whole declaration, so
     * it must not read a name the declaration declares, and earlier declarators must not do anything.
     */
    private static String declarationProblem(Node decl, Node var, Node x) {
        Set<String> declared = new HashSet<>();
        for (Node d : decl.inner()) if (d.is("VarDecl")) declared.add(d.id());
        String[] bad = {null};
        x.walk(n -> {
            if (bad[0] == null && n.is("DeclRefExpr") && declared.contains(Ast.referencedDeclId(n))) {
                bad[0] = n.referencedDecl().path("name").asText();
            }
        });
        if (bad[0] != null) return "it reads '" + bad[0] + "', which the same declaration declares: declare it on its own";
        for (Node d : decl.inner()) {
            if (d == var) break;
            if (d.is("VarDecl") && ChainCallHoisting.hasSideEffects(d)) {
                return "an earlier declarator of the same declaration ('" + d.name() + "') has a side effect: declare '"
                        + var.name() + "' on its own";
            }
        }
        return null;
    }

    /**
     * A statement expression evaluated only in some cases ({@code op} is the {@code &&}, {@code ||}, comma or {@code ?:}
     * around it): the operator becomes a statement expression that says so with an {@code if}, which the next round moves
     * out of its own expression (docs/CODEGEN.md "Statement expressions"), or {@code why} when it cannot.
     */
    private static Decision conditional(TranslationUnit tu, Node op, String why) {
        if (!tu.isMacroFree(op)) return reason(why + ", in an expression a macro writes");
        if (op.is("BinaryConditionalOperator") && isVoid(op)) return reason(why + ", and its value is void");
        if ((op.is("ConditionalOperator") || op.is("BinaryConditionalOperator")) && !isVoid(op) && valueType(tu, op) == null) {
            return reason(why + ", and talent cannot name the type '" + op.qualType() + "' of the '?:' alike on every ISA");
        }
        if (operatorAt(tu.text(), op) < 0) return reason(why + ", and talent cannot find the operator in the text");
        return new Decision(new Place(op, Mode.CONDITIONAL, false), null);
    }

    /** A statement expression in a do-while condition or a for increment, which moves into the loop's body. */
    private static Decision loopHeader(TranslationUnit tu, Node x, Place place, String what) {
        Node s = place.stmt();
        String jumps = jumpsProblem(tu, x);
        if (jumps != null) return reason("it is in " + what + " and " + jumps);
        if (!tu.isMacroFree(s)) return reason("it is in " + what + " written by a macro");
        String text = tu.text();
        int end = headerEnd(text, s);
        if (end < 0) return reason("it is in " + what + " whose text talent cannot read");
        String header = text.substring(s.is("DoStmt") ? Ast.statementEnd(text, s.child(0)) : s.begin().offset(), end);
        if (header.indexOf('\n') >= 0 && (header.contains("//") || Pattern.compile("(?m)^\\s*#").matcher(header).find())) {
            return reason("it is in " + what + " that holds a preprocessor line or a comment across its lines");
        }
        return placed(tu, x, place);
    }

    /**
     * Offset of the operator token of a {@code &&}, {@code ||} or comma (between its operands), of a {@code ?:}'s
     * {@code ?}; -1 when the text between the operands holds anything else.
     */
    private static int operatorAt(String text, Node op) {
        if (op.inner().size() < 2) return -1;
        int from = Ast.rangeEnd(text, op.child(0));
        int i = Ast.skipSpace(text, from);
        if (op.is("BinaryConditionalOperator")) {
            // '?', then ':' (spaces between them allowed), then the right operand
            if (i >= text.length() || text.charAt(i) != '?') return -1;
            int colon = Ast.skipSpace(text, i + 1);
            if (colon >= text.length() || text.charAt(colon) != ':') return -1;
            return Ast.skipSpace(text, colon + 1) == op.inner().getLast().begin().offset() ? i : -1;
        }
        String token = op.is("ConditionalOperator") ? "?" : op.attr("opcode");
        if (!text.startsWith(token, i)) return -1;
        if (Ast.skipSpace(text, i + token.length()) != op.child(1).begin().offset()) return -1;
        if (op.is("ConditionalOperator")) {
            int colon = Ast.skipSpace(text, Ast.rangeEnd(text, op.child(1)));
            if (colon >= text.length() || text.charAt(colon) != ':') return -1;
            if (Ast.skipSpace(text, colon + 1) != op.child(2).begin().offset()) return -1;
        }
        return i;
    }

    /**
     * For a do-while loop: the offset just past the {@code ;} after {@code while (c)}; for a for loop: the offset of its
     * header's closing parenthesis. -1 when the text is not as expected.
     */
    private static int headerEnd(String text, Node loop) {
        if (loop.is("DoStmt")) {
            int w = Ast.skipSpace(text, Ast.statementEnd(text, loop.child(0)));
            if (!text.startsWith("while", w)) return -1;
            int open = Ast.skipSpace(text, w + "while".length());
            if (open >= text.length() || text.charAt(open) != '(') return -1;
            int close = Ast.matchParen(text, open);
            if (close < 0) return -1;
            int semi = Ast.skipSpace(text, close + 1);
            return semi < text.length() && text.charAt(semi) == ';' ? semi + 1 : -1;
        }
        int open = Ast.skipSpace(text, loop.begin().offset() + "for".length());
        if (!text.startsWith("for", loop.begin().offset()) || open >= text.length() || text.charAt(open) != '(') return -1;
        int close = Ast.matchParen(text, open);
        return close < 0 ? -1 : close;
    }

    /** The {@code ;} that ends a for loop's first clause (its declaration's own, or the one after the expression). */
    private static int firstClauseEnd(String text, Node loop) {
        Node init = Ast.forParts(loop)[0];
        int open = Ast.skipSpace(text, loop.begin().offset() + "for".length());
        if (init == null) return Ast.skipSpace(text, open + 1);
        int end = Ast.rangeEnd(text, init);
        if (end > 0 && text.charAt(end - 1) == ';') return end - 1;
        return Ast.skipSpace(text, end);
    }

    /**
     * A loop whose header moves into its body (DO_CONDITION, FOR_INCREMENT) copies the header's text: it waits for the
     * next round when another place rewrites text inside that header, and a for condition moved this way is the next
     * round's (an {@code if} condition then).
     */
    private static void deferConflicts(TranslationUnit tu, Map<Place, List<Node>> byPlace) {
        String text = tu.text();
        Set<Node> incrementLoops = new HashSet<>();
        for (Place p : byPlace.keySet()) if (p.mode() == Mode.FOR_INCREMENT) incrementLoops.add(p.stmt());
        byPlace.keySet().removeIf(p -> p.mode() == Mode.FOR_CONDITION && incrementLoops.contains(p.stmt()));
        List<Place> loops = byPlace.keySet().stream()
                .filter(p -> p.mode() == Mode.DO_CONDITION || p.mode() == Mode.FOR_INCREMENT).toList();
        for (Place loop : loops) {
            Node s = loop.stmt();
            int from = s.is("DoStmt") ? Ast.statementEnd(text, s.child(0)) : firstClauseEnd(text, s);
            int to = headerEnd(text, s);
            for (Place other : byPlace.keySet()) {
                if (other.equals(loop)) continue;
                int at = other.stmt().begin().offset();
                if (at >= from && at < to) {
                    byPlace.remove(loop);
                    break;
                }
            }
        }
    }

    /** The place, once the text there can take the rewriting. */
    private static Decision placed(TranslationUnit tu, Node x, Place place) {
        Node s = place.stmt();
        if (!tu.isMacroFree(s)) return reason("the statement that holds it is written by a macro");
        String text = tu.text();
        String moved = text.substring(x.begin().offset(), Ast.rangeEnd(text, x));
        if (moved.indexOf('\n') >= 0 && (moved.contains("//") || Pattern.compile("(?m)^\\s*#").matcher(moved).find())) {
            return reason("it holds a preprocessor line or a comment across its lines");
        }
        if (place.mode() != Mode.BEFORE && !tu.isMacroFree(Ast.loopBody(s))) return reason("the loop's body is written by a macro");
        if (Ast.isLoop(s) && place.mode() != Mode.BEFORE) {
            String jumps = jumpsProblem(tu, x);
            if (jumps != null) return reason("it is in the header of a loop and " + jumps);
        }
        return new Decision(place, null);
    }

    /**
     * Why the {@code break}/{@code continue} statements of the enclosing loop (or switch) that {@code x} holds cannot be
     * rewritten as {@code goto}s ({@link #outwardJumps}), or null.
     */
    private static String jumpsProblem(TranslationUnit tu, Node x) {
        String text = tu.text();
        List<Node> jumps = new ArrayList<>();
        outwardJumps(x.child(0), false, jumps);
        for (Node j : jumps) {
            String keyword = j.is("BreakStmt") ? "break" : "continue";
            if (!tu.isMacroFree(j) || !text.startsWith(keyword, j.begin().offset())) {
                return "holds a '" + keyword + "' of an enclosing loop that a macro writes";
            }
        }
        return null;
    }

    /** The break and continue statements below {@code n} that leave it (a break: not inside its loop or switch). */
    private static void outwardJumps(Node n, boolean inSwitch, List<Node> out) {
        if (n.is("ContinueStmt") || (n.is("BreakStmt") && !inSwitch)) {
            out.add(n);
            return;
        }
        if (Ast.isLoop(n)) return;
        boolean sw = inSwitch || n.is("SwitchStmt");
        for (Node c : n.inner()) outwardJumps(c, sw, out);
    }

    /**
     * A loop whose header moves into its body, with a {@code break} or {@code continue} of the loop (or switch) around it
     * in that header (GCC binds them so; in the body they would bind to the loop itself): each becomes a {@code goto} to
     * a label after the loop, local to a block around it ({@code __label__}), whose own {@code break;} or {@code
     * continue;} is the enclosing construct's again: {@code { __label__ Lb; <loop> if (0) { Lb: break; } }}.
     */
    private record Jumps(Map<Integer, String> replaced, Map<Integer, Integer> lengths, String open, String close) {
        static final Jumps NONE = new Jumps(Map.of(), Map.of(), "", "");

        static Jumps of(List<Node> headers, int[] count) {
            List<Node> jumps = new ArrayList<>();
            for (Node h : headers) if (h != null) outwardJumps(h, false, jumps);
            if (jumps.isEmpty()) return NONE;
            count[0]++;
            String b = PREFIX + count[0] + "b";
            String k = PREFIX + count[0] + "k";
            Map<Integer, String> replaced = new java.util.HashMap<>();
            Map<Integer, Integer> lengths = new java.util.HashMap<>();
            boolean anyBreak = false, anyContinue = false;
            for (Node j : jumps) {
                boolean isBreak = j.is("BreakStmt");
                anyBreak |= isBreak;
                anyContinue |= !isBreak;
                replaced.put(j.begin().offset(), "goto " + (isBreak ? b : k));
                lengths.put(j.begin().offset(), isBreak ? "break".length() : "continue".length());
            }
            String labels = anyBreak && anyContinue ? b + ", " + k : anyBreak ? b : k;
            return new Jumps(replaced, lengths, "{ __label__ " + labels + "; ", " if (0) { " + (anyBreak ? b + ": break; " : "")
                    + (anyContinue ? k + ": continue; " : "") + "} }");
        }

        /** text[from, to) on one line, its jumps replaced. */
        String cut(String text, int from, int to) {
            StringBuilder out = new StringBuilder();
            int pos = from;
            for (int at : replaced.keySet().stream().sorted().toList()) {
                if (at < from || at >= to) continue;
                out.append(text, pos, at).append(replaced.get(at));
                pos = at + lengths.get(at);
            }
            return flat(out.append(text, pos, to).toString());
        }
    }

    private static boolean isExpression(Node n) {
        String k = n.kind();
        return !k.endsWith("Stmt") && !k.equals("VarDecl") && !k.isEmpty();
    }

    private static boolean isVoid(Node x) {
        String t = x.desugaredQualType().isEmpty() ? x.qualType() : x.desugaredQualType();
        return t.equals("void") || x.qualType().equals("void");
    }

    /**
     * A type name for the temporary, valid before the statement: clang's type without top-level qualifiers (an
     * rvalue's), or null for a type without a name there (an unnamed struct, a variably modified type).
     */
    static String valueType(TranslationUnit tu, Node x) {
        String t = sugaredType(tu, x);
        if (t == null) t = mixedArithmetic(tu, x);
        if (t == null || t.isEmpty() || t.contains("unnamed") || t.contains("anonymous") || t.contains(" at ")
                || t.contains("__attribute__")) return null;
        if (Pattern.compile("\\[[^\\]]*[A-Za-z_][^\\]]*\\]").matcher(t).find()) return null;
        String stripped = t.strip();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String q : List.of("const ", "volatile ", "restrict ")) {
                if (stripped.startsWith(q) && !stripped.contains("*")) {
                    stripped = stripped.substring(q.length()).strip();
                    changed = true;
                }
            }
            for (String q : List.of(" const", " volatile", " restrict", " __restrict")) {
                if (stripped.endsWith(q) && stripped.lastIndexOf('*') >= 0
                        && stripped.substring(stripped.lastIndexOf('*')).strip().equals("*" + q.strip())) {
                    stripped = stripped.substring(0, stripped.length() - q.length()).strip();
                    changed = true;
                }
            }
        }
        return stripped;
    }

    /**
     * The type of {@code n} spelled so that each ISA's compiler reads the type the program means, or null. clang's types
     * are the build host's: it desugars {@code __typeof__(w(i))} with {@code int64_t w(int)} to {@code long}, and gives
     * {@code c ? a : b} with {@code a}, {@code b} of two typedefs of one type that type, {@code long} here; on i686
     * {@code int64_t} is {@code long long}, so that spelling would make a 64-bit value 32 bits there. Taken as they are:
     * a spelling that means the same type on every ISA whatever typedef it came from ({@link #stable}: {@code int},
     * {@code double}, {@code char *}, {@code struct s *}, ...), and the type of a node that carries its declaration's
     * type as written (a variable, a call's return type, a cast, a member, an element). A type that is {@code typeof (...)}
     * as a whole is the typedef clang finds under it ({@code int64_t}) or a stable desugared type; otherwise the type of
     * what the expression reads (a variable's initialiser, a parenthesis, a conversion that keeps the type, both arms of
     * {@code ?:} alike, a statement expression's value) when it is the same type.
     */
    public static String sugaredType(TranslationUnit tu, Node n) {
        return sugared(tu, n, 0);
    }

    private static final Set<String> STABLE = Set.of("int", "unsigned int", "short", "unsigned short", "char", "signed char",
            "unsigned char", "_Bool", "float", "double", "long double", "long long", "unsigned long long", "void");

    private static final Set<String> ARITHMETIC = Set.of("+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>");

    /** Types that promote to int on every ISA. */
    private static final Set<String> SMALL = Set.of("int", "short", "unsigned short", "char", "signed char", "unsigned char",
            "_Bool");

    private static final Set<String> AS_DECLARED = Set.of("DeclRefExpr", "VarDecl", "ParmVarDecl", "CallExpr",
            "CStyleCastExpr", "MemberExpr", "ArraySubscriptExpr");

    /** A spelling that names the same type on every ISA, whatever typedef clang resolved to get it. */
    static boolean stable(String t) {
        String base = t.replaceAll("\\b(const|volatile|restrict|__restrict)\\b", "").replace("*", " ").replaceAll("\\s+", " ").strip();
        if (STABLE.contains(base)) return true;
        return (base.startsWith("struct ") || base.startsWith("union ") || base.startsWith("enum "))
                && base.matches("(struct|union|enum) [A-Za-z_][A-Za-z_0-9]*");
    }

    /** An arithmetic operand's type; an operand of a small type converted to the other's is that small type. */
    private static String operand(TranslationUnit tu, Node n, int depth) {
        if (n.is("ImplicitCastExpr") && n.attr("castKind").equals("IntegralCast") && !n.inner().isEmpty()) {
            String s = sugared(tu, n.child(0), depth + 1);
            return s != null && SMALL.contains(s) ? s : null;
        }
        return sugared(tu, n, depth);
    }

    private static String sugared(TranslationUnit tu, Node n, int depth) {
        if (n == null || depth > 24) return null;
        String t = n.qualType();
        if (t.isEmpty()) return null;
        String d = desugared(n);
        if (!t.contains("typeof")) {
            if (stable(t) || AS_DECLARED.contains(n.kind())) return t;
        } else {
            int open = t.startsWith("typeof (") ? "typeof ".length() : t.startsWith("typeof(") ? "typeof".length() : -1;
            if (open > 0 && t.endsWith(")") && Ast.matchParen(t, open) == t.length() - 1) {
                String alias = n.typeAliasDeclId();
                Node typedef = alias.isEmpty() ? null : tu.byId(alias);
                if (typedef != null && !typedef.name().isEmpty()) return typedef.name();
                if (alias.isEmpty() && stable(d)) return d;
                // the type mixedArithmetic spelled for a rewritten '?:' (its value variable, read by the next round)
                Matcher mixed = MIXED_PRINTED.matcher(t);
                if (alias.isEmpty() && mixed.matches()) return TYPEOF_MIXED + "(" + mixed.group(1) + ")0 : (" + mixed.group(2) + ")0)";
            }
        }
        if (n.is("BinaryOperator") && ARITHMETIC.contains(n.attr("opcode"))) {
            String a = operand(tu, n.child(0), depth + 1);
            if (n.attr("opcode").equals("<<") || n.attr("opcode").equals(">>")) {
                return a != null && desugared(n.child(0)).equals(d) ? a : null;
            }
            String b = operand(tu, n.child(1), depth + 1);
            if (a == null || b == null) return null;
            if (a.equals(b) && desugared(n.child(0)).equals(d)) return a;
            // an operand that promotes to int on every ISA leaves the other's type (long + int is long everywhere;
            // unsigned int + long is long here and unsigned long on i686)
            if (SMALL.contains(b) && desugared(n.child(0)).equals(d)) return a;
            if (SMALL.contains(a) && desugared(n.child(1)).equals(d)) return b;
            return null;
        }
        if (n.is("UnaryOperator") && (n.attr("opcode").equals("-") || n.attr("opcode").equals("~")
                || n.attr("opcode").equals("+") || n.attr("opcode").matches("\\+\\+|--"))) {
            String a = sugared(tu, n.child(0), depth + 1);
            return a != null && desugared(n.child(0)).equals(d) ? a : null;
        }
        if (n.is("ConditionalOperator") || n.is("BinaryConditionalOperator")) {
            // the arms convert as arithmetic operands do: one that promotes to int leaves the other's type (GNU a ?: b:
            // a is the first child, its converted value the third)
            boolean gnu = n.is("BinaryConditionalOperator");
            String a = operand(tu, n.child(gnu ? 0 : 1), depth + 1);
            String b = operand(tu, n.inner().getLast(), depth + 1);
            if (a == null || b == null) return null;
            Node convertedA = n.child(gnu ? 2 : 1);
            if (a.equals(b) && desugared(convertedA).equals(d)) return a;
            if (SMALL.contains(b) && desugared(convertedA).equals(d)) return a;
            if (SMALL.contains(a) && desugared(n.inner().getLast()).equals(d)) return b;
            return null;
        }
        Node next = switch (n.kind()) {
            case "VarDecl" -> {
                Node init = null;
                for (Node c : n.inner()) if (!c.kind().endsWith("Attr")) init = c;
                yield init;
            }
            case "ParenExpr" -> n.inner().isEmpty() ? null : n.child(0);
            case "ImplicitCastExpr" -> n.attr("castKind").equals("LValueToRValue") || n.attr("castKind").equals("NoOp")
                    ? n.child(0) : null;
            case "DeclRefExpr" -> tu.byId(Ast.referencedDeclId(n));
            case "StmtExpr" -> n.inner().isEmpty() || n.child(0).inner().isEmpty() ? null : n.child(0).inner().getLast();
            default -> null;
        };
        if (next == null || !desugared(next).equals(d)) return null;
        return sugared(tu, next, depth + 1);
    }

    private static final Set<String> ARITHMETIC_CASTS = Set.of("IntegralCast", "IntegralToFloating", "FloatingCast");

    /**
     * {@code c ? x : y} or {@code x ?: y} whose arms are arithmetic, each of a type spelled alike on every ISA but not the
     * same one ({@code unsigned int} and {@code long}: {@code long} here, {@code unsigned long} on i686): the type each
     * ISA's compiler gives the operator, {@code __typeof__(1 ? (A)0 : (B)0)}; null otherwise.
     */
    private static String mixedArithmetic(TranslationUnit tu, Node op) {
        if (!op.is("ConditionalOperator") && !op.is("BinaryConditionalOperator")) return null;
        String a = arithmeticArm(tu, op.is("ConditionalOperator") ? op.child(1) : op.child(0));
        String b = arithmeticArm(tu, op.inner().getLast());
        return a == null || b == null ? null : TYPEOF_MIXED + "(" + a + ")0 : (" + b + ")0)";
    }

    private static final String TYPEOF_MIXED = "__typeof__(1 ? ";

    /** How clang prints that type (typeof (1 ? (long)0 : (unsigned int)0)), declared as it is or inside __typeof__. */
    private static final Pattern MIXED_PRINTED = Pattern.compile(
            "(?:typeof ?\\(\\s*)+1 \\? \\(([A-Za-z_][A-Za-z_0-9 ]*)\\)0 : \\(([A-Za-z_][A-Za-z_0-9 ]*)\\)0(?:\\s*\\))+");

    /** An arithmetic arm's own type (before the conversion to the operator's), spelled alike on every ISA, or null. */
    private static String arithmeticArm(TranslationUnit tu, Node n) {
        while (n.is("ImplicitCastExpr") && ARITHMETIC_CASTS.contains(n.attr("castKind")) && !n.inner().isEmpty()) n = n.child(0);
        String d = desugared(n);
        if (d.isEmpty() || d.contains("*") || d.contains("[") || d.contains("(") || d.startsWith("struct ")
                || d.startsWith("union ") || d.equals("void") || d.contains("_Complex")) return null;
        // a small integer literal's type is its suffix's on every ISA (1L: long); a large one's is not (3000000000 is
        // long on x86_64, long long on i686)
        String s = n.is("IntegerLiteral") && smallLiteral(n) ? n.qualType() : sugared(tu, n, 0);
        return s == null || !s.matches("[A-Za-z_][A-Za-z_0-9 ]*") ? null : s;
    }

    private static boolean smallLiteral(Node n) {
        try {
            return Math.abs(Long.parseLong(n.attr("value"))) < Integer.MAX_VALUE;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String desugared(Node n) {
        return n.desugaredQualType().isEmpty() ? n.qualType() : n.desugaredQualType();
    }

    private static int newlines(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    private static String flat(String s) {
        return s.replace('\n', ' ');
    }

    /** {@code text[from, to)} with each statement expression of {@code xs} inside it replaced by its value. */
    private static String replacedIn(String text, int from, int to, List<Node> xs, Map<Node, String> values, Jumps jumps) {
        StringBuilder b = new StringBuilder();
        int pos = from;
        for (Node x : xs) {
            int a = x.begin().offset();
            int e = Ast.rangeEnd(text, x);
            if (a < from || e > to) continue;
            b.append(jumps.cut(text, pos, a)).append(values.get(x));
            pos = e;
        }
        b.append(jumps.cut(text, pos, to));
        return b.toString();
    }

    /** Depth of a node in the tree: inner statements' edits go after outer ones at the same offset. */
    private static int depth(Node n) {
        int d = 0;
        for (Node p = n.parent(); p != null; p = p.parent()) d++;
        return d;
    }

    private static void emit(TranslationUnit tu, String text, Place place, List<Node> xs, List<Edit> edits, int[] count) {
        switch (place.mode()) {
            case CONDITIONAL -> {
                emitConditional(tu, text, place.stmt(), edits, count);
                return;
            }
            case DO_CONDITION -> {
                emitDoCondition(text, place.stmt(), edits, count);
                return;
            }
            case FOR_INCREMENT -> {
                emitForIncrement(text, place.stmt(), edits, count);
                return;
            }
            default -> { }
        }
        boolean header = place.mode() == Mode.WHILE_CONDITION || place.mode() == Mode.FOR_CONDITION;
        // the whole condition: a statement expression left in it (no call, no loop) moves into the body with it
        Jumps jumps = !header ? Jumps.NONE : Jumps.of(List.of(place.mode() == Mode.WHILE_CONDITION ? place.stmt().child(0)
                : Ast.forParts(place.stmt())[2]), count);
        StringBuilder prefix = new StringBuilder();
        Map<Node, String> values = new LinkedHashMap<>();
        for (Node x : xs) {
            Node body = x.child(0);
            int open = body.begin().offset() + 1;
            int close = body.end().offset();   // the '}'
            if (isVoid(x)) {
                prefix.append("{ ").append(jumps.cut(text, open, close)).append(" } ");
                values.put(x, "((void)0)");
            } else {
                count[0]++;
                String v = PREFIX + count[0];
                Node last = body.inner().getLast();
                int valueAt = last.begin().offset();
                int valueEnd = Ast.rangeEnd(text, last);
                String type = valueType(tu, x);
                // a pointer to a function or to an array has no declarator form 'T v'
                prefix.append(type.indexOf('(') < 0 && type.indexOf('[') < 0 ? type : "__typeof__(" + type + ")")
                        .append(' ').append(v).append("; { ")
                        .append(jumps.cut(text, open, valueAt)).append(v).append(" = (")
                        .append(jumps.cut(text, valueAt, valueEnd)).append("); } ");
                values.put(x, v);
            }
        }
        Node s = place.stmt();
        int depth = depth(s);
        switch (place.mode()) {
            case BEFORE -> {
                edits.add(new Edit(s.begin().offset(), s.begin().offset(), depth, (place.wrap() ? "{ " : "") + prefix));
                for (Node x : xs) {
                    int a = x.begin().offset();
                    int e = Ast.rangeEnd(text, x);
                    edits.add(new Edit(a, e, depth, values.get(x) + "\n".repeat(newlines(text.substring(a, e)))));
                }
                if (place.wrap()) {
                    int end = Ast.statementEnd(text, s);
                    edits.add(new Edit(end, end, 100_000 - depth, " }"));
                }
            }
            case WHILE_CONDITION -> {
                Node cond = s.child(0);
                int open = Ast.skipSpace(text, s.begin().offset() + "while".length());
                int close = Ast.matchParen(text, open);
                String c = replacedIn(text, cond.begin().offset(), Ast.rangeEnd(text, cond), xs, values, jumps);
                String region = text.substring(s.begin().offset(), close + 1);
                edits.add(new Edit(s.begin().offset(), close + 1, depth, jumps.open() + "for (;;) { " + prefix + "if (!(" + flat(c)
                        + ")) break; " + "\n".repeat(newlines(region))));
                int end = Ast.statementEnd(text, Ast.loopBody(s));
                edits.add(new Edit(end, end, 100_000 - depth, " }" + jumps.close()));
            }
            case CONDITIONAL, DO_CONDITION, FOR_INCREMENT -> throw new IllegalStateException("emitted above");
            case FOR_CONDITION -> {
                Node cond = Ast.forParts(s)[2];
                int a = cond.begin().offset();
                int e = Ast.rangeEnd(text, cond);
                String c = replacedIn(text, a, e, xs, values, jumps);
                edits.add(new Edit(a, e, depth, "\n".repeat(newlines(text.substring(a, e)))));
                Node loopBody = Ast.loopBody(s);
                int at = loopBody.begin().offset();
                edits.add(new Edit(at, at, depth, "{ " + prefix + "if (!(" + flat(c) + ")) break; "));
                int end = Ast.statementEnd(text, loopBody);
                edits.add(new Edit(end, end, 100_000 - depth, " }" + jumps.close()));
                if (!jumps.open().isEmpty()) edits.add(new Edit(s.begin().offset(), s.begin().offset(), depth, jumps.open()));
            }
        }
    }

    /**
     * {@code a && r} becomes {@code ({ int v = 0; if (a) { v = ((r)) != 0; } v; })} ({@code ||}: {@code v = 1; if
     * (!(a))}), {@code c ? a : b} becomes {@code ({ T v; if (c) { v = (a); } else { v = (b); } v; })} (no {@code v} when
     * void), {@code l, r} becomes {@code ({ l; r; })}: the operands stay where they were, the operator's text is
     * replaced, so a statement expression in the operands is moved by the next round into the {@code if}'s branch.
     */
    private static void emitConditional(TranslationUnit tu, String text, Node op, List<Edit> edits, int[] count) {
        int depth = depth(op);
        int begin = op.begin().offset();
        int end = Ast.rangeEnd(text, op);
        int at = operatorAt(text, op);
        if (op.is("BinaryOperator") && op.attr("opcode").equals(",")) {
            edits.add(new Edit(begin, begin, depth, "({ "));
            edits.add(new Edit(at, at + 1, depth, ";"));
            edits.add(new Edit(end, end, 100_000 - depth, "; })"));
            return;
        }
        count[0]++;
        String v = PREFIX + count[0];
        if (op.is("BinaryOperator")) {
            boolean and = op.attr("opcode").equals("&&");
            edits.add(new Edit(begin, begin, depth, "({ int " + v + " = " + (and ? "0" : "1") + "; if (" + (and ? "" : "!(")));
            edits.add(new Edit(at, at + 2, depth, (and ? "" : ")") + ") { " + v + " = (("));
            edits.add(new Edit(end, end, 100_000 - depth, ")) != 0; } " + v + "; })"));
            return;
        }
        if (op.is("BinaryConditionalOperator")) {
            // a ?: b  ->  ({ T v; if (!(v = (a))) { v = (b); } v; }): a once; converted to the operator's type T (the
            // usual arithmetic conversions or a pointer conversion) a value is zero exactly when it was
            String type = valueType(tu, op);
            String declared = (type.indexOf('(') < 0 && type.indexOf('[') < 0 ? type : "__typeof__(" + type + ")") + " " + v + "; ";
            int colon = Ast.skipSpace(text, at + 1);
            edits.add(new Edit(begin, begin, depth, "({ " + declared + "if (!(" + v + " = ("));
            edits.add(new Edit(at, colon + 1, depth, "))) { " + v + " = ("));
            edits.add(new Edit(end, end, 100_000 - depth, "); } " + v + "; })"));
            return;
        }
        int colon = Ast.skipSpace(text, Ast.rangeEnd(text, op.child(1)));
        boolean isVoid = isVoid(op);
        String type = isVoid ? null : valueType(tu, op);
        String declared = isVoid ? "" : (type.indexOf('(') < 0 && type.indexOf('[') < 0 ? type : "__typeof__(" + type + ")")
                + " " + v + "; ";
        String assign = isVoid ? "(void)(" : v + " = (";
        edits.add(new Edit(begin, begin, depth, "({ " + declared + "if ("));
        edits.add(new Edit(at, at + 1, depth, ") { " + assign));
        edits.add(new Edit(colon, colon + 1, depth, "); } else { " + assign));
        edits.add(new Edit(end, end, 100_000 - depth, "); } " + (isVoid ? "" : v + "; ") + "})"));
    }

    /**
     * {@code do B while (c);} becomes {@code for (int v = 0; ; v = 1) { if (v) { if (!(c)) break; } B }}: the condition
     * is evaluated where a {@code continue} of B leads, before each round but the first, in the body, where the next round
     * moves a statement expression of it before its {@code if}. The text of {@code while (c);} is left as its newlines.
     */
    private static void emitDoCondition(String text, Node loop, List<Edit> edits, int[] count) {
        int depth = depth(loop);
        count[0]++;
        String v = PREFIX + count[0];
        Node cond = loop.child(1);
        Jumps jumps = Jumps.of(List.of(cond), count);
        String c = jumps.cut(text, cond.begin().offset(), Ast.rangeEnd(text, cond));
        int begin = loop.begin().offset();
        edits.add(new Edit(begin, begin + "do".length(), depth,
                jumps.open() + "for (int " + v + " = 0; ; " + v + " = 1) { if (" + v + ") { if (!(" + c + ")) break; } "));
        int bodyEnd = Ast.statementEnd(text, loop.child(0));
        int end = headerEnd(text, loop);
        edits.add(new Edit(bodyEnd, end, 100_000 - depth, " }" + jumps.close() + "\n".repeat(newlines(text.substring(bodyEnd, end)))));
    }

    /**
     * {@code for (init; c; n) B} becomes {@code { int v = 0; for (init; ; v = 1) { if (v) { (void)(n); } if (!(c))
     * break; B } }}: a {@code continue} of B reaches the increment and the condition, in that order, before the next
     * round of the body, and the next round moves a statement expression of either before its statement.
     */
    private static void emitForIncrement(String text, Node loop, List<Edit> edits, int[] count) {
        int depth = depth(loop);
        count[0]++;
        String v = PREFIX + count[0];
        Node[] parts = Ast.forParts(loop);
        Node cond = parts[2];
        Node inc = parts[3];
        Node body = parts[4];
        Jumps jumps = Jumps.of(java.util.Arrays.asList(cond, inc), count);
        int begin = loop.begin().offset();
        edits.add(new Edit(begin, begin, depth, jumps.open() + "{ int " + v + " = 0; "));
        int from = firstClauseEnd(text, loop) + 1;
        int close = headerEnd(text, loop);
        edits.add(new Edit(from, close, depth, " ; " + v + " = 1" + "\n".repeat(newlines(text.substring(from, close)))));
        String n = jumps.cut(text, inc.begin().offset(), Ast.rangeEnd(text, inc));
        String test = cond == null ? "" : "if (!(" + jumps.cut(text, cond.begin().offset(), Ast.rangeEnd(text, cond))
                + ")) break; ";
        int at = body.begin().offset();
        edits.add(new Edit(at, at, depth, "{ if (" + v + ") { (void)(" + n + "); } " + test));
        int end = Ast.statementEnd(text, body);
        edits.add(new Edit(end, end, 100_000 - depth, " } }" + jumps.close()));
    }
}
