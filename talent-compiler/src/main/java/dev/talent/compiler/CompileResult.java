package dev.talent.compiler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The instrumented sources (same base names as the inputs), the generated program table and warnings/notes.
 * When the program's text differs between the ISAs (docs/CODEGEN.md "Preprocessing"), {@code byIsa} holds one
 * result per ISA name ({@code x86_64}, {@code i686}, ...), each built from that ISA's own preprocessing, and the
 * top-level fields are those of the first ISA; otherwise it is empty and one result serves every ISA.
 */
public record CompileResult(List<Path> instrumentedSources, Path programTable, String fingerprint, List<Diagnostic> diagnostics,
                            Map<String, CompileResult> byIsa) {
    public CompileResult {
        instrumentedSources = List.copyOf(instrumentedSources);
        diagnostics = List.copyOf(diagnostics);
        byIsa = Map.copyOf(byIsa);
    }

    public CompileResult(List<Path> instrumentedSources, Path programTable, String fingerprint, List<Diagnostic> diagnostics) {
        this(instrumentedSources, programTable, fingerprint, diagnostics, Map.of());
    }

    /** What to compile for the ISA named {@code isa} ({@code x86_64}, {@code aarch64}, {@code s390x}, {@code riscv64}, {@code i686}). */
    public CompileResult forIsa(String isa) {
        if (byIsa.isEmpty()) return this;
        CompileResult r = byIsa.get(isa);
        if (r == null) throw new IllegalArgumentException("the program was not instrumented for ISA " + isa);
        return r;
    }
}
