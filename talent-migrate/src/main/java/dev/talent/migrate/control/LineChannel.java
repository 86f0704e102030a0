package dev.talent.migrate.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Line-at-a-time I/O on a connected socket: the protocol is one JSON line each way. Reads can have a deadline
 * (a selector, since socket channels have no read timeout) or wait indefinitely.
 */
final class LineChannel {
    /** Generous for a status with many records; a line longer than this is not ours. */
    static final int MAX_LINE_BYTES = 1 << 20;

    /** The read did not end before its deadline. */
    static final class TimeoutException extends IOException {
        private static final long serialVersionUID = 1L;
        TimeoutException() {
            super("timed out");
        }
    }

    /** The line exceeded {@link #MAX_LINE_BYTES}. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;
        LineTooLongException() {
            super("line longer than " + MAX_LINE_BYTES + " bytes");
        }
    }

    private final SocketChannel channel;

    private byte[] rest = new byte[0];
    private int restPos;

    /**
     * Reads exactly {@code n} bytes (after the lines read so far), within {@code timeout}.
     *
     * @throws IOException the peer closed the connection first, or the time ran out
     */
    byte[] readExactly(int n, Duration timeout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(n, 1 << 16));
        int fromRest = Math.min(n, rest.length - restPos);
        out.write(rest, restPos, fromRest);
        restPos += fromRest;
        long deadline = System.nanoTime() + timeout.toNanos();
        if (out.size() == n) return out.toByteArray();
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (out.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new TimeoutException();
                selector.select(Math.max(1, Duration.ofNanos(left).toMillis()));
                selector.selectedKeys().clear();
                buffer.clear().limit(Math.min(buffer.capacity(), n - out.size()));
                int r = channel.read(buffer);
                if (r < 0) throw new IOException("the peer closed the connection after " + out.size() + " of " + n + " bytes");
                out.write(buffer.array(), 0, r);
            }
        } finally {
            if (channel.isOpen()) channel.configureBlocking(true);
        }
        return out.toByteArray();
    }

    /** Writes raw bytes (blocking). */
    void write(byte[] data) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(data);
        while (bytes.hasRemaining()) channel.write(bytes);
    }

    LineChannel(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Reads up to the first line break (not included), or to the end of the stream if the peer closed it without
     * one. Empty when the peer closed the connection before sending anything.
     *
     * @param timeout empty: wait as long as it takes
     */
    Optional<String> readLine(Optional<Duration> timeout) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        // bytes read past the previous line (an HTTP request's headers and body come in one read)
        while (restPos < rest.length) {
            byte b = rest[restPos++];
            if (b == '\n') return Optional.of(line.toString(StandardCharsets.UTF_8));
            if (line.size() >= MAX_LINE_BYTES) throw new LineTooLongException();
            line.write(b);
        }
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(0L);
        Selector selector = null;
        try {
            if (timeout.isPresent()) {
                channel.configureBlocking(false);
                selector = Selector.open();
                channel.register(selector, SelectionKey.OP_READ);
            }
            while (true) {
                if (selector != null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) throw new TimeoutException();
                    selector.select(Math.max(1, Duration.ofNanos(left).toMillis()));
                    selector.selectedKeys().clear();
                }
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    return line.size() == 0 ? Optional.empty() : Optional.of(line.toString(StandardCharsets.UTF_8));
                }
                for (int i = 0; i < n; i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        rest = java.util.Arrays.copyOfRange(buffer.array(), i + 1, n);
                        restPos = 0;
                        return Optional.of(line.toString(StandardCharsets.UTF_8));
                    }
                    if (line.size() >= MAX_LINE_BYTES) throw new LineTooLongException();
                    line.write(b);
                }
            }
        } finally {
            if (selector != null) {
                selector.close();
                if (channel.isOpen()) channel.configureBlocking(true);
            }
        }
    }

    /** Writes {@code line} and a line break (blocking). */
    void writeLine(String line) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) channel.write(bytes);
    }
}
