package dev.talent.migrate.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The destination's side of a checkpoint transfer: the statement's signature is verified first, then the bytes are
 * written to a directory of their own (not the one the runtime reads), counted and hashed as they come, and only when
 * size and SHA-256 match the signed statement is the file moved, under its signed name, into the emptied checkpoint
 * directory. A refused checkpoint leaves nothing behind.
 */
public final class CheckpointReceiver {
    private final CheckpointVerifier verifier;
    private final String app;
    private final long maxBytes;

    public CheckpointReceiver(CheckpointVerifier verifier, String app, long maxBytes) {
        this.verifier = verifier;
        this.app = app;
        this.maxBytes = maxBytes;
    }

    /**
     * Receives one checkpoint into {@code checkpointDir} (emptied first, once the file is complete and verified),
     * staging it in {@code incomingDir} (same file system, not visible to the program).
     */
    public void receive(CheckpointSignature signed, InputStream bytes, Path incomingDir, Path checkpointDir,
            DirectoryEmptier emptier) throws IOException {
        verifier.verify(signed, app);
        if (signed.size() < 0 || signed.size() > maxBytes) {
            throw new CheckpointSignatureException("checkpoint " + signed.name() + " says it is " + signed.size()
                    + " bytes, outside the 0.." + maxBytes + " bytes talent accepts; refused");
        }
        Files.createDirectories(incomingDir);
        emptier.empty(incomingDir);
        Path part = incomingDir.resolve(signed.name() + ".part");
        MessageDigest sha = sha256();
        long total = 0;
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = bytes.read(buf)) > 0) {
                total += n;
                if (total > signed.size()) {
                    throw new CheckpointSignatureException("checkpoint " + signed.name() + " is longer than the "
                            + signed.size() + " bytes its signature covers; refused");
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
            }
            if (total != signed.size()) {
                throw new CheckpointSignatureException("checkpoint " + signed.name() + " is " + total + " bytes, not the "
                        + signed.size() + " bytes its signature covers; refused");
            }
            byte[] digest = sha.digest();
            if (!MessageDigest.isEqual(digest, signed.sha256())) {
                throw new CheckpointSignatureException("checkpoint " + signed.name() + " does not match its signature: "
                        + "its SHA-256 is " + HexFormat.of().formatHex(digest) + ", the signed one "
                        + HexFormat.of().formatHex(signed.sha256()) + " (changed on the way); refused");
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        emptier.empty(checkpointDir);
        Files.move(part, checkpointDir.resolve(signed.name()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Empties a directory without following links (talent's {@code StateFiles}). */
    @FunctionalInterface
    public interface DirectoryEmptier {
        void empty(Path dir) throws IOException;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }
}
