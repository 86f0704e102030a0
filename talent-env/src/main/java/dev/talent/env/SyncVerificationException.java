package dev.talent.env;

import java.nio.file.Path;

/**
 * A copied file read back at the destination does not have the SHA-256 of what was read from the source. The
 * file was not put in place (its temporary copy is removed); the destination keeps its previous version.
 */
public final class SyncVerificationException extends SyncException {
    private static final long serialVersionUID = 1L;

    private final String expectedSha256;
    private final String actualSha256;

    public SyncVerificationException(Path file, String expectedSha256, String actualSha256) {
        super("verify", file, "the copy read back has SHA-256 " + actualSha256 + ", the source had " + expectedSha256
                + " (the destination's storage or another writer changed it); sync again", null);
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    public String expectedSha256() { return expectedSha256; }

    public String actualSha256() { return actualSha256; }
}
