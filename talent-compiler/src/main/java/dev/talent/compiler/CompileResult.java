package dev.talent.compiler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The instrumented sources (same base names as the inputs), the generated program table and warnings/notes.
 * When the program's text differs between the ISAs (docs/CODEGEN.md "Preprocessing"), {@code byIsa} holds one
 * result per ISA name ({@code x86_64}, {@code i686}, ...), each built from that ISA's own preprocessing, and the
 * top-level fields are those of the first ISA; otherwise it is empty and one result serves every ISA.
 * {@code int128}: where the program first names a 128-bit integer type ("unsigned __int128 in typedef 'u128' at
 * m.c:5:1"), which gcc has no type for on i686 (a 32-bit ISA): {@code talent build} does not build i686 then.
 */
public record CompileResult(List<Path> instrumentedSources, Path programTable, String fingerprint, List<Diagnostic> diagnostics,
                            Map<String, CompileResult> byIsa, Optional<IsaBinding> binding, Optional<String> int128) {
    public CompileResult {
        instrumentedSources = List.copyOf(instrumentedSources);
        diagnostics = List.copyOf(diagnostics);
        byIsa = Map.copyOf(byIsa);
        Objects.requireNonNull(binding);
        Objects.requireNonNull(int128);
    }

    public CompileResult(List<Path> instrumentedSources, Path programTable, String fingerprint, List<Diagnostic> diagnostics) {
        this(instrumentedSources, programTable, fingerprint, diagnostics, Map.of(), Optional.empty(), Optional.empty());
    }

    /**
     * Why the program cannot be built for an ISA of {@code pointerBits} bits (gcc has no 128-bit integer type on a
     * 32-bit one), or empty when it can.
     */
    public Optional<String> unbuildableOn(String isa, int pointerBits) {
        if (pointerBits > 32) return Optional.empty();
        return int128.map(use -> "gcc has no 128-bit integer type on " + isa + " (a 32-bit ISA), and the program uses "
                + use + "; the other platforms are built (a checkpoint of this program moves only between 64-bit ISAs)");
    }

    /**
     * The program table has a fingerprint of its own on big-endian ISAs ({@code byteOrder}), on 32-bit ISAs
     * ({@code pointerWidth}) and/or per class of ISAs whose texts describe the state alike ({@code isaClasses}, ISA
     * names; empty when one description serves every ISA): a checkpoint is refused (exit 65) on an ISA of another byte
     * order, pointer width or class. {@code why} says what in the program causes it (the build's warnings, in one line).
     */
    public record IsaBinding(boolean byteOrder, boolean pointerWidth, List<List<String>> isaClasses, String why) {
        public IsaBinding {
            isaClasses = isaClasses.stream().map(List::copyOf).toList();
            if (!byteOrder && !pointerWidth && isaClasses.isEmpty()) throw new IllegalArgumentException("an ISA binding binds something");
            Objects.requireNonNull(why);
        }

        public IsaBinding(boolean byteOrder, boolean pointerWidth, String why) { this(byteOrder, pointerWidth, List.of(), why); }

        /** Both bindings: each dimension bound by either, the causes joined. */
        public IsaBinding and(IsaBinding other) {
            return new IsaBinding(byteOrder || other.byteOrder, pointerWidth || other.pointerWidth,
                    isaClasses.isEmpty() ? other.isaClasses : isaClasses, why.equals(other.why) ? why : why + "; " + other.why);
        }
    }

    /** What to compile for the ISA named {@code isa} ({@code x86_64}, {@code aarch64}, {@code s390x}, {@code riscv64}, {@code i686}). */
    public CompileResult forIsa(String isa) {
        if (byIsa.isEmpty()) return this;
        CompileResult r = byIsa.get(isa);
        if (r == null) throw new IllegalArgumentException("the program was not instrumented for ISA " + isa);
        return r;
    }
}
