package dev.talent.fleet;

import java.io.Serial;

/** A fleet operation failed for a reason the user can act on; the message says what and, where known, how to fix it. */
public final class FleetException extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    public FleetException(String message) { super(message); }

    public FleetException(String message, Throwable cause) { super(message, cause); }

    /**
     * The message; never null or blank: a command prints it as the reason it failed, and "null" or nothing says none.
     * One made without a message says its cause's {@link #reason}.
     */
    @Override
    public String getMessage() {
        String m = super.getMessage();
        if (m != null && !m.isBlank()) return m;
        return getCause() == null ? "failed without a reason (a bug: please report it)" : reason(getCause());
    }

    /**
     * Why {@code t} happened, for a message: its own message, else its type and its cause's reason (an exception without
     * a message, such as a NullPointerException of a plain {@code throw} or a gRPC status without a description, must
     * not make a message that says "null" or nothing).
     */
    public static String reason(Throwable t) {
        if (t == null) return "no reason given";
        StringBuilder s = new StringBuilder();
        // (bounded: a cause chain may loop)
        for (int depth = 0; t != null && depth < 8; depth++) {
            if (depth > 0) s.append(": ");
            String m = t.getMessage();
            if (m != null && !m.isBlank()) return s.append(m).toString();
            s.append(t.getClass().getName());
            t = t.getCause();
        }
        return s.toString();
    }
}
