package dev.talent.cli;

import dev.talent.compiler.Diagnostic;
import dev.talent.toolchain.Platform;
import java.util.List;
import java.util.Map;

/** A build that produced no complete set of binaries; the subclass says why, for the command to render. */
public sealed abstract class BuildFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    BuildFailedException(String message, Throwable cause) { super(message, cause); }

    /** The program was rejected by the instrumenter. */
    public static final class Rejected extends BuildFailedException {
        private static final long serialVersionUID = 1L;
        private final transient List<Diagnostic> diagnostics;

        public Rejected(List<Diagnostic> diagnostics, Throwable cause) {
            super("the program cannot be instrumented", cause);
            this.diagnostics = List.copyOf(diagnostics);
        }

        public List<Diagnostic> diagnostics() { return diagnostics; }
    }

    /** No requested platform can be built on this host, or a platform named with --isa cannot. */
    public static final class NoPlatform extends BuildFailedException {
        private static final long serialVersionUID = 1L;
        public NoPlatform(String message) { super(message, null); }
    }

    /** gcc failed for some platforms (on instrumented code or the runtime); output per platform. */
    public static final class ToolFailed extends BuildFailedException {
        private static final long serialVersionUID = 1L;
        private final transient Map<Platform, String> outputs;

        public ToolFailed(Map<Platform, String> outputs, String message) {
            super(message, null);
            this.outputs = Map.copyOf(outputs);
        }

        public Map<Platform, String> outputs() { return outputs; }
    }
}
