package dev.talent.toolchain;

import java.nio.file.Path;
import java.util.List;

/**
 * What to link into one static executable.
 *
 * @param sources      C files compiled and linked together
 * @param compileFlags user flags for compiling ({@code -I -D -U -O -std= -W}), placed after the mandatory ones
 *                     so that e.g. a user {@code -O3} wins over the default {@code -O2}
 * @param libraries    static archives (such as libtalent.a) linked after the sources
 * @param linkFlags    {@code -L}/{@code -l} flags, placed last so that libraries resolve the sources' symbols
 */
public record ExecutableSpec(List<Path> sources, List<String> compileFlags, List<Path> libraries,
                             List<String> linkFlags, Path output) {
    public ExecutableSpec {
        sources = List.copyOf(sources);
        compileFlags = List.copyOf(compileFlags);
        libraries = List.copyOf(libraries);
        linkFlags = List.copyOf(linkFlags);
    }
}
