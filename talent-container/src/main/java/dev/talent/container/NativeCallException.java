package dev.talent.container;

import java.io.IOException;

/** A libc call made through FFM failed; {@link #errno()} says why. */
public final class NativeCallException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    NativeCallException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() { return errno; }
}
