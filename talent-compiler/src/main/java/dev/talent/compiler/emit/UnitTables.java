package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Globals.Global;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tables appended to an instrumented file (after {@link #MARK}): the type descriptors, the globals table
 * (analysis.Globals), the allocation sites with the pointee types the runtime types guessed blocks by
 * (heap_restore.c), an alias for each function a pointer can point to (talent_program.c's function table names
 * it), the unit's string literals ({@link #literals}), and the file's {@code talent_unit} record,
 * {@link #unitSymbol}.
 */
public final class UnitTables {
    /** Where the tables begin (CheckpointCompiler puts a #line naming the generated file before it). */
    public static final String MARK = "/* ---- talent: tables (generated) ---- */";

    private final TranslationUnit tu;
    private final int unitIndex;
    private final CallGraph graph;
    private final TypeDescriptors descriptors;
    private final Diagnostics diags;

    UnitTables(TranslationUnit tu, int unitIndex, CallGraph graph, TypeDescriptors descriptors, Diagnostics diags) {
        this.tu = tu;
        this.unitIndex = unitIndex;
        this.graph = graph;
        this.descriptors = descriptors;
        this.diags = diags;
    }

    /** The {@code talent_unit} record of unit {@code unitIndex}, which talent_program.c lists. */
    public static String unitSymbol(int unitIndex) {
        return "talent_unit_" + unitIndex;
    }

    /** External alias of function {@code id}, defined next to the function, referenced by talent_program.c. */
    public static String functionAlias(int id) {
        return "talent_fn_" + id;
    }

    /** {@code allocSites}: position to element descriptor of each allocation site (HeapCalls). */
    String text(List<Global> globals, Map<String, String> allocSites, List<FunctionModel> functions) {
        StringBuilder defs = new StringBuilder();
        StringBuilder rows = new StringBuilder();
        for (Global g : globals) {
            String td;
            try {
                td = descriptors.refForVariable(g.decl(), g.type(), "__typeof__(" + g.addressOf() + ")", defs, true);
                descriptors.refuseInitialisedFlexibleArray(g.decl(), g.type());
            } catch (UnsupportedTypeException e) {
                diags.error(tu, g.decl(), "global '" + g.name() + "': " + e.getMessage(), "change the variable's type");
                continue;
            }
            rows.append("  { ").append(TypeDescriptors.cString(g.key())).append(", ").append(TypeDescriptors.cString(g.name()))
                    .append(", ").append(TypeDescriptors.cString(g.pos())).append(", (void *)&").append(g.addressOf())
                    .append(", ").append(td).append(", ").append(g.isConst() ? 1 : 0).append(" },\n");
        }
        for (Map.Entry<String, Node> lit : wideLiterals(tu).entrySet()) {
            String spelling = lit.getKey();
            String td;
            try {
                td = descriptors.refForVariable(null, CTypeParser.parse(lit.getValue().qualType()), "__typeof__(" + spelling + ")",
                        defs, true);
            } catch (UnsupportedTypeException e) {
                diags.error(tu, lit.getValue(), "string literal " + spelling + ": " + e.getMessage(),
                        "write the literal as a named const array");
                continue;
            }
            // is_const 2: a literal (talent.h), whose contents are never saved or restored: pointers into it are
            // carried as its element path, the same on every ISA whatever the byte order and signedness of wchar_t
            rows.append("  { ").append(TypeDescriptors.cString(literalKey(tu, spelling))).append(", ")
                    .append(TypeDescriptors.cString(spelling)).append(", ").append(TypeDescriptors.cString(tu.pos(lit.getValue().position())))
                    .append(", (void *)&").append(spelling).append(", ").append(td).append(", 2 },\n");
        }
        StringBuilder sb = new StringBuilder("\n" + MARK + "\n");
        sb.append(descriptors.definitions()).append(defs);
        String unit = unitSymbol(unitIndex);
        String globalsRef = "0, 0";
        if (!rows.isEmpty()) {
            sb.append("static const talent_global ").append(unit).append("_globals[] = {\n").append(rows).append("};\n");
            globalsRef = unit + "_globals, sizeof " + unit + "_globals / sizeof " + unit + "_globals[0]";
        }
        String sitesRef = "0, 0";
        // "type:T" entries: pointee types, by which the runtime restores a block typed at checkpoint time
        // from the pointers that referenced it (heap_restore.c)
        Map<String, String> siteRows = new LinkedHashMap<>(allocSites);
        descriptors.pointeeTypes().forEach((spelling, td) -> siteRows.putIfAbsent("type:" + spelling, td));
        if (!siteRows.isEmpty()) {
            sb.append("static const talent_alloc_site ").append(unit).append("_alloc_sites[] = {\n");
            siteRows.forEach((pos, td) -> sb.append("  { ").append(TypeDescriptors.cString(pos)).append(", ").append(td).append(" },\n"));
            sb.append("};\n");
            sitesRef = unit + "_alloc_sites, sizeof " + unit + "_alloc_sites / sizeof " + unit + "_alloc_sites[0]";
        }
        for (FunctionModel f : functions) {
            // the program table (another file) needs the address of every function a pointer can point to,
            // static ones included; a C99 inline definition is emitted only when the file also declares the
            // function extern. Only those: an alias makes a static function external for gcc, which then
            // keeps it out of line and inlines and specialises it less.
            if (!graph.isAddressTaken(f)) continue;
            if (!f.isStatic && f.decl.json().path("inline").asBoolean(false)) {
                sb.append("extern __typeof__(").append(cName(f)).append(") ").append(cName(f)).append(";\n");
            }
            sb.append("extern __typeof__(").append(cName(f)).append(") ").append(functionAlias(f.id))
                    .append(" __attribute__((alias(\"").append(cName(f)).append("\")));\n");
        }
        String literalsRef = "0, 0";
        Set<String> literals = literals(tu);
        if (!literals.isEmpty()) {
            sb.append("static const talent_literal ").append(unit).append("_literals[] = {\n");
            for (String l : literals) sb.append("  { ").append(l).append(", sizeof ").append(l).append(" - 1 },\n");
            sb.append("};\n");
            literalsRef = unit + "_literals, sizeof " + unit + "_literals / sizeof " + unit + "_literals[0]";
        }
        sb.append("const talent_unit ").append(unit).append(" = { ").append(TypeDescriptors.cString(tu.unitName()))
                .append(", ").append(globalsRef).append(", ").append(sitesRef).append(", ").append(literalsRef)
                .append(" };\n");
        return sb.toString();
    }

    /**
     * The unit's string literals of type {@code char[N]} ({@code "..."} and {@code u8"..."}), each once, spelled as
     * clang prints them (escapes for every byte that is not printable ASCII). Listed in the unit's table, they are the
     * same objects as the program's own uses: gcc gives identical literals of a unit one object (and ld merges them
     * across units), so the runtime can restore a pointer to a literal into the literal itself (objects.c).
     */
    static Set<String> literals(TranslationUnit tu) {
        Set<String> out = new LinkedHashSet<>();
        tu.root().walk(n -> {
            // main's __func__ is the literal "main" in the emitted text (MainRename)
            if (n.is("FunctionDecl") && n.name().equals("main") && tu.inMainFile(n.loc()) && !n.loc().inMacro()
                    && MainRename.framedBody(tu, n) != null) out.add("\"main\"");
            if (!n.is("StringLiteral") || !n.qualType().startsWith("char[")) return;
            String v = n.attr("value");
            if ((v.startsWith("\"") || v.startsWith("u8\"")) && !holdsNul(v)) out.add(v);
        });
        return out;
    }

    /** The global key of the unit's literal spelled {@code spelling} (one per unit: identical ones are one object). */
    static String literalKey(TranslationUnit tu, String spelling) {
        return tu.unitName() + ":" + spelling;
    }

    /**
     * The unit's string literals whose type is not {@code char[N]} ({@code L"..."}, {@code u"..."}, {@code U"..."}),
     * each once by clang's spelling, with its first node. Listed as const globals of the unit ({@code (void *)&L"..."}
     * is the object the program's own uses are: gcc gives identical literals of a unit one object, and ld merges
     * them across units as it does narrow ones), so that a pointer into one is carried as the literal's key and the
     * element it addresses, never as bytes: their order and wchar_t's signedness differ between ISAs.
     */
    static Map<String, Node> wideLiterals(TranslationUnit tu) {
        Map<String, Node> out = new LinkedHashMap<>();
        tu.root().walk(n -> {
            if (!n.is("StringLiteral")) return;
            String v = n.attr("value");
            if (n.qualType().startsWith("char[")) {
                if ((v.startsWith("\"") || v.startsWith("u8\"")) && holdsNul(v)) out.putIfAbsent(v, n);
                return;
            }
            if (v.startsWith("L\"") || v.startsWith("u\"") || v.startsWith("U\"") || v.startsWith("u8\"")) out.putIfAbsent(v, n);
        });
        return out;
    }

    /**
     * Whether the literal spelled {@code spelling} (clang's spelling: a NUL byte is an octal escape, {@code \000})
     * holds a NUL byte before its terminating one: indent's {@code "-nbad\0-bap\0..."}, walked option by option.
     * Its text is not a C string, so such a literal is listed as a const global of its whole type ({@code char[N]})
     * with the wide ones ({@link #wideLiterals}): a pointer into it at any offset, past an embedded NUL too, is
     * carried as the literal and the element it addresses.
     */
    static boolean holdsNul(String spelling) {
        for (int i = spelling.indexOf('"') + 1; i < spelling.length() - 1; i++) {
            if (spelling.charAt(i) != '\\') continue;
            char e = spelling.charAt(i + 1);
            // an octal escape has one to three digits, a hexadecimal one any number: NUL when all of them are 0
            boolean hex = e == 'x';
            int j = hex ? i + 2 : i + 1;
            int max = hex ? spelling.length() : Math.min(spelling.length(), i + 4);
            boolean digits = false, zero = true;
            for (; j < max && Character.digit(spelling.charAt(j), hex ? 16 : 8) >= 0; j++) {
                digits = true;
                zero &= spelling.charAt(j) == '0';
            }
            if (digits && zero) return true;
            i = digits ? j - 1 : i + 1;
        }
        return false;
    }

    /** The name of a function in the instrumented text (main is renamed). */
    private static String cName(FunctionModel f) {
        return f.name.equals("main") && !f.isStatic ? MainRename.USER_MAIN : f.name;
    }
}
