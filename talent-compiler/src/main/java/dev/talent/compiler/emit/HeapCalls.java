package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.AllocaCalls;
import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Pragma;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Rewrites calls of malloc, calloc, realloc, free, strdup and strndup into the runtime's tracking entry
 * points (talent.h "heap"), passing the element type inferred at the call (the lvalue the result is
 * assigned to or initialises, a cast of the result, the parameter it is passed as, the function's return type for {@code return malloc(..)},
 * else {@code sizeof *p} / {@code sizeof(T)} in the size arguments) and the call's position. A
 * {@code #pragma talent alloc_type(T)} on the line before the call names the type and wins over inference.
 * A malloc or calloc whose type stays unknown is a warning naming the site (the block is carried as bytes).
 * Sites with a known element type are collected for the unit's alloc_sites table. A call of alloca that
 * {@code AllocaCalls} rewrote becomes {@code talent_alloca} with the same element type and position.
 */
public final class HeapCalls {
    /** Prefix of the position a talent_alloca call passes (frame_alloca.c checks it in restored lists). */
    public static final String ALLOCA_SITE = "alloca:";
    /**
     * The position prefix of a block of an aligned alloca, followed by the alignment in bytes and ':': the checkpoint
     * carries the alignment with the block's position, and a restore on any ISA allocates the block aligned so.
     */
    public static final String ALIGNED_ALLOCA_SITE = "alloca@";
    private static final Set<String> HANDLED = Set.of("malloc", "calloc", "realloc", "free", "strdup", "strndup");

    private final TranslationUnit tu;
    private final TypeResolver types;
    private final TypeDescriptors descriptors;
    private final RewritePlan plan;
    private final Diagnostics diags;
    private final AllocWrappers wrappers;
    /** site position -> descriptor expression, for alloc_sites. */
    private final Map<String, String> sites = new LinkedHashMap<>();
    /** line of the code an alloc_type pragma applies to -> the pragma. */
    private final Map<Integer, Pragma> allocTypes = new HashMap<>();
    private final Set<Pragma> usedPragmas = new HashSet<>();
    /** Set by {@link #elementDescriptor}: the block is one struct with a trailing array (the struct hack, a FAM). */
    private boolean trailing;
    /**
     * Set by {@link #elementDescriptor}: the block is one struct or union followed by other data (a size
     * {@code sizeof(T) + n}, n not a whole number of T; docs/CODEGEN.md "A struct followed by other data").
     */
    private boolean head;

    /** How an element type was found (for messages and tests). */
    record Inference(CType type, String source) {}

    public HeapCalls(TranslationUnit tu, TypeResolver types, TypeDescriptors descriptors, RewritePlan plan, Diagnostics diags) {
        this(tu, types, descriptors, plan, diags, List.of());
    }

    public HeapCalls(TranslationUnit tu, TypeResolver types, TypeDescriptors descriptors, RewritePlan plan, Diagnostics diags,
                     List<Pragma> allocTypePragmas) {
        this(tu, types, descriptors, plan, diags, allocTypePragmas, AllocWrappers.none());
    }

    /**
     * {@code wrappers}: the program's allocation wrappers; an allocation whose block a wrapper returns is left untyped
     * (without a warning) when its own site shows a character type and nothing else: the wrapper's callers type it.
     */
    public HeapCalls(TranslationUnit tu, TypeResolver types, TypeDescriptors descriptors, RewritePlan plan, Diagnostics diags,
                     List<Pragma> allocTypePragmas, AllocWrappers wrappers) {
        this.wrappers = wrappers;
        this.tu = tu;
        this.types = types;
        this.descriptors = descriptors;
        this.plan = plan;
        this.diags = diags;
        String text = tu.text();
        for (Pragma p : allocTypePragmas) {
            int next = Ast.skipSpace(text, p.end());
            int line = p.line();
            for (int i = p.end(); i < next && i < text.length(); i++) if (text.charAt(i) == '\n') line++;
            allocTypes.put(line, p);
        }
    }

    /** Warns about alloc_type pragmas that named no allocation (call after every function is rewritten). */
    public void reportUnusedPragmas() {
        for (Pragma p : allocTypes.values()) {
            if (usedPragmas.contains(p)) continue;
            diags.warningAtLine(tu, p.line(), 1,
                    "'#pragma talent alloc_type(" + p.argument() + ")' is not followed by a call of malloc, calloc or realloc: ignored",
                    "put the pragma on the line right before the allocation");
        }
    }

    public void rewrite(FunctionModel f, CallGraph graph) {
        f.body.walk(n -> {
            if (!n.is("CallExpr")) return;
            String name = Ast.directCallee(n);
            if (AllocaCalls.CALL.equals(name) || AllocaCalls.ALIGN_CALL.equals(name)) {
                alloca(n);
                return;
            }
            if (name == null || !HANDLED.contains(name) || graph.resolve(f, name) != null) return;
            if (!tu.isMacroFree(n) || n.end().inMacro()) {
                diags.warning(tu, n, "call of " + name + " inside a macro expansion is not tracked: a checkpoint that "
                        + "reaches this memory through a pointer will be refused", "call " + name + " outside the macro");
                return;
            }
            Node callee = Ast.strip(n.child(0));
            String pos = TypeDescriptors.cString(tu.pos(n.begin()));
            int close = n.end().offset();
            switch (name) {
                case "free", "strdup", "strndup" -> {
                    plan.replace(callee.begin().offset(), callee.begin().endOffset(), "talent_" + name);
                    if (!name.equals("free")) plan.insert(close, ", " + pos);
                }
                default -> {
                    trailing = false;
                    head = false;
                    String elem = elementDescriptor(n, name);
                    // one struct whose last array runs on to the block's end: the runtime cuts the array to the block;
                    // one struct followed by other data: the runtime refuses a checkpoint that would convert that data
                    plan.replace(callee.begin().offset(), callee.begin().endOffset(),
                            "talent_" + name + (trailing ? "_trailing" : head ? "_head" : ""));
                    if (!elem.equals("0")) sites.putIfAbsent(tu.pos(n.begin()), elem);
                    plan.insert(close, ", " + elem + ", " + pos);
                }
            }
        });
    }

    /**
     * A call AllocaCalls wrote: named talent_alloca (talent_alloca_align for an aligned one, whose last argument is
     * the alignment in bytes), with the element type inferred as for malloc and the position.
     */
    private void alloca(Node call) {
        Node callee = Ast.strip(call.child(0));
        boolean aligned = AllocaCalls.ALIGN_CALL.equals(Ast.directCallee(call));
        plan.replace(callee.begin().offset(), callee.begin().endOffset(), aligned ? "talent_alloca_align" : "talent_alloca");
        String elem = elementDescriptor(call, "alloca");
        // the runtime tells alloca's blocks from others by this prefix when it checks a restored frame's list; an
        // aligned block's position carries its alignment (alloca@32:m.c:6:15), read back (and checked) on restore
        String pos = aligned
                ? ALIGNED_ALLOCA_SITE + Ast.strip(call.child(call.inner().size() - 1)).attr("value") + ":" + tu.pos(call.begin())
                : ALLOCA_SITE + tu.pos(call.begin());
        if (!elem.equals("0")) sites.putIfAbsent(pos, elem);
        plan.insert(call.end().offset(), ", " + elem + ", " + TypeDescriptors.cString(pos));
    }

    /** {@code &talent_td_N} for the element type of an allocation, or 0 (with a warning) when it is not known. */
    String elementDescriptor(Node call, String name) {
        Pragma pragma = allocTypes.get(call.begin().line());
        Inference found;
        if (pragma != null) {
            usedPragmas.add(pragma);
            CType named;
            try {
                named = CTypeParser.parse(pragma.argument());
                types.canonical(named);
            } catch (RuntimeException e) {
                named = null;
            }
            if (named == null || !types.fileScopeSpellable(named) || isVoid(named)) {
                diags.errorAtLine(tu, pragma.line(), 1,
                        "'#pragma talent alloc_type(" + pragma.argument() + ")' does not name a complete type known at file scope",
                        "name a builtin type, a file-scope typedef or a struct/union/enum declared at file scope");
                return "0";
            }
            found = new Inference(named, "pragma");
        } else {
            found = infer(call);
            // inside an allocation wrapper: (char *) malloc(size) says nothing of the block, its callers type it (a site
            // that shows nothing at all is warned about below, as before: a caller that does not type it leaves bytes)
            if (wrappers.isInnerAllocation(call) && found != null && AllocWrappers.isCharacter(found.type(), types)) return "0";
        }
        String why;
        String hint = "put '#pragma talent alloc_type(T)' on the line before the call";
        if (found == null) {
            why = "its element type cannot be inferred (no pointer type it is assigned or cast to, no sizeof in its size)";
        } else {
            // a pragma names the type, not the size formula; a flexible array member still makes one struct
            String hack = pragma == null ? structHack(call, found.type()) : flexibleMember(found.type());
            if (hack != null && !name.equals("alloca")) {
                try {
                    if (types.fileScopeSpellable(found.type()) && types.category(found.type()) != TypeResolver.Category.UNSUPPORTED) {
                        String d = descriptors.refAtFileScope(found.type(), TypeResolver.spell(found.type()), new StringBuilder());
                        trailing = true;
                        return d;
                    }
                } catch (RuntimeException e) {
                    // not describable: untyped, as below
                }
            }
            if (hack == null) {
                try {
                    if (types.fileScopeSpellable(found.type()) && types.category(found.type()) != TypeResolver.Category.UNSUPPORTED) {
                        String d = descriptors.refAtFileScope(found.type(), TypeResolver.spell(found.type()), new StringBuilder());
                        head = !name.equals("alloca") && headThenOtherData(call, name, found.type());
                        return d;
                    }
                } catch (RuntimeException e) {
                    // not describable: untyped, as below
                }
                why = "its element type '" + TypeResolver.spell(found.type()) + "' (from " + found.source()
                        + ") cannot be described at file scope";
            } else {
                why = "it is one '" + TypeResolver.spell(found.type()) + "' whose last member '" + hack + "' runs past "
                        + "its declared end (a flexible array member or the struct hack), which talent carries as one "
                        + "struct with that array cut to the block only for malloc, calloc and realloc of a type it can "
                        + "describe at file scope";
                hint = "declare the struct at file scope and allocate it with malloc, calloc or realloc";
            }
        }
        // realloc keeps the type the block got at its first allocation (runtime), so an unknown type there is normal
        if (!name.equals("realloc")) {
            diags.warning(tu, call, "the block allocated by this " + name + " is untracked bytes: " + why
                    + "; a checkpoint holding it is refused on an ISA with another byte order or pointer width",
                    hint);
        }
        return "0";
    }

    /**
     * The name of the last member of struct {@code elem} when it is an array and a size argument of the call adds
     * bytes to a {@code sizeof} or {@code offsetof} ({@code malloc(sizeof(struct s) + len)}): the block is one struct
     * whose last array runs on past its declared end, over the struct's trailing padding, not an array of the
     * struct. Also when that member is a flexible array member, whatever the size. Else null.
     */
    private String structHack(Node call, CType elem) {
        Node last = lastArrayMember(elem);
        if (last == null) return null;
        // a flexible array member: a struct that has one is never an element of an array (C99 6.7.2.1), so any
        // block of it is one struct whose array runs on to the block's end
        if (last.qualType().endsWith("[]")) return last.attr("name");
        for (Node arg : Ast.callArguments(call)) {
            Node a = Ast.strip(arg);
            if (!a.is("BinaryOperator") || !a.attr("opcode").equals("+")) continue;
            boolean[] sized = {false};
            a.walk(n -> {
                if (n.is("OffsetOfExpr") || (n.is("UnaryExprOrTypeTraitExpr") && n.attr("name").equals("sizeof"))) sized[0] = true;
            });
            if (sized[0]) return last.attr("name");
        }
        return null;
    }

    /**
     * Whether a size argument of the call is a sum with a term {@code sizeof(T)} or {@code sizeof *p} of struct or union
     * {@code elem} and another term that is not a whole number of {@code elem} the compiler can see
     * ({@code k * sizeof(T)}, {@code sizeof(T) * k}, {@code sizeof(T)}, 0): {@code calloc(1, sizeof(T) + extra)},
     * {@code malloc(n + sizeof(T))}, {@code realloc(p, sizeof *p + sizeof(struct other))}. Such a block is one
     * {@code elem} followed by other data, not an array of {@code elem} (docs/CODEGEN.md "A struct followed by other
     * data").
     */
    private boolean headThenOtherData(Node call, String name, CType elem) {
        CType want;
        try {
            want = types.canonical(elem);
        } catch (RuntimeException e) {
            return false;
        }
        if (!(want instanceof CType.Tagged t) || !(t.tag().equals("struct") || t.tag().equals("union"))) return false;
        List<Node> args = Ast.callArguments(call);
        for (int i = name.equals("realloc") ? 1 : 0; i < args.size(); i++) {
            List<Node> terms = new ArrayList<>();
            sumTerms(Ast.strip(args.get(i)), terms, 0);
            if (terms.size() < 2) continue;
            boolean one = false;
            boolean other = false;
            for (Node term : terms) {
                if (!one && sizeofOf(term, want)) one = true;
                else if (!multipleOf(term, want)) other = true;
            }
            if (one && other) return true;
        }
        return false;
    }

    /** The operands of a chain of {@code +} (through parentheses and implicit conversions), left to right. */
    private static void sumTerms(Node e, List<Node> out, int depth) {
        if (e != null && depth < 64 && e.is("BinaryOperator") && e.attr("opcode").equals("+") && e.inner().size() == 2) {
            sumTerms(Ast.strip(e.child(0)), out, depth + 1);
            sumTerms(Ast.strip(e.child(1)), out, depth + 1);
        } else if (e != null) {
            out.add(e);
        }
    }

    /** Whether {@code e} is {@code sizeof(T)} or {@code sizeof expr} of a type whose canonical form is {@code want}. */
    private boolean sizeofOf(Node e, CType want) {
        e = Ast.strip(e);
        if (e == null || !e.is("UnaryExprOrTypeTraitExpr") || !e.attr("name").equals("sizeof")) return false;
        String t = e.json().has("argType") ? e.json().path("argType").path("qualType").asText()
                : e.inner().isEmpty() ? null : e.child(0).qualType();
        if (t == null || t.isEmpty()) return false;
        try {
            CType c = types.canonical(CTypeParser.parse(t));
            return c instanceof CType.Tagged ct && want instanceof CType.Tagged wt && ct.tag().equals(wt.tag())
                    && Objects.equals(ct.name(), wt.name()) && Objects.equals(ct.anonymousAt(), wt.anonymousAt());
        } catch (RuntimeException ex) {
            return false;
        }
    }

    /** Whether the compiler sees that {@code e} is a whole number of {@code want}: its sizeof, a product with it, 0. */
    private boolean multipleOf(Node e, CType want) {
        e = Ast.strip(e);
        if (e == null) return false;
        if (sizeofOf(e, want)) return true;
        if (e.is("IntegerLiteral") && e.attr("value").equals("0")) return true;
        if (e.is("CStyleCastExpr") && !e.inner().isEmpty()) return multipleOf(e.child(0), want);
        if (e.is("BinaryOperator") && e.attr("opcode").equals("*") && e.inner().size() == 2) {
            return multipleOf(e.child(0), want) || multipleOf(e.child(1), want);
        }
        return false;
    }

    /** The name of struct {@code elem}'s last member when it is a flexible array member ({@code T name[]}), else null. */
    private String flexibleMember(CType elem) {
        Node last = lastArrayMember(elem);
        return last != null && last.qualType().endsWith("[]") ? last.attr("name") : null;
    }

    /** The last member of struct {@code elem} when it is an array, else null. */
    private Node lastArrayMember(CType elem) {
        CType c;
        try {
            c = types.canonical(elem);
        } catch (RuntimeException e) {
            return null;
        }
        if (!(c instanceof CType.Tagged t) || !t.tag().equals("struct")) return null;
        Node record = types.record(t);
        if (record == null) return null;
        Node last = null;
        for (Node n : record.inner()) if (n.is("FieldDecl")) last = n;
        return last == null || !last.qualType().endsWith("]") ? null : last;
    }

    /** The inferred element type: from the context of the call, else from a sizeof in its size arguments. */
    Inference infer(Node call) {
        CType elem = fromContext(call);
        if (elem != null) return new Inference(elem, "the pointer type the result is stored as");
        elem = fromSizeof(call);
        return elem == null ? null : new Inference(elem, "sizeof");
    }

    private boolean isVoid(CType t) {
        return types.canonical(t) instanceof CType.Builtin b && b.name().equals("void");
    }

    /**
     * The pointee of the pointer type the result is converted to, assigned to, or initialises; through parentheses,
     * implicit conversions, either branch of {@code ?:} and the right operand of a comma, whose value is the call's
     * ({@code (T *)(p ? realloc(p, n) : malloc(n))}).
     */
    private CType fromContext(Node call) {
        Node child = call;
        Node p = call.parent();
        while (p != null && (p.is("ImplicitCastExpr") || p.is("ParenExpr")
                || (p.is("ConditionalOperator") && p.inner().indexOf(child) >= 1)
                || (p.is("BinaryOperator") && p.attr("opcode").equals(",") && p.child(1) == child))) {
            child = p;
            p = p.parent();
        }
        if (p == null) return null;
        String target = switch (p.kind()) {
            case "CStyleCastExpr", "VarDecl" -> p.qualType();
            case "BinaryOperator" -> p.attr("opcode").equals("=") && p.child(1) == child ? p.child(0).qualType() : null;
            case "ReturnStmt" -> enclosingFunctionReturn(p);
            case "CallExpr" -> parameterType(p, child);
            default -> null;
        };
        return pointee(target);
    }

    /** The type of the parameter that {@code arg} of {@code call} is passed as, when the callee has a prototype. */
    static String parameterType(Node call, Node arg) {
        int i = call.inner().indexOf(arg);
        if (i < 1) return null;
        Node callee = Ast.strip(call.child(0));
        if (callee == null) return null;
        try {
            CType t = CTypeParser.parse(callee.qualType());
            if (t instanceof CType.Pointer ptr) t = ptr.to();
            if (!(t instanceof CType.Function fn) || i - 1 >= fn.params().size()) return null;
            return TypeResolver.spell(fn.params().get(i - 1));
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String enclosingFunctionReturn(Node n) {
        while (n != null && !n.is("FunctionDecl")) n = n.parent();
        if (n == null) return null;
        try {
            return CTypeParser.parse(n.qualType()) instanceof CType.Function fn ? TypeResolver.spell(fn.ret()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private CType pointee(String pointerType) {
        if (pointerType == null || pointerType.isEmpty()) return null;
        try {
            CType t = types.canonical(CTypeParser.parse(pointerType));
            if (!(t instanceof CType.Pointer ptr)) return null;
            CType to = ptr.to();
            if (types.canonical(to) instanceof CType.Builtin b && b.name().equals("void")) return null;
            return to;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private CType fromSizeof(Node call) {
        for (Node arg : Ast.callArguments(call)) {
            CType[] found = {null};
            arg.walk(n -> {
                if (found[0] != null || !n.is("UnaryExprOrTypeTraitExpr") || !n.attr("name").equals("sizeof")) return;
                String t = n.json().has("argType") ? n.json().path("argType").path("qualType").asText()
                        : n.inner().isEmpty() ? null : n.child(0).qualType();
                try {
                    if (t != null && !t.isEmpty()) found[0] = CTypeParser.parse(t);
                } catch (RuntimeException e) {
                    // not a type talent can parse: no inference from this sizeof
                }
            });
            if (found[0] != null) return found[0];
        }
        return null;
    }

    /** Table rows {@code { "pos", &td }} of sites with a known element type. */
    public Map<String, String> sites() {
        return sites;
    }
}
