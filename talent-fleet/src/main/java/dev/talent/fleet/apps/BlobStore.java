package dev.talent.fleet.apps;

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
import java.util.regex.Pattern;

/**
 * A host's content-addressed blobs (binaries, working directory archives): {@code DIR/<sha256>}. A blob is written to
 * a temporary file, counted and hashed as it comes, and renamed into place (atomically) only when its size and
 * SHA-256 are those announced; a blob in the store is therefore always complete and what its name says. Blobs are
 * read-only for everyone and executable (a binary runs from its blob, linked under the app's name).
 */
public final class BlobStore {
    /** The largest blob a host takes (a static binary or a working directory's archive). */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;
    private final long maxBytes;

    public BlobStore(Path dir, long maxBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir.resolve("incoming"));
    }

    /** Refuses anything that is not a lower-case hex SHA-256 (a name from the network names a file here). */
    public static String checkName(String sha256) throws IOException {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IOException("not a blob name (64 lower-case hex digits of a SHA-256): '"
                    + (sha256 == null ? "" : sha256.substring(0, Math.min(80, sha256.length())).replaceAll("[^\\x20-\\x7e]", "?")) + "'");
        }
        return sha256;
    }

    public boolean has(String sha256) throws IOException {
        return Files.isRegularFile(dir.resolve(checkName(sha256)), LinkOption.NOFOLLOW_LINKS);
    }

    /** The blob's file; it must be there. */
    public Path path(String sha256) throws IOException {
        Path p = dir.resolve(checkName(sha256));
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) throw new IOException("this host has no blob " + sha256);
        return p;
    }

    /** A writer of one blob of {@code size} bytes announced as {@code sha256}. */
    public Upload upload(String sha256, long size) throws IOException {
        checkName(sha256);
        if (size < 0 || size > maxBytes) throw new IOException("blob " + sha256 + " of " + size + " bytes: outside the 0.." + maxBytes + " bytes a host takes");
        return new Upload(sha256, size);
    }

    /** Stores {@code in} as blob {@code sha256} of {@code size} bytes (nothing to do when it is there). */
    public void put(String sha256, long size, InputStream in) throws IOException {
        if (has(sha256)) return;
        try (Upload u = upload(sha256, size)) {
            in.transferTo(u.out());
            u.commit();
        }
    }

    /** One blob being written; {@link #commit()} checks and renames it, {@link #close()} drops it otherwise. */
    public final class Upload implements AutoCloseable {
        private final String sha256;
        private final long size;
        private final Path part;
        private final OutputStream file;
        private final MessageDigest digest = sha256();
        private long written;
        private boolean done;

        private Upload(String sha256, long size) throws IOException {
            this.sha256 = sha256;
            this.size = size;
            this.part = Files.createTempFile(dir.resolve("incoming"), sha256.substring(0, 16), ".part");
            this.file = Files.newOutputStream(part, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        }

        /** Where the blob's bytes go (more than announced is refused at once). */
        public OutputStream out() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    written += len;
                    if (written > size) throw new IOException("blob " + sha256 + " is longer than the " + size + " bytes announced");
                    digest.update(b, off, len);
                    file.write(b, off, len);
                }
            };
        }

        public void commit() throws IOException {
            file.close();
            if (written != size) throw new IOException("blob " + sha256 + " is " + written + " bytes, not the " + size + " announced");
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) throw new IOException("blob announced as " + sha256 + " has SHA-256 " + actual + ": refused");
            Files.setPosixFilePermissions(part, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
            Files.move(part, dir.resolve(sha256), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        }

        @Override
        public void close() throws IOException {
            file.close();
            if (!done) Files.deleteIfExists(part);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    /** The SHA-256 (lower-case hex) of a file, as blob names are. */
    public static String digest(Path file) throws IOException {
        MessageDigest d = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
