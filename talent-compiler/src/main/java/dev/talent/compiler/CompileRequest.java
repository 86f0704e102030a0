package dev.talent.compiler;

import java.nio.file.Path;
import java.util.List;

/** What to compile: the program's C sources, the user's preprocessor options (-I -D -U -std= as given). */
public record CompileRequest(List<Path> sources, List<String> preprocessorArgs, Path outputDir, String programName) {
    public CompileRequest {
        sources = List.copyOf(sources);
        preprocessorArgs = List.copyOf(preprocessorArgs);
    }
}
