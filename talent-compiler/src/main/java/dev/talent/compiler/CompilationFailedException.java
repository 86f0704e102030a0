package dev.talent.compiler;

import java.util.List;

/** The user's program cannot be instrumented; the diagnostics say where and what to do. */
public class CompilationFailedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Diagnostic> diagnostics;

    public CompilationFailedException(List<Diagnostic> diagnostics) {
        super(summary(diagnostics));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    private static String summary(List<Diagnostic> diagnostics) {
        long errors = diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
        return errors + " error(s)" + (diagnostics.isEmpty() ? "" : ", first: " + diagnostics.getFirst());
    }
}
