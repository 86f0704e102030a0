package dev.talent.compiler;

import java.nio.file.Path;
import java.util.List;

/** The instrumented sources (same base names as the inputs), the generated program table and warnings/notes. */
public record CompileResult(List<Path> instrumentedSources, Path programTable, String fingerprint, List<Diagnostic> diagnostics) {
    public CompileResult {
        instrumentedSources = List.copyOf(instrumentedSources);
        diagnostics = List.copyOf(diagnostics);
    }
}
