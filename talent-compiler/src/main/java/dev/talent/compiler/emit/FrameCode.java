package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.Variable;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TypeResolver;

/**
 * The text that saves a frame's variables at a point (while unwinding) and restores them at the point's
 * resume label (while rebuilding), per docs/CODEGEN.md "Saving and restoring variables". All on one line.
 */
public final class FrameCode {
    private final TypeResolver types;
    private final TypeDescriptors descriptors;

    public FrameCode(TypeResolver types, TypeDescriptors descriptors) {
        this.types = types;
        this.descriptors = descriptors;
    }

    private enum Way { INT, F64, LDOUBLE, PTR, FPTR, COPY, MEMORY }

    private Way way(Variable v) {
        try {
            return wayOf(v);
        } catch (UnsupportedTypeException e) {
            throw e.at() != null ? e : new UnsupportedTypeException(e.getMessage(), v.isTemp() ? null : v.decl);
        }
    }

    private String td(Variable v, StringBuilder defs) {
        if (dev.talent.compiler.analysis.VariableLengthArrays.isVariablyModified(v.type)) return "talent_keep_type(&" + VlaResume.descriptor(v) + ")";
        try {
            return descriptors.refForVariable(v.isTemp() ? null : v.decl, v.type, "__typeof__(" + v.ref() + ")", defs, false);
        } catch (UnsupportedTypeException e) {
            throw new UnsupportedTypeException("variable '" + v.name + "': " + e.getMessage(), v.isTemp() ? null : v.decl);
        }
    }

    private Way wayOf(Variable v) {
        if (dev.talent.compiler.analysis.VaListBrackets.isVaList(v.typeSpelling)) {
            // its layout differs between the ISAs (a pointer on x86_64 as a parameter, a struct on aarch64, an
            // array on s390x) and it holds this process's register-save area and stack addresses. Inside a va_list
            // region (va_start .. va_end in one block) no checkpoint is taken and nothing saves it; here it is live
            // at a point outside every region (VaListRegions)
            throw new UnsupportedTypeException("variable '" + v.name + "' is a va_list needed after a point where a "
                    + "checkpoint may be taken (outside a va_start ... va_end region talent could delimit: its address is "
                    + "taken, it is used after va_end, or va_start/va_end are not whole statements of one block, or the "
                    + "function calls setjmp); a va_list holds this process's stack addresses in a layout of its ISA and "
                    + "cannot be saved", v.isTemp() ? null : v.decl);
        }
        if (v.addressTaken || v.type.isConst()) return Way.MEMORY;
        return switch (types.category(v.type)) {
            // a 128-bit integer through memory: talent_save_sint/uint and their restores carry 64 bits
            // an integer that holds only addresses (AddressObjects) is saved and restored as the pointer its bits are
            case INTEGER -> types.isInt128(v.type) ? Way.COPY
                    : !v.isTemp() && descriptors.holdsAddress(v.decl) ? Way.PTR : Way.INT;
            case BOOL -> Way.INT;
            case FLOAT -> Way.F64;
            case LDOUBLE -> Way.LDOUBLE;
            case POINTER -> Way.PTR;
            case FUNCTION_POINTER -> Way.FPTR;
            case STRUCT, UNION -> hasConstMember(v.type, 0) ? Way.MEMORY : Way.COPY;
            case ARRAY -> Way.MEMORY;
            case UNSUPPORTED -> throw new UnsupportedTypeException("variable '" + v.name + "' has type "
                    + TypeResolver.spell(v.type) + ", which talent cannot save");
        };
    }

    /**
     * True when the struct/union (or a struct, union or array in it) has a {@code const} member: such a
     * variable cannot be assigned as a whole ({@code s = c;}), so it is restored through memory like a
     * {@code const} variable (Csmith writes {@code struct S { const unsigned f1 : 30; ... } l = {...};}).
     */
    private boolean hasConstMember(CType type, int depth) {
        if (depth > 32) return false;
        try {
            CType t = types.canonical(type);
            if (depth > 0 && (type.isConst() || t.isConst())) return true;
            if (t instanceof CType.Array a) return hasConstMember(a.elem(), depth + 1);
            if (!(t instanceof CType.Tagged g) || g.tag().equals("enum")) return false;
            Node record = types.record(g);
            if (record == null) return false;
            for (Node field : record.inner()) {
                if (field.is("FieldDecl") && hasConstMember(CTypeParser.parse(field.qualType()), depth + 1)) return true;
            }
            return false;
        } catch (RuntimeException e) {
            return true;   // restoring through memory is right for any variable
        }
    }

    /**
     * True when a pointer the program holds may be one past the end of the variable while another frame variable starts
     * there (talent_save_mem's addr_taken 1): a variable a pointer may reach that has no gap after it (emit.FrameGaps),
     * the compiler's own variables aside, which the program never points into, except the objects of compound literals.
     */
    private static boolean mayAbut(Variable v) {
        if (!v.addressTaken || v.wrapper != null || v.isTemp()) return false;
        return !v.name.startsWith("__talent") || v.name.startsWith(dev.talent.compiler.analysis.CompoundLiterals.PREFIX);
    }

    /** {@code talent_frame_begin(F, P); <saves>} */
    public String save(FunctionModel f, Point p) {
        StringBuilder defs = new StringBuilder();
        StringBuilder code = new StringBuilder();
        code.append("talent_frame_begin(").append(f.id).append(", ").append(p.id).append("); ");
        for (Variable v : p.saved) {
            Way way = way(v);
            String td = td(v, defs);
            String head = v.id + ", " + TypeDescriptors.cString(v.name) + ", " + TypeDescriptors.cString(v.pos) + ", ";
            switch (way) {
                case INT -> code.append("TALENT_SAVE_INT(").append(head).append(v.ref()).append(", ").append(td).append("); ");
                case F64 -> code.append("talent_save_f64(").append(head).append(v.ref()).append(", ").append(td).append("); ");
                case LDOUBLE -> code.append("talent_save_ldouble(").append(head).append(v.ref()).append(", ").append(td).append("); ");
                case PTR -> code.append("talent_save_ptr(").append(head).append("(const void *)").append(v.ref()).append(", ").append(td).append("); ");
                case FPTR -> code.append("talent_save_fptr(").append(head).append("(void (*)(void))").append(v.ref()).append(", ").append(td).append("); ");
                case COPY -> code.append("{ __typeof__(").append(v.ref()).append(") talent_c = ").append(v.ref())
                        .append("; talent_save_mem(").append(head).append("&talent_c, ").append(td).append(", 0); } ");
                case MEMORY -> code.append("talent_save_mem(").append(head).append("(const void *)&").append(v.ref())
                        .append(", ").append(td).append(mayAbut(v) ? ", 1); " : ", 2); ");
            }
        }
        return oneLine(defs) + code;
    }

    /** binds of memory variables first, then value restores; ends before talent_frame_restored(). */
    public String restore(Point p) {
        StringBuilder defs = new StringBuilder();
        StringBuilder binds = new StringBuilder();
        StringBuilder code = new StringBuilder();
        for (Variable v : p.saved) {
            Way way = way(v);
            String td = td(v, defs);
            String id = String.valueOf(v.id);
            switch (way) {
                case INT -> code.append("TALENT_RESTORE_INT(").append(id).append(", ").append(v.ref()).append(", ").append(td).append("); ");
                case F64 -> code.append(v.ref()).append(" = talent_restore_f64(").append(id).append(", ").append(td).append("); ");
                case LDOUBLE -> code.append(v.ref()).append(" = talent_restore_ldouble(").append(id).append(", ").append(td).append("); ");
                case PTR -> code.append(v.ref()).append(" = (__typeof__(").append(v.ref()).append("))talent_restore_ptr(")
                        .append(id).append(", ").append(td).append("); ");
                case FPTR -> code.append(v.ref()).append(" = (__typeof__(").append(v.ref()).append("))talent_restore_fptr(")
                        .append(id).append(", ").append(td).append("); ");
                case COPY -> code.append("{ __typeof__(").append(v.ref()).append(") talent_c; talent_restore_mem(").append(id)
                        .append(", &talent_c, ").append(td).append("); ").append(v.ref()).append(" = talent_c; } ");
                case MEMORY -> {
                    binds.append("talent_bind(").append(id).append(", (void *)&").append(v.ref()).append(", ").append(td).append("); ");
                    code.append("talent_restore_mem(").append(id).append(", (void *)&").append(v.ref()).append(", ").append(td).append("); ");
                }
            }
        }
        return oneLine(defs) + binds + code;
    }

    static String oneLine(CharSequence s) {
        return s.toString().replace("\n", " ");
    }
}
