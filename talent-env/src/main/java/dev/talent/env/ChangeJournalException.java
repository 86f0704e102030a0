package dev.talent.env;

import java.io.IOException;

/** A change journal could not be started or read; the message says what failed and what to do about it. */
public final class ChangeJournalException extends IOException {
    private static final long serialVersionUID = 1L;

    public ChangeJournalException(String message) { super(message); }

    public ChangeJournalException(String message, Throwable cause) { super(message, cause); }
}
