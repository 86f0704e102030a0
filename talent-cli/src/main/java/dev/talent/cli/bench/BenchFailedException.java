package dev.talent.cli.bench;

/** A benchmark could not produce a trustworthy result: a build failed, a run failed, or outputs differed. */
public final class BenchFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public BenchFailedException(String message) { super(message); }

    public BenchFailedException(String message, Throwable cause) { super(message, cause); }
}
