package dev.talent.migrate.control;

/**
 * Thrown by a {@link ControlHandler} to decline a request with a message for the user, e.g. "a migration is
 * already in progress (x86_64 -> s390x)" or "s390y is not one of this run's platforms: x86_64, aarch64". The
 * client receives it as {@link ControlException.Reason#REFUSED}.
 */
public final class ControlRequestException extends Exception {
    private static final long serialVersionUID = 1L;
    public ControlRequestException(String message) {
        super(message);
    }
}
