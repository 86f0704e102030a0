package dev.talent.migrate;

import java.io.IOException;

/**
 * A migration failed after the program had stopped, and restarting it where it was failed too: the program does
 * not run. The message says why and where its checkpoints and working directory are.
 */
public final class RollbackFailedException extends IOException {
    private static final long serialVersionUID = 1L;
    public RollbackFailedException(String message) { super("rollback failed: " + message); }

    public RollbackFailedException(String message, Throwable cause) { super("rollback failed: " + message, cause); }
}
