package dev.talent.migrate;

import java.io.IOException;

/**
 * talent does not take a checkpoint the program left (no checkpoint file, not a regular file, too large, not
 * a checkpoint), or one that it kept fails its authentication. A migration under way rolls back.
 */
public final class CheckpointRefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    public CheckpointRefusedException(String message) { super(message); }

    public CheckpointRefusedException(String message, Throwable cause) { super(message, cause); }
}
