package dev.talent.migrate.control;

/**
 * A control-channel operation failed. The message is complete and meant for the user (what failed, which path,
 * what to do); {@link #reason()} lets the CLI choose an exit status without parsing it.
 */
public final class ControlException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, for exit statuses and for callers that react differently to some of them. */
    public enum Reason {
        /** The app name cannot name a socket (characters, length). */
        BAD_NAME,
        /** No app with that name answers: no socket, or a stale one. */
        NOT_RUNNING,
        /** Starting a server: an app with that name already answers on the socket. */
        ALREADY_RUNNING,
        /** The control directory or a socket belongs to another user or is open to others; nothing was used. */
        UNSAFE_DIRECTORY,
        /** The other side is another user's (file permissions, or the server refused our uid). */
        PERMISSION_DENIED,
        /** The app did not answer in time. */
        TIMEOUT,
        /** The app answered with an error: it understood the request and declined it (busy, unknown platform...). */
        REFUSED,
        /** The other side does not speak this protocol (malformed line, missing field): a version mismatch or a bug. */
        PROTOCOL,
        /** The app failed while answering: a bug in talent run (the message has the exception). */
        INTERNAL,
        /** Any other I/O failure (the message carries the system's). */
        IO
    }

    private final Reason reason;

    public ControlException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ControlException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
