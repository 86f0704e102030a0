package dev.talent.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a container's program ended, as talent-init recorded it in the bundle's {@code exit/status} (see talent-init.c):
 * {@code exited N} or {@code killed N}. The record outlives the container's parent, so a process that did not start
 * the container (a restarted agent) learns the status once the container stopped.
 *
 * <p>The file is in a directory the container's program can write too, so it is hostile input: read only when it is
 * a regular file (never through a link), at most {@link #MAX_BYTES} bytes, one exact line; anything else is no record.
 *
 * @param status the exit status (0-255) when the program exited, else 0
 * @param signal the number of the signal that killed it (1-64), else 0
 */
public record ContainerExit(int status, int signal) {
    static final String FILE = "status";
    static final int MAX_BYTES = 32;
    private static final Pattern LINE = Pattern.compile("(exited|killed) (0|[1-9][0-9]{0,2})\n");
    /** Linux's highest signal number (SIGRTMAX). */
    static final int MAX_SIGNAL = 64;

    public ContainerExit {
        if (signal == 0 ? status < 0 || status > 255 : signal < 1 || signal > MAX_SIGNAL || status != 0)
            throw new IllegalArgumentException("not a container exit: status " + status + ", signal " + signal);
    }

    /** The status as talent-init exits with it (and as a shell reports it): the exit status, or 128 + the signal. */
    public int code() { return signal == 0 ? status : 128 + signal; }

    @Override
    public String toString() { return signal == 0 ? "exit status " + status : "killed by signal " + signal; }

    /** Parses the record's text; empty when it is not exactly one well-formed line. */
    static Optional<ContainerExit> parse(String text) {
        Matcher m = LINE.matcher(text);
        if (!m.matches()) return Optional.empty();
        int n = Integer.parseInt(m.group(2));
        if (m.group(1).equals("exited")) return n <= 255 ? Optional.of(new ContainerExit(n, 0)) : Optional.empty();
        return n >= 1 && n <= MAX_SIGNAL ? Optional.of(new ContainerExit(0, n)) : Optional.empty();
    }

    /**
     * The record in {@code exitDir} (a container bundle's {@code exit/}); empty when there is none or it does not hold
     * up. Read only after the container stopped (nothing in it runs then to swap the file between the check and the
     * read; the open does not follow a link either way).
     */
    static Optional<ContainerExit> read(Path exitDir) throws IOException {
        Path file = exitDir.resolve(FILE);
        BasicFileAttributes a;
        try {
            if (!Files.isDirectory(exitDir, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!a.isRegularFile() || a.size() > MAX_BYTES) return Optional.empty();
        ByteBuffer b = ByteBuffer.allocate(MAX_BYTES + 1);
        try (SeekableByteChannel c = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (b.hasRemaining() && c.read(b) > 0) {
                // bounded by the buffer
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (b.position() > MAX_BYTES) return Optional.empty();
        return parse(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
    }
}
