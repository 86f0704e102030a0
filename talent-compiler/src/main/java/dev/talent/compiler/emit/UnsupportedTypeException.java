package dev.talent.compiler.emit;

import dev.talent.compiler.ast.Node;

/** A type talent cannot describe; reported as a build error at the declaration that has it. */
public class UnsupportedTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Node at;

    public UnsupportedTypeException(String message) {
        this(message, null);
    }

    public UnsupportedTypeException(String message, Node at) {
        super(message);
        this.at = at;
    }

    /** The declaration (or call, for a temporary) whose type is unsupported; null when not known. */
    public Node at() {
        return at;
    }
}
