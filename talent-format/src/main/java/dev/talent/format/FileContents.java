package dev.talent.format;

import java.util.Objects;

/**
 * The contents a checkpoint carries of a file without a name ({@code TMPF}, docs/FORMAT.md), as {@code talent inspect}
 * shows them: the open file description they belong to, their length, their SHA-256 (hex) and their first
 * {@link #HEAD_MAX} bytes at most. The whole bytes stay in the checkpoint: up to 64 MiB are not copied into the model.
 */
public record FileContents(long description, long length, String sha256, ByteString head) {
    /** How many of the first bytes the model keeps. */
    public static final int HEAD_MAX = 4096;

    public FileContents {
        if (length < 0 || length > RuntimeContract.TMPF_MAX) throw new IllegalArgumentException("length " + length);
        if (!Objects.requireNonNull(sha256).matches("[0-9a-f]{64}")) throw new IllegalArgumentException("sha256 " + sha256);
        if (head.length() > Math.min(length, HEAD_MAX)) throw new IllegalArgumentException("head of " + head.length());
    }

    /** Whether {@link #head} is all of the contents. */
    public boolean whole() { return head.length() == length; }
}
