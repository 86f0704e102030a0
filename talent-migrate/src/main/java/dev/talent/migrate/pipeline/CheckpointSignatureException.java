package dev.talent.migrate.pipeline;

import java.io.IOException;

/**
 * A checkpoint handed to a destination is refused: unsigned, signed wrongly, changed after it was signed, or
 * signed by a key the destination does not trust. Nothing is restored from it; the migration rolls back.
 */
public final class CheckpointSignatureException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointSignatureException(String message) { super(message); }

    public CheckpointSignatureException(String message, Throwable cause) { super(message, cause); }
}
