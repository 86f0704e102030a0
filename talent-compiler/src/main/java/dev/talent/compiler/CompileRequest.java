package dev.talent.compiler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to compile: the program's C sources, the user's preprocessor options (-I -D -U -std= as given), and
 * optionally per source its own preprocessor options (talentcc: each file was compiled with its own command
 * line), which replace {@code preprocessorArgs} for that source.
 */
public record CompileRequest(List<Path> sources, List<String> preprocessorArgs, Path outputDir, String programName,
                             Map<Path, List<String>> argsBySource) {
    public CompileRequest {
        sources = List.copyOf(sources);
        preprocessorArgs = List.copyOf(preprocessorArgs);
        argsBySource = Map.copyOf(argsBySource);
    }

    public CompileRequest(List<Path> sources, List<String> preprocessorArgs, Path outputDir, String programName) {
        this(sources, preprocessorArgs, outputDir, programName, Map.of());
    }

    /** The preprocessor options of one source. */
    public List<String> preprocessorArgs(Path source) {
        List<String> own = argsBySource.get(source);
        return own != null ? List.copyOf(own) : preprocessorArgs;
    }
}
