package dev.talent.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A gcc-style command line as {@code talentcc} receives it from make or CMake, sorted into what talent needs.
 *
 * @param mode        what the command asks for
 * @param original    the arguments as given, without talentcc's own ({@code --talent-isa=}), for the host gcc
 * @param sources     the .c files
 * @param inputs      every input of a link in command-line order: .c, .o and .a files and -l/-L/-Wl options
 * @param output      -o
 * @param cc          the options talent gives to clang and to each ISA's gcc (-I -D -U -std -O -W and gcc-only ones)
 * @param linkOptions options for the link only (-Wl,..., -static, -s, -rdynamic ...)
 * @param isas        {@code --talent-isa=LIST} (or empty: every buildable platform)
 */
public record CcArguments(Mode mode, List<String> original, List<Path> sources, List<String> inputs, Optional<Path> output,
                          CcOptions cc, List<String> linkOptions, Optional<String> isas) {

    public enum Mode {
        /** -c: the host object plus the note talent needs at link time. */
        COMPILE,
        /** no -c: instrument what the link pulls in and link every platform. */
        LINK,
        /** -E, -M/-MM without -c, --version, -dumpversion, -print-*: gcc's answer, unchanged. */
        PASS_THROUGH
    }

    /** A command line talentcc cannot carry out, with the reason. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    private static final List<String> PASS_THROUGH_OPTIONS = List.of("-E", "--version", "-v", "-dumpversion", "-dumpfullversion",
            "-dumpmachine", "-dumpspecs", "-###", "--help");

    public static CcArguments parse(List<String> args) throws Refused {
        List<String> original = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<Path> includeDirs = new ArrayList<>();
        List<String> defines = new ArrayList<>();
        List<String> undefines = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Path> libraryDirs = new ArrayList<>();
        List<String> libraries = new ArrayList<>();
        List<String> gccOnly = new ArrayList<>();
        List<String> linkOptions = new ArrayList<>();
        Optional<String> optimization = Optional.empty();
        Optional<String> standard = Optional.empty();
        Optional<Path> output = Optional.empty();
        Optional<String> isas = Optional.empty();
        boolean compile = false;
        boolean passThrough = false;
        boolean dependenciesOnly = false;
        boolean pthread = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--talent-isa=")) {
                isas = Optional.of(a.substring("--talent-isa=".length()));
                continue;
            }
            original.add(a);
            if (PASS_THROUGH_OPTIONS.contains(a) || a.startsWith("-print-")) {
                passThrough = true;
            } else if (a.equals("-c")) {
                compile = true;
            } else if (a.equals("-S")) {
                throw new Refused("-S: talentcc makes objects and executables, not assembly (the code is instrumented "
                        + "for every ISA at link time)");
            } else if (a.equals("-M") || a.equals("-MM")) {
                dependenciesOnly = true;
            } else if (a.equals("-MD") || a.equals("-MMD") || a.equals("-MP")) {
                // given to the host gcc with the rest of the command line
            } else if (a.equals("-MF") || a.equals("-MT") || a.equals("-MQ")) {
                original.add(value(args, ++i, a));
            } else if (a.startsWith("-MF") || a.startsWith("-MT") || a.startsWith("-MQ")) {
                // joined to its value (-MFdeps.d): given to the host gcc with the rest of the command line
            } else if (a.equals("-o")) {
                String v = value(args, ++i, a);
                original.add(v);
                output = Optional.of(Path.of(v));
            } else if (a.startsWith("-o")) {
                output = Optional.of(Path.of(a.substring(2)));
            } else if (a.equals("-I") || a.equals("-D") || a.equals("-U") || a.equals("-L") || a.equals("-l")) {
                String v = value(args, ++i, a);
                original.add(v);
                joined(a + v, includeDirs, defines, undefines, libraryDirs, libraries, inputs);
            } else if (a.startsWith("-I") || a.startsWith("-D") || a.startsWith("-U") || a.startsWith("-L") || a.startsWith("-l")) {
                joined(a, includeDirs, defines, undefines, libraryDirs, libraries, inputs);
            } else if (a.startsWith("-std=")) {
                standard = Optional.of(a.substring(5));
            } else if (a.equals("-ansi")) {
                standard = Optional.of("c90");   // gcc's and clang's meaning of -ansi for C (zopfli's Makefile)
            } else if (a.matches("-O(0|1|2|3|s|g|z|fast)?")) {
                optimization = Optional.of(a.length() == 2 ? "1" : a.substring(2));
            } else if (a.startsWith("-Wl,") || a.equals("-static") || a.equals("-s") || a.equals("-rdynamic")
                    || a.equals("-no-pie") || a.equals("-static-libgcc")) {
                if (!a.startsWith("-Wl,--trace") && !a.equals("-Wl,-t")) linkOptions.add(a);
                if (a.startsWith("-Wl,")) inputs.add(a);
            } else if (a.startsWith("-W") && !a.startsWith("-Wa,") && !a.startsWith("-Wp,")) {
                warnings.add(a.substring(2));
            } else if (a.equals(CcOptions.PTHREAD)) {
                pthread = true;
            } else if (a.startsWith("-")) {
                Optional<String> why = CcOptions.refusal(a);
                if (why.isPresent()) throw new Refused("option " + a + " is not supported: " + why.get());
                gccOnly.add(a);
                if (CcOptions.takesValue(a)) {
                    String v = value(args, ++i, a);
                    original.add(v);
                    gccOnly.add(v);
                }
            } else if (a.endsWith(".c")) {
                sources.add(Path.of(a));
                inputs.add(a);
            } else if (a.endsWith(".o") || a.endsWith(".a")) {
                inputs.add(a);
            } else {
                throw new Refused("input " + a + " is not supported: talentcc takes C sources (.c), its own objects (.o) "
                        + "and archives of them (.a)");
            }
        }
        if (pthread) {
            // as gcc's specs do: the define before the user's, the library after every input of the link
            defines.addFirst(CcOptions.PTHREAD_DEFINE);
            if (!libraries.contains(CcOptions.PTHREAD_LIBRARY)) libraries.add(CcOptions.PTHREAD_LIBRARY);
            inputs.add("-l" + CcOptions.PTHREAD_LIBRARY);
        }
        Mode mode = passThrough || (dependenciesOnly && !compile) ? Mode.PASS_THROUGH : compile ? Mode.COMPILE : Mode.LINK;
        CcOptions cc = new CcOptions(includeDirs, defines, undefines, optimization, standard, warnings, libraryDirs, libraries, gccOnly);
        if (mode == Mode.COMPILE && sources.isEmpty()) throw new Refused("-c needs at least one C source file (.c)");
        if (mode == Mode.COMPILE && output.isPresent() && sources.size() > 1) {
            throw new Refused("-o with -c and several source files: gcc would not know which object to name so");
        }
        if (mode == Mode.LINK && inputs.stream().noneMatch(s -> s.endsWith(".c") || s.endsWith(".o") || s.endsWith(".a"))) {
            throw new Refused("no input files");
        }
        return new CcArguments(mode, original, sources, inputs, output, cc, linkOptions, isas);
    }

    private static void joined(String a, List<Path> includeDirs, List<String> defines, List<String> undefines,
                               List<Path> libraryDirs, List<String> libraries, List<String> inputs) {
        String v = a.substring(2);
        switch (a.substring(0, 2)) {
            case "-I" -> includeDirs.add(Path.of(v));
            case "-D" -> defines.add(v);
            case "-U" -> undefines.add(v);
            case "-L" -> {
                libraryDirs.add(Path.of(v));
                inputs.add("-L" + Path.of(v).toAbsolutePath().normalize());
            }
            default -> {
                libraries.add(v);
                inputs.add("-l" + v);
            }
        }
    }

    private static String value(List<String> args, int i, String option) throws Refused {
        if (i >= args.size()) throw new Refused("option " + option + " needs a value");
        return args.get(i);
    }

    public CcArguments {
        original = List.copyOf(original);
        sources = List.copyOf(sources);
        inputs = List.copyOf(inputs);
        linkOptions = List.copyOf(linkOptions);
    }

    /** The object {@code -c} writes for {@code source}: -o, or the source's base name with .o in the working directory. */
    public Path objectFor(Path source) {
        if (output.isPresent()) return output.get();
        String name = source.getFileName().toString();
        return Path.of(name.substring(0, name.length() - 2) + ".o");
    }
}
