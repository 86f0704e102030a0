package dev.talent.container;

/**
 * A container could not be created, started, signalled or deleted. The message says which step failed for
 * which container and what to do; {@link #logTail()} holds the last lines of what the failing process (runc or
 * the container) printed, empty when there is none, for the caller to show under the message.
 */
public final class ContainerException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String logTail;

    public ContainerException(String message) {
        this(message, "", null);
    }

    public ContainerException(String message, Throwable cause) {
        this(message, "", cause);
    }

    public ContainerException(String message, String logTail) {
        this(message, logTail, null);
    }

    public ContainerException(String message, String logTail, Throwable cause) {
        super(message, cause);
        this.logTail = logTail == null ? "" : logTail.strip();
    }

    /** The last lines of the failing process's output (runc's or the container's stderr); may be empty. */
    public String logTail() { return logTail; }
}
