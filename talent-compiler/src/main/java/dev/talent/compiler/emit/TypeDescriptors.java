package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.AddressObjects;
import dev.talent.compiler.analysis.NamedUnionMembers;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.ast.TypeResolver;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Type descriptors of one file (docs/CODEGEN.md "Type descriptors"). Every size, offset and signedness is
 * left to the target compiler: initialisers use the TALENT_*_TYPE macros with a type spelling. Types that
 * can be named at file scope get one shared descriptor ({@code talent_td_N}, declared at the top, defined
 * at the end of the file); others are described where they are used, spelled with {@code __typeof__}.
 */
public final class TypeDescriptors {
    private final TypeResolver types;
    private final NamedUnionMembers named;
    private final AddressObjects objects;
    /** The file described (null: no union variable has members of its own, NamedUnionMembers.objectMembers). */
    private final TranslationUnit tu;
    private final Map<String, String> shared = new LinkedHashMap<>();
    /** Spellings whose shared descriptor could not be made, with the reason (asked again: refused again). */
    private final Map<String, String> failed = new HashMap<>();
    /** Pointee spelling -> shared descriptor, for the unit's alloc_sites table ("type:" entries). */
    private final Map<String, String> pointees = new LinkedHashMap<>();
    private final StringBuilder sharedDefinitions = new StringBuilder();
    private final StringBuilder accessors = new StringBuilder();
    private int counter;

    public TypeDescriptors(TypeResolver types) {
        this(types, NamedUnionMembers.all());
    }

    /** {@code named}: the union members the program names (the others are marked for the runtime). */
    public TypeDescriptors(TypeResolver types, NamedUnionMembers named) {
        this(types, named, null);
    }

    /** As above, for the variables of {@code tu}: a union variable used through members of its own gets its own descriptor. */
    public TypeDescriptors(TypeResolver types, NamedUnionMembers named, TranslationUnit tu) {
        this(types, named, tu, AddressObjects.NONE);
    }

    /** {@code objects}: the program's integer objects that hold only addresses, described as such (AddressObjects). */
    public TypeDescriptors(TypeResolver types, NamedUnionMembers named, TranslationUnit tu, AddressObjects objects) {
        this.types = types;
        this.named = named;
        this.tu = tu;
        this.objects = objects;
    }

    /**
     * As {@link #ref(CType, String, StringBuilder)} for the variable {@code decl} (a VarDecl or ParmVarDecl, may be
     * null): a union variable (or an array of unions) whose every use is known (NamedUnionMembers.objectMembers) is
     * described with only the members it is used through marked as named, so the runtime's byte-order check of its
     * value compares those alone (docs/CODEGEN.md "Unions read through another member than written").
     */
    public String refForVariable(Node decl, CType type, String spelling, StringBuilder defs, boolean fileScope) {
        if (tu != null && objects.holdsAddress(tu, decl)) return addressInteger(type, spelling, defs);
        Set<String> members = tu == null || decl == null ? null : named.objectMembers(tu, decl);
        CType t = unconst(type);
        if (members == null || runtimeDescribed(t) != null || !types.fileScopeSpellable(t)) return ref(type, spelling, defs, fileScope);
        String shared = "&" + sharedName(t); // the type's own descriptor: throws what it throws
        String variant = variantName(t, members);
        return variant == null ? shared : "&" + variant;
    }

    /**
     * The descriptor of {@code t} (a union or an array of them, spellable at file scope) with the union's members
     * outside {@code members} marked unnamed; null when that is the type's own descriptor.
     */
    private String variantName(CType t, Set<String> members) {
        CType c = types.canonical(t);
        String spelling = TypeResolver.spell(t);
        String key = spelling + "\u0000" + String.join(",", new TreeSet<>(members));
        if (shared.containsKey(key)) return shared.get(key);
        if (c instanceof CType.Array a) {
            if (a.size().isEmpty() || a.isVariableLength()) return null;
            String elem = variantName(a.elem(), members);
            if (elem == null) return null;
            String name = "talent_td_" + counter++;
            shared.put(key, name);
            String et = "__typeof__((*(__typeof__(" + spelling + ") *)0)[0])";
            sharedDefinitions.append("static const talent_type ").append(name).append(" = TALENT_ARRAY_TYPE(").append(spelling)
                    .append(", ").append(cString(spelling)).append(", ").append(et).append(", &").append(elem).append(");\n");
            return name;
        }
        if (!(c instanceof CType.Tagged g) || !g.tag().equals("union")) return null;
        Node rec = types.record(g);
        if (rec == null) return null;
        boolean differs = false;
        for (Node fd : rec.inner()) {
            if (fd.is("FieldDecl") && !fd.name().isEmpty() && named.isNamed(rec, fd) != members.contains(fd.name())) differs = true;
        }
        if (!differs) return null;
        String name = "talent_td_" + counter++;
        shared.put(key, name);
        sharedDefinitions.append(define(name, t, spelling, sharedDefinitions, true, members));
        return name;
    }

    /**
     * A pointer expression to the descriptor of {@code type}. {@code spelling} names the type where the code
     * goes (e.g. {@code __typeof__(x)}); definitions needed there are appended to {@code localDefs}.
     */
    public String ref(CType type, String spelling, StringBuilder localDefs) {
        return ref(type, spelling, localDefs, false);
    }

    /** As {@link #ref(CType, String, StringBuilder)} for code at file scope (end of the file). */
    public String refAtFileScope(CType type, String spelling, StringBuilder defs) {
        return ref(type, spelling, defs, true);
    }

    private String ref(CType type, String spelling, StringBuilder defs, boolean fileScope) {
        CType t = unconst(type);
        String described = runtimeDescribed(t);
        if (described != null) return "&" + described;
        if (types.fileScopeSpellable(t)) return "&" + sharedName(t);
        String name = "talent_ltd_" + counter++;
        defs.append(define(name, t, spelling, defs, fileScope));
        return "&" + name;
    }

    private String sharedName(CType t) {
        String spelling = TypeResolver.spell(t);
        String why = failed.get(spelling);
        if (why != null) throw new UnsupportedTypeException(why);
        String existing = shared.get(spelling);
        if (existing != null) return existing;
        String name = "talent_td_" + counter++;
        shared.put(spelling, name);
        try {
            sharedDefinitions.append(define(name, t, spelling, sharedDefinitions, true));
        } catch (UnsupportedTypeException e) {
            // the name is declared at the top and may be referenced already (a pointer member of the type
            // itself): defined as an empty descriptor (kind 0), which the runtime ignores as a pointee; it may
            // also be referenced by nothing (a pointee tried for heap typing), hence "unused" for gcc -Wextra
            failed.put(spelling, e.getMessage());
            sharedDefinitions.append("static const talent_type ").append(name).append(" __attribute__((unused)) = {0};\n");
            throw e;
        }
        return name;
    }

    private String define(String name, CType type, String spelling, StringBuilder defs, boolean fileScope) {
        return define(name, type, spelling, defs, fileScope, null);
    }

    /** {@code members}: for a union, the members marked named (null: those the program names, NamedUnionMembers). */
    private String define(String name, CType type, String spelling, StringBuilder defs, boolean fileScope, Set<String> members) {
        String display = cString(TypeResolver.spell(type));
        String init = switch (types.category(type)) {
            case INTEGER -> "TALENT_INT_TYPE(" + spelling + ", " + display + ")";
            case BOOL -> "TALENT_BOOL_TYPE(" + spelling + ", " + display + ")";
            case FLOAT -> "TALENT_FLOAT_TYPE(" + spelling + ", " + display + ")";
            case LDOUBLE -> "TALENT_LDOUBLE_TYPE(" + spelling + ", " + display + ")";
            case FUNCTION_POINTER -> "TALENT_FUNCPTR_TYPE(" + spelling + ", " + display + ")";
            case POINTER -> {
                CType to = ((CType.Pointer) types.canonical(type)).to();
                String pointee = pointeeDescriptor(to);
                yield pointee == null
                        ? "TALENT_PTR_TYPE(" + spelling + ", " + display + ", " + cString(TypeResolver.spell(to)) + ")"
                        : "TALENT_PTR_TYPE_TO(" + spelling + ", " + display + ", " + cString(TypeResolver.spell(to)) + ", "
                                + pointee + ")";
            }
            case ARRAY -> {
                CType.Array a = (CType.Array) types.canonical(type);
                if (a.size().isEmpty()) throw new UnsupportedTypeException("array of unknown size " + TypeResolver.spell(type));
                if (a.isVariableLength()) throw new UnsupportedTypeException("variable-length array " + TypeResolver.spell(type));
                String et = "__typeof__((*(__typeof__(" + spelling + ") *)0)[0])";
                String elem = ref(a.elem(), et, defs, fileScope);
                yield "TALENT_ARRAY_TYPE(" + spelling + ", " + display + ", " + et + ", " + elem + ")";
            }
            case STRUCT, UNION -> {
                CType.Tagged g = (CType.Tagged) types.canonical(type);
                Node rec = types.record(g);
                if (rec == null || !rec.flag("completeDefinition")) {
                    throw new UnsupportedTypeException("incomplete type " + TypeResolver.spell(type));
                }
                boolean library = types.isLibraryRecord(rec);
                if (library && g.tag().equals("struct") && g.name().equals("__jmp_buf_tag")) {
                    // a jump buffer (jmp_buf, sigjmp_buf): its contents are this process's stack and code addresses;
                    // it is described without members, so nothing of it is saved, and the restore path executes
                    // the setjmp that filled it again (SetjmpRearm)
                    yield "{ TALENT_K_STRUCT, " + display + ", sizeof(" + spelling + "), 0, 0, 0, 0, 0 }";
                }
                if (library && g.tag().equals("struct") && g.name().equals("in6_addr")) {
                    // an IPv6 address: 16 bytes in network byte order (its members are private and named
                    // differently by each C library); carried as bytes, the same on every ISA
                    yield bytes(spelling, display, defs, fileScope);
                }
                String fields = name + "_fields";
                StringBuilder fs = new StringBuilder();
                for (Node fd : rec.inner()) {
                    if (!fd.is("FieldDecl")) continue;
                    if (library && isReserved(fd.name())) {
                        // a C library type is described by the members a program can name; its private members
                        // differ between ISAs (x86_64's struct stat has __pad0 and __glibc_reserved, i686's __pad1
                        // and __st_ino): padding is left out, anything else cannot be migrated
                        if (LIBRARY_PADDING.matcher(fd.name()).matches()) continue;
                        if (!(g.tag().equals("struct") && TM_TAILS.contains(g.name() + "." + fd.name()))) throw new UnsupportedTypeException(TypeResolver.spell(type) + " is a type of the C library ("
                                + rec.loc().file() + ") with the private member '" + fd.name()
                                + "', whose layout differs between ISAs: talent cannot save it");
                    }
                    // an unnamed bit-field (int : 0; int : 3;) is layout only: not a member, it holds no value
                    if (fd.name().isEmpty() && fd.flag("isBitfield")) continue;
                    if (fd.name().isEmpty()) {
                        throw new UnsupportedTypeException(TypeResolver.spell(type) + " has an unnamed member");
                    }
                    CType ft = CTypeParser.parse(fd.qualType());
                    String fspell = "__typeof__(((__typeof__(" + spelling + ") *)0)->" + fd.name() + ")";
                    if (library && g.tag().equals("struct") && dev.talent.compiler.analysis.NetworkOrderIntegers.NETWORK_ORDER.contains(g.name() + "." + fd.name())) {
                        // a port, an IPv4 address or a flow label in network byte order: an integer type holding
                        // bytes that mean the same on every ISA, so carried as those bytes (as an integer, another
                        // byte order would read 10.1.2.3:8080 as 3.2.1.10:36895)
                        String bytesName = name + "_" + fd.name() + "_bytes";
                        String bytesInit = bytes(fspell, cString(TypeResolver.spell(ft)), defs, fileScope);
                        defs.append("static const talent_type ").append(bytesName).append(" = ").append(bytesInit).append(";\n");
                        fs.append(isNamed(rec, fd, members) ? "  TALENT_FIELD(" : "  TALENT_UNNAMED_FIELD(").append(spelling).append(", ")
                                .append(fd.name()).append(", &").append(bytesName).append("),\n");
                        continue;
                    }
                    if (fd.flag("isBitfield")) {
                        if (!fileScope) {
                            throw new UnsupportedTypeException("bit-field '" + fd.name() + "' in a type defined inside a function");
                        }
                        if (types.isInt128(ft)) {
                            // its accessors carry a bit-field's value as 64 bits (talent_field.get_bits)
                            throw new UnsupportedTypeException("bit-field '" + fd.name() + "' of type " + TypeResolver.spell(ft)
                                    + " (a bit-field of a 128-bit integer type is not supported)");
                        }
                        String width = bitWidth(fd);
                        String get = name + "_get_" + fd.name();
                        String set = name + "_set_" + fd.name();
                        accessors.append("static unsigned long long ").append(get).append("(const void *o) { return (unsigned long long)(long long)((const ")
                                .append(spelling).append(" *)o)->").append(fd.name()).append("; }\n");
                        accessors.append("static void ").append(set).append("(void *o, unsigned long long v) { ((")
                                .append(spelling).append(" *)o)->").append(fd.name()).append(" = v; }\n");
                        String ftd = ref(ft, "int", defs, fileScope);
                        fs.append(isNamed(rec, fd, members) ? "  TALENT_BITFIELD(" : "  TALENT_UNNAMED_BITFIELD(").append(fd.name()).append(", ").append(ftd).append(", ").append(width)
                                .append(", ").append(get).append(", ").append(set).append("),\n");
                    } else if (!library && objects.holdsAddress(rec, fd)) {
                        fs.append(isNamed(rec, fd, members) ? "  TALENT_FIELD(" : "  TALENT_UNNAMED_FIELD(").append(spelling).append(", ")
                                .append(fd.name()).append(", ").append(addressInteger(ft, fspell, defs)).append("),\n");
                    } else {
                        String ftd = isLastField(rec, fd) && types.canonical(ft) instanceof CType.Array fam && fam.size().isEmpty()
                                ? flexibleArray(name, fam, fspell, defs, fileScope)
                                : ref(ft, fspell, defs, fileScope);
                        fs.append(isNamed(rec, fd, members) ? "  TALENT_FIELD(" : "  TALENT_UNNAMED_FIELD(").append(spelling).append(", ").append(fd.name()).append(", ")
                                .append(ftd).append("),\n");
                    }
                }
                if (fs.isEmpty()) throw new UnsupportedTypeException(TypeResolver.spell(type) + " has no members");
                defs.append("static const talent_field ").append(fields).append("[] = {\n").append(fs).append("};\n");
                yield (g.tag().equals("union") ? "TALENT_UNION_TYPE(" : "TALENT_STRUCT_TYPE(") + spelling + ", "
                        + display + ", " + fields + ")";
            }
            case UNSUPPORTED -> throw new UnsupportedTypeException("type " + TypeResolver.spell(type) + " is not supported");
        };
        return "static const talent_type " + name + " = " + init + ";\n";
    }

    /** Whether the variable {@code decl} of this file is an integer that holds only addresses (AddressObjects). */
    public boolean holdsAddress(Node decl) {
        return tu != null && objects.holdsAddress(tu, decl);
    }

    /**
     * The descriptor of an integer object that holds only addresses (AddressObjects), or of an array of them: a pointer
     * marked an address integer (TALENT_ADDRINT_TYPE, which the target's compiler refuses for a type of another size
     * than a pointer), carried as the object and offset it points to (docs/FORMAT.md "Pointers").
     */
    private String addressInteger(CType type, String spelling, StringBuilder defs) {
        CType c = types.canonical(unconst(type));
        String name = "talent_ltd_" + counter++;
        if (c instanceof CType.Array a) {
            if (a.size().isEmpty() || a.isVariableLength()) throw new UnsupportedTypeException("array of unknown size " + TypeResolver.spell(type));
            String et = "__typeof__((*(__typeof__(" + spelling + ") *)0)[0])";
            String elem = addressInteger(a.elem(), et, defs);
            defs.append("static const talent_type ").append(name).append(" = TALENT_ARRAY_TYPE(").append(spelling).append(", ")
                    .append(cString(TypeResolver.spell(type))).append(", ").append(et).append(", ").append(elem).append(");\n");
        } else {
            defs.append("static const talent_type ").append(name).append(" = TALENT_ADDRINT_TYPE(").append(spelling).append(", ")
                    .append(cString(TypeResolver.spell(type))).append(");\n");
        }
        return "&" + name;
    }

    private boolean isNamed(Node rec, Node fd, Set<String> members) {
        return (members == null || !"union".equals(rec.attr("tagUsed"))) ? named.isNamed(rec, fd) : members.contains(fd.name());
    }

    /**
     * Refuses a variable of a struct type with a flexible array member whose initialiser gives that member elements (a
     * GNU extension for static storage, {@code static struct vec g = { 2, { 5, 6 } };}): they lie past the struct's
     * size, where its descriptor (an array of no elements) sees nothing, so they would not be saved.
     */
    public void refuseInitialisedFlexibleArray(Node varDecl, CType type) {
        CType c;
        try {
            c = types.canonical(type);
        } catch (RuntimeException e) {
            return;
        }
        if (!(c instanceof CType.Tagged g) || !g.tag().equals("struct")) return;
        Node rec = types.record(g);
        if (rec == null) return;
        List<Node> fields = rec.inner().stream().filter(n -> n.is("FieldDecl")).toList();
        if (fields.isEmpty() || !fields.getLast().qualType().endsWith("[]")) return;
        for (Node init : varDecl.inner()) {
            if (!init.is("InitListExpr")) continue;
            List<Node> in = init.inner();
            if (in.size() == fields.size() && !in.getLast().is("ImplicitValueInitExpr")) {
                throw new UnsupportedTypeException("its initialiser gives the flexible array member '" + fields.getLast().name()
                        + "' elements, which lie past the struct and which talent cannot save");
            }
        }
    }

    private static boolean isLastField(Node rec, Node fd) {
        Node last = null;
        for (Node n : rec.inner()) if (n.is("FieldDecl")) last = n;
        return last == fd;
    }

    /**
     * A flexible array member ({@code int data[]}, the last member of a struct): an array of no elements here, whose
     * size the struct leaves to the heap block it is allocated in (the runtime cuts the array to the block:
     * heap_trailing.h, FORMAT.md "HEAP").
     */
    private String flexibleArray(String structName, CType.Array fam, String fspell, StringBuilder defs, boolean fileScope) {
        String et = "__typeof__((*(" + fspell + " *)0)[0])";
        String elem = ref(fam.elem(), et, defs, fileScope);
        String name = structName + "_fam";
        defs.append("static const talent_type ").append(name).append(" = { TALENT_K_ARRAY, ")
                .append(cString(TypeResolver.spell(fam))).append(", 0, ").append(elem).append(", 0, 0, 0, 0 };\n");
        return "&" + name;
    }

    /**
     * Members of a C library struct whose reserved name is the same on every supported C library and ISA, so
     * that a description naming them compiles everywhere: struct tm's tail when the public names tm_gmtoff and
     * tm_zone are not enabled (glibc without _DEFAULT_SOURCE, e.g. under Lua's _XOPEN_SOURCE 600; musl always
     * has these names). tm_gmtoff is a number (saved as such); tm_zone is a pointer into the C library's storage
     * (docs/CODEGEN.md "Types of the C library": saved as a pointer).
     */
    private static final java.util.Set<String> TM_TAILS = java.util.Set.of("tm.__tm_gmtoff", "tm.__tm_zone");

    /** A descriptor of the object spelled {@code spelling} as an array of its bytes ({@code unsigned char}). */
    private String bytes(String spelling, String display, StringBuilder defs, boolean fileScope) {
        String uchar = ref(CTypeParser.parse("unsigned char"), "unsigned char", defs, fileScope);
        return "{ TALENT_K_ARRAY, " + display + ", sizeof(" + spelling + "), " + uchar + ", sizeof(" + spelling + "), 0, 0, 0 }";
    }

    /**
     * The runtime's own descriptor of a C library type whose members are private and laid out differently on every
     * C library and ISA, but whose value a program observes through the library's functions (talent-runtime
     * sigtypes.c, docs/CODEGEN.md "Types of the C library"): {@code sigset_t} (a set of signals, read with
     * sigismember, written with sigemptyset/sigaddset) and {@code struct sigaction} (its handler by name, its mask
     * as a sigset_t, its POSIX flags); {@code fd_set} (a set of descriptors, read with FD_ISSET, written with
     * FD_SET/FD_CLR; fdsettype.c); {@code regex_t} (carried as the pattern and flags regcomp compiled it from, compiled
     * again at the restore; regexes.c); {@code struct sockaddr_storage} (its family, its bytes, an IPv6 scope id as a
     * number; sockaddrtype.c); {@code pthread_mutex_t} (its kind, refused while locked, restored freshly initialised;
     * mutextype.c); {@code pthread_cond_t} (its clock, refused with waiters, restored freshly initialised; condtype.c);
     * {@code pthread_rwlock_t} (how it is held, restored freshly initialised and locked again; rwlocktype.c);
     * {@code pthread_barrier_t} (its count, refused with a thread inside; barriertype.c); {@code pthread_spinlock_t}
     * (an int of the C library's own values: locked or not; spintype.c). Null for any other type, and for a program's
     * own type of that name.
     */
    private String runtimeDescribed(CType t) {
        CType c = t;
        boolean sigset = false;
        boolean fdset = false;
        boolean regex = false;
        boolean mutex = false;
        boolean cond = false;
        String thread = null;
        for (int guard = 0; c instanceof CType.Named n && guard < 100; guard++) {
            if (THREAD_TYPES.containsKey(n.name()) && thread == null) thread = n.name();
            // pthread_spinlock_t is an int (volatile) in glibc and musl: a typedef of the library, not a record
            if (n.name().equals("pthread_spinlock_t") && types.isLibraryTypedef(n.name())) return "talent_spinlock_type";
            sigset |= n.name().equals("sigset_t") || n.name().equals("__sigset_t");
            fdset |= n.name().equals("fd_set");
            regex |= n.name().equals("regex_t");
            mutex |= n.name().equals("pthread_mutex_t");
            cond |= n.name().equals("pthread_cond_t");
            try {
                c = types.typedefTarget(n.name());
            } catch (IllegalArgumentException unknown) {
                return null;
            }
        }
        // the threads library's types are unions in glibc, structs in musl
        boolean threadType = mutex || cond || thread != null;
        if (!(c instanceof CType.Tagged g)
                || !(g.tag().equals("struct") || (threadType && g.tag().equals("union")))) return null;
        Node rec = types.record(g);
        if (rec == null || !rec.flag("completeDefinition") || !types.isLibraryRecord(rec)) return null;
        if (mutex) return "talent_mutex_type";
        if (cond) return "talent_cond_type";
        if (thread != null) return THREAD_TYPES.get(thread);
        if (sigset) return "talent_sigset_type";
        if (fdset) return "talent_fdset_type";
        if (regex) return "talent_regex_type";
        if (!g.isAnonymous() && g.name().equals("sockaddr_storage")) return "talent_sockaddr_storage_type";
        return !g.isAnonymous() && g.name().equals("sigaction") ? "talent_sigaction_type" : null;
    }

    /** The threads library's record types the runtime describes besides the mutex and condition variable. */
    private static final java.util.Map<String, String> THREAD_TYPES = java.util.Map.of(
            "pthread_rwlock_t", "talent_rwlock_type", "pthread_barrier_t", "talent_barrier_type");

    /** Names of padding in the C library's types (glibc's struct stat, struct timespec, siginfo_t...). */
    private static final java.util.regex.Pattern LIBRARY_PADDING =
            java.util.regex.Pattern.compile("__(pad|unused|glibc_reserved|reserved|fill|spare|padding)\\w*|__(f|st)_?pad\\w*");

    /** Identifiers reserved to the implementation (C99 7.1.3): a program does not name them. */
    private static boolean isReserved(String name) {
        return name.startsWith("__") || (name.length() > 1 && name.charAt(0) == '_' && Character.isUpperCase(name.charAt(1)));
    }

    /** As for a pointer to {@code to}: its descriptor (listed as a "type:" entry of alloc_sites), or null. */
    public String pointeeOf(CType to) {
        return pointeeDescriptor(to);
    }

    /**
     * The descriptor of a pointer's pointee when it can be described at file scope (a complete struct or union,
     * an arithmetic type, a data pointer), else null. The runtime types a heap block allocated where the
     * compiler did not see its type (malloc in a macro, in uninstrumented code) from the pointers that
     * reference it at checkpoint time, and finds this descriptor again on restore through alloc_sites.
     */
    private String pointeeDescriptor(CType to) {
        CType u = unconst(to);
        String described = runtimeDescribed(u);
        if (described != null && types.fileScopeSpellable(u)) {
            pointees.putIfAbsent(TypeResolver.spell(u), described);
            return "&" + described;
        }
        if (!types.fileScopeSpellable(u)) return null;
        switch (types.category(u)) {
            case INTEGER, BOOL, FLOAT, LDOUBLE, POINTER -> { }
            case STRUCT, UNION -> {
                Node rec = types.record((CType.Tagged) types.canonical(u));
                if (rec == null || !rec.flag("completeDefinition")) return null;
            }
            default -> { return null; }
        }
        try {
            String name = sharedName(u);
            pointees.putIfAbsent(TypeResolver.spell(u), name);
            return "&" + name;
        } catch (UnsupportedTypeException e) {
            return null;
        }
    }

    /** Pointee spelling -> expression of its descriptor, for "type:" entries of the unit's alloc_sites. */
    public Map<String, String> pointeeTypes() {
        Map<String, String> m = new LinkedHashMap<>();
        pointees.forEach((spelling, name) -> { if (!failed.containsKey(spelling)) m.put(spelling, "&" + name); });
        return m;
    }

    private static String bitWidth(Node field) {
        for (Node c : field.inner()) {
            if (c.is("ConstantExpr") && !c.attr("value").isEmpty()) return c.attr("value");
        }
        throw new UnsupportedTypeException("bit-field '" + field.name() + "' without a constant width");
    }

    private static CType unconst(CType t) {
        return switch (t) {
            case CType.Builtin b -> new CType.Builtin(b.name(), false);
            case CType.Named n -> new CType.Named(n.name(), false);
            case CType.Tagged g -> new CType.Tagged(g.tag(), g.name(), g.anonymousAt(), false);
            case CType.Pointer p -> new CType.Pointer(p.to(), false);
            default -> t;
        };
    }

    public static String cString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Forward declarations of the shared descriptors (top of file, right after talent.h). */
    public String forwardDeclarations() {
        StringBuilder sb = new StringBuilder();
        for (String n : shared.values()) sb.append("static const talent_type ").append(n).append(";\n");
        return sb.toString();
    }

    /** Bit-field accessors and shared descriptor definitions (end of file). */
    public String definitions() {
        return accessors + sharedDefinitions.toString();
    }
}
