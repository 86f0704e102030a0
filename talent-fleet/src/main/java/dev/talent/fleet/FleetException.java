package dev.talent.fleet;

import java.io.Serial;

/** A fleet operation failed for a reason the user can act on; the message says what and, where known, how to fix it. */
public final class FleetException extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    public FleetException(String message) { super(message); }

    public FleetException(String message, Throwable cause) { super(message, cause); }
}
