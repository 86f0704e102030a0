package dev.talent.compiler.ast;

/**
 * One location as clang printed it, with the file and line filled in from document order. For a location
 * inside a macro expansion, file/line/offset are those of the expansion (where the macro is used) and
 * {@code inMacro} is set; {@code spellingFile}/{@code spellingOffset} say where the token was written.
 */
public record SourceLoc(String file, int line, int col, int offset, int tokLen, boolean inMacro,
                        String spellingFile, int spellingOffset) {
    public static final SourceLoc NONE = new SourceLoc(null, 0, 0, -1, 0, false, null, -1);

    public boolean isValid() {
        return offset >= 0 && file != null;
    }

    /** Offset just past the token at this location. */
    public int endOffset() {
        return offset + tokLen;
    }
}
