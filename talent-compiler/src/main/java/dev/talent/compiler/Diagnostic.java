package dev.talent.compiler;

import java.util.Locale;

/** A message about the user's program, at a source position, with what to do about it (remedy may be empty). */
public record Diagnostic(Severity severity, String file, int line, int column, String message, String remedy) {
    public enum Severity { ERROR, WARNING, NOTE }

    public static Diagnostic error(String file, int line, int column, String message, String remedy) {
        return new Diagnostic(Severity.ERROR, file, line, column, message, remedy);
    }

    public static Diagnostic warning(String file, int line, int column, String message, String remedy) {
        return new Diagnostic(Severity.WARNING, file, line, column, message, remedy);
    }

    public static Diagnostic note(String file, int line, int column, String message) {
        return new Diagnostic(Severity.NOTE, file, line, column, message, "");
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(Locale.ROOT) + ": " + message
                + (remedy == null || remedy.isEmpty() ? "" : " (" + remedy + ")");
    }
}
