package dev.talent.cli;

import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import java.util.Locale;

/** Renders diagnostics the way C compilers do, so editors and users recognise them. */
public final class DiagnosticRenderer {

    private final Path workingDirectory;

    public DiagnosticRenderer(Path workingDirectory) {
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    }

    /** {@code app.c:12:5: error: message}, then the remedy indented on the next line when there is one. */
    public String render(Diagnostic d) {
        StringBuilder out = new StringBuilder();
        out.append(displayPath(d.file()));
        if (d.line() > 0) {
            out.append(':').append(d.line());
            if (d.column() > 0) out.append(':').append(d.column());
        }
        out.append(": ").append(d.severity().name().toLowerCase(Locale.ROOT)).append(": ").append(d.message());
        if (d.remedy() != null && !d.remedy().isBlank()) out.append("\n  ").append(d.remedy());
        return out.toString();
    }

    /** Paths under the working directory are shown relative to it, as the user typed them. */
    String displayPath(String file) {
        if (file == null || file.isEmpty()) return "talent";
        Path p = Path.of(file);
        if (p.isAbsolute() && p.normalize().startsWith(workingDirectory)) {
            return workingDirectory.relativize(p.normalize()).toString();
        }
        return file;
    }
}
