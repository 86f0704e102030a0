package dev.talent.compiler;

/**
 * A bug in talent's compiler (not in the user's program): names the pass and the source position that was
 * being processed, so a report can be acted on without a debugger.
 */
public class InternalCompilerError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String pass;
    private final String position;

    public InternalCompilerError(String pass, String position, Throwable cause) {
        super("internal error in pass " + pass + " while processing " + position + ": " + cause, cause);
        this.pass = pass;
        this.position = position;
    }

    public String pass() {
        return pass;
    }

    public String position() {
        return position;
    }
}
