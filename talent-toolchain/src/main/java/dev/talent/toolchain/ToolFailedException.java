package dev.talent.toolchain;

import java.util.List;

/** An external tool (compiler, archiver) exited with an error; {@link #output()} is what it printed. */
public final class ToolFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<String> command;
    private final int exitCode;
    private final String output;

    public ToolFailedException(String summary, List<String> command, int exitCode, String output) {
        super(summary + " (exit status " + exitCode + ")");
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.output = output;
    }

    public List<String> command() { return command; }

    public int exitCode() { return exitCode; }

    /** The tool's own stdout and stderr, as it printed them. */
    public String output() { return output; }
}
