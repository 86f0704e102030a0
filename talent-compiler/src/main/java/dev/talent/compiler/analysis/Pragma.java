package dev.talent.compiler.analysis;

/**
 * One {@code #pragma talent ...} line: [start, end) is the directive's text without its newline; argument is
 * the text between the parentheses of {@code alloc_type(...)} (null for the other kinds).
 */
public record Pragma(Kind kind, int start, int end, int line, String argument) {
    public enum Kind { CHECKPOINT, NOCHECKPOINT, ALLOC_TYPE }

    public Pragma(Kind kind, int start, int end, int line) {
        this(kind, start, end, line, null);
    }
}
