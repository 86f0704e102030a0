package dev.talent.cli;

/**
 * Exit statuses of talent's own commands (sysexits.h values, like the runtime's). {@code exec} otherwise passes
 * the program's status through, so its own failures use values a program rarely uses.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** The command ran and found a problem: a build error, a damaged checkpoint, a demo mismatch. */
    public static final int FAILURE = 1;
    /** Bad command line. */
    public static final int USAGE = 64;
    /** Something needed is not there: a binary, a compiler, an emulator (the message says what to install). */
    public static final int UNAVAILABLE = 69;
    /** talent run: the program could not be kept running (a rollback failed); its checkpoint is kept. */
    public static final int IO_ERROR = 74;
    /** Not allowed: signalling another user's process. */
    public static final int NO_PERMISSION = 77;
    /** A bug in talent. */
    public static final int INTERNAL = 70;

    private ExitCodes() {}
}
