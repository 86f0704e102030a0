package dev.talent.compiler.analysis;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A function definition and what the passes found out about it. */
public final class FunctionModel {
    public final TranslationUnit unit;
    public final Node decl;
    public final Node body;
    public final String name;
    public final boolean isStatic;
    /** Defined in the main file (instrumented) rather than in a header (not instrumented). */
    public final boolean inMainFile;
    public boolean noCheckpoint;
    public boolean chain;
    /** Calls a library blocking function (talent.h "blocking calls"): counts as containing a site. */
    public boolean hasBlockingCalls;
    public int id = -1;
    public final List<Site> sites = new ArrayList<>();
    public final List<Hoist> hoists = new ArrayList<>();
    /**
     * Names of a declaration's own declarators read in an unevaluated operand of a chain call's arguments in its
     * initialiser ({@code T *p = xmalloc(sizeof *p);}), with the expression of their type that replaces them: the call
     * is hoisted before the declaration (ChainCallHoisting).
     */
    public final java.util.Map<Node, String> unevaluatedSelfReferences = new java.util.LinkedHashMap<>();
    /** Calls of library blocking functions made blocking sites (hoisted, in a retry loop). */
    public final Set<Node> blockingSites = new HashSet<>();
    /** Calls through a pointer that may checkpoint but cannot be hoisted (a macro, a statement expression): suspended. */
    public final Set<Node> suspendedCalls = new HashSet<>();
    /**
     * Macro invocations (the outermost expression of each expansion) holding a direct call that may checkpoint: run
     * suspended as a whole (MacroExpansions), the call in them being in {@link #suspendedCalls}.
     */
    public final Set<Node> suspendedMacros = new java.util.LinkedHashSet<>();
    public final List<Point> points = new ArrayList<>();
    public final List<Variable> variables = new ArrayList<>();
    /** Variable-length arrays in scope at resume points, declared again on restore. */
    public final List<VariableLengthArrays.Vla> vlas = new ArrayList<>();
    /** setjmp sites (rewritten by SetjmpCalls), re-armed on the restore path. */
    public final List<SetjmpSites.Site> setjmps = new ArrayList<>();
    /** Text ranges [start, end) where a va_list is live and no checkpoint is ever taken (VaListRegions). */
    public final List<int[]> vaRegions = new ArrayList<>();

    public FunctionModel(TranslationUnit unit, Node decl) {
        this.unit = unit;
        this.decl = decl;
        this.body = Ast.functionBody(decl);
        this.name = decl.name();
        this.isStatic = decl.attr("storageClass").equals("static");
        this.inMainFile = unit.isMainFileNode(decl);
    }

    /** True when the node starts inside a va_list region: no checkpoint is taken while the frame is there. */
    public boolean inVaRegion(Node n) {
        return n != null && inVaRegion(n.begin().offset());
    }

    public boolean inVaRegion(int offset) {
        for (int[] r : vaRegions) if (offset >= r[0] && offset < r[1]) return true;
        return false;
    }

    /** Identity in the program's call graph: external functions by name, static ones per file. */
    public String key() {
        return isStatic || !inMainFile ? unit.unitName() + ":" + name : name;
    }

    @Override
    public String toString() {
        return name + " (" + unit.pos(decl.position()) + ")";
    }
}
