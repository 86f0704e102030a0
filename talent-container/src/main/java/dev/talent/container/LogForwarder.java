package dev.talent.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * Copies what a container appends to its log file (its stderr) to a sink (talent run's stderr) while it runs,
 * polling every few milliseconds. The log file, not a pipe, is the container's stderr because a pipe to this
 * JVM would be closed by the JDK when {@code runc create} exits. Whole lines are written at once, so the lines
 * of two containers running at the same time (source and destination of a migration) do not interleave; a
 * line without its newline yet is held back for at most one poll.
 */
final class LogForwarder {

    static final long POLL_NANOS = 5_000_000;

    private final FileChannel channel;
    private final OutputStream sink;
    private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile boolean stopping;
    private boolean closed;

    private LogForwarder(FileChannel channel, OutputStream sink, String name) {
        this.channel = channel;
        this.sink = sink;
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    /** Starts forwarding what is appended to {@code log} after {@code offset}. */
    static LogForwarder start(Path log, long offset, OutputStream sink, String name) throws IOException {
        FileChannel channel = FileChannel.open(log, StandardOpenOption.READ);
        channel.position(offset);
        LogForwarder forwarder = new LogForwarder(channel, sink, name);
        forwarder.thread.start();
        return forwarder;
    }

    private void run() {
        try {
            while (!stopping) {
                // parkNanos, not sleep: finish() unparks it at once (an interrupt would close the channel).
                if (!pump(false)) LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (IOException e) {
            // Stop forwarding; the log file keeps everything and logTail still reads it.
        }
    }

    /**
     * Forwards what is left and stops; idempotent. The log file itself stays. It does not wait for the polling
     * thread (a container's exit is told only after this): {@link #pump} is synchronized, so what that thread is
     * forwarding goes first, the rest follows here, and the closed channel ends that thread's loop.
     */
    void finish() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            pump(true);
        } catch (IOException e) {
            // as in run()
        }
        close();
    }

    /** Copies new bytes to the sink; returns whether there were any. */
    private synchronized boolean pump(boolean everything) throws IOException {
        if (closed) return false;
        boolean any = false;
        int n;
        while ((n = channel.read(buffer)) > 0) {
            any = true;
            pending.write(buffer.array(), 0, n);
            buffer.clear();
        }
        byte[] bytes = pending.toByteArray();
        // Hold back an unfinished line only while more is arriving, so a prompt without newline still shows.
        int end = everything || !any ? bytes.length : lastNewline(bytes) + 1;
        if (end > 0) {
            synchronized (sink) {
                sink.write(bytes, 0, end);
                sink.flush();
            }
            pending.reset();
            pending.write(bytes, end, bytes.length - end);
        }
        return any;
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) if (bytes[i] == '\n') return i;
        return -1;
    }

    private synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to read from it
        }
    }
}
