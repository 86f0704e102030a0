package dev.talent.migrate;

/** A migration step failed; the message says what, {@link #logTail()} is the failing container's own log. */
public final class MigrationFailedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Step step;
    private final String logTail;

    public MigrationFailedException(Step step, String message, String logTail, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.logTail = logTail == null ? "" : logTail;
    }

    public MigrationFailedException(Step step, String message) { this(step, message, "", null); }

    public Step step() { return step; }

    public String logTail() { return logTail; }

    /** The message with the container's log tail, as logged and shown to the operator. */
    public String describe() {
        return logTail.isBlank() ? getMessage() : getMessage() + "; container log:\n" + logTail.strip();
    }
}
