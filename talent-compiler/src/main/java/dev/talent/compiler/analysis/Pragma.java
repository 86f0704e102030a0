package dev.talent.compiler.analysis;

/** One {@code #pragma talent ...} line: [start, end) is the directive's text without its newline. */
public record Pragma(Kind kind, int start, int end, int line) {
    public enum Kind { CHECKPOINT, NOCHECKPOINT }
}
