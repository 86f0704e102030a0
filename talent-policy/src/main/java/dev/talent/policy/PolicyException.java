package dev.talent.policy;

/** A policy file, an alert or a platform probe that talent cannot use; the message says what and where. */
public final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    public PolicyException(String message) { super(message); }

    public PolicyException(String message, Throwable cause) { super(message, cause); }
}
