package dev.talent.cli;

/** The demo could not complete: a run ended unexpectedly or a checkpoint could not be read. */
public final class DemoFailedException extends Exception {
    private static final long serialVersionUID = 1L;
    public DemoFailedException(String message) { super(message); }

    public DemoFailedException(String message, Throwable cause) { super(message, cause); }
}
