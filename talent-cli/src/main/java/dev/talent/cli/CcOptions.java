package dev.talent.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The C compiler options {@code talent build} accepts, as the user gave them. Directories are resolved against
 * the working directory, since the instrumenter and gcc may run elsewhere.
 */
public record CcOptions(List<Path> includeDirs, List<String> defines, List<String> undefines, Optional<String> optimization,
                        Optional<String> standard, List<String> warnings, List<Path> libraryDirs, List<String> libraries,
                        List<String> gccOnly) {

    public static final CcOptions NONE =
            new CcOptions(List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), List.of());

    /** The options without the ones given to gcc only. */
    public CcOptions(List<Path> includeDirs, List<String> defines, List<String> undefines, Optional<String> optimization,
                     Optional<String> standard, List<String> warnings, List<Path> libraryDirs, List<String> libraries) {
        this(includeDirs, defines, undefines, optimization, standard, warnings, libraryDirs, libraries, List.of());
    }

    /**
     * Options that change how the program is analysed or how its values are laid out, and talent cannot give to
     * clang and every gcc alike (docs/CODEGEN.md, "Build options"): refused, with the reason.
     */
    private static final List<Map.Entry<Pattern, String>> REFUSED = List.of(
            Map.entry(Pattern.compile("-m(32|64|x32|31|16|abi=.*|long-double-.*|(no-)?align-double|ieee-fp|80387|fpmath=387|soft-float|hard-float)"),
                    "it changes the ABI (type sizes, alignment or the floating-point format) that every ISA's build and the "
                            + "checkpoint format assume; talent builds each ISA with its standard ABI"),
            Map.entry(Pattern.compile("-f(no-)?(un)?signed-bitfields|-fshort-(enums|wchar)|-fpack-struct.*"),
                    "it changes how types are laid out or signed, differently from the analysis (clang) and from the "
                            + "other ISAs; talent builds every ISA with the standard layouts"),
            Map.entry(Pattern.compile("-ffp-contract=.*|-ffast-math|-Ofast-math|-funsafe-math-optimizations|-fassociative-math|-mfma|-mfused-madd"),
                    "floating-point results would differ between ISAs (talent builds with -ffp-contract=off so that a "
                            + "migrated program computes what it would have computed at home)"),
            Map.entry(Pattern.compile("-fopenmp.*|-fopenacc|-ftree-parallelize-loops=.*|-fsanitize=.*|-fgnu-tm"),
                    "talent checkpoints single-threaded programs built statically with its runtime"),
            Map.entry(Pattern.compile("-f(no-)?(ms-extensions|plan9-extensions|dollars-in-identifiers|gnu89-inline|"
                            + "builtin|freestanding|hosted|asm|gnu-keywords|trigraphs|preprocessed|directives-only|"
                            + "extended-identifiers|macro-prefix-map=.*|exec-charset=.*|input-charset=.*|wide-exec-charset=.*)"),
                    "it changes how the C text is read, which the analysis (clang) would read otherwise"),
            Map.entry(Pattern.compile("-shared|-static-pie|-nostdlib|-nodefaultlibs|-nostartfiles|-nostdinc|-x|-c|-S|-E|-M.*|"
                            + "-include|-imacros|-isystem.*|-idirafter.*|-iquote.*|-iprefix.*|-isysroot.*|--sysroot.*|-Wp,.*|-Xpreprocessor|"
                            + "-save-temps.*|-specs=.*|-B.*|-o.*|--.*|-fplugin.*|-wrapper"),
                    "talent controls it (static executables with its runtime, one gcc run per ISA) or the analysis "
                            + "could not see it (use -I, -D, -U and -std=, which talent gives to clang and to gcc)"));

    /** Options given to gcc only: they change neither the C text nor the layout of values. */
    private static final Pattern GCC_ONLY = Pattern.compile(
            "-f[a-z0-9].*|-m[a-z0-9].*|-g.*|-W[la],.*|-Xlinker|-Xassembler|-pipe|-s|-rdynamic|-w|-pedantic|-pedantic-errors|"
                    + "-p|-pg|-no-pie|-static|-static-libgcc|-fno-pie|-fpie|-fPIE|-fpic|-fPIC|-u|-z|-T");

    /** Why {@code option} is refused, or empty when it is given to gcc only. */
    public static Optional<String> refusal(String option) {
        for (Map.Entry<Pattern, String> r : REFUSED) {
            if (r.getKey().matcher(option).matches()) return Optional.of(r.getValue());
        }
        if (GCC_ONLY.matcher(option).matches()) return Optional.empty();
        return Optional.of("talent does not know it: it would not know whether the option changes how the program "
                + "is analysed");
    }

    /**
     * {@code -pthread}: gcc's specs make it {@code -D_REENTRANT} for the preprocessor and {@code -lpthread} after the
     * inputs of a link, on every target talent builds for (glibc's and musl's libpthread.a are there, empty stubs
     * since glibc 2.34 and in musl). Build files add it to every command line; talent gives clang and each ISA's gcc
     * that define and that library instead. Creating a thread stays refused by the analysis, where it is called.
     */
    public static final String PTHREAD = "-pthread";

    /** The macro {@link #PTHREAD} defines. */
    public static final String PTHREAD_DEFINE = "_REENTRANT";

    /** The library {@link #PTHREAD} links. */
    public static final String PTHREAD_LIBRARY = "pthread";

    /** Options that take the next argument as their value (-Xlinker ARG). */
    public static boolean takesValue(String option) {
        return option.equals("-Xlinker") || option.equals("-Xassembler") || option.equals("-u") || option.equals("-z")
                || option.equals("-T");
    }

    public CcOptions {
        includeDirs = includeDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        defines = List.copyOf(defines);
        undefines = List.copyOf(undefines);
        warnings = List.copyOf(warnings);
        libraryDirs = libraryDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        libraries = List.copyOf(libraries);
        gccOnly = List.copyOf(gccOnly);
    }

    /**
     * The signedness of plain {@code char}: given to clang for the analysis and to every ISA's gcc alike (after
     * talent's default -fsigned-char), so that the analysis, the type descriptors (computed by each target's
     * compiler) and every ISA agree.
     */
    private static final Pattern CHAR_SIGNEDNESS = Pattern.compile("-f(no-)?(un)?signed-char");

    /** True for -fsigned-char, -funsigned-char and their -fno- forms. */
    public static boolean isCharSignedness(String option) {
        return CHAR_SIGNEDNESS.matcher(option).matches();
    }

    /** What the preprocessor (clang for the instrumenter, gcc for each target) needs: -I -D -U -std= and char signedness. */
    public List<String> preprocessorArgs() {
        List<String> args = new ArrayList<>();
        includeDirs.forEach(d -> args.add("-I" + d));
        defines.forEach(d -> args.add("-D" + d));
        undefines.forEach(u -> args.add("-U" + u));
        standard.ifPresent(s -> args.add("-std=" + s));
        gccOnly.stream().filter(CcOptions::isCharSignedness).forEach(args::add);
        return args;
    }

    /** Flags for compiling the instrumented sources: the preprocessor's plus -O, -W and the options for gcc only. */
    public List<String> compileFlags() {
        List<String> args = new ArrayList<>(preprocessorArgs());
        optimization.ifPresent(o -> args.add("-O" + o));
        warnings.forEach(w -> args.add("-W" + w));
        gccOnly.stream().filter(o -> !isCharSignedness(o)).forEach(args::add);
        return args;
    }

    /** -L and -l, in that order, for the end of the link line. */
    public List<String> linkFlags() {
        List<String> args = new ArrayList<>();
        libraryDirs.forEach(d -> args.add("-L" + d));
        libraries.forEach(l -> args.add("-l" + l));
        return args;
    }

    public CcOptions withLibrary(String library) {
        List<String> libs = new ArrayList<>(libraries);
        if (!libs.contains(library)) libs.add(library);
        return new CcOptions(includeDirs, defines, undefines, optimization, standard, warnings, libraryDirs, libs, gccOnly);
    }
}
