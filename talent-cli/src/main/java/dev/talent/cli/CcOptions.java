package dev.talent.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The C compiler options {@code talent build} accepts, as the user gave them. Directories are resolved against
 * the working directory, since the instrumenter and gcc may run elsewhere.
 */
public record CcOptions(List<Path> includeDirs, List<String> defines, List<String> undefines, Optional<String> optimization,
                        Optional<String> standard, List<String> warnings, List<Path> libraryDirs, List<String> libraries) {

    public static final CcOptions NONE =
            new CcOptions(List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());

    public CcOptions {
        includeDirs = includeDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        defines = List.copyOf(defines);
        undefines = List.copyOf(undefines);
        warnings = List.copyOf(warnings);
        libraryDirs = libraryDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        libraries = List.copyOf(libraries);
    }

    /** What the preprocessor (clang for the instrumenter, gcc for each target) needs: -I -D -U -std=. */
    public List<String> preprocessorArgs() {
        List<String> args = new ArrayList<>();
        includeDirs.forEach(d -> args.add("-I" + d));
        defines.forEach(d -> args.add("-D" + d));
        undefines.forEach(u -> args.add("-U" + u));
        standard.ifPresent(s -> args.add("-std=" + s));
        return args;
    }

    /** Flags for compiling the instrumented sources: the preprocessor's plus -O and -W. */
    public List<String> compileFlags() {
        List<String> args = new ArrayList<>(preprocessorArgs());
        optimization.ifPresent(o -> args.add("-O" + o));
        warnings.forEach(w -> args.add("-W" + w));
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
        return new CcOptions(includeDirs, defines, undefines, optimization, standard, warnings, libraryDirs, libs);
    }
}
